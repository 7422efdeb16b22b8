/*
 * The register link between real processes over real sockets: the display's
 * side (this test, through ipc/display.h, or custscan-ipc-cli) against
 * custscan-register, nanocat (a foreign nanomsg peer) and an NNG program
 * (wire compatibility), over ipc:// in a private temporary directory and
 * tcp://127.0.0.1 on a free port. Each side is killed and restarted mid-flow:
 * no scan made while both are up is lost, none is attached twice, none that
 * was given up is delivered later.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "ipc/display.h"

#define REGISTER  CUSTSCAN_BINARY_DIR "/app/custscan-register"
#define CLI	  CUSTSCAN_BINARY_DIR "/tools/custscan-ipc-cli"
#define NNG_PEER  CUSTSCAN_BINARY_DIR "/tests/custscan-test-nng-register"
#define WAIT_MS	  8000
#define OUT_BUFSZ 65536

/* A child process with its standard input and output on pipes. */
struct proc {
	pid_t pid;
	int in;		     /* write end of its stdin, or -1 */
	int out;	     /* read end of its stdout */
	char buf[OUT_BUFSZ]; /* everything it printed so far */
	size_t used;
	size_t seen; /* how far proc_line has looked */
};

/* What every test shares: a private directory and a display. */
struct fixture {
	char dir[64];
	char csv[128];
	char scan_addr[IPC_ADDR_BUFSZ];
	char control_addr[IPC_ADDR_BUFSZ];
	struct ipc_display *d;
	struct ipc_display_event ev;
	struct proc *reg;
	struct proc *peer;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static struct proc *proc_start(char *const argv[])
{
	struct proc *p = calloc(1, sizeof(*p));
	int in[2], out[2];

