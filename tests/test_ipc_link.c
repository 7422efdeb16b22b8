/*
 * Tests for the two sides of the register link in one process, over real
 * nanomsg sockets (inproc:// between the libraries, ipc:// and tcp:// where
 * the address rules are the point). Raw nanomsg sockets stand in for a
 * misbehaving peer: resends, stale scans, garbage, oversized messages, a
 * register that never answers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <nanomsg/nn.h>
#include <nanomsg/reqrep.h>

#include "ipc/display.h"
#include "ipc/register.h"

/* Longest any wait in these tests may take before it counts as a failure. */
#define WAIT_MS 5000

/* Both sides, on addresses unique to the test. */
struct fixture {
	char scan_addr[IPC_ADDR_BUFSZ];
	char control_addr[IPC_ADDR_BUFSZ];
	struct ipc_display_config dcfg;
	struct ipc_register_config rcfg;
	struct ipc_display *d;
	struct ipc_register *r;
	struct ipc_register_event rev; /* the last register event wait_register saw */
	struct ipc_display_event dev;  /* the last display event wait_display saw */
	int refused;		       /* REFUSED events seen so far */
	/* display events seen while waiting for another, in order: on a busy
	 * machine two deadlines can pass in one call and their events come in
	 * either order */
	struct ipc_display_event early[8];
	int n_early;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int64_t wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int setup(void **state)
{
	static int n;
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	n++;
	snprintf(f->scan_addr, sizeof(f->scan_addr), "inproc://scan-%d", n);
	snprintf(f->control_addr, sizeof(f->control_addr), "inproc://control-%d", n);
	ipc_display_config_init(&f->dcfg);
	snprintf(f->dcfg.scan_addr, sizeof(f->dcfg.scan_addr), "%s", f->scan_addr);
	snprintf(f->dcfg.control_addr, sizeof(f->dcfg.control_addr), "%s", f->control_addr);
	snprintf(f->dcfg.scan_id_prefix, sizeof(f->dcfg.scan_id_prefix), "t");
	f->dcfg.answer_timeout_ms = 1500;
	f->dcfg.resend_ivl_ms = 100;
	ipc_register_config_init(&f->rcfg);
	snprintf(f->rcfg.scan_addr, sizeof(f->rcfg.scan_addr), "%s", f->scan_addr);
	snprintf(f->rcfg.control_addr, sizeof(f->rcfg.control_addr), "%s", f->control_addr);
	f->rcfg.heartbeat_ms = 100;
	f->rcfg.control_timeout_ms = 500;
	f->rcfg.resend_ivl_ms = 100;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	ipc_register_destroy(f->r);
	ipc_display_destroy(f->d);
	free(f);
	return 0;
}

static void open_display(struct fixture *f)
{
	struct ipc_error err = {0};

	f->d = ipc_display_create(&f->dcfg, &err);
	if (!f->d)
		fail_msg("display: %s", err.detail);
}

static void open_register(struct fixture *f)
{
	struct ipc_error err = {0};

	f->r = ipc_register_create(&f->rcfg, &err);
	if (!f->r)
		fail_msg("register: %s", err.detail);
}

/* Runs the register (if any) until it reports type; the display runs meanwhile. */
static void wait_register(struct fixture *f, enum ipc_register_event_type type)
{
	int64_t end = now_ms() + WAIT_MS;
	struct ipc_display_event dev;

	while (now_ms() < end) {
		if (f->d)
			while (ipc_display_next(f->d, &dev, 0) == 1)
				if (dev.type != IPC_DISPLAY_EV_NONE)
					f->dev = dev;
		if (ipc_register_next(f->r, &f->rev, 5) == 1) {
			if (f->rev.type == IPC_REGISTER_EV_REFUSED)
				f->refused++;
			if (f->rev.type == type)
				return;
		}
	}
	fail_msg("no register event %d", type);
}

/* Runs the display until it reports type; the register (if any) runs meanwhile. */
static void wait_display(struct fixture *f, enum ipc_display_event_type type)
{
	int64_t end = now_ms() + WAIT_MS;
	struct ipc_register_event rev;

	for (int i = 0; i < f->n_early; i++) {
		if (f->early[i].type == type) {
			f->dev = f->early[i];
			memmove(&f->early[i], &f->early[i + 1],
				(size_t)(f->n_early - i - 1) * sizeof(f->early[0]));
			f->n_early--;
			return;
		}
	}
	while (now_ms() < end) {
		if (f->r)
			while (ipc_register_next(f->r, &rev, 0) == 1)
				if (rev.type == IPC_REGISTER_EV_REFUSED)
					f->refused++;
		if (ipc_display_next(f->d, &f->dev, 5) == 1) {
			if (f->dev.type == type)
				return;
			if (f->dev.type != IPC_DISPLAY_EV_NONE && f->n_early < 8)
				f->early[f->n_early++] = f->dev;
		}
	}
	fail_msg("no display event %d", type);
}

/* Both up and scan mode on for order "A-1". */
static void link_up(struct fixture *f)
{
	open_display(f);
	open_register(f);
	assert_int_equal(ipc_register_enable(f->r, "A-1", 0), 0);
	wait_display(f, IPC_DISPLAY_EV_ENABLE);
	assert_string_equal(f->dev.msg.order, "A-1");
	assert_true(ipc_display_scan_mode(f->d));
	wait_register(f, IPC_REGISTER_EV_CONTROL_DONE);
	assert_int_equal(f->rev.request, IPC_MSG_ENABLE);
	assert_int_equal(f->rev.msg.type, IPC_MSG_OK);
}

static void test_scan_attached(void **state)
{
	struct fixture *f = *state;
	char scan_id[IPC_ID_BUFSZ];

	link_up(f);
	assert_int_equal(ipc_display_scan(f->d, "1001", IPC_SYM_QR, scan_id), 0);
	assert_string_equal(scan_id, "t-1");
	wait_register(f, IPC_REGISTER_EV_SCAN);
	assert_string_equal(f->rev.msg.customer_id, "1001");
	assert_string_equal(f->rev.msg.order, "A-1");
	assert_int_equal(f->rev.msg.symbology, IPC_SYM_QR);
	assert_int_equal(ipc_register_answer(f->r, "t-1", IPC_RESULT_ATTACHED, NULL, "Ada"), 0);
	wait_display(f, IPC_DISPLAY_EV_RESULT);
	assert_string_equal(f->dev.msg.scan_id, "t-1");
	assert_string_equal(f->dev.customer_id, "1001");
	assert_int_equal(f->dev.msg.result, IPC_RESULT_ATTACHED);
	assert_string_equal(f->dev.msg.name, "Ada");
	assert_true(f->dev.final);
}

static void test_scan_refused_locally(void **state)
{
	struct fixture *f = *state;

	open_display(f);
	assert_int_equal(ipc_display_scan(f->d, "1001", IPC_SYM_QR, NULL), IPC_ERR_SCAN_OFF);
	f->r = NULL;
	open_register(f);
	assert_int_equal(ipc_register_enable(f->r, "A-1", 0), 0);
	wait_display(f, IPC_DISPLAY_EV_ENABLE);
	assert_int_equal(ipc_display_scan(f->d, "CUST#1001", IPC_SYM_QR, NULL), IPC_ERR_INVAL);
	assert_int_equal(ipc_display_scan(f->d, "", IPC_SYM_QR, NULL), IPC_ERR_INVAL);
}

static void test_confirm_then_outcome(void **state)
{
	struct fixture *f = *state;

	link_up(f);
	assert_int_equal(ipc_display_scan(f->d, "2002", IPC_SYM_CODE128, NULL), 0);
	wait_register(f, IPC_REGISTER_EV_SCAN);
	assert_int_equal(ipc_register_answer(f->r, "t-1", IPC_RESULT_CONFIRM, NULL, NULL), 0);
	wait_display(f, IPC_DISPLAY_EV_RESULT);
	assert_int_equal(f->dev.msg.result, IPC_RESULT_CONFIRM);
	assert_false(f->dev.final);

	assert_int_equal(ipc_register_outcome(f->r, "t-1", IPC_RESULT_ATTACHED, NULL, "Bo"), 0);
	wait_display(f, IPC_DISPLAY_EV_RESULT);
	assert_int_equal(f->dev.msg.type, IPC_MSG_OUTCOME);
	assert_int_equal(f->dev.msg.result, IPC_RESULT_ATTACHED);
	assert_string_equal(f->dev.customer_id, "2002");
	assert_true(f->dev.final);
	wait_register(f, IPC_REGISTER_EV_CONTROL_DONE);
	assert_int_equal(f->rev.request, IPC_MSG_OUTCOME);
	assert_int_equal(f->rev.msg.type, IPC_MSG_OK);

	/* The same outcome again is taken quietly; one for no scan is an error. */
	assert_int_equal(ipc_register_outcome(f->r, "t-1", IPC_RESULT_ATTACHED, NULL, "Bo"), 0);
	wait_register(f, IPC_REGISTER_EV_CONTROL_DONE);
	assert_int_equal(f->rev.msg.type, IPC_MSG_OK);
	assert_int_equal(ipc_register_outcome(f->r, "t-99", IPC_RESULT_REJECTED, "declined", NULL),
			 0);
	wait_register(f, IPC_REGISTER_EV_CONTROL_DONE);
	assert_int_equal(f->rev.msg.type, IPC_MSG_ERROR);
	assert_string_equal(f->rev.msg.reason, "unknown_scan");
	assert_int_equal(ipc_register_outcome(f->r, "t-1", IPC_RESULT_CONFIRM, NULL, NULL),
			 IPC_ERR_INVAL);
}

static void test_status_ping_show(void **state)
{
	struct fixture *f = *state;

	link_up(f);
	assert_int_equal(ipc_display_set_camera(f->d, "absent"), 0);
	assert_int_equal(ipc_display_set_camera(f->d, "Bad State"), IPC_ERR_INVAL);
	assert_int_equal(ipc_register_status(f->r), 0);
	wait_register(f, IPC_REGISTER_EV_CONTROL_DONE);
	assert_int_equal(f->rev.msg.type, IPC_MSG_STATUS);
	assert_true(f->rev.msg.scan_mode);
	assert_string_equal(f->rev.msg.order, "A-1");
	assert_string_equal(f->rev.msg.camera, "absent");
	assert_string_equal(f->rev.msg.version, "0.1.0");

	assert_int_equal(ipc_register_ping(f->r), 0);
	wait_register(f, IPC_REGISTER_EV_CONTROL_DONE);
	assert_int_equal(f->rev.msg.type, IPC_MSG_PONG);

	assert_int_equal(ipc_register_show(f->r, "Thank you, Ada", 2000), 0);
	wait_display(f, IPC_DISPLAY_EV_SHOW);
	assert_string_equal(f->dev.msg.text, "Thank you, Ada");
	assert_int_equal(f->dev.msg.timeout_ms, 2000);

	assert_int_equal(ipc_register_disable(f->r), 0);
	wait_display(f, IPC_DISPLAY_EV_DISABLE);
	assert_false(f->dev.timed_out);
	assert_false(ipc_display_scan_mode(f->d));
}

/* The display's metrics callback: two buckets, one decode, one reason. */
static void fake_metrics(void *ctx, struct ipc_metrics *out)
{
	int *calls = ctx;

	(*calls)++;
	out->frames = 30;
	out->decodes = 29;
	out->n_rejected = 1;
	snprintf(out->rejected[0].reason, sizeof(out->rejected[0].reason), "bad_prefix");
	out->rejected[0].count = 2;
	out->n_buckets = 2;
	out->le_ms[0] = 5;
	out->le_ms[1] = 50;
	out->decode.counts[1] = 1;
	out->decode.sum_us = 7000;
}

/* Metrics travel only when the register asks and the display keeps them. */
static void test_status_with_metrics(void **state)
{
	struct fixture *f = *state;
	int calls = 0;

	f->dcfg.metrics = fake_metrics;
	f->dcfg.metrics_ctx = &calls;
	link_up(f);
	assert_int_equal(ipc_register_status(f->r), 0);
	wait_register(f, IPC_REGISTER_EV_CONTROL_DONE);
	assert_int_equal(f->rev.msg.type, IPC_MSG_STATUS);
	assert_false(f->rev.msg.metrics.present);
	assert_int_equal(calls, 0);

	assert_int_equal(ipc_register_metrics(f->r), 0);
	wait_register(f, IPC_REGISTER_EV_CONTROL_DONE);
	assert_int_equal(f->rev.request, IPC_MSG_STATUS_QUERY);
	assert_int_equal(f->rev.msg.type, IPC_MSG_STATUS);
	assert_true(f->rev.msg.metrics.present);
	assert_int_equal(calls, 1);
	assert_int_equal(f->rev.msg.metrics.frames, 30);
	assert_int_equal(f->rev.msg.metrics.decodes, 29);
	assert_string_equal(f->rev.msg.metrics.rejected[0].reason, "bad_prefix");
	assert_int_equal(f->rev.msg.metrics.decode.counts[1], 1);
	assert_int_equal(f->rev.msg.metrics.le_ms[1], 50);

	/* A display without metrics answers the same query with a plain status. */
	ipc_display_destroy(f->d);
	f->dcfg.metrics = NULL;
	open_display(f);
	assert_int_equal(ipc_register_metrics(f->r), 0);
	do
		wait_register(f, IPC_REGISTER_EV_CONTROL_DONE);
	while (f->rev.msg.type != IPC_MSG_STATUS);
	assert_false(f->rev.msg.metrics.present);
}

static void test_enable_times_out_and_resyncs_after_restart(void **state)
{
	struct fixture *f = *state;

	open_display(f);
	open_register(f);
	assert_int_equal(ipc_register_enable(f->r, "A-1", 400), 0);
	wait_display(f, IPC_DISPLAY_EV_ENABLE);
	wait_display(f, IPC_DISPLAY_EV_DISABLE);
	assert_true(f->dev.timed_out);
	assert_false(ipc_display_scan_mode(f->d));

	/* A display that restarts forgets scan mode: the register puts it back. */
	assert_int_equal(ipc_register_enable(f->r, "B-2", 0), 0);
	wait_display(f, IPC_DISPLAY_EV_ENABLE);
	ipc_display_destroy(f->d);
	f->d = NULL;
	wait_register(f, IPC_REGISTER_EV_LINK_DOWN);
	open_display(f);
	wait_display(f, IPC_DISPLAY_EV_ENABLE);
	assert_string_equal(f->dev.msg.order, "B-2");
	assert_true(ipc_display_scan_mode(f->d));
}

/* A raw REQ socket bound where a display would be, for hand-made requests. */
static int raw_display(const char *addr)
{
	int s = nn_socket(AF_SP, NN_REQ);
	int ivl = 100;

	assert_true(s >= 0);
	assert_int_equal(nn_setsockopt(s, NN_REQ, NN_REQ_RESEND_IVL, &ivl, sizeof(ivl)), 0);
	assert_true(nn_bind(s, addr) >= 0);
	return s;
}

/* Sends req on s and returns the reply, while running the register. */
static void raw_request(struct fixture *f, int s, const void *req, size_t len, char *reply,
			size_t replysz)
{
	int64_t end = now_ms() + WAIT_MS;
	struct ipc_register_event rev;

	assert_int_equal(nn_send(s, req, len, 0), (int)len);
	while (now_ms() < end) {
		int n = nn_recv(s, reply, replysz - 1, NN_DONTWAIT);

		if (n >= 0) {
			reply[n] = '\0';
			return;
		}
		if (ipc_register_next(f->r, &rev, 5) == 1) {
			if (rev.type == IPC_REGISTER_EV_REFUSED)
				f->refused++;
			assert_int_not_equal(rev.type, IPC_REGISTER_EV_SCAN);
		}
	}
	fail_msg("no reply");
}

static void test_resent_scan_attached_once(void **state)
{
	struct fixture *f = *state;
	char scan[512], reply[512], again[512];
	int s = raw_display(f->scan_addr);
	struct ipc_register_event rev;

	open_register(f);
	snprintf(scan, sizeof(scan),
		 "{\"v\":1,\"type\":\"scan\",\"scan_id\":\"r-1\",\"customer_id\":\"1001\","
		 "\"symbology\":\"qr\",\"time_ms\":%lld,\"order\":\"A-1\"}",
		 (long long)wall_ms());
	assert_int_equal(nn_send(s, scan, strlen(scan), 0), (int)strlen(scan));
	wait_register(f, IPC_REGISTER_EV_SCAN);
	assert_string_equal(f->rev.msg.scan_id, "r-1");
	assert_int_equal(ipc_register_answer(f->r, "r-1", IPC_RESULT_ATTACHED, NULL, "Ada"), 0);
	assert_int_equal(ipc_register_answer(f->r, "r-1", IPC_RESULT_ATTACHED, NULL, "Ada"),
			 IPC_ERR_UNEXPECTED);
	assert_true(nn_recv(s, reply, sizeof(reply) - 1, 0) > 0);

	/* The same scan sent again, as REQ does after a reconnect. */
	raw_request(f, s, scan, strlen(scan), again, sizeof(again));
	assert_non_null(strstr(again, "\"result\":\"attached\""));
	assert_non_null(strstr(again, "\"name\":\"Ada\""));
	assert_int_equal(f->refused, 1);
	assert_int_equal(ipc_register_next(f->r, &rev, 0) == 1 && rev.type == IPC_REGISTER_EV_SCAN,
			 0);
	nn_close(s);
}

static void test_stale_and_cancelled_scans_never_surface(void **state)
{
	struct fixture *f = *state;
	char msg[512], reply[512];
	int s = raw_display(f->scan_addr);

	open_register(f);
	snprintf(msg, sizeof(msg),
		 "{\"v\":1,\"type\":\"scan\",\"scan_id\":\"r-1\",\"customer_id\":\"1001\","
		 "\"symbology\":\"qr\",\"time_ms\":%lld,\"order\":\"A-1\"}",
		 (long long)(wall_ms() - 60000));
	raw_request(f, s, msg, strlen(msg), reply, sizeof(reply));
	assert_non_null(strstr(reply, "\"result\":\"rejected\""));
	assert_non_null(strstr(reply, "\"reason\":\"stale\""));

	/* Cancelled before it arrived: the late copy is refused too. */
	snprintf(msg, sizeof(msg), "{\"v\":1,\"type\":\"cancel\",\"scan_id\":\"r-2\"}");
	raw_request(f, s, msg, strlen(msg), reply, sizeof(reply));
	assert_non_null(strstr(reply, "\"reason\":\"cancelled\""));
	snprintf(msg, sizeof(msg),
		 "{\"v\":1,\"type\":\"scan\",\"scan_id\":\"r-2\",\"customer_id\":\"1001\","
		 "\"symbology\":\"qr\",\"time_ms\":%lld,\"order\":\"A-1\"}",
		 (long long)wall_ms());
	raw_request(f, s, msg, strlen(msg), reply, sizeof(reply));
	assert_non_null(strstr(reply, "\"reason\":\"cancelled\""));
	nn_close(s);
}

static void test_malformed_requests_get_errors(void **state)
{
	struct fixture *f = *state;
	static const struct {
		const char *req;
		const char *code;
	} cases[] = {
	    {"not json", "bad_json"},
	    {"{\"v\":2,\"type\":\"scan\"}", "bad_version"},
	    {"{\"v\":1,\"type\":\"teleport\"}", "unknown_type"},
	    {"{\"v\":1,\"type\":\"cancel\",\"scan_id\":\"a b\"}", "bad_message"},
	    {"{\"v\":1,\"type\":\"ping\"}", "unexpected"},
	};
	char big[IPC_MSG_MAX * 2], reply[512];
	int s = raw_display(f->scan_addr);

	open_register(f);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char want[64];

		raw_request(f, s, cases[i].req, strlen(cases[i].req), reply, sizeof(reply));
		snprintf(want, sizeof(want), "\"code\":\"%s\"", cases[i].code);
		if (!strstr(reply, want))
			fail_msg("%s: got %s", cases[i].req, reply);
	}
	memset(big, ' ', sizeof(big));
	raw_request(f, s, big, sizeof(big), reply, sizeof(reply));
	assert_non_null(strstr(reply, "\"code\":\"too_big\""));
	assert_int_equal(f->refused, 6);
	nn_close(s);
}

