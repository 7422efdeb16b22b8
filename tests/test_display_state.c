/*
 * Tests for display/state.c: every screen against every event (the exact
 * next screen, and which pairs are impossible), the time-outs driven by
 * ticks, the display name, the register's answers, faults interrupting
 * scanning but not results, and the argument checks. Time is passed in, so
 * nothing here reads a clock.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "display/error.h"
#include "display/state.h"

#define T0 1000000 /* an arbitrary start time, in ms */

#define S(x) DISPLAY_SCREEN_##x
#define E(x) DISPLAY_EV_##x

static struct display_state *make(const struct display_state_config *cfg)
{
	struct display_state *s = display_state_create(cfg, T0);

	assert_non_null(s);
	return s;
}

static void post(struct display_state *s, enum display_event_type type, int64_t t)
{
	assert_int_equal(display_state_post(s, type, t), 0);
}

static void answer(struct display_state *s, enum display_answer a, const char *name, int64_t t)
{
	struct display_event ev = {
	    .type = E(REGISTER_ANSWER), .now_ms = t, .answer = a, .name = name};

	assert_int_equal(display_state_handle(s, &ev), 0);
}

static void confirmed(struct display_state *s, const char *name, int64_t t)
{
	struct display_event ev = {.type = E(ID_CONFIRMED), .now_ms = t, .name = name};

	assert_int_equal(display_state_handle(s, &ev), 0);
}

/* Drives a fresh machine into screen by the events that lead there. */
static void reach(struct display_state *s, enum display_screen screen)
{
	if (screen == S(IDLE))
		return;
	post(s, E(SCAN_MODE_ON), T0);
	switch (screen) {
	case S(READING):
		post(s, E(CODE_SEEN), T0);
		break;
	case S(CHECKING):
		confirmed(s, NULL, T0);
		break;
	case S(CONFIRMED):
		confirmed(s, NULL, T0);
		answer(s, DISPLAY_ANSWER_ATTACHED, NULL, T0);
		break;
	case S(NOT_A_CARD):
		post(s, E(REJECTED), T0);
		break;
	case S(UNKNOWN_CARD):
		confirmed(s, NULL, T0);
		answer(s, DISPLAY_ANSWER_UNKNOWN, NULL, T0);
		break;
	case S(CARD_REFUSED):
		confirmed(s, NULL, T0);
		answer(s, DISPLAY_ANSWER_REJECTED, NULL, T0);
		break;
	case S(NOT_CHECKED):
		confirmed(s, NULL, T0);
		answer(s, DISPLAY_ANSWER_ERROR, NULL, T0);
		break;
	case S(WAIT_CASHIER):
		confirmed(s, NULL, T0);
		answer(s, DISPLAY_ANSWER_NEEDS_CASHIER, NULL, T0);
		break;
	case S(SCANNER_DOWN):
		post(s, E(CAMERA_FAILED), T0);
		break;
	case S(REGISTER_DOWN):
		post(s, E(REGISTER_DOWN), T0);
		break;
	default:
		break;
	}
	assert_int_equal(display_state_screen(s), screen);
}

/* ------------------------------------------------------------------------ */
/* Every screen against every event                                         */
/* ------------------------------------------------------------------------ */

#define BAD (-1) /* impossible: the screen stays and BAD_EVENT is reported */

/*
 * The next screen for each pair, events in enum order: scan_mode_on,
 * scan_mode_off, code_seen, id_confirmed, rejected, register_answer
 * (attached), camera_ok, camera_failed, register_up, register_down, tick
 * (before any time-out).
 */
