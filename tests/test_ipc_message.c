/*
 * Tests for ipc/message.c: every message type formats and parses back to the
 * same struct, and the parser refuses what docs/PROTOCOL.md says it refuses,
 * with the error code a peer would get back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ipc/message.h"

/* Formats msg, parses it back and checks both are the same. */
static void round_trip(const struct ipc_msg *msg)
{
	char buf[IPC_MSG_MAX + 1];
	struct ipc_msg back;
	struct ipc_error err = {0};
	int len = ipc_msg_format(msg, buf, sizeof(buf), &err);

	if (len < 0)
		fail_msg("format %s: %s", ipc_msg_type_name(msg->type), err.detail);
	assert_int_equal(ipc_msg_parse(buf, (size_t)len, &back, &err), 0);
	assert_memory_equal(msg, &back, sizeof(back));
}

static void test_every_type_round_trips(void **state)
{
	struct ipc_msg m;

	(void)state;
	ipc_msg_init(&m, IPC_MSG_SCAN);
	strcpy(m.scan_id, "a1b2c3d4-17");
	strcpy(m.customer_id, "1001");
	m.symbology = IPC_SYM_CODE128;
	m.time_ms = 1732368000123;
	strcpy(m.order, "order 42/\"x\"");
	round_trip(&m);

	ipc_msg_init(&m, IPC_MSG_CANCEL);
	strcpy(m.scan_id, "s-1");
	round_trip(&m);

	ipc_msg_init(&m, IPC_MSG_RESULT);
	strcpy(m.scan_id, "s-1");
	m.result = IPC_RESULT_ATTACHED;
	strcpy(m.name, "Zoë");
	round_trip(&m);
	m.result = IPC_RESULT_REJECTED;
	memset(m.name, 0, sizeof(m.name));
	strcpy(m.reason, "scan_mode_off");
	round_trip(&m);

	ipc_msg_init(&m, IPC_MSG_ENABLE);
	strcpy(m.order, "A-1");
	m.timeout_ms = 30000;
	round_trip(&m);

	ipc_msg_init(&m, IPC_MSG_SHOW);
	strcpy(m.text, "Welcome back \xe2\x98\x95");
	m.timeout_ms = 3000;
	round_trip(&m);

	ipc_msg_init(&m, IPC_MSG_OUTCOME);
	strcpy(m.scan_id, "s-2");
	m.result = IPC_RESULT_REJECTED;
	strcpy(m.reason, "declined");
	round_trip(&m);

	ipc_msg_init(&m, IPC_MSG_STATUS);
	m.scan_mode = true;
	strcpy(m.order, "A-1");
	strcpy(m.camera, "ok");
	strcpy(m.version, "0.1.0");
	m.counters.scans = 5;
	m.counters.answered = 4;
	m.counters.no_answer = 1;
	m.counters.bad_messages = 2;
	round_trip(&m);

	ipc_msg_init(&m, IPC_MSG_ERROR);
	strcpy(m.reason, "bad_json");
	strcpy(m.text, "truncated");
	round_trip(&m);

	for (enum ipc_msg_type t = IPC_MSG_DISABLE; t < IPC_MSG_TYPE_COUNT; t++)
		if (t == IPC_MSG_DISABLE || t == IPC_MSG_STATUS_QUERY || t == IPC_MSG_PING ||
		    t == IPC_MSG_OK || t == IPC_MSG_PONG) {
			ipc_msg_init(&m, t);
			round_trip(&m);
		}
}

static int parse(const char *s, struct ipc_msg *m, struct ipc_error *err)
{
	return ipc_msg_parse(s, strlen(s), m, err);
}

static void test_scan_parses_exactly(void **state)
{
	struct ipc_msg m;

	(void)state;
	assert_int_equal(parse(" {\"v\":1,\"type\":\"scan\",\"scan_id\":\"x-1\","
			       "\"customer_id\":\"AB_c-9\",\"symbology\":\"qr\","
			       "\"time_ms\":1000,\"order\":\"o\"}\n",
			       &m, NULL),
			 0);
	assert_int_equal(m.type, IPC_MSG_SCAN);
	assert_string_equal(m.customer_id, "AB_c-9");
	assert_string_equal(m.scan_id, "x-1");
	assert_int_equal(m.symbology, IPC_SYM_QR);
	assert_int_equal(m.time_ms, 1000);
	assert_string_equal(m.rule, "");
	assert_string_equal(m.card, "");
}

