/*
 * Tests for scanner/confirm.c: frame sequences at 30 fps and what is emitted
 * on which frame.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "scanner/confirm.h"

#define FRAME_US  33333 /* 30 fps */
#define SECOND_US 1000000

/* The filter under test and the clock of the sequence fed to it. */
struct fixture {
	struct confirm *c;				  /* from setup */
	int64_t t_us;					  /* timestamp of the next frame */
	char out[CONFIRM_MAX_PER_FRAME][CUSTID_ID_BUFSZ]; /* what the last frame emitted */
	size_t n_out;					  /* how many */
};

static int fixture_setup(void **state, int k, int n)
{
	static struct fixture f;
	struct confirm_config cfg;

	memset(&f, 0, sizeof(f));
	confirm_config_init_default(&cfg);
	cfg.k = k;
	cfg.n = n;
	f.c = confirm_create(&cfg);
	if (!f.c)
		return -1;
	f.t_us = 1000 * SECOND_US;
	*state = &f;
	return 0;
}

static int setup_default(void **state)
{
	struct confirm_config cfg;

	confirm_config_init_default(&cfg);
	return fixture_setup(state, cfg.k, cfg.n);
}

static int setup_k1(void **state)
{
	return fixture_setup(state, 1, 1);
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	confirm_destroy(f->c);
	return 0;
}

/* Feeds one frame holding ids[0..n) and advances the clock by one frame. */
static size_t frame_n(struct fixture *f, const char *const *ids, size_t n)
{
	f->n_out = confirm_push(f->c, f->t_us, ids, n, f->out, CONFIRM_MAX_PER_FRAME);
	f->t_us += FRAME_US;
	return f->n_out;
}

/* Feeds one frame with up to two ids (NULL for none). */
static size_t frame(struct fixture *f, const char *a, const char *b)
{
	const char *ids[2];
	size_t n = 0;

	if (a)
		ids[n++] = a;
	if (b)
		ids[n++] = b;
	return frame_n(f, ids, n);
}

/* Feeds count frames, each with id (or none), and returns the total emitted. */
static size_t frames(struct fixture *f, int count, const char *id)
{
	size_t total = 0;

	for (int i = 0; i < count; i++)
		total += frame(f, id, NULL);
	return total;
}

static void test_default_config(void **state)
{
	struct confirm_config cfg;

	(void)state;
	confirm_config_init_default(&cfg);
	assert_int_equal(cfg.k, 2);
	assert_int_equal(cfg.n, 3);
	assert_int_equal(cfg.cooldown_us, 3 * SECOND_US);
}

static void test_emits_on_second_read(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(frame(f, "1001", NULL), 0);
	assert_int_equal(frame(f, "1001", NULL), 1);
	assert_string_equal(f->out[0], "1001");
	assert_int_equal(frame(f, "1001", NULL), 0);
}

static void test_gap_within_window(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(frame(f, "1001", NULL), 0);
	assert_int_equal(frame(f, NULL, NULL), 0);
	assert_int_equal(frame(f, "1001", NULL), 1); /* 2 of the last 3 */
	assert_string_equal(f->out[0], "1001");
}

static void test_gap_beyond_window(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(frame(f, "1001", NULL), 0);
	assert_int_equal(frame(f, NULL, NULL), 0);
	assert_int_equal(frame(f, NULL, NULL), 0);
	assert_int_equal(frame(f, "1001", NULL), 0); /* the first read fell out */
	assert_int_equal(frame(f, NULL, NULL), 0);
	assert_int_equal(frame(f, NULL, NULL), 0);
	assert_int_equal(frame(f, "1001", NULL), 0);
	assert_int_equal(frame(f, "1001", NULL), 1);
	assert_string_equal(f->out[0], "1001");
}

static void test_k1_emits_on_first_read(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(frame(f, "42", NULL), 1);
	assert_string_equal(f->out[0], "42");
	assert_int_equal(frames(f, 10, "42"), 0);
}

static void test_once_while_held(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(frames(f, 100, "1001"), 1);
}

static void test_once_while_held_flickering(void **state)
{
	struct fixture *f = *state;
	size_t total = 0;

	/* Read in two frames of three, for ten seconds. */
	for (int i = 0; i < 300; i++)
		total += frame(f, i % 3 == 2 ? NULL : "1001", NULL);
	assert_int_equal(total, 1);
}

static void test_reemit_after_cooldown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(frames(f, 10, "1001"), 1);
	assert_int_equal(frames(f, 93, NULL), 0); /* 3.1 s away */
	assert_int_equal(frame(f, "1001", NULL), 0);
	assert_int_equal(frame(f, "1001", NULL), 1);
	assert_string_equal(f->out[0], "1001");
}

