/*
 * custscan-ipc-cli: the display's side of the register link from the
 * command line, for trying a register integration without a camera.
 *
 *   custscan-ipc-cli [--scan ADDR] [--control ADDR] [options] [ID...]
 *
 * It binds the display's two sockets and prints every event as one JSON
 * line on standard output: {"event":"ready"} once bound, then "enable",
 * "disable", "show", "result", "no_answer", "stale", "bad_message". With ids
 * on the command line it waits for scan mode, scans each id in turn, waits
 * for its final answer and exits: 0 if every id was attached, 1 otherwise.
 * A status query asking for metrics is answered with what a display
 * without a camera knows (its scans, answers and time-outs; no frames, no
 * latencies) and printed as {"event":"metrics",...}.
 * Without ids it reads commands from standard input, one a line:
 *   scan ID [SYMBOLOGY [RULE CARD]]
 *                          hand a card id to the link (qr, code128, ...; a card
 *                          rule's name and card number, as card rules send them)
 *   camera STATE           the camera state "status" reports
 *   quit
 * Exit status 2 for a usage error, 3 if the sockets cannot be bound.
 */
#include "ipc/display.h"

#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Longest command line read from standard input. */
#define LINE_MAX_LEN 512

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

/* Prints one event as a JSON line. */
static void print_event(const struct ipc_display_event *ev)
{
	static const char *const names[] = {
	    [IPC_DISPLAY_EV_NONE] = "none",	  [IPC_DISPLAY_EV_ENABLE] = "enable",
	    [IPC_DISPLAY_EV_DISABLE] = "disable", [IPC_DISPLAY_EV_SHOW] = "show",
	    [IPC_DISPLAY_EV_RESULT] = "result",	  [IPC_DISPLAY_EV_NO_ANSWER] = "no_answer",
	    [IPC_DISPLAY_EV_STALE] = "stale",	  [IPC_DISPLAY_EV_BAD_MESSAGE] = "bad_message",
	};
	json_object *o = json_object_new_object();

	json_object_object_add(o, "event", json_object_new_string(names[ev->type]));
	switch (ev->type) {
	case IPC_DISPLAY_EV_ENABLE:
		json_object_object_add(o, "order", json_object_new_string(ev->msg.order));
		json_object_object_add(o, "timeout_ms", json_object_new_int64(ev->msg.timeout_ms));
		break;
	case IPC_DISPLAY_EV_DISABLE:
		json_object_object_add(o, "timed_out", json_object_new_boolean(ev->timed_out));
		break;
	case IPC_DISPLAY_EV_SHOW:
		json_object_object_add(o, "text", json_object_new_string(ev->msg.text));
		break;
	case IPC_DISPLAY_EV_RESULT:
		json_object_object_add(o, "result",
				       json_object_new_string(ipc_result_name(ev->msg.result)));
		json_object_object_add(o, "final", json_object_new_boolean(ev->final));
		if (ev->msg.reason[0])
			json_object_object_add(o, "reason", json_object_new_string(ev->msg.reason));
		if (ev->msg.name[0])
			json_object_object_add(o, "name", json_object_new_string(ev->msg.name));
		/* fall through */
	case IPC_DISPLAY_EV_NO_ANSWER:
	case IPC_DISPLAY_EV_STALE:
		json_object_object_add(o, "scan_id", json_object_new_string(ev->msg.scan_id));
		json_object_object_add(o, "customer_id", json_object_new_string(ev->customer_id));
		break;
	case IPC_DISPLAY_EV_BAD_MESSAGE:
		json_object_object_add(o, "error",
				       json_object_new_string(ipc_error_code_name(ev->error.code)));
		json_object_object_add(o, "detail", json_object_new_string(ev->error.detail));
		break;
	case IPC_DISPLAY_EV_NONE:
		break;
	}
	puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(o);
}