/* A card read by a card rule: the rule and the card number come along. */
static void test_scan_with_rule(void **state)
{
	static const char text[] = "{\"v\":1,\"type\":\"scan\",\"scan_id\":\"x-1\","
				   "\"customer_id\":\"0001234567\",\"symbology\":\"ean13\","
				   "\"time_ms\":1000,\"order\":\"o\",\"rule\":\"member_ean13\","
				   "\"card\":\"2400012345676\"}";
	struct ipc_msg m;
	char buf[IPC_MSG_MAX + 1];

	(void)state;
	assert_int_equal(parse(text, &m, NULL), 0);
	assert_string_equal(m.customer_id, "0001234567");
	assert_string_equal(m.rule, "member_ean13");
	assert_string_equal(m.card, "2400012345676");
	assert_int_equal(m.symbology, IPC_SYM_EAN13);
	assert_true(ipc_msg_format(&m, buf, sizeof(buf), NULL) > 0);
	assert_string_equal(buf, text);
	/* Every symbology a rule may read has its wire name. */
	for (int i = 0; i < IPC_SYMBOLOGY_COUNT; i++) {
		enum ipc_symbology sym;

		assert_int_equal(
		    ipc_symbology_parse(ipc_symbology_name((enum ipc_symbology)i), &sym), 0);
		assert_int_equal(sym, i);
	}
	assert_string_equal(ipc_symbology_name(IPC_SYM_I25), "i25");
	/* Without rule and card a scan formats exactly as protocol 1 always had it. */
	m.rule[0] = m.card[0] = '\0';
	m.symbology = IPC_SYM_QR;
	assert_true(ipc_msg_format(&m, buf, sizeof(buf), NULL) > 0);
	assert_null(strstr(buf, "rule"));
	assert_null(strstr(buf, "card"));
}