static const int transitions[DISPLAY_SCREEN_COUNT][DISPLAY_EV_COUNT] = {
    [S(IDLE)] = {S(READY), S(IDLE), BAD, BAD, BAD, BAD, S(IDLE), S(IDLE), S(IDLE), S(IDLE),
		 S(IDLE)},
    [S(READY)] = {S(READY), S(IDLE), S(READING), S(CHECKING), S(NOT_A_CARD), BAD, S(READY),
		  S(SCANNER_DOWN), S(READY), S(REGISTER_DOWN), S(READY)},
    [S(READING)] = {S(READING), S(IDLE), S(READING), S(CHECKING), S(NOT_A_CARD), BAD, S(READING),
		    S(SCANNER_DOWN), S(READING), S(REGISTER_DOWN), S(READING)},
    [S(CHECKING)] = {S(CHECKING), S(IDLE), S(CHECKING), S(CHECKING), S(CHECKING), S(CONFIRMED),
		     S(CHECKING), S(CHECKING), S(CHECKING), S(REGISTER_DOWN), S(CHECKING)},
    [S(CONFIRMED)] = {S(CONFIRMED), S(IDLE), S(CONFIRMED), S(CONFIRMED), S(CONFIRMED), BAD,
		      S(CONFIRMED), S(CONFIRMED), S(CONFIRMED), S(CONFIRMED), S(CONFIRMED)},
    [S(NOT_A_CARD)] = {S(NOT_A_CARD), S(IDLE), S(NOT_A_CARD), S(CHECKING), S(NOT_A_CARD), BAD,
		       S(NOT_A_CARD), S(NOT_A_CARD), S(NOT_A_CARD), S(NOT_A_CARD), S(NOT_A_CARD)},
    [S(UNKNOWN_CARD)] = {S(UNKNOWN_CARD), S(IDLE), S(UNKNOWN_CARD), S(CHECKING), S(NOT_A_CARD), BAD,
			 S(UNKNOWN_CARD), S(UNKNOWN_CARD), S(UNKNOWN_CARD), S(UNKNOWN_CARD),
			 S(UNKNOWN_CARD)},
    [S(CARD_REFUSED)] = {S(CARD_REFUSED), S(IDLE), S(CARD_REFUSED), S(CHECKING), S(NOT_A_CARD), BAD,
			 S(CARD_REFUSED), S(CARD_REFUSED), S(CARD_REFUSED), S(CARD_REFUSED),
			 S(CARD_REFUSED)},
    [S(NOT_CHECKED)] = {S(NOT_CHECKED), S(IDLE), S(NOT_CHECKED), S(CHECKING), S(NOT_A_CARD),
			S(CONFIRMED), S(NOT_CHECKED), S(NOT_CHECKED), S(NOT_CHECKED),
			S(NOT_CHECKED), S(NOT_CHECKED)},
    [S(WAIT_CASHIER)] = {S(WAIT_CASHIER), S(IDLE), S(WAIT_CASHIER), S(WAIT_CASHIER),
			 S(WAIT_CASHIER), S(CONFIRMED), S(WAIT_CASHIER), S(WAIT_CASHIER),
			 S(WAIT_CASHIER), S(WAIT_CASHIER), S(WAIT_CASHIER)},
    [S(SCANNER_DOWN)] = {S(SCANNER_DOWN), S(IDLE), BAD, BAD, BAD, BAD, S(READY), S(SCANNER_DOWN),
			 S(SCANNER_DOWN), S(REGISTER_DOWN), S(SCANNER_DOWN)},
    [S(REGISTER_DOWN)] = {S(REGISTER_DOWN), S(IDLE), S(REGISTER_DOWN), S(REGISTER_DOWN),
			  S(REGISTER_DOWN), BAD, S(REGISTER_DOWN), S(REGISTER_DOWN), S(READY),
			  S(REGISTER_DOWN), S(REGISTER_DOWN)},
};