static void test_no_reemit_within_cooldown(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(frames(f, 10, "1001"), 1);
	assert_int_equal(frames(f, 87, NULL), 0); /* 2.9 s away */
	assert_int_equal(frames(f, 30, "1001"), 0);
	/* The cool-down runs from the last read, not from the emission. */
	assert_int_equal(frames(f, 87, NULL), 0);
	assert_int_equal(frames(f, 30, "1001"), 0);
}

static void test_reemit_after_cooldown_without_empty_frames(void **state)
{
	struct fixture *f = *state;

	/* A caller that only pushes frames with reads gets the same result. */
	assert_int_equal(frames(f, 10, "1001"), 1);
	f->t_us += 2900000;
	assert_int_equal(frames(f, 5, "1001"), 0);
	f->t_us += 3100000;
	assert_int_equal(frame(f, "1001", NULL), 0);
	assert_int_equal(frame(f, "1001", NULL), 1);
}

static void test_two_cards_alternating(void **state)
{
	struct fixture *f = *state;
	size_t total = 0;

	assert_int_equal(frame(f, "A1", NULL), 0);
	assert_int_equal(frame(f, "B2", NULL), 0);
	assert_int_equal(frame(f, "A1", NULL), 1);
	assert_string_equal(f->out[0], "A1");
	assert_int_equal(frame(f, "B2", NULL), 1);
	assert_string_equal(f->out[0], "B2");
	for (int i = 0; i < 60; i++)
		total += frame(f, i % 2 ? "B2" : "A1", NULL);
	assert_int_equal(total, 0);
}

static void test_two_cards_together(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(frame(f, "A1", "B2"), 0);
	assert_int_equal(frame(f, "A1", "B2"), 2);
	assert_string_equal(f->out[0], "A1");
	assert_string_equal(f->out[1], "B2");
	assert_int_equal(frame(f, "B2", "A1"), 0);
}

static void test_second_card_right_after_first(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(frames(f, 10, "A1"), 1);
	/* B is its own id: A's cool-down does not hold it back. */
	assert_int_equal(frame(f, "B2", NULL), 0);
	assert_int_equal(frame(f, "B2", NULL), 1);
	assert_string_equal(f->out[0], "B2");
	assert_int_equal(frames(f, 20, "B2"), 0);
	/* And A coming back at once is still the same presentation. */
	assert_int_equal(frames(f, 5, "A1"), 0);
}

static void test_duplicates_in_frame_count_once(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(frame(f, "A1", "A1"), 0);
	assert_int_equal(frame(f, NULL, NULL), 0);
	assert_int_equal(frame(f, NULL, NULL), 0);
	assert_int_equal(frame(f, "A1", "A1"), 0);
	assert_int_equal(frame(f, "A1", NULL), 1);
}

static void test_capacity_eviction(void **state)
{
	struct fixture *f = *state;
	char ids[CONFIRM_MAX_TRACKED + 1][8];

	for (int i = 0; i <= CONFIRM_MAX_TRACKED; i++)
		snprintf(ids[i], sizeof(ids[i]), "ID%d", i);
	/* Fill the table, one new id per frame, all within the cool-down. */
	for (int i = 0; i < CONFIRM_MAX_TRACKED; i++) {
		assert_int_equal(frame(f, ids[i], NULL), 1);
		assert_string_equal(f->out[0], ids[i]);
	}
	/* One more evicts the least recently seen, ID0. */
	assert_int_equal(frame(f, ids[CONFIRM_MAX_TRACKED], NULL), 1);
	/* ID1 is still tracked: not emitted again. */
	assert_int_equal(frame(f, ids[1], NULL), 0);
	/* ID0 was forgotten: a new presentation (this evicts ID2). */
	assert_int_equal(frame(f, ids[0], NULL), 1);
	assert_string_equal(f->out[0], ids[0]);
	assert_int_equal(frame(f, ids[3], NULL), 0);
	assert_int_equal(frame(f, ids[2], NULL), 1);
}