static void test_display_refuses_bad_control(void **state)
{
	struct fixture *f = *state;
	int s = nn_socket(AF_SP, NN_REQ);
	char reply[512];
	static const char *const reqs[] = {
	    "{\"v\":1,\"type\":\"enable\",\"order\":\"\"}",
	    "{\"v\":1,\"type\":\"scan\",\"scan_id\":\"x\",\"customer_id\":\"1\","
	    "\"symbology\":\"qr\",\"time_ms\":1,\"order\":\"o\"}",
	    "\xff\xfe",
	};

	open_display(f);
	assert_true(s >= 0);
	assert_true(nn_connect(s, f->control_addr) >= 0);
	for (size_t i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
		int64_t end = now_ms() + WAIT_MS;
		int n = -1;

		assert_int_equal(nn_send(s, reqs[i], strlen(reqs[i]), 0), (int)strlen(reqs[i]));
		wait_display(f, IPC_DISPLAY_EV_BAD_MESSAGE);
		while (n < 0 && now_ms() < end)
			n = nn_recv(s, reply, sizeof(reply) - 1, NN_DONTWAIT);
		if (n <= 0)
			fail_msg("no reply to %s", reqs[i]);
		reply[n > 0 ? n : 0] = '\0';
		assert_non_null(strstr(reply, "\"type\":\"error\""));
	}
	assert_false(ipc_display_scan_mode(f->d));
	nn_close(s);
}