static void test_every_pair(void **state)
{
	int sc, ev;

	(void)state;
	for (sc = 0; sc < DISPLAY_SCREEN_COUNT; sc++) {
		for (ev = 0; ev < DISPLAY_EV_COUNT; ev++) {
			struct display_state *s = make(NULL);
			struct display_event e = {.type = (enum display_event_type)ev,
						  .now_ms = T0 + 10,
						  .answer = DISPLAY_ANSWER_ATTACHED,
						  .reason = DISPLAY_REJECT_NOT_CUSTOMER_CARD};
			int want = transitions[sc][ev], rc;

			reach(s, (enum display_screen)sc);
			rc = display_state_handle(s, &e);
			if (want == BAD) {
				if (rc != DISPLAY_ERR_BAD_EVENT ||
				    display_state_screen(s) != (enum display_screen)sc)
					fail_msg("%s + %s: want bad_event, got rc %d, screen %s",
						 display_screen_name(sc), display_event_name(ev),
						 rc, display_screen_name(display_state_screen(s)));
				assert_int_equal(display_state_bad_events(s), 1);
			} else if (rc != 0 ||
				   display_state_screen(s) != (enum display_screen)want) {
				fail_msg("%s + %s: want %s, got rc %d, screen %s",
					 display_screen_name(sc), display_event_name(ev),
					 display_screen_name(want), rc,
					 display_screen_name(display_state_screen(s)));
			} else {
				assert_int_equal(display_state_bad_events(s), 0);
			}
			display_state_destroy(s);
		}
	}
}

/* ------------------------------------------------------------------------ */
/* Time-outs                                                                */
/* ------------------------------------------------------------------------ */

/* Ticks up to just before the deadline (screen stays), then at it (moves). */
static void expect_timeout(struct display_state *s, int64_t t_entered, int ms,
			   enum display_screen before, enum display_screen after)
{
	assert_int_equal(display_state_deadline(s), t_entered + ms);
	assert_int_equal(display_state_tick(s, t_entered + ms - 1), 0);
	assert_int_equal(display_state_screen(s), before);
	assert_int_equal(display_state_tick(s, t_entered + ms), 0);
	assert_int_equal(display_state_screen(s), after);
}

static void test_timeouts(void **state)
{
	struct display_state_config cfg;
	struct display_state *s;
	static const enum display_screen notices[] = {S(NOT_A_CARD), S(UNKNOWN_CARD),
						      S(CARD_REFUSED), S(NOT_CHECKED)};
	size_t i;

	(void)state;
	display_state_config_init_default(&cfg);

	s = make(&cfg);
	reach(s, S(READING));
	expect_timeout(s, T0, cfg.reading_ms, S(READING), S(READY));
	display_state_destroy(s);

	s = make(&cfg);
	reach(s, S(CHECKING));
	expect_timeout(s, T0, cfg.checking_ms, S(CHECKING), S(NOT_CHECKED));
	display_state_destroy(s);

	s = make(&cfg);
	reach(s, S(CONFIRMED));
	expect_timeout(s, T0, cfg.confirmed_ms, S(CONFIRMED), S(READY));
	display_state_destroy(s);

	for (i = 0; i < sizeof(notices) / sizeof(notices[0]); i++) {
		s = make(&cfg);
		reach(s, notices[i]);
		expect_timeout(s, T0, cfg.notice_ms, notices[i], S(READY));
		display_state_destroy(s);
	}

	s = make(&cfg);
	reach(s, S(WAIT_CASHIER));
	expect_timeout(s, T0, cfg.wait_cashier_ms, S(WAIT_CASHIER), S(READY));
	display_state_destroy(s);

	/* The link staying away ends scan mode: it comes back to IDLE. */
	s = make(&cfg);
	reach(s, S(REGISTER_DOWN));
	expect_timeout(s, T0, cfg.register_down_ms, S(REGISTER_DOWN), S(IDLE));
	post(s, E(REGISTER_UP), T0 + cfg.register_down_ms + 1);
	assert_int_equal(display_state_screen(s), S(IDLE));
	display_state_destroy(s);

	/* Screens without a time-out stay. */
	s = make(&cfg);
	reach(s, S(SCANNER_DOWN));
	assert_int_equal(display_state_deadline(s), INT64_MAX);
	post(s, E(TICK), T0 + 100000000);
	assert_int_equal(display_state_screen(s), S(SCANNER_DOWN));
	display_state_destroy(s);
}

