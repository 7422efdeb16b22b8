/*
 * custscan-bench-ipc: round-trip time of the register link, beside a bare
 * nanomsg REQ/REP round trip of the same message sizes, in the same run.
 *
 *   custscan-bench-ipc [--scans N] [--dir DIR] [--port PORT]
 *
 * For ipc:// (in DIR) and tcp://127.0.0.1 (PORT and PORT+1): a forked child
 * is the register (ipc/register.h, answering every scan "attached" with a
 * name) and this process the display (ipc/display.h); each of N scans is
 * timed from ipc_display_scan() to the RESULT event. The baseline is a child
 * REP socket that answers each request with a fixed reply as long as ours,
 * to a parent REQ sending requests as long as a scan. Prints a Markdown table
 * of median and p99 in microseconds.
 */
#include "ipc/display.h"
#include "ipc/register.h"

#include <getopt.h>
#include <nanomsg/nn.h>
#include <nanomsg/reqrep.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static void report(const char *transport, const char *what, double *us, int n, size_t req,
		   size_t rep)
{
	qsort(us, (size_t)n, sizeof(*us), cmp_double);
	printf("| %s | %s | %d | %zu / %zu | %.1f | %.1f |\n", transport, what, n, req, rep,
	       us[n / 2], us[(int)((double)n * 0.99)]);
	fflush(stdout);
}

/* A scan and its answer as they go on the wire, for the baseline's sizes. */
static void wire_sizes(size_t *req, size_t *rep)
{
	char buf[IPC_MSG_MAX + 1];
	struct ipc_msg m;

	ipc_msg_init(&m, IPC_MSG_SCAN);
	snprintf(m.scan_id, sizeof(m.scan_id), "0123abcd-1000");
	snprintf(m.customer_id, sizeof(m.customer_id), "1001");
	snprintf(m.order, sizeof(m.order), "bench-1");
	m.time_ms = 1732368000123;
	*req = (size_t)ipc_msg_format(&m, buf, sizeof(buf), NULL);
	ipc_msg_init(&m, IPC_MSG_RESULT);
	snprintf(m.scan_id, sizeof(m.scan_id), "0123abcd-1000");
	snprintf(m.name, sizeof(m.name), "Ada");
	*rep = (size_t)ipc_msg_format(&m, buf, sizeof(buf), NULL);
}

/*
 * nanomsg's worker threads do not survive fork(): each child is this program
 * run again with a --child-* option.
 */
static pid_t spawn(const char *role, const char *a, const char *b)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl("/proc/self/exe", "custscan-bench-ipc", role, a, b, (char *)NULL);
		_exit(127);
	}
	return pid;
}

/* The bare REP child: answers every request with a reply of rep bytes. */
static void rep_child(const char *addr, size_t rep)
{
	char in[IPC_MSG_MAX];
	char *repbuf = malloc(rep);
	int r = nn_socket(AF_SP, NN_REP);

	if (!repbuf || r < 0 || nn_connect(r, addr) < 0)
		_exit(1);
	memset(repbuf, 'y', rep);
	for (;;)
		if (nn_recv(r, in, sizeof(in), 0) >= 0)
			nn_send(r, repbuf, rep, 0);
}

/* The register child: answers every scan until killed. */
static void register_child(const char *scan_addr, const char *control_addr)
{
	struct ipc_register_config cfg;
	struct ipc_register *r;
	struct ipc_register_event ev;

	ipc_register_config_init(&cfg);
	snprintf(cfg.scan_addr, sizeof(cfg.scan_addr), "%s", scan_addr);
	snprintf(cfg.control_addr, sizeof(cfg.control_addr), "%s", control_addr);
	r = ipc_register_create(&cfg, NULL);
	if (!r || ipc_register_enable(r, "bench-1", 0) < 0)
		_exit(1);
	for (;;)
		if (ipc_register_next(r, &ev, 1000) == 1 && ev.type == IPC_REGISTER_EV_SCAN)
			ipc_register_answer(r, ev.msg.scan_id, IPC_RESULT_ATTACHED, NULL, "Ada");
}