static void test_capacity_keeps_current_frame(void **state)
{
	struct fixture *f = *state;
	const char *const many[CONFIRM_MAX_PER_FRAME] = {"M0", "M1", "M2", "M3",
							 "M4", "M5", "M6", "M7"};
	const char *const more[CONFIRM_MAX_PER_FRAME] = {"N0", "N1", "N2", "N3",
							 "N4", "N5", "N6", "N7"};
	const char *const again[CONFIRM_MAX_PER_FRAME] = {"P0", "P1", "P2", "P3",
							  "P4", "P5", "P6", "P7"};

	/* Three full frames of new ids: 24 ids through 16 entries. */
	assert_int_equal(frame_n(f, many, CONFIRM_MAX_PER_FRAME), CONFIRM_MAX_PER_FRAME);
	assert_int_equal(frame_n(f, more, CONFIRM_MAX_PER_FRAME), CONFIRM_MAX_PER_FRAME);
	assert_int_equal(frame_n(f, again, CONFIRM_MAX_PER_FRAME), CONFIRM_MAX_PER_FRAME);
	/* The M ids were the oldest and went; the N and P ids stay. */
	assert_int_equal(frame_n(f, more, CONFIRM_MAX_PER_FRAME), 0);
	assert_int_equal(frame_n(f, again, CONFIRM_MAX_PER_FRAME), 0);
}

static void test_backwards_timestamps(void **state)
{
	struct fixture *f = *state;
	int64_t t0 = f->t_us;

	assert_int_equal(confirm_push(f->c, t0, (const char *[]){"A1"}, 1, f->out, 8), 0);
	/* Earlier than the last frame: still a new frame, so A reaches 2 of 3. */
	assert_int_equal(confirm_push(f->c, t0 - SECOND_US, (const char *[]){"A1"}, 1, f->out, 8),
			 1);
	assert_string_equal(f->out[0], "A1");
	/* Going back further does not make A a new presentation. */
	for (int i = 0; i < 10; i++)
		assert_int_equal(confirm_push(f->c, t0 - 10 * SECOND_US - i, (const char *[]){"A1"},
					      1, f->out, 8),
				 0);
	assert_int_equal(confirm_push(f->c, INT64_MIN, (const char *[]){"A1"}, 1, f->out, 8), 0);
	/* The cool-down runs from the latest time seen, t0. */
	assert_int_equal(
	    confirm_push(f->c, t0 + 2 * SECOND_US, (const char *[]){"A1"}, 1, f->out, 8), 0);
	assert_int_equal(
	    confirm_push(f->c, t0 + 6 * SECOND_US, (const char *[]){"A1"}, 1, f->out, 8), 0);
	assert_int_equal(
	    confirm_push(f->c, t0 + 6 * SECOND_US + FRAME_US, (const char *[]){"A1"}, 1, f->out, 8),
	    1);
	/* Extreme stamps do not overflow the cool-down arithmetic. */
	assert_int_equal(confirm_push(f->c, INT64_MAX, NULL, 0, f->out, 8), 0);
	assert_int_equal(confirm_push(f->c, INT64_MAX, (const char *[]){"A1"}, 1, f->out, 8), 0);
	assert_int_equal(confirm_push(f->c, INT64_MAX, (const char *[]){"A1"}, 1, f->out, 8), 1);
}

static void test_extreme_first_timestamp(void **state)
{
	struct confirm_config cfg;
	struct confirm *c;
	char out[2][CUSTID_ID_BUFSZ];
	const char *ids[] = {"A1"};

	(void)state;
	confirm_config_init_default(&cfg);
	cfg.k = 1;
	c = confirm_create(&cfg);
	assert_non_null(c);
	assert_int_equal(confirm_push(c, INT64_MIN, ids, 1, out, 2), 1);
	assert_int_equal(confirm_push(c, INT64_MAX, NULL, 0, out, 2), 0);
	assert_int_equal(confirm_push(c, INT64_MAX, ids, 1, out, 2), 1);
	confirm_destroy(c);
}

static void test_emitted_room(void **state)
{
	struct fixture *f = *state;
	const char *const ids[] = {"A1", "B2", "C3"};
	char out[2][CUSTID_ID_BUFSZ];

	assert_int_equal(confirm_push(f->c, f->t_us, ids, 3, out, 2), 2);
	assert_string_equal(out[0], "A1");
	assert_string_equal(out[1], "B2");
	/* C3 had no room; it is emitted by the next frame that reads it. */
	assert_int_equal(confirm_push(f->c, f->t_us + FRAME_US, ids, 3, out, 2), 1);
	assert_string_equal(out[0], "C3");
	assert_int_equal(
	    confirm_push(f->c, f->t_us + 2 * FRAME_US, (const char *[]){"D4"}, 1, NULL, 4), 0);
	assert_int_equal(
	    confirm_push(f->c, f->t_us + 3 * FRAME_US, (const char *[]){"D4"}, 1, out, 0), 0);
	assert_int_equal(
	    confirm_push(f->c, f->t_us + 4 * FRAME_US, (const char *[]){"D4"}, 1, out, 2), 1);
	assert_string_equal(out[0], "D4");
}