static void test_reading_kept_while_code_in_view(void **state)
{
	struct display_state *s = make(NULL);
	struct display_state_config cfg;
	int64_t t;

	(void)state;
	display_state_config_init_default(&cfg);
	reach(s, S(READING));
	for (t = T0; t < T0 + 10 * cfg.reading_ms; t += cfg.reading_ms / 2) {
		post(s, E(CODE_SEEN), t);
		post(s, E(TICK), t + cfg.reading_ms - 1);
		assert_int_equal(display_state_screen(s), S(READING));
	}
	/* The entry time stays where READING began: its animation runs on. */
	{
		struct display_snapshot snap;

		display_state_snapshot(s, &snap);
		assert_int_equal(snap.since_ms, T0);
	}
	display_state_destroy(s);
}

static void test_zero_timeout_stays(void **state)
{
	struct display_state_config cfg;
	struct display_state *s;

	(void)state;
	display_state_config_init_default(&cfg);
	cfg.wait_cashier_ms = 0;
	s = make(&cfg);
	reach(s, S(WAIT_CASHIER));
	assert_int_equal(display_state_deadline(s), INT64_MAX);
	post(s, E(TICK), T0 + 100000000);
	assert_int_equal(display_state_screen(s), S(WAIT_CASHIER));
	post(s, E(SCAN_MODE_OFF), T0 + 100000001);
	assert_int_equal(display_state_screen(s), S(IDLE));
	display_state_destroy(s);
}

/* A fault during a result is shown when the result ends, not before. */
static void test_faults_wait_for_results(void **state)
{
	struct display_state_config cfg;
	struct display_state *s;

	(void)state;
	display_state_config_init_default(&cfg);
	s = make(&cfg);
	reach(s, S(CONFIRMED));
	post(s, E(CAMERA_FAILED), T0 + 10);
	assert_int_equal(display_state_screen(s), S(CONFIRMED));
	post(s, E(TICK), T0 + cfg.confirmed_ms);
	assert_int_equal(display_state_screen(s), S(SCANNER_DOWN));
	post(s, E(REGISTER_DOWN), T0 + cfg.confirmed_ms + 1);
	assert_int_equal(display_state_screen(s), S(REGISTER_DOWN));
	/* The link back, the camera still down. */
	post(s, E(REGISTER_UP), T0 + cfg.confirmed_ms + 2);
	assert_int_equal(display_state_screen(s), S(SCANNER_DOWN));
	display_state_destroy(s);

	/* Scan mode coming on with the camera already failed. */
	s = make(&cfg);
	post(s, E(CAMERA_FAILED), T0);
	assert_int_equal(display_state_screen(s), S(IDLE));
	post(s, E(SCAN_MODE_ON), T0 + 1);
	assert_int_equal(display_state_screen(s), S(SCANNER_DOWN));
	display_state_destroy(s);
}

/* ------------------------------------------------------------------------ */
/* Answers and names                                                        */
/* ------------------------------------------------------------------------ */

static void test_answers(void **state)
{
	static const struct {
		enum display_answer a;
		enum display_screen want;
	} cases[] = {
	    {DISPLAY_ANSWER_ATTACHED, S(CONFIRMED)},
	    {DISPLAY_ANSWER_UNKNOWN, S(UNKNOWN_CARD)},
	    {DISPLAY_ANSWER_NEEDS_CASHIER, S(WAIT_CASHIER)},
	    {DISPLAY_ANSWER_REJECTED, S(CARD_REFUSED)},
	    {DISPLAY_ANSWER_ERROR, S(NOT_CHECKED)},
	    {DISPLAY_ANSWER_TIMEOUT, S(NOT_CHECKED)},
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct display_state *s = make(NULL);

		reach(s, S(CHECKING));
		answer(s, cases[i].a, NULL, T0 + 5);
		assert_int_equal(display_state_screen(s), cases[i].want);
		display_state_destroy(s);
	}
}