static int bench_link(const char *transport, const char *scan_addr, const char *control_addr, int n,
		      double *us, size_t req, size_t rep)
{
	struct ipc_display_config cfg;
	struct ipc_display *d;
	struct ipc_display_event ev;
	struct ipc_error err = {0};
	pid_t child;
	int done = 0;

	ipc_display_config_init(&cfg);
	snprintf(cfg.scan_addr, sizeof(cfg.scan_addr), "%s", scan_addr);
	snprintf(cfg.control_addr, sizeof(cfg.control_addr), "%s", control_addr);
	d = ipc_display_create(&cfg, &err);
	if (!d) {
		fprintf(stderr, "custscan-bench-ipc: %s\n", err.detail);
		return -1;
	}
	child = spawn("--child-register", scan_addr, control_addr);
	while (!ipc_display_scan_mode(d))
		ipc_display_next(d, &ev, 1000);
	for (int i = 0; i < n; i++) {
		double t0 = now_us();

		if (ipc_display_scan(d, "1001", IPC_SYM_QR, NULL) < 0)
			break;
		while (ipc_display_next(d, &ev, 1000) >= 0 && ev.type != IPC_DISPLAY_EV_RESULT &&
		       ev.type != IPC_DISPLAY_EV_NO_ANSWER)
			;
		if (ev.type != IPC_DISPLAY_EV_RESULT)
			break;
		us[done++] = now_us() - t0;
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	ipc_display_destroy(d);
	if (done < n)
		fprintf(stderr, "custscan-bench-ipc: %s: only %d of %d answered\n", transport, done,
			n);
	report(transport, "custscan link (display ↔ register)", us, done, req, rep);
	return 0;
}

static int bench_bare(const char *transport, const char *addr, int n, double *us, size_t req,
		      size_t rep)
{
	char *reqbuf = malloc(req), in[IPC_MSG_MAX];
	int s = nn_socket(AF_SP, NN_REQ);
	pid_t child;
	int done = 0;

	memset(reqbuf, 'x', req);
	if (s < 0 || nn_bind(s, addr) < 0) {
		fprintf(stderr, "custscan-bench-ipc: bind %s: %s\n", addr, nn_strerror(nn_errno()));
		free(reqbuf);
		return -1;
	}
	child = spawn("--child-rep", addr, NULL);
	for (int i = 0; i < n; i++) {
		double t0 = now_us();

		if (nn_send(s, reqbuf, req, 0) < 0 || nn_recv(s, in, sizeof(in), 0) < 0)
			break;
		us[done++] = now_us() - t0;
	}
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	nn_close(s);
	free(reqbuf);
	report(transport, "bare nanomsg REQ/REP", us, done, req, rep);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"scans", required_argument, NULL, 'n'},
	    {"dir", required_argument, NULL, 'd'},
	    {"port", required_argument, NULL, 'p'},
	    {NULL, 0, NULL, 0},
	};
	/* the socket addresses add at most 24 bytes to the directory */
	char dir[IPC_ADDR_BUFSZ - 24] = "", scan[IPC_ADDR_BUFSZ], control[IPC_ADDR_BUFSZ],
				  bare[IPC_ADDR_BUFSZ];
	int n = 5000, port = 25560, c;
	size_t req, rep;
	double *us;

	wire_sizes(&req, &rep);
	if (argc == 4 && strcmp(argv[1], "--child-register") == 0)
		register_child(argv[2], argv[3]);
	if (argc == 3 && strcmp(argv[1], "--child-rep") == 0) {
		rep_child(argv[2], rep);
		return 1;
	}
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == 'n')
			n = atoi(optarg);
		else if (c == 'd' && strlen(optarg) < sizeof(dir))
			snprintf(dir, sizeof(dir), "%s", optarg);
		else if (c == 'd')
			return 2; /* too long for a socket address */
		else if (c == 'p')
			port = atoi(optarg);
		else
			return 2;
	}
	if (n <= 0)
		return 2;
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/custscan-bench-XXXXXX");
		if (!mkdtemp(dir))
			return 1;
	}
	us = malloc(sizeof(*us) * (size_t)n);
	if (!us)
		return 1;
	printf("| transport | what | scans | request / reply bytes | median µs | p99 µs |\n");
	printf("|---|---|---|---|---|---|\n");

	snprintf(scan, sizeof(scan), "ipc://%s/run/scan.sock", dir);
	snprintf(control, sizeof(control), "ipc://%s/run/control.sock", dir);
	snprintf(bare, sizeof(bare), "ipc://%s/bare.sock", dir);
	bench_bare("ipc://", bare, n, us, req, rep);
	bench_link("ipc://", scan, control, n, us, req, rep);
	unlink(bare + 6);

	snprintf(scan, sizeof(scan), "tcp://127.0.0.1:%d", port);
	snprintf(control, sizeof(control), "tcp://127.0.0.1:%d", port + 1);
	snprintf(bare, sizeof(bare), "tcp://127.0.0.1:%d", port + 2);
	bench_bare("tcp://127.0.0.1", bare, n, us, req, rep);
	bench_link("tcp://127.0.0.1", scan, control, n, us, req, rep);
	free(us);
	snprintf(scan, sizeof(scan), "%s/run/scan.sock", dir);
	unlink(scan);
	snprintf(scan, sizeof(scan), "%s/run/control.sock", dir);
	unlink(scan);
	snprintf(scan, sizeof(scan), "%s/run", dir);
	rmdir(scan);
	rmdir(dir);
	return 0;
}