/* The link asks for metrics (docs/PROTOCOL.md, "Metrics"): the link's counts. */
static void cli_metrics(void *ctx, struct ipc_metrics *out)
{
	struct ipc_display *const *d = ctx;
	struct ipc_counters c;

	ipc_display_counters(*d, &c);
	out->ids_emitted = out->scans_sent = c.scans;
	out->register_answers = c.answered;
	out->register_timeouts = c.no_answer;
	out->n_buckets = 1; /* no camera: no latencies, one empty bucket */
	out->le_ms[0] = 1000;
	printf("{\"event\":\"metrics\",\"scans_sent\":%llu,\"register_answers\":%llu,"
	       "\"register_timeouts\":%llu}\n",
	       (unsigned long long)out->scans_sent, (unsigned long long)out->register_answers,
	       (unsigned long long)out->register_timeouts);
	fflush(stdout);
}

static void print_scan(const char *scan_id, const char *customer_id, int rc)
{
	if (rc == 0)
		printf("{\"event\":\"scan\",\"scan_id\":\"%s\",\"customer_id\":\"%s\"}\n", scan_id,
		       customer_id);
	else
		printf("{\"event\":\"scan_refused\",\"error\":\"%s\"}\n", ipc_error_code_name(rc));
	fflush(stdout);
}

/* Handles one command line. Returns false on quit. */
static bool command(struct ipc_display *d, char *line)
{
	char id[IPC_ID_BUFSZ + 1] = "", sym_name[16] = "qr", scan_id[IPC_ID_BUFSZ];
	char rule[IPC_WORD_BUFSZ + 1] = "", card[IPC_ORDER_BUFSZ + 1] = "";
	enum ipc_symbology sym;

	line[strcspn(line, "\r\n")] = '\0';
	if (strcmp(line, "quit") == 0)
		return false;
	if (strncmp(line, "camera ", 7) == 0) {
		if (ipc_display_set_camera(d, line + 7) < 0)
			fprintf(stderr, "custscan-ipc-cli: bad camera state\n");
		return true;
	}
	if (sscanf(line, "scan %65s %15s %33s %65s", id, sym_name, rule, card) >= 1) {
		int rc = ipc_symbology_parse(sym_name, &sym);

		if (rc == 0)
			rc = ipc_display_scan_card(d, id, sym, rule, card, scan_id);
		print_scan(scan_id, id, rc);
		return true;
	}
	if (line[0])
		fprintf(stderr, "custscan-ipc-cli: unknown command\n");
	return true;
}

static bool read_input(struct ipc_display *d, bool *open)
{
	static char buf[LINE_MAX_LEN];
	static size_t used;
	ssize_t n = read(STDIN_FILENO, buf + used, sizeof(buf) - 1 - used);
	char *nl;

	if (n <= 0) {
		if (n < 0 && errno == EINTR)
			return true;
		*open = false;
		return true;
	}
	used += (size_t)n;
	buf[used] = '\0';
	while ((nl = strchr(buf, '\n'))) {
		*nl = '\0';
		if (!command(d, buf))
			return false;
		used -= (size_t)(nl + 1 - buf);
		memmove(buf, nl + 1, used + 1);
	}
	if (used == sizeof(buf) - 1)
		used = 0;
	return true;
}