static void test_unanswered_scan_is_given_up_and_cancelled(void **state)
{
	struct fixture *f = *state;
	int s = nn_socket(AF_SP, NN_REP);
	char buf[1024];
	int copies = 0, cancels = 0;
	int64_t end;
	struct ipc_counters c;

	/* long enough for the mute register to connect on a loaded machine,
	 * so the first scan is sent (and then given up), not left queued */
	f->dcfg.answer_timeout_ms = 1500;
	link_up(f);
	ipc_register_destroy(f->r); /* scan mode stays on; a mute register takes its place */
	f->r = NULL;
	assert_true(s >= 0);
	assert_true(nn_connect(s, f->scan_addr) >= 0);
	assert_int_equal(ipc_display_scan(f->d, "1001", IPC_SYM_QR, NULL), 0);
	assert_int_equal(ipc_display_scan(f->d, "1002", IPC_SYM_QR, NULL), 0);
	wait_display(f, IPC_DISPLAY_EV_NO_ANSWER);
	assert_string_equal(f->dev.customer_id, "1001");
	assert_string_equal(f->dev.msg.scan_id, "t-1");
	wait_display(f, IPC_DISPLAY_EV_STALE);
	assert_string_equal(f->dev.customer_id, "1002");

	/* The mute register saw the scan (resent while unanswered), then its cancel. */
	end = now_ms() + WAIT_MS;
	while (!cancels && now_ms() < end) {
		int n = nn_recv(s, buf, sizeof(buf) - 1, NN_DONTWAIT);

		if (n < 0) {
			struct ipc_display_event ev;

			ipc_display_next(f->d, &ev, 5);
			continue;
		}
		buf[n] = '\0';
		if (strstr(buf, "\"type\":\"scan\"")) {
			assert_non_null(strstr(buf, "\"scan_id\":\"t-1\""));
			copies++;
		} else {
			assert_non_null(strstr(buf, "\"type\":\"cancel\",\"scan_id\":\"t-1\""));
			cancels++;
		}
	}
	assert_true(copies >= 1);
	assert_int_equal(cancels, 1);
	ipc_display_counters(f->d, &c);
	assert_int_equal(c.scans, 2);
	assert_int_equal(c.no_answer, 1);
	assert_int_equal(c.stale, 1);
	nn_close(s);
}