/* Each bad message with the code it must get. */
static const struct {
	const char *text;
	int code;
} bad[] = {
    {"", IPC_ERR_BAD_JSON},
    {"{", IPC_ERR_BAD_JSON},
    {"{\"v\":1,\"type\":\"ping\"} {}", IPC_ERR_BAD_JSON},
    {"{\"v\":1,\"type\":\"ping\",}", IPC_ERR_BAD_JSON},
    {"{'v':1,'type':'ping'}", IPC_ERR_BAD_JSON},
    {"{\"v\":1,\"type\":\"show\",\"text\":\"\xff\"}", IPC_ERR_BAD_JSON},
    {"[1]", IPC_ERR_BAD_MESSAGE},
    {"{\"type\":\"ping\"}", IPC_ERR_BAD_VERSION},
    {"{\"v\":2,\"type\":\"ping\"}", IPC_ERR_BAD_VERSION},
    {"{\"v\":\"1\",\"type\":\"ping\"}", IPC_ERR_BAD_VERSION},
    {"{\"v\":1.0,\"type\":\"ping\"}", IPC_ERR_BAD_VERSION},
    {"{\"v\":1}", IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"reboot\"}", IPC_ERR_UNKNOWN_TYPE},
    {"{\"v\":1,\"type\":\"PING\"}", IPC_ERR_UNKNOWN_TYPE},
    {"{\"v\":1,\"type\":\"ping\",\"extra\":1}", IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"ping\",\"order\":\"o\"}", IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"enable\"}", IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"enable\",\"order\":7}", IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"enable\",\"order\":\"\"}", IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"enable\",\"order\":\"a\\nb\"}", IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"enable\",\"order\":\"o\",\"timeout_ms\":-1}", IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"enable\",\"order\":\"o\",\"timeout_ms\":86400001}", IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"enable\",\"order\":\"o\",\"timeout_ms\":1e3}", IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"result\",\"scan_id\":\"s\",\"result\":\"maybe\"}", IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"outcome\",\"scan_id\":\"s\",\"result\":\"confirm\"}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"result\",\"scan_id\":\"s\",\"result\":\"attached\",\"name\":"
     "\"a\\u0007\"}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"scan\",\"scan_id\":\"s\",\"customer_id\":\"CUST#1\",\"symbology\":\"qr\","
     "\"time_ms\":1,\"order\":\"o\"}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"scan\",\"scan_id\":\"s\",\"customer_id\":\"12\\u00003\",\"symbology\":"
     "\"qr\",\"time_ms\":1,\"order\":\"o\"}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"scan\",\"scan_id\":\"s\",\"customer_id\":\"1 2\",\"symbology\":\"qr\","
     "\"time_ms\":1,\"order\":\"o\"}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"scan\",\"scan_id\":\"s\",\"customer_id\":\"1\",\"symbology\":\"pdf417\","
     "\"time_ms\":1,\"order\":\"o\"}",
     IPC_ERR_BAD_MESSAGE},
    /* Card rules' fields: a rule is a word, a card printable ASCII. */
    {"{\"v\":1,\"type\":\"scan\",\"scan_id\":\"s\",\"customer_id\":\"1\",\"symbology\":\"ean13\","
     "\"time_ms\":1,\"order\":\"o\",\"rule\":\"Loyalty\"}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"scan\",\"scan_id\":\"s\",\"customer_id\":\"1\",\"symbology\":\"ean13\","
     "\"time_ms\":1,\"order\":\"o\",\"rule\":\"\"}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"scan\",\"scan_id\":\"s\",\"customer_id\":\"1\",\"symbology\":\"ean13\","
     "\"time_ms\":1,\"order\":\"o\",\"card\":\"24\\u00e9\"}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"scan\",\"scan_id\":\"s\",\"customer_id\":\"1\",\"symbology\":\"ean13\","
     "\"time_ms\":1,\"order\":\"o\",\"card\":12}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"cancel\",\"scan_id\":\"s\",\"rule\":\"a\"}", IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"scan\",\"scan_id\":\"s\",\"customer_id\":\"1\",\"symbology\":\"qr\","
     "\"time_ms\":0,\"order\":\"o\"}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"scan\",\"scan_id\":\"s\",\"customer_id\":\"1\",\"symbology\":\"qr\","
     "\"time_ms\":18446744073709551615,\"order\":\"o\"}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"scan\",\"scan_id\":\"s\",\"customer_id\":\"1\",\"symbology\":\"qr\","
     "\"order\":\"o\"}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"status\",\"scan_mode\":1,\"camera\":\"ok\",\"version\":\"1\","
     "\"counters\":{\"scans\":0,\"answered\":0,\"no_answer\":0,\"stale\":0,"
     "\"bad_messages\":0}}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"status\",\"scan_mode\":true,\"camera\":\"ok\",\"version\":\"1\","
     "\"counters\":{\"scans\":0,\"answered\":0,\"no_answer\":0,\"stale\":0}}",
     IPC_ERR_BAD_MESSAGE},
    {"{\"v\":1,\"type\":\"status\",\"scan_mode\":true,\"camera\":\"ok\",\"version\":\"1\","
     "\"counters\":{\"scans\":{\"deep\":[1]}}}",
     IPC_ERR_BAD_JSON},
};

static void test_bad_messages_get_their_code(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ipc_msg m;
		struct ipc_error err = {0};
		int rc = parse(bad[i].text, &m, &err);

		if (rc != bad[i].code)
			fail_msg("%s: got %d (%s), want %d", bad[i].text, rc, err.detail,
				 bad[i].code);
		assert_true(err.detail[0] != '\0');
		assert_string_equal(m.customer_id, "");
	}
}

