/*
 * Tests for the presence state (scanner/presence.h) on frame sequences at
 * 30 fps: nothing, a card located but unread turning into "seen" with the
 * right reason, a read, forgetting after the card leaves, and time going
 * backwards.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "scanner/presence.h"

#define FRAME_US 33333

static struct scanner_result empty(void)
{
	struct scanner_result r;
	memset(&r, 0, sizeof(r));
	return r;
}

static struct scanner_result located(double module, double glare)
{
	struct scanner_result r = empty();
	r.located = 1;
	r.located_module = module;
	r.located_glare = glare;
	return r;
}

static struct scanner_result read_one(void)
{
	struct scanner_result r = empty();
	r.count = 1;
	r.located = 1;
	return r;
}

/* Feeds n copies of r from frame *t on; returns the last state. */
static enum scanner_presence_state feed(struct scanner_presence *p, int64_t *t, int n,
					struct scanner_result r)
{
	enum scanner_presence_state s = SCANNER_PRESENCE_NONE;
	for (int i = 0; i < n; i++, *t += FRAME_US)
		s = scanner_presence_update(p, *t, &r);
	return s;
}

static void init(struct scanner_presence *p)
{
	struct scanner_presence_config cfg;
	scanner_presence_config_init_default(&cfg);
	scanner_presence_init(p, &cfg);
}

static void test_nothing_stays_none(void **state)
{
	(void)state;
	struct scanner_presence p;
	int64_t t = 0;
	init(&p);
	assert_int_equal(feed(&p, &t, 100, empty()), SCANNER_PRESENCE_NONE);
	assert_int_equal(p.reason, SCANNER_PRESENCE_REASON_NONE);
}

static void test_located_unread_becomes_seen_with_reason(void **state)
{
	(void)state;
	struct scanner_presence p;
	int64_t t = 0;

	init(&p);
	/* 400 ms after the first frame (t = 0) is past frame 12 (t = 399996):
	 * still none there, seen at frame 13 */
	assert_int_equal(feed(&p, &t, 13, located(4, 0)), SCANNER_PRESENCE_NONE);
	assert_int_equal(feed(&p, &t, 1, located(4, 0)), SCANNER_PRESENCE_SEEN);
	assert_int_equal(p.reason, SCANNER_PRESENCE_REASON_HOLD_STILL);
	feed(&p, &t, 1, located(1.5, 0));
	assert_int_equal(p.reason, SCANNER_PRESENCE_REASON_TOO_SMALL);
	feed(&p, &t, 1, located(4, 0.3));
	assert_int_equal(p.reason, SCANNER_PRESENCE_REASON_GLARE);
	assert_string_equal(scanner_presence_reason_name(p.reason), "glare");
	assert_string_equal(scanner_presence_state_name(p.state), "seen");
}

static void test_read_then_gone(void **state)
{
	(void)state;
	struct scanner_presence p;
	int64_t t = 0;

	init(&p);
	feed(&p, &t, 20, located(4, 0));
	assert_int_equal(feed(&p, &t, 1, read_one()), SCANNER_PRESENCE_READ);
	assert_int_equal(p.reason, SCANNER_PRESENCE_REASON_NONE);
	/* a missed frame or two right after a read keeps "read" */
	assert_int_equal(feed(&p, &t, 5, located(4, 0)), SCANNER_PRESENCE_READ);
	/* the card leaves: 500 ms later (15 frames) presence is none */
	assert_int_equal(feed(&p, &t, 14, empty()), SCANNER_PRESENCE_READ);
	assert_int_equal(feed(&p, &t, 2, empty()), SCANNER_PRESENCE_NONE);
}

static void test_flicker_does_not_reset_seen(void **state)
{
	(void)state;
	struct scanner_presence p;
	int64_t t = 0;

	init(&p);
	feed(&p, &t, 20, located(4, 0));
	assert_int_equal(p.state, SCANNER_PRESENCE_SEEN);
	/* the locator misses a few frames: still seen */
	assert_int_equal(feed(&p, &t, 3, empty()), SCANNER_PRESENCE_SEEN);
	assert_int_equal(feed(&p, &t, 1, located(4, 0)), SCANNER_PRESENCE_SEEN);
}

static void test_time_going_backwards_forgets(void **state)
{
	(void)state;
	struct scanner_presence p;
	struct scanner_result e = empty();
	int64_t t = 1000000;

	init(&p);
	feed(&p, &t, 20, located(4, 0));
	assert_int_equal(p.state, SCANNER_PRESENCE_SEEN);
	assert_int_equal(scanner_presence_update(&p, 0, &e), SCANNER_PRESENCE_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_nothing_stays_none),
	    cmocka_unit_test(test_located_unread_becomes_seen_with_reason),
	    cmocka_unit_test(test_read_then_gone),
	    cmocka_unit_test(test_flicker_does_not_reset_seen),
	    cmocka_unit_test(test_time_going_backwards_forgets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