static void test_names(void **state)
{
	struct display_state_config cfg;
	struct display_snapshot snap;
	struct display_state *s;
	char longname[200];

	(void)state;
	/* The register's name wins; without one the scanner-side name stays. */
	s = make(NULL);
	post(s, E(SCAN_MODE_ON), T0);
	confirmed(s, "From App", T0 + 1);
	answer(s, DISPLAY_ANSWER_ATTACHED, NULL, T0 + 2);
	display_state_snapshot(s, &snap);
	assert_int_equal(snap.screen, S(CONFIRMED));
	assert_string_equal(snap.name, "From App");
	assert_int_equal(snap.since_ms, T0 + 2);
	display_state_destroy(s);

	s = make(NULL);
	post(s, E(SCAN_MODE_ON), T0);
	confirmed(s, NULL, T0 + 1);
	answer(s, DISPLAY_ANSWER_ATTACHED, "Jürgen Müller", T0 + 2);
	display_state_snapshot(s, &snap);
	assert_string_equal(snap.name, "Jürgen Müller");
	/* Back to READY: the name is gone. */
	post(s, E(TICK), T0 + 100000);
	display_state_snapshot(s, &snap);
	assert_int_equal(snap.screen, S(READY));
	assert_string_equal(snap.name, "");
	display_state_destroy(s);

	/* A long name is cut to the buffer. */
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	display_state_config_init_default(&cfg);
	cfg.await_register = false;
	s = make(&cfg);
	post(s, E(SCAN_MODE_ON), T0);
	confirmed(s, longname, T0 + 1);
	display_state_snapshot(s, &snap);
	assert_int_equal(snap.screen, S(CONFIRMED));
	assert_int_equal(strlen(snap.name), DISPLAY_NAME_BUFSZ - 1);
	display_state_destroy(s);
}

static void test_reject_reason(void **state)
{
	struct display_state *s = make(NULL);
	struct display_event ev = {
	    .type = E(REJECTED), .now_ms = T0 + 1, .reason = DISPLAY_REJECT_BAD_CODE};
	struct display_snapshot snap;

	(void)state;
	post(s, E(SCAN_MODE_ON), T0);
	assert_int_equal(display_state_handle(s, &ev), 0);
	display_state_snapshot(s, &snap);
	assert_int_equal(snap.screen, S(NOT_A_CARD));
	assert_int_equal(snap.reason, DISPLAY_REJECT_BAD_CODE);
	display_state_destroy(s);
}

/* ------------------------------------------------------------------------ */
/* Arguments, time and names                                                */
/* ------------------------------------------------------------------------ */

static void test_invalid(void **state)
{
	struct display_state_config cfg;
	struct display_state *s = make(NULL);
	struct display_event ev = {.type = DISPLAY_EV_COUNT, .now_ms = T0};

	(void)state;
	assert_int_equal(display_state_handle(s, NULL), DISPLAY_ERR_INVAL);
	assert_int_equal(display_state_handle(NULL, &ev), DISPLAY_ERR_INVAL);
	assert_int_equal(display_state_handle(s, &ev), DISPLAY_ERR_INVAL);
	post(s, E(SCAN_MODE_ON), T0);
	confirmed(s, NULL, T0);
	ev.type = E(REGISTER_ANSWER);
	ev.answer = DISPLAY_ANSWER_COUNT;
	assert_int_equal(display_state_handle(s, &ev), DISPLAY_ERR_INVAL);
	ev.type = E(REJECTED);
	ev.reason = DISPLAY_REJECT_COUNT;
	assert_int_equal(display_state_handle(s, &ev), DISPLAY_ERR_INVAL);
	assert_int_equal(display_state_screen(s), S(CHECKING));
	assert_int_equal(display_state_bad_events(s), 0);
	display_state_destroy(s);
	display_state_destroy(NULL);

	display_state_config_init_default(&cfg);
	cfg.notice_ms = -1;
	assert_null(display_state_create(&cfg, T0));
}

static void test_time_backwards(void **state)
{
	struct display_state_config cfg;
	struct display_state *s;

	(void)state;
	display_state_config_init_default(&cfg);
	s = make(&cfg);
	reach(s, S(NOT_A_CARD));
	post(s, E(TICK), T0 + cfg.notice_ms - 10);
	/* An event from the past counts as now; the deadline is unchanged. */
	post(s, E(TICK), T0 - 50000);
	assert_int_equal(display_state_screen(s), S(NOT_A_CARD));
	post(s, E(TICK), T0 + cfg.notice_ms);
	assert_int_equal(display_state_screen(s), S(READY));
	display_state_destroy(s);
}