static void usage(FILE *out)
{
	fputs("usage: custscan-ipc-cli [options] [ID...]\n"
	      "The display's side of the register link, driven from the command line.\n"
	      "\n"
	      "  --scan ADDR          scan socket to bind (default " IPC_DEFAULT_SCAN_ADDR ")\n"
	      "  --control ADDR       control socket to bind (default " IPC_DEFAULT_CONTROL_ADDR
	      ")\n"
	      "  --answer-timeout-ms N  give a scan up after N ms (default 2000)\n"
	      "  --wait-ms N          with IDs: wait at most N ms for scan mode (default 10000)\n"
	      "  --group NAME         group allowed to use ipc:// sockets\n"
	      "  --allow-remote       let tcp:// bind other than loopback\n"
	      "  --scan-id-prefix P   scan ids are P-1, P-2, ... (default random)\n"
	      "  -h, --help           this text\n",
	      out);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"scan", required_argument, NULL, 's'},
	    {"control", required_argument, NULL, 'c'},
	    {"answer-timeout-ms", required_argument, NULL, 't'},
	    {"wait-ms", required_argument, NULL, 'w'},
	    {"group", required_argument, NULL, 'g'},
	    {"allow-remote", no_argument, NULL, 'r'},
	    {"scan-id-prefix", required_argument, NULL, 'p'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct ipc_display_config cfg;
	struct ipc_display *d = NULL; /* read by cli_metrics once created */
	struct ipc_error err = {0};
	struct sigaction sa;
	int wait_ms = 10000;
	bool input_open = true;
	int next_id, waiting = 0, failed = 0;
	int c;

	ipc_display_config_init(&cfg);
	cfg.metrics = cli_metrics;
	cfg.metrics_ctx = &d;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 's':
			snprintf(cfg.scan_addr, sizeof(cfg.scan_addr), "%s", optarg);
			break;
		case 'c':
			snprintf(cfg.control_addr, sizeof(cfg.control_addr), "%s", optarg);
			break;
		case 't':
			cfg.answer_timeout_ms = atoi(optarg);
			break;
		case 'w':
			wait_ms = atoi(optarg);
			break;
		case 'g':
			snprintf(cfg.ipc_group, sizeof(cfg.ipc_group), "%s", optarg);
			break;
		case 'r':
			cfg.allow_remote = true;
			break;
		case 'p':
			snprintf(cfg.scan_id_prefix, sizeof(cfg.scan_id_prefix), "%s", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGALRM, &sa, NULL);

	d = ipc_display_create(&cfg, &err);
	if (!d) {
		fprintf(stderr, "custscan-ipc-cli: %s: %s\n", ipc_strerror(err.code), err.detail);
		return 3;
	}
	puts("{\"event\":\"ready\"}");
	fflush(stdout);

	next_id = optind;
	if (next_id < argc)
		alarm((unsigned)(wait_ms / 1000 + 1)); /* scan mode must come by then */
	while (!stop) {
		struct pollfd fds[IPC_DISPLAY_POLLFDS + 1];
		struct ipc_display_event ev;
		bool interactive = optind == argc;
		int n = ipc_display_pollfds(d, fds);
		int rc;

		if (interactive && input_open)
			fds[n++] = (struct pollfd){.fd = STDIN_FILENO, .events = POLLIN};
		if (poll(fds, (nfds_t)n, ipc_display_timeout_ms(d)) < 0 && errno != EINTR)
			break;
		if (interactive && input_open && fds[n - 1].revents && !read_input(d, &input_open))
			break;
		while ((rc = ipc_display_next(d, &ev, 0)) == 1) {
			print_event(&ev);
			if ((ev.type == IPC_DISPLAY_EV_RESULT && ev.final) ||
			    ev.type == IPC_DISPLAY_EV_NO_ANSWER ||
			    ev.type == IPC_DISPLAY_EV_STALE) {
				waiting -= waiting > 0;
				failed += !(ev.type == IPC_DISPLAY_EV_RESULT &&
					    ev.msg.result == IPC_RESULT_ATTACHED);
			}
		}
		if (rc < 0)
			break;
		if (!interactive && !waiting && ipc_display_scan_mode(d)) {
			char scan_id[IPC_ID_BUFSZ];

			if (next_id == argc)
				break;
			alarm(0);
			rc = ipc_display_scan(d, argv[next_id], IPC_SYM_QR, scan_id);
			print_scan(scan_id, argv[next_id], rc);
			failed += rc != 0;
			waiting += rc == 0;
			next_id++;
		}
	}
	ipc_display_destroy(d);
	if (optind < argc)
		return failed || next_id < argc || stop ? 1 : 0;
	return 0;
}