static void test_nul_oversize_and_long_fields(void **state)
{
	char big[IPC_MSG_MAX + 64];
	char id[IPC_ID_MAX + 2];
	struct ipc_msg m;
	int n;

	(void)state;
	assert_int_equal(ipc_msg_parse("{\"v\":1,\"type\":\"ping\"}\0x", 23, &m, NULL),
			 IPC_ERR_BAD_JSON);

	n = snprintf(big, sizeof(big), "{\"v\":1,\"type\":\"show\",\"text\":\"");
	memset(big + n, 'a', sizeof(big) - (size_t)n - 3);
	strcpy(big + sizeof(big) - 3, "\"}");
	assert_int_equal(ipc_msg_parse(big, strlen(big), &m, NULL), IPC_ERR_TOO_BIG);

	/* 64 id characters pass, 65 do not. */
	memset(id, '7', IPC_ID_MAX);
	id[IPC_ID_MAX] = '\0';
	snprintf(big, sizeof(big), "{\"v\":1,\"type\":\"cancel\",\"scan_id\":\"%s\"}", id);
	assert_int_equal(parse(big, &m, NULL), 0);
	assert_string_equal(m.scan_id, id);
	strcat(id, "7");
	snprintf(big, sizeof(big), "{\"v\":1,\"type\":\"cancel\",\"scan_id\":\"%s\"}", id);
	assert_int_equal(parse(big, &m, NULL), IPC_ERR_BAD_MESSAGE);
}

static void test_format_refuses_what_would_not_parse(void **state)
{
	char buf[IPC_MSG_MAX + 1];
	struct ipc_msg m;

	(void)state;
	ipc_msg_init(&m, IPC_MSG_SCAN);
	strcpy(m.scan_id, "s-1");
	strcpy(m.customer_id, "12\"3");
	m.time_ms = 5;
	strcpy(m.order, "o");
	assert_int_equal(ipc_msg_format(&m, buf, sizeof(buf), NULL), IPC_ERR_BAD_MESSAGE);

	ipc_msg_init(&m, IPC_MSG_RESULT);
	strcpy(m.scan_id, "s-1");
	strcpy(m.name, "\xc3"); /* cut UTF-8 */
	assert_int_equal(ipc_msg_format(&m, buf, sizeof(buf), NULL), IPC_ERR_BAD_MESSAGE);

	ipc_msg_init(&m, IPC_MSG_PING);
	assert_int_equal(ipc_msg_format(&m, buf, 10, NULL), IPC_ERR_TOO_BIG);
}

/* A status whose metrics are as long as they can be. */
static void fill_max_status(struct ipc_msg *m)
{
	const uint64_t big = 9007199254740992ULL; /* 2^53, the largest allowed */
	struct ipc_histogram *h[] = {&m->metrics.decode, &m->metrics.read_to_emit,
				     &m->metrics.emit_to_answer};
	uint64_t *c = &m->metrics.frames;

	ipc_msg_init(m, IPC_MSG_STATUS);
	m->scan_mode = true;
	memset(m->order, 'o', IPC_ORDER_MAX);
	memset(m->camera, 'c', IPC_WORD_MAX);
	memset(m->version, 'v', IPC_WORD_MAX);
	m->counters.scans = m->counters.answered = m->counters.no_answer = big;
	m->counters.stale = m->counters.bad_messages = big;
	m->metrics.present = true;
	for (uint64_t *p = c; p <= &m->metrics.register_timeouts; p++)
		*p = big;
	m->metrics.n_rejected = IPC_METRICS_MAX_REASONS;
	for (int i = 0; i < IPC_METRICS_MAX_REASONS; i++) {
		snprintf(m->metrics.rejected[i].reason, IPC_WORD_BUFSZ, "%031d", i);
		m->metrics.rejected[i].count = big;
	}
	m->metrics.n_buckets = IPC_METRICS_MAX_BUCKETS;
	for (int i = 0; i < IPC_METRICS_MAX_BUCKETS; i++)
		m->metrics.le_ms[i] = big - IPC_METRICS_MAX_BUCKETS + (uint64_t)i;
	for (size_t k = 0; k < sizeof(h) / sizeof(h[0]); k++) {
		for (int i = 0; i <= IPC_METRICS_MAX_BUCKETS; i++)
			h[k]->counts[i] = big;
		h[k]->sum_us = big;
	}
}