static void test_names_and_cues(void **state)
{
	int i, j;

	(void)state;
	for (i = 0; i < DISPLAY_SCREEN_COUNT; i++) {
		assert_string_not_equal(display_screen_name(i), "?");
		for (j = 0; j < i; j++)
			assert_string_not_equal(display_screen_name(i), display_screen_name(j));
	}
	for (i = 0; i < DISPLAY_EV_COUNT; i++)
		assert_string_not_equal(display_event_name(i), "?");
	assert_string_equal(display_screen_name(DISPLAY_SCREEN_COUNT), "?");
	assert_string_equal(display_event_name(DISPLAY_EV_COUNT), "?");
	assert_string_equal(display_screen_name(S(WAIT_CASHIER)), "wait_cashier");

	assert_int_equal(display_screen_cue(S(CONFIRMED)), DISPLAY_CUE_SUCCESS);
	assert_int_equal(display_screen_cue(S(NOT_A_CARD)), DISPLAY_CUE_FAILURE);
	assert_int_equal(display_screen_cue(S(UNKNOWN_CARD)), DISPLAY_CUE_FAILURE);
	assert_int_equal(display_screen_cue(S(WAIT_CASHIER)), DISPLAY_CUE_FAILURE);
	assert_int_equal(display_screen_cue(S(READY)), DISPLAY_CUE_NONE);
	assert_int_equal(display_screen_cue(S(SCANNER_DOWN)), DISPLAY_CUE_NONE);
	assert_true(display_screen_is_scanning(S(READING)));
	assert_false(display_screen_is_scanning(S(CONFIRMED)));
	assert_false(display_screen_is_scanning(S(IDLE)));
}

/* The service note: kept across screens, changes reported, cut on a character. */
static void test_service_note(void **state)
{
	struct display_state *s = display_state_create(NULL, 0);
	struct display_snapshot snap;
	char long_note[DISPLAY_NOTE_BUFSZ + 8];

	(void)state;
	assert_non_null(s);
	display_state_snapshot(s, &snap);
	assert_string_equal(snap.note, "");
	assert_true(display_state_set_note(s, "camera: absent"));
	assert_false(display_state_set_note(s, "camera: absent"));
	assert_int_equal(display_state_post(s, DISPLAY_EV_SCAN_MODE_ON, 10), 0);
	display_state_snapshot(s, &snap);
	assert_int_equal(snap.screen, S(READY));
	assert_string_equal(snap.note, "camera: absent");

	/* 2-byte characters across the cut: the note ends on a whole one. */
	memset(long_note, 'a', sizeof(long_note));
	for (size_t i = 1; i + 1 < sizeof(long_note); i += 2) {
		long_note[i] = (char)0xc3;
		long_note[i + 1] = (char)0xa9; /* é */
	}
	long_note[sizeof(long_note) - 1] = '\0';
	assert_true(display_state_set_note(s, long_note));
	display_state_snapshot(s, &snap);
	assert_true(strlen(snap.note) < DISPLAY_NOTE_BUFSZ);
	assert_int_equal(strlen(snap.note) % 2, 1); /* "a" then whole "é"s */
	assert_memory_equal(snap.note, long_note, strlen(snap.note));

	assert_true(display_state_set_note(s, NULL));
	display_state_snapshot(s, &snap);
	assert_string_equal(snap.note, "");
	display_state_destroy(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_service_note),
	    cmocka_unit_test(test_every_pair),
	    cmocka_unit_test(test_timeouts),
	    cmocka_unit_test(test_reading_kept_while_code_in_view),
	    cmocka_unit_test(test_zero_timeout_stays),
	    cmocka_unit_test(test_faults_wait_for_results),
	    cmocka_unit_test(test_answers),
	    cmocka_unit_test(test_names),
	    cmocka_unit_test(test_reject_reason),
	    cmocka_unit_test(test_invalid),
	    cmocka_unit_test(test_time_backwards),
	    cmocka_unit_test(test_names_and_cues),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