	assert_non_null(p);
	assert_int_equal(pipe(in), 0);
	assert_int_equal(pipe(out), 0);
	p->pid = fork();
	assert_true(p->pid >= 0);
	if (p->pid == 0) {
		dup2(in[0], STDIN_FILENO);
		dup2(out[1], STDOUT_FILENO);
		close(in[0]), close(in[1]), close(out[0]), close(out[1]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	p->in = in[1];
	p->out = out[0];
	fcntl(p->out, F_SETFL, O_NONBLOCK);
	return p;
}

static void proc_read(struct proc *p)
{
	ssize_t n;

	while (p->used < sizeof(p->buf) - 1 &&
	       (n = read(p->out, p->buf + p->used, sizeof(p->buf) - 1 - p->used)) > 0)
		p->used += (size_t)n;
	p->buf[p->used] = '\0';
}

static void proc_say(struct proc *p, const char *line)
{
	assert_int_equal(write(p->in, line, strlen(line)), (ssize_t)strlen(line));
}

static void proc_stop(struct proc *p, int sig)
{
	if (!p)
		return;
	kill(p->pid, sig);
	waitpid(p->pid, NULL, 0);
	close(p->in);
	close(p->out);
	free(p);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *s = strstr(hay, needle); s; s = strstr(s + 1, needle))
		n++;
	return n;
}

static void pump_display(struct fixture *f)
{
	struct ipc_display_event ev;

	if (f->d)
		while (ipc_display_next(f->d, &ev, 0) == 1)
			f->ev = ev;
}

/* Waits until p has printed text after what earlier waits consumed; runs the display. */
static void proc_wait(struct fixture *f, struct proc *p, const char *text)
{
	int64_t end = now_ms() + WAIT_MS;

	while (now_ms() < end) {
		char *hit;

		pump_display(f);
		proc_read(p);
		hit = strstr(p->buf + p->seen, text);
		if (hit) {
			p->seen = (size_t)(hit - p->buf) + strlen(text);
			return;
		}
		poll(NULL, 0, 5);
	}
	fail_msg("no \"%s\" in:\n%s", text, p->buf);
}

/* Waits for a display event of type, its fields in f->ev. */
static void display_wait(struct fixture *f, enum ipc_display_event_type type)
{
	int64_t end = now_ms() + WAIT_MS;

	while (now_ms() < end) {
		if (f->reg)
			proc_read(f->reg);
		if (ipc_display_next(f->d, &f->ev, 10) == 1 && f->ev.type == type)
			return;
	}
	fail_msg("no display event %d", type);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	FILE *csv;

	if (!f)
		return -1;
	snprintf(f->dir, sizeof(f->dir), "/tmp/custscan-ipc-XXXXXX");
	if (!mkdtemp(f->dir)) {
		free(f);
		return -1;
	}
	snprintf(f->csv, sizeof(f->csv), "%s/customers.csv", f->dir);
	csv = fopen(f->csv, "w");
	if (!csv) {
		free(f);
		return -1;
	}
	fputs("id,first_name,last_name,email,phone,cards\n"
	      "1001,Ada,Lovelace,ada@example.com,+44 20 0000 0001,0420000123453\n"
	      "1002,Grace,Hopper,grace@example.com,+1 555 0102,2900000012349;MBR-00422\n"
	      "A-77,\"Zoë \"\"Z\"\"\",Doe,zoe@example.com,\n",
	      csv);
	fclose(csv);
	snprintf(f->scan_addr, sizeof(f->scan_addr), "ipc://%s/run/scan.sock", f->dir);
	snprintf(f->control_addr, sizeof(f->control_addr), "ipc://%s/run/control.sock", f->dir);
	signal(SIGPIPE, SIG_IGN);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[128];

	proc_stop(f->reg, SIGTERM);
	proc_stop(f->peer, SIGKILL);
	ipc_display_destroy(f->d);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void open_display(struct fixture *f, const char *prefix)
{
	struct ipc_display_config cfg;
	struct ipc_error err = {0};

	ipc_display_config_init(&cfg);
	snprintf(cfg.scan_addr, sizeof(cfg.scan_addr), "%s", f->scan_addr);
	snprintf(cfg.control_addr, sizeof(cfg.control_addr), "%s", f->control_addr);
	snprintf(cfg.scan_id_prefix, sizeof(cfg.scan_id_prefix), "%s", prefix);
	cfg.answer_timeout_ms = 1500;
	cfg.resend_ivl_ms = 200;
	f->d = ipc_display_create(&cfg, &err);
	if (!f->d)
		fail_msg("display: %s", err.detail);
}

/* Binds the display on a free loopback port pair. */
static void open_display_tcp(struct fixture *f, const char *prefix)
{
	int base = 21000 + (int)(getpid() % 1000) * 20;

	for (int i = 0; i < 40 && !f->d; i++) {
		struct ipc_display_config cfg;

		ipc_display_config_init(&cfg);
		snprintf(f->scan_addr, sizeof(f->scan_addr), "tcp://127.0.0.1:%d", base + 2 * i);
		snprintf(f->control_addr, sizeof(f->control_addr), "tcp://127.0.0.1:%d",
			 base + 2 * i + 1);
		snprintf(cfg.scan_addr, sizeof(cfg.scan_addr), "%s", f->scan_addr);
		snprintf(cfg.control_addr, sizeof(cfg.control_addr), "%s", f->control_addr);
		snprintf(cfg.scan_id_prefix, sizeof(cfg.scan_id_prefix), "%s", prefix);
		cfg.answer_timeout_ms = 1500;
		f->d = ipc_display_create(&cfg, NULL);
	}
	assert_non_null(f->d);
}

static struct proc *start_register(struct fixture *f, const char *confirm)
{
	char *argv[] = {REGISTER,	 "--customers",	 f->csv,	  "--scan",
			f->scan_addr,	 "--control",	 f->control_addr, "--confirm",
			(char *)confirm, "--max-age-ms", "3000",	  NULL};

	return proc_start(argv);
}

/* Scans a card of a card rule and waits for the final result; returns it. */
static enum ipc_result scan_card(struct fixture *f, const char *id, enum ipc_symbology sym,
				 const char *rule, const char *card)
{
	char scan_id[IPC_ID_BUFSZ];

	assert_int_equal(ipc_display_scan_card(f->d, id, sym, rule, card, scan_id), 0);
	for (;;) {
		display_wait(f, IPC_DISPLAY_EV_RESULT);
		if (strcmp(f->ev.msg.scan_id, scan_id) == 0 && f->ev.final)
			return f->ev.msg.result;
	}
}

/* Scans id and waits for the final result; returns it. */
static enum ipc_result scan(struct fixture *f, const char *id)
{
	return scan_card(f, id, IPC_SYM_QR, NULL, NULL);
}

static void wait_scan_mode(struct fixture *f)
{
	display_wait(f, IPC_DISPLAY_EV_ENABLE);
	assert_true(ipc_display_scan_mode(f->d));
}

static void flow_with_register(struct fixture *f)
{
	f->reg = start_register(f, "yes");
	wait_scan_mode(f);
	assert_int_equal(scan(f, "1001"), IPC_RESULT_ATTACHED);
	assert_string_equal(f->ev.msg.name, "Ada");
	assert_int_equal(scan(f, "9999"), IPC_RESULT_UNKNOWN);
	/* Another customer on the order: confirm first, then the cashier's yes. */
	assert_int_equal(scan(f, "A-77"), IPC_RESULT_ATTACHED);
	assert_string_equal(f->ev.msg.type == IPC_MSG_OUTCOME ? "outcome" : "result", "outcome");
	assert_string_equal(f->ev.msg.name, "Zoë \"Z\"");
	proc_wait(f, f->reg, "attached A-77 Zoë \"Z\" Doe");
}

static void test_register_over_ipc(void **state)
{
	struct fixture *f = *state;

	open_display(f, "p");
	flow_with_register(f);
	/* The cashier closes the order: the display leaves scan mode. */
	proc_say(f->reg, "close\n");
	display_wait(f, IPC_DISPLAY_EV_DISABLE);
	assert_int_equal(ipc_display_scan(f->d, "1001", IPC_SYM_QR, NULL), IPC_ERR_SCAN_OFF);
}

static void test_register_over_tcp(void **state)
{
	struct fixture *f = *state;

	open_display_tcp(f, "q");
	flow_with_register(f);
}

static void test_cashier_declines_and_keyboard_wedge(void **state)
{
	struct fixture *f = *state;

	open_display(f, "w");
	f->reg = start_register(f, "ask");
	wait_scan_mode(f);
	assert_int_equal(scan(f, "1001"), IPC_RESULT_ATTACHED);
	assert_int_equal(ipc_display_scan(f->d, "1002", IPC_SYM_QR, NULL), 0);
	display_wait(f, IPC_DISPLAY_EV_RESULT);
	assert_int_equal(f->ev.msg.result, IPC_RESULT_CONFIRM);
	proc_wait(f, f->reg, "replace with Grace Hopper (1002)? [y/n]");
	proc_say(f->reg, "n\n");
	display_wait(f, IPC_DISPLAY_EV_RESULT);
	assert_int_equal(f->ev.msg.result, IPC_RESULT_REJECTED);
	assert_string_equal(f->ev.msg.reason, "declined");

	/* A handheld scanner types the card into the search line. */
	proc_say(f->reg, "CUST#1002\n");
	proc_wait(f, f->reg, "replace with Grace Hopper (1002)? [y/n]");
	proc_say(f->reg, "y\nmilk\n");
	proc_wait(f, f->reg, "attached 1002 Grace Hopper");
	proc_wait(f, f->reg, "no product matches \"milk\"");
}

/* Card rules: the register finds customers by the card numbers in its CSV. */
static void test_register_finds_card_numbers(void **state)
{
	struct fixture *f = *state;

	open_display(f, "k");
	f->reg = start_register(f, "yes");
	wait_scan_mode(f);
	/* A loyalty card typed or scanned into the search line. */
	proc_say(f->reg, "0420000123453\n");
	proc_wait(f, f->reg, "attached 1001 Ada Lovelace");
	/* Scanned at the display: the card number, not the id, says who. */
	assert_int_equal(
	    scan_card(f, "00000012349", IPC_SYM_EAN13, "linked_ean13", "2900000012349"),
	    IPC_RESULT_ATTACHED);
	assert_string_equal(f->ev.msg.name, "Grace");
	proc_wait(f, f->reg, "card 2900000012349 (rule linked_ean13) is 1002's");
	proc_wait(f, f->reg, "attached 1002 Grace Hopper");
	assert_int_equal(scan_card(f, "9999", IPC_SYM_CODE39, "member", "MBR-9999"),
			 IPC_RESULT_UNKNOWN);
	proc_wait(f, f->reg, "unknown card MBR-9999");
	/* No card matches: the id is the fallback. */
	assert_int_equal(scan_card(f, "1001", IPC_SYM_CODE39, "member", "MBR-1001"),
			 IPC_RESULT_ATTACHED);
	proc_wait(f, f->reg, "attached 1001 Ada Lovelace");
	/* Malformed rule or card never reach the wire. */
	assert_int_equal(ipc_display_scan_card(f->d, "1", IPC_SYM_EAN13, "Bad Rule", "1", NULL),
			 IPC_ERR_INVAL);
	assert_int_equal(ipc_display_scan_card(f->d, "1", IPC_SYM_EAN13, "r", "caf\xc3\xa9", NULL),
			 IPC_ERR_INVAL);
}

static void test_register_restart_mid_flow(void **state)
{
	struct fixture *f = *state;
	char scan_id[IPC_ID_BUFSZ];

	open_display(f, "k");
	f->reg = start_register(f, "yes");
	wait_scan_mode(f);
	assert_int_equal(scan(f, "1001"), IPC_RESULT_ATTACHED);

	/* The register dies; a scan meanwhile is given up, never delivered later. */
	proc_stop(f->reg, SIGKILL);
	f->reg = NULL;
	assert_int_equal(ipc_display_scan(f->d, "1002", IPC_SYM_QR, scan_id), 0);
	display_wait(f, IPC_DISPLAY_EV_NO_ANSWER);
	assert_string_equal(f->ev.msg.scan_id, scan_id);

	f->reg = start_register(f, "yes");
	display_wait(f, IPC_DISPLAY_EV_ENABLE);
	for (int i = 0; i < 5; i++)
		assert_int_equal(scan(f, "1001"), IPC_RESULT_ATTACHED);
	proc_wait(f, f->reg, "k-7");
	/* It may have seen the cancel of the scan given up, never the scan. */
	{
		char line[128];

		snprintf(line, sizeof(line), "(%s)", scan_id);
		assert_int_equal(count(f->reg->buf, line), 0);
	}
	assert_int_equal(count(f->reg->buf, "attached 1002"), 0);
	for (int i = 3; i <= 7; i++) {
		char line[64];

		snprintf(line, sizeof(line), "(k-%d)", i);
		assert_int_equal(count(f->reg->buf, line), 1);
	}
}

static void test_display_restart_mid_flow(void **state)
{
	struct fixture *f = *state;
	char *cli[] = {
	    CLI,     "--scan", f->scan_addr, "--control", f->control_addr, "--scan-id-prefix",
	    "first", NULL};
	struct proc *display = proc_start(cli);

	f->peer = display; /* killed by teardown if the test fails */
	f->reg = start_register(f, "yes");
	proc_wait(f, display, "\"event\":\"enable\"");
	proc_say(display, "scan 1001\n");
	proc_wait(f, display, "\"result\":\"attached\"");
	/* The register asks for the display's metrics and prints them. */
	proc_say(f->reg, "metrics\n");
	proc_wait(f, display, "{\"event\":\"metrics\",\"scans_sent\":1,\"register_answers\":1");
	proc_wait(f, f->reg,
		  "display metrics: frames 0, dropped 0, decodes 0, codes 0, ids 1, camera faults "
		  "0, scans sent 1, answers 1, register timeouts 0");
	proc_wait(f, f->reg, "display metrics: decode n 0, mean 0.0 ms, median -, p95 -");
	proc_stop(display, SIGKILL);

	/* A new display process: the register puts scan mode back by itself. */
	cli[6] = "second";
	display = proc_start(cli);
	f->peer = display;
	proc_wait(f, display, "\"event\":\"enable\"");
	proc_say(display, "scan 1002\nscan 1001\n");
	proc_wait(f, display,
		  "\"result\":\"attached\",\"final\":true,\"name\":\"Ada\","
		  "\"scan_id\":\"second-2\"");
	proc_wait(f, f->reg, "(second-2)");
	assert_int_equal(count(display->buf, "\"result\":\"attached\""), 2); /* outcomes */
	assert_int_equal(count(f->reg->buf, "(first-1)"), 1);
	assert_int_equal(count(f->reg->buf, "(second-1)"), 1);
}

static void test_nanocat_as_foreign_register(void **state)
{
	struct fixture *f = *state;
	char *enable[] = {"/usr/bin/nanocat",
			  "--req",
			  "--connect",
			  f->control_addr,
			  "-A",
			  "--data",
			  "{\"v\":1,\"type\":\"enable\",\"order\":\"N-1\",\"timeout_ms\":60000}",
			  NULL};
	char *rep[] = {"/usr/bin/nanocat",
		       "--rep",
		       "--connect",
		       f->scan_addr,
		       "-A",
		       "--data",
		       "{\"v\":1,\"type\":\"result\",\"scan_id\":\"nc-1\",\"result\":\"attached\","
		       "\"name\":\"Cat\"}",
		       NULL};
	struct proc *req;

	open_display(f, "nc");
	req = proc_start(enable);
	wait_scan_mode(f);
	assert_string_equal(f->ev.msg.order, "N-1");
	proc_wait(f, req, "{\"v\":1,\"type\":\"ok\"}");
	proc_stop(req, SIGKILL);

	f->peer = proc_start(rep);
	assert_int_equal(scan(f, "1001"), IPC_RESULT_ATTACHED);
	assert_string_equal(f->ev.msg.name, "Cat");
	proc_wait(f, f->peer, "\"scan_id\":\"nc-1\",\"customer_id\":\"1001\",\"symbology\":\"qr\"");
	assert_non_null(strstr(f->peer->buf, "\"order\":\"N-1\""));

	/* nc-2 gets nanocat's fixed answer for nc-1: refused, then given up. */
	assert_int_equal(ipc_display_scan(f->d, "1002", IPC_SYM_QR, NULL), 0);
	display_wait(f, IPC_DISPLAY_EV_BAD_MESSAGE);
	display_wait(f, IPC_DISPLAY_EV_NO_ANSWER);
	assert_string_equal(f->ev.msg.scan_id, "nc-2");
}

static void test_nng_register_is_wire_compatible(void **state)
{
	struct fixture *f = *state;

	open_display_tcp(f, "ng");
	{
		char *argv[] = {NNG_PEER, f->scan_addr, f->control_addr, "G-1", NULL};

		f->peer = proc_start(argv);
	}
	wait_scan_mode(f);
	assert_string_equal(f->ev.msg.order, "G-1");
	assert_int_equal(scan(f, "1001"), IPC_RESULT_ATTACHED);
	assert_string_equal(f->ev.msg.name, "NNG");
	proc_wait(f, f->peer, "control reply {\"v\":1,\"type\":\"ok\"}");
	proc_wait(f, f->peer, "\"customer_id\":\"1001\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_register_over_ipc, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_register_over_tcp, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_cashier_declines_and_keyboard_wedge, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_register_finds_card_numbers, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_register_restart_mid_flow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_display_restart_mid_flow, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nanocat_as_foreign_register, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_nng_register_is_wire_compatible, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