/* Metrics come only when asked for, and the longest status fits one message. */
static void test_status_metrics(void **state)
{
	char buf[IPC_MSG_MAX + 1];
	struct ipc_msg m;
	int len;

	(void)state;
	/* A query without metrics is the version 1 query it always was. */
	ipc_msg_init(&m, IPC_MSG_STATUS_QUERY);
	len = ipc_msg_format(&m, buf, sizeof(buf), NULL);
	assert_string_equal(buf, "{\"v\":1,\"type\":\"status_query\"}");
	m.want_metrics = true;
	round_trip(&m);
	len = ipc_msg_format(&m, buf, sizeof(buf), NULL);
	assert_string_equal(buf, "{\"v\":1,\"type\":\"status_query\",\"metrics\":true}");

	fill_max_status(&m);
	round_trip(&m);
	len = ipc_msg_format(&m, buf, sizeof(buf), NULL);
	assert_true(len > 0 && len <= IPC_MSG_MAX);
	/* Without metrics the status has none of their keys. */
	memset(&m.metrics, 0, sizeof(m.metrics));
	round_trip(&m);
	ipc_msg_format(&m, buf, sizeof(buf), NULL);
	assert_null(strstr(buf, "metrics"));

	/* A small one, parsed from text as a register would receive it. */
	assert_int_equal(
	    parse("{\"v\":1,\"type\":\"status\",\"scan_mode\":false,\"camera\":\"off\","
		  "\"version\":\"1\",\"counters\":{\"scans\":0,\"answered\":0,\"no_answer\":0,"
		  "\"stale\":0,\"bad_messages\":0},\"metrics\":{\"frames\":30,"
		  "\"frames_dropped\":1,\"decodes\":29,\"symbols\":4,\"ids_emitted\":1,"
		  "\"source_faults\":0,\"scans_sent\":1,\"register_answers\":1,"
		  "\"register_timeouts\":0,\"rejected\":{\"bad_prefix\":2},\"le_ms\":[5,50],"
		  "\"decode\":[20,9,0],\"decode_sum_us\":60000,\"read_to_emit\":[0,1,0],"
		  "\"read_to_emit_sum_us\":33000,\"emit_to_answer\":[1,0,0],"
		  "\"emit_to_answer_sum_us\":2000}}",
		  &m, NULL),
	    0);
	assert_true(m.metrics.present);
	assert_int_equal(m.metrics.frames_dropped, 1);
	assert_int_equal(m.metrics.n_rejected, 1);
	assert_string_equal(m.metrics.rejected[0].reason, "bad_prefix");
	assert_int_equal(m.metrics.rejected[0].count, 2);
	assert_int_equal(m.metrics.n_buckets, 2);
	assert_int_equal(m.metrics.le_ms[1], 50);
	assert_int_equal(m.metrics.decode.counts[1], 9);
	assert_int_equal(m.metrics.read_to_emit.sum_us, 33000);
}