static void test_bad_ids_skipped(void **state)
{
	struct fixture *f = *state;
	char too_long[CUSTID_ID_BUFSZ + 8];
	const char *ids[] = {NULL, "", too_long, "A1"};
	const char *nine[] = {"I0", "I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8"};

	memset(too_long, 'x', sizeof(too_long) - 1);
	too_long[sizeof(too_long) - 1] = '\0';
	assert_int_equal(frame_n(f, ids, 4), 1);
	assert_string_equal(f->out[0], "A1");
	assert_int_equal(frame_n(f, NULL, 3), 0);
	/* Only CONFIRM_MAX_PER_FRAME ids of a frame are looked at. */
	assert_int_equal(frame_n(f, nine, 9), CONFIRM_MAX_PER_FRAME);
	assert_string_equal(f->out[CONFIRM_MAX_PER_FRAME - 1], "I7");
	assert_int_equal(frame(f, "I8", NULL), 1);
	assert_int_equal(confirm_push(NULL, 0, ids, 4, f->out, 8), 0);
}

static void test_reset_forgets(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(frames(f, 5, "1001"), 1);
	confirm_reset(f->c);
	assert_int_equal(frame(f, "1001", NULL), 0);
	assert_int_equal(frame(f, "1001", NULL), 1);
	confirm_reset(NULL);
}

static void test_full_window(void **state)
{
	struct confirm_config cfg;
	struct confirm *c;
	char out[1][CUSTID_ID_BUFSZ];
	const char *ids[] = {"W"};
	int64_t t = 0;
	size_t got = 0;

	(void)state;
	confirm_config_init_default(&cfg);
	cfg.k = CONFIRM_MAX_WINDOW;
	cfg.n = CONFIRM_MAX_WINDOW;
	c = confirm_create(&cfg);
	assert_non_null(c);
	/* 15 reads, a miss, then 15 more: never 16 in a row. */
	for (int i = 0; i < 31; i++, t += FRAME_US)
		got += confirm_push(c, t, ids, i == 15 ? 0 : 1, out, 1);
	assert_int_equal(got, 0);
	assert_int_equal(confirm_push(c, t, ids, 1, out, 1), 1);
	confirm_destroy(c);
}

static void test_invalid_configs(void **state)
{
	static const struct confirm_config bad[] = {
	    {.k = 0, .n = 3, .cooldown_us = 0},
	    {.k = 1, .n = 0, .cooldown_us = 0},
	    {.k = 4, .n = 3, .cooldown_us = 0},
	    {.k = -1, .n = 3, .cooldown_us = 0},
	    {.k = 1, .n = CONFIRM_MAX_WINDOW + 1, .cooldown_us = 0},
	    {.k = 2, .n = 3, .cooldown_us = -1},
	};
	const struct confirm_config good = {.k = 1, .n = 1, .cooldown_us = 0};
	struct confirm *c;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_null(confirm_create(&bad[i]));
	assert_null(confirm_create(NULL));
	c = confirm_create(&good);
	assert_non_null(c);
	confirm_destroy(c);
	confirm_destroy(NULL);
}

#define WITH_DEFAULT(t) cmocka_unit_test_setup_teardown(t, setup_default, teardown)
#define WITH_K1(t)	cmocka_unit_test_setup_teardown(t, setup_k1, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_default_config),
	    WITH_DEFAULT(test_emits_on_second_read),
	    WITH_DEFAULT(test_gap_within_window),
	    WITH_DEFAULT(test_gap_beyond_window),
	    WITH_K1(test_k1_emits_on_first_read),
	    WITH_DEFAULT(test_once_while_held),
	    WITH_DEFAULT(test_once_while_held_flickering),
	    WITH_DEFAULT(test_reemit_after_cooldown),
	    WITH_DEFAULT(test_no_reemit_within_cooldown),
	    WITH_DEFAULT(test_reemit_after_cooldown_without_empty_frames),
	    WITH_DEFAULT(test_two_cards_alternating),
	    WITH_DEFAULT(test_two_cards_together),
	    WITH_DEFAULT(test_second_card_right_after_first),
	    WITH_DEFAULT(test_duplicates_in_frame_count_once),
	    WITH_K1(test_capacity_eviction),
	    WITH_K1(test_capacity_keeps_current_frame),
	    WITH_DEFAULT(test_backwards_timestamps),
	    cmocka_unit_test(test_extreme_first_timestamp),
	    WITH_K1(test_emitted_room),
	    WITH_K1(test_bad_ids_skipped),
	    WITH_DEFAULT(test_reset_forgets),
	    cmocka_unit_test(test_full_window),
	    cmocka_unit_test(test_invalid_configs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