static void test_ipc_sockets_are_private(void **state)
{
	struct fixture *f = *state;
	char dir[] = "/tmp/custscan-test-XXXXXX";
	char path[256];
	struct stat st;
	struct ipc_error err = {0};

	assert_non_null(mkdtemp(dir));
	snprintf(f->dcfg.scan_addr, sizeof(f->dcfg.scan_addr), "ipc://%s/run/scan.sock", dir);
	snprintf(f->dcfg.control_addr, sizeof(f->dcfg.control_addr), "ipc://%s/run/control.sock",
		 dir);
	open_display(f);
	snprintf(path, sizeof(path), "%s/run/scan.sock", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
	snprintf(path, sizeof(path), "%s/run", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0710);
	ipc_display_destroy(f->d);

	f->dcfg.ipc_mode = 0666; /* others are never let in */
	open_display(f);
	snprintf(path, sizeof(path), "%s/run/control.sock", dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0660);
	ipc_display_destroy(f->d);
	f->d = NULL;

	/* A directory others can write to is refused. */
	snprintf(f->dcfg.scan_addr, sizeof(f->dcfg.scan_addr), "ipc:///tmp/custscan-%d.sock",
		 (int)getpid());
	assert_null(ipc_display_create(&f->dcfg, &err));
	assert_int_equal(err.code, IPC_ERR_PERM);

	snprintf(path, sizeof(path), "%s/run/scan.sock", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/run/control.sock", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/run", dir);
	rmdir(path);
	rmdir(dir);
}

static void test_tcp_binds_loopback_only(void **state)
{
	struct fixture *f = *state;
	struct ipc_error err = {0};
	int port = 20000 + (int)(getpid() % 20000);

	snprintf(f->dcfg.scan_addr, sizeof(f->dcfg.scan_addr), "tcp://0.0.0.0:%d", port);
	assert_null(ipc_display_create(&f->dcfg, &err));
	assert_int_equal(err.code, IPC_ERR_ADDRESS);
	snprintf(f->dcfg.scan_addr, sizeof(f->dcfg.scan_addr), "tcp://*:%d", port);
	assert_null(ipc_display_create(&f->dcfg, &err));
	assert_int_equal(err.code, IPC_ERR_ADDRESS);
	snprintf(f->dcfg.scan_addr, sizeof(f->dcfg.scan_addr), "ws://127.0.0.1:%d", port);
	assert_null(ipc_display_create(&f->dcfg, &err));
	assert_int_equal(err.code, IPC_ERR_ADDRESS);

	/* Loopback works; a port in use is a clear error, so callers can pick another. */
	for (int tries = 0; tries < 50 && !f->d; tries++, port++) {
		snprintf(f->dcfg.scan_addr, sizeof(f->dcfg.scan_addr), "tcp://127.0.0.1:%d", port);
		f->d = ipc_display_create(&f->dcfg, &err);
	}
	assert_non_null(f->d);
	snprintf(f->dcfg.control_addr, sizeof(f->dcfg.control_addr), "inproc://other");
	assert_null(ipc_display_create(&f->dcfg, &err));
	assert_int_equal(err.code, IPC_ERR_SOCKET);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_scan_attached, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_scan_refused_locally, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_confirm_then_outcome, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_status_ping_show, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_status_with_metrics, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_enable_times_out_and_resyncs_after_restart, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_resent_scan_attached_once, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stale_and_cancelled_scans_never_surface, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_malformed_requests_get_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_display_refuses_bad_control, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_unanswered_scan_is_given_up_and_cancelled, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_ipc_sockets_are_private, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_binds_loopback_only, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