/* Metrics that do not hold together are refused, parsed or formatted. */
static void test_bad_metrics(void **state)
{
	static const char *const head =
	    "{\"v\":1,\"type\":\"status\",\"scan_mode\":false,\"camera\":\"off\","
	    "\"version\":\"1\",\"counters\":{\"scans\":0,\"answered\":0,\"no_answer\":0,"
	    "\"stale\":0,\"bad_messages\":0},\"metrics\":{\"frames\":0,\"frames_dropped\":0,"
	    "\"decodes\":0,\"symbols\":0,\"ids_emitted\":0,\"source_faults\":0,"
	    "\"scans_sent\":0,\"register_answers\":0,\"register_timeouts\":0,";
	static const char *const tails[] = {
	    /* a histogram one count short */
	    "\"rejected\":{},\"le_ms\":[5,50],\"decode\":[0,0],\"decode_sum_us\":0,"
	    "\"read_to_emit\":[0,0,0],\"read_to_emit_sum_us\":0,\"emit_to_answer\":[0,0,0],"
	    "\"emit_to_answer_sum_us\":0}}",
	    /* bounds not ascending */
	    "\"rejected\":{},\"le_ms\":[50,5],\"decode\":[0,0,0],\"decode_sum_us\":0,"
	    "\"read_to_emit\":[0,0,0],\"read_to_emit_sum_us\":0,\"emit_to_answer\":[0,0,0],"
	    "\"emit_to_answer_sum_us\":0}}",
	    /* a reason that is no word */
	    "\"rejected\":{\"Bad Prefix\":1},\"le_ms\":[5,50],\"decode\":[0,0,0],"
	    "\"decode_sum_us\":0,\"read_to_emit\":[0,0,0],\"read_to_emit_sum_us\":0,"
	    "\"emit_to_answer\":[0,0,0],\"emit_to_answer_sum_us\":0}}",
	    /* a sum missing */
	    "\"rejected\":{},\"le_ms\":[5,50],\"decode\":[0,0,0],\"read_to_emit\":[0,0,0],"
	    "\"read_to_emit_sum_us\":0,\"emit_to_answer\":[0,0,0],\"emit_to_answer_sum_us\":0}}",
	    /* a count that is no integer */
	    "\"rejected\":{},\"le_ms\":[5,50],\"decode\":[0,0.5,0],\"decode_sum_us\":0,"
	    "\"read_to_emit\":[0,0,0],\"read_to_emit_sum_us\":0,\"emit_to_answer\":[0,0,0],"
	    "\"emit_to_answer_sum_us\":0}}",
	};
	char text[IPC_MSG_MAX], buf[IPC_MSG_MAX + 1];
	struct ipc_msg m;

	(void)state;
	for (size_t i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
		snprintf(text, sizeof(text), "%s%s", head, tails[i]);
		if (parse(text, &m, NULL) != IPC_ERR_BAD_MESSAGE)
			fail_msg("accepted: %s", tails[i]);
	}
	/* "metrics" is a boolean in a query and an object in a status, nowhere else. */
	assert_int_equal(parse("{\"v\":1,\"type\":\"status_query\",\"metrics\":{}}", &m, NULL),
			 IPC_ERR_BAD_MESSAGE);
	assert_int_equal(parse("{\"v\":1,\"type\":\"ping\",\"metrics\":true}", &m, NULL),
			 IPC_ERR_BAD_MESSAGE);

	fill_max_status(&m);
	m.metrics.le_ms[3] = m.metrics.le_ms[2];
	assert_int_equal(ipc_msg_format(&m, buf, sizeof(buf), NULL), IPC_ERR_BAD_MESSAGE);
	fill_max_status(&m);
	m.metrics.n_buckets = 0;
	assert_int_equal(ipc_msg_format(&m, buf, sizeof(buf), NULL), IPC_ERR_BAD_MESSAGE);
	fill_max_status(&m);
	strcpy(m.metrics.rejected[1].reason, m.metrics.rejected[0].reason);
	assert_int_equal(ipc_msg_format(&m, buf, sizeof(buf), NULL), IPC_ERR_BAD_MESSAGE);
}

static void test_error_message_and_masking(void **state)
{
	char buf[IPC_MSG_MAX + 1];
	char masked[IPC_ID_BUFSZ];
	struct ipc_msg m;

	(void)state;
	ipc_msg_error(&m, IPC_ERR_BAD_VERSION, "version 2, this side speaks 1\n");
	assert_string_equal(m.reason, "bad_version");
	assert_string_equal(m.text, "version 2, this side speaks 1");
	assert_true(ipc_msg_format(&m, buf, sizeof(buf), NULL) > 0);

	assert_string_equal(ipc_id_mask("100234", masked), "10***(6)");
	assert_string_equal(ipc_id_mask("12", masked), "***(2)");
	assert_true(ipc_id_valid("a-Z_9"));
	assert_false(ipc_id_valid(""));
	assert_false(ipc_id_valid("CUST#1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_every_type_round_trips),
	    cmocka_unit_test(test_scan_parses_exactly),
	    cmocka_unit_test(test_scan_with_rule),
	    cmocka_unit_test(test_bad_messages_get_their_code),
	    cmocka_unit_test(test_nul_oversize_and_long_fields),
	    cmocka_unit_test(test_format_refuses_what_would_not_parse),
	    cmocka_unit_test(test_error_message_and_masking),
	    cmocka_unit_test(test_status_metrics),
	    cmocka_unit_test(test_bad_metrics),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
