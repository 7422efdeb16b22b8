/*
 * The customer display's state machine (see display/state.h for the
 * screens). One switch on the screen, then one on the event, with a banner
 * on each screen; every pair the switch does not take falls through to
 * bad_event, which changes nothing and counts the event for the caller's log.
 *
 * Camera and link health are kept as flags whatever the screen, so a screen
 * that ends (a result, scan mode coming on) can go where the flags say:
 * resume() picks REGISTER_DOWN, SCANNER_DOWN or READY. Faults interrupt the
 * scanning screens at once but never a result the customer is reading.
 */
#include "display/state.h"

#include <stdlib.h>
#include <string.h>

#include "display/error.h"

struct display_state {
	struct display_state_config cfg; /* validated at create */
	enum display_screen screen;	 /* current screen */
	int64_t now_ms;			 /* latest time seen */
	int64_t since_ms;		 /* when the screen was entered */
	int64_t deadline_ms;		 /* when it moves on by itself, INT64_MAX: never */
	bool scan_mode;			 /* the register wants scanning */
	bool camera_ok;			 /* last camera health reported */
	bool register_up;		 /* last link health reported */
	char name[DISPLAY_NAME_BUFSZ];	 /* display name for CONFIRMED */
	enum display_reject reason;	 /* why NOT_A_CARD */
	uint64_t bad_events;		 /* impossible events reported */
	char note[DISPLAY_NOTE_BUFSZ];	 /* the service note, "" for none */
};

void display_state_config_init_default(struct display_state_config *cfg)
{
	cfg->reading_ms = 1500;
	cfg->checking_ms = 5000;
	cfg->confirmed_ms = 4000;
	cfg->notice_ms = 6000;
	cfg->wait_cashier_ms = 10000;
	cfg->register_down_ms = 60000;
	cfg->await_register = true;
}

static bool config_valid(const struct display_state_config *cfg)
{
	return cfg->reading_ms >= 0 && cfg->checking_ms >= 0 && cfg->confirmed_ms >= 0 &&
	       cfg->notice_ms >= 0 && cfg->wait_cashier_ms >= 0 && cfg->register_down_ms >= 0;
}

struct display_state *display_state_create(const struct display_state_config *cfg, int64_t now_ms)
{
	struct display_state *s;
	struct display_state_config def;

	if (!cfg) {
		display_state_config_init_default(&def);
		cfg = &def;
	}
	if (!config_valid(cfg))
		return NULL;
	s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->cfg = *cfg;
	s->screen = DISPLAY_SCREEN_IDLE;
	s->now_ms = now_ms;
	s->since_ms = now_ms;
	s->deadline_ms = INT64_MAX;
	s->camera_ok = true;
	s->register_up = true;
	return s;
}

void display_state_destroy(struct display_state *s)
{
	free(s);
}

/* ------------------------------------------------------------------------ */
/* Moving between screens                                                   */
/* ------------------------------------------------------------------------ */

/* How long a screen stays by itself, 0 for "until an event". */
static int screen_timeout_ms(const struct display_state *s, enum display_screen screen)
{
	switch (screen) {
	case DISPLAY_SCREEN_READING:
		return s->cfg.reading_ms;
	case DISPLAY_SCREEN_CHECKING:
		return s->cfg.checking_ms;
	case DISPLAY_SCREEN_CONFIRMED:
		return s->cfg.confirmed_ms;
	case DISPLAY_SCREEN_NOT_A_CARD:
	case DISPLAY_SCREEN_UNKNOWN_CARD:
	case DISPLAY_SCREEN_CARD_REFUSED:
	case DISPLAY_SCREEN_NOT_CHECKED:
		return s->cfg.notice_ms;
	case DISPLAY_SCREEN_WAIT_CASHIER:
		return s->cfg.wait_cashier_ms;
	case DISPLAY_SCREEN_REGISTER_DOWN:
		return s->cfg.register_down_ms;
	default:
		return 0;
	}
}

static void enter(struct display_state *s, enum display_screen screen)
{
	int timeout = screen_timeout_ms(s, screen);

	s->screen = screen;
	s->since_ms = s->now_ms;
	s->deadline_ms = timeout > 0 ? s->now_ms + timeout : INT64_MAX;
	if (screen != DISPLAY_SCREEN_CONFIRMED && screen != DISPLAY_SCREEN_CHECKING)
		s->name[0] = '\0';
}

/* Where scanning goes on after a screen ends: a fault, or READY. */
static void resume(struct display_state *s)
{
	if (!s->scan_mode)
		enter(s, DISPLAY_SCREEN_IDLE);
	else if (!s->register_up)
		enter(s, DISPLAY_SCREEN_REGISTER_DOWN);
	else if (!s->camera_ok)
		enter(s, DISPLAY_SCREEN_SCANNER_DOWN);
	else
		enter(s, DISPLAY_SCREEN_READY);
}

static void keep_name(struct display_state *s, const char *name)
{
	size_t n;

	s->name[0] = '\0';
	if (!name)
		return;
	n = strlen(name);
	if (n >= sizeof(s->name))
		n = sizeof(s->name) - 1;
	memcpy(s->name, name, n);
	s->name[n] = '\0';
}

/* The scanner confirmed an id: ask the register, or accept it at once. */
static void id_confirmed(struct display_state *s, const struct display_event *ev)
{
	keep_name(s, ev->name);
	enter(s, s->cfg.await_register ? DISPLAY_SCREEN_CHECKING : DISPLAY_SCREEN_CONFIRMED);
}

static void rejected(struct display_state *s, const struct display_event *ev)
{
	s->reason = ev->reason;
	enter(s, DISPLAY_SCREEN_NOT_A_CARD);
}

static void register_answer(struct display_state *s, const struct display_event *ev)
{
	switch (ev->answer) {
	case DISPLAY_ANSWER_ATTACHED:
		if (ev->name) /* else the name given with ID_CONFIRMED, if any, stays */
			keep_name(s, ev->name);
		enter(s, DISPLAY_SCREEN_CONFIRMED);
		break;
	case DISPLAY_ANSWER_UNKNOWN:
		enter(s, DISPLAY_SCREEN_UNKNOWN_CARD);
		break;
	case DISPLAY_ANSWER_NEEDS_CASHIER:
		enter(s, DISPLAY_SCREEN_WAIT_CASHIER);
		break;
	case DISPLAY_ANSWER_REJECTED:
		enter(s, DISPLAY_SCREEN_CARD_REFUSED);
		break;
	default:
		enter(s, DISPLAY_SCREEN_NOT_CHECKED);
		break;
	}
}

static bool expired(const struct display_state *s)
{
	return s->now_ms >= s->deadline_ms;
}

/* Events every screen takes the same way: health flags and scan mode off. */
static bool common_event(struct display_state *s, const struct display_event *ev)
{
	switch (ev->type) {
	case DISPLAY_EV_SCAN_MODE_OFF:
		s->scan_mode = false;
		enter(s, DISPLAY_SCREEN_IDLE);
		return true;
	case DISPLAY_EV_CAMERA_OK:
		s->camera_ok = true;
		return false;
	case DISPLAY_EV_CAMERA_FAILED:
		s->camera_ok = false;
		return false;
	case DISPLAY_EV_REGISTER_UP:
		s->register_up = true;
		return false;
	case DISPLAY_EV_REGISTER_DOWN:
		s->register_up = false;
		return false;
	default:
		return false;
	}
}

/* ------------------------------------------------------------------------ */
/* The state machine                                                        */
/* ------------------------------------------------------------------------ */

static int bad_event(struct display_state *s)
{
	s->bad_events++;
	return DISPLAY_ERR_BAD_EVENT;
}

int display_state_handle(struct display_state *s, const struct display_event *ev)
{
	if (!s || !ev || (unsigned)ev->type >= DISPLAY_EV_COUNT)
		return DISPLAY_ERR_INVAL;
	if (ev->type == DISPLAY_EV_REGISTER_ANSWER && (unsigned)ev->answer >= DISPLAY_ANSWER_COUNT)
		return DISPLAY_ERR_INVAL;
	if (ev->type == DISPLAY_EV_REJECTED && (unsigned)ev->reason >= DISPLAY_REJECT_COUNT)
		return DISPLAY_ERR_INVAL;
	if (ev->now_ms > s->now_ms)
		s->now_ms = ev->now_ms;
	if (common_event(s, ev))
		return 0;

	switch (s->screen) {
	/*
	 * IDLE: scan mode is off. Only the register turning it on moves on;
	 * the scanner is stopped, so reads and answers cannot come.
	 */
	case DISPLAY_SCREEN_IDLE:
		switch (ev->type) {
		case DISPLAY_EV_SCAN_MODE_ON:
			s->scan_mode = true;
			resume(s);
			return 0;
		case DISPLAY_EV_CAMERA_OK:
		case DISPLAY_EV_CAMERA_FAILED:
		case DISPLAY_EV_REGISTER_UP:
		case DISPLAY_EV_REGISTER_DOWN:
		case DISPLAY_EV_TICK:
			return 0;
		default:
			return bad_event(s);
		}

	/*
	 * READY and READING: waiting for a card. A code in view shows READING
	 * and keeps it while it stays in view; a confirmed id or a rejected
	 * code ends scanning with a result; faults interrupt at once.
	 */
	case DISPLAY_SCREEN_READY:
	case DISPLAY_SCREEN_READING:
		switch (ev->type) {
		case DISPLAY_EV_SCAN_MODE_ON:
		case DISPLAY_EV_CAMERA_OK:
		case DISPLAY_EV_REGISTER_UP:
			return 0;
		case DISPLAY_EV_CODE_SEEN:
			if (s->screen == DISPLAY_SCREEN_READING) {
				s->deadline_ms = s->cfg.reading_ms > 0
						     ? s->now_ms + s->cfg.reading_ms
						     : INT64_MAX;
			} else {
				enter(s, DISPLAY_SCREEN_READING);
			}
			return 0;
		case DISPLAY_EV_ID_CONFIRMED:
			id_confirmed(s, ev);
			return 0;
		case DISPLAY_EV_REJECTED:
			rejected(s, ev);
			return 0;
		case DISPLAY_EV_CAMERA_FAILED:
		case DISPLAY_EV_REGISTER_DOWN:
			resume(s);
			return 0;
		case DISPLAY_EV_TICK:
			if (s->screen == DISPLAY_SCREEN_READING && expired(s))
				enter(s, DISPLAY_SCREEN_READY);
			return 0;
		default:
			return bad_event(s);
		}

	/*
	 * CHECKING: the register is asked about the id. Reads meanwhile are
	 * the same card still held up and change nothing; the answer decides.
	 * The camera failing does not matter any more, losing the link does.
	 */
	case DISPLAY_SCREEN_CHECKING:
		switch (ev->type) {
		case DISPLAY_EV_SCAN_MODE_ON:
		case DISPLAY_EV_CODE_SEEN:
		case DISPLAY_EV_ID_CONFIRMED:
		case DISPLAY_EV_REJECTED:
		case DISPLAY_EV_CAMERA_OK:
		case DISPLAY_EV_CAMERA_FAILED:
		case DISPLAY_EV_REGISTER_UP:
			return 0;
		case DISPLAY_EV_REGISTER_ANSWER:
			register_answer(s, ev);
			return 0;
		case DISPLAY_EV_REGISTER_DOWN:
			enter(s, DISPLAY_SCREEN_REGISTER_DOWN);
			return 0;
		case DISPLAY_EV_TICK:
			if (expired(s))
				enter(s, DISPLAY_SCREEN_NOT_CHECKED);
			return 0;
		default:
			return bad_event(s);
		}

	/*
	 * CONFIRMED and WAIT_CASHIER: a result the customer is reading. Reads
	 * of the card still in view are ignored; faults are noted for later.
	 * On CONFIRMED no question is pending, so an answer is impossible; on
	 * WAIT_CASHIER the cashier's decision (the register's "outcome")
	 * arrives as an answer and is shown.
	 */
	case DISPLAY_SCREEN_CONFIRMED:
	case DISPLAY_SCREEN_WAIT_CASHIER:
		switch (ev->type) {
		case DISPLAY_EV_REGISTER_ANSWER:
			if (s->screen == DISPLAY_SCREEN_CONFIRMED)
				return bad_event(s);
			register_answer(s, ev);
			return 0;
		case DISPLAY_EV_SCAN_MODE_ON:
		case DISPLAY_EV_CODE_SEEN:
		case DISPLAY_EV_ID_CONFIRMED:
		case DISPLAY_EV_REJECTED:
		case DISPLAY_EV_CAMERA_OK:
		case DISPLAY_EV_CAMERA_FAILED:
		case DISPLAY_EV_REGISTER_UP:
		case DISPLAY_EV_REGISTER_DOWN:
			return 0;
		case DISPLAY_EV_TICK:
			if (expired(s))
				resume(s);
			return 0;
		default:
			return bad_event(s);
		}

	/*
	 * The notices (NOT_A_CARD, UNKNOWN_CARD, CARD_REFUSED, NOT_CHECKED):
	 * what went wrong and what to do. The wrong code may stay in view, so
	 * CODE_SEEN does not end them; a customer card read instead acts at
	 * once. A late answer after NOT_CHECKED is still the truth and shown.
	 */
	case DISPLAY_SCREEN_NOT_A_CARD:
	case DISPLAY_SCREEN_UNKNOWN_CARD:
	case DISPLAY_SCREEN_CARD_REFUSED:
	case DISPLAY_SCREEN_NOT_CHECKED:
		switch (ev->type) {
		case DISPLAY_EV_SCAN_MODE_ON:
		case DISPLAY_EV_CODE_SEEN:
		case DISPLAY_EV_CAMERA_OK:
		case DISPLAY_EV_CAMERA_FAILED:
		case DISPLAY_EV_REGISTER_UP:
		case DISPLAY_EV_REGISTER_DOWN:
			return 0;
		case DISPLAY_EV_ID_CONFIRMED:
			id_confirmed(s, ev);
			return 0;
		case DISPLAY_EV_REJECTED:
			rejected(s, ev);
			return 0;
		case DISPLAY_EV_REGISTER_ANSWER:
			if (s->screen != DISPLAY_SCREEN_NOT_CHECKED)
				return bad_event(s);
			register_answer(s, ev);
			return 0;
		case DISPLAY_EV_TICK:
			if (expired(s))
				resume(s);
			return 0;
		default:
			return bad_event(s);
		}

	/*
	 * SCANNER_DOWN: no camera, so no reads and no answers. It lasts until
	 * the camera is back (or scan mode ends); losing the link takes over.
	 */
	case DISPLAY_SCREEN_SCANNER_DOWN:
		switch (ev->type) {
		case DISPLAY_EV_SCAN_MODE_ON:
		case DISPLAY_EV_CAMERA_FAILED:
		case DISPLAY_EV_REGISTER_UP:
		case DISPLAY_EV_TICK:
			return 0;
		case DISPLAY_EV_CAMERA_OK:
		case DISPLAY_EV_REGISTER_DOWN:
			resume(s);
			return 0;
		default:
			return bad_event(s);
		}

	/*
	 * REGISTER_DOWN: the link is lost, so no answer can come; reads go
	 * nowhere and are ignored. The link coming back resumes scanning; if
	 * it stays away, scan mode is dropped (the register turns it on again
	 * when it is back) and the screen goes idle.
	 */
	case DISPLAY_SCREEN_REGISTER_DOWN:
		switch (ev->type) {
		case DISPLAY_EV_SCAN_MODE_ON:
		case DISPLAY_EV_CODE_SEEN:
		case DISPLAY_EV_ID_CONFIRMED:
		case DISPLAY_EV_REJECTED:
		case DISPLAY_EV_CAMERA_OK:
		case DISPLAY_EV_CAMERA_FAILED:
		case DISPLAY_EV_REGISTER_DOWN:
			return 0;
		case DISPLAY_EV_REGISTER_UP:
			resume(s);
			return 0;
		case DISPLAY_EV_TICK:
			if (expired(s)) {
				s->scan_mode = false;
				enter(s, DISPLAY_SCREEN_IDLE);
			}
			return 0;
		default:
			return bad_event(s);
		}

	default:
		return bad_event(s);
	}
}

int display_state_tick(struct display_state *s, int64_t now_ms)
{
	struct display_event ev = {.type = DISPLAY_EV_TICK, .now_ms = now_ms};

	return display_state_handle(s, &ev);
}

int display_state_post(struct display_state *s, enum display_event_type type, int64_t now_ms)
{
	struct display_event ev = {.type = type, .now_ms = now_ms};

	return display_state_handle(s, &ev);
}

/* ------------------------------------------------------------------------ */
/* Reading the state                                                        */
/* ------------------------------------------------------------------------ */

enum display_screen display_state_screen(const struct display_state *s)
{
	return s->screen;
}

void display_state_snapshot(const struct display_state *s, struct display_snapshot *snap)
{
	memset(snap, 0, sizeof(*snap));
	snap->screen = s->screen;
	snap->since_ms = s->since_ms;
	memcpy(snap->name, s->name, sizeof(snap->name));
	snap->reason = s->reason;
	snap->camera_ok = s->camera_ok;
	snap->register_up = s->register_up;
	memcpy(snap->note, s->note, sizeof(snap->note));
}

bool display_state_set_note(struct display_state *s, const char *note)
{
	char cut[DISPLAY_NOTE_BUFSZ];
	size_t n = note ? strlen(note) : 0;

	if (n >= sizeof(cut)) {
		n = sizeof(cut) - 1;
		while (n > 0 && ((unsigned char)note[n] & 0xc0) == 0x80)
			n--; /* not inside a UTF-8 sequence */
	}
	if (n)
		memcpy(cut, note, n);
	cut[n] = '\0';
	if (strcmp(cut, s->note) == 0)
		return false;
	memcpy(s->note, cut, n + 1);
	return true;
}

int64_t display_state_deadline(const struct display_state *s)
{
	return s->deadline_ms;
}

uint64_t display_state_bad_events(const struct display_state *s)
{
	return s->bad_events;
}

const char *display_screen_name(enum display_screen screen)
{
	switch (screen) {
#define DISPLAY_SCREEN_CASE(name, str)                                                             \
	case DISPLAY_SCREEN_##name:                                                                \
		return str;
		DISPLAY_SCREEN_MAP(DISPLAY_SCREEN_CASE)
#undef DISPLAY_SCREEN_CASE
	default:
		return "?";
	}
}

const char *display_event_name(enum display_event_type type)
{
	switch (type) {
#define DISPLAY_EVENT_CASE(name, str)                                                              \
	case DISPLAY_EV_##name:                                                                    \
		return str;
		DISPLAY_EVENT_MAP(DISPLAY_EVENT_CASE)
#undef DISPLAY_EVENT_CASE
	default:
		return "?";
	}
}

enum display_cue display_screen_cue(enum display_screen screen)
{
	switch (screen) {
	case DISPLAY_SCREEN_CONFIRMED:
		return DISPLAY_CUE_SUCCESS;
	case DISPLAY_SCREEN_NOT_A_CARD:
	case DISPLAY_SCREEN_UNKNOWN_CARD:
	case DISPLAY_SCREEN_CARD_REFUSED:
	case DISPLAY_SCREEN_NOT_CHECKED:
	case DISPLAY_SCREEN_WAIT_CASHIER:
		return DISPLAY_CUE_FAILURE;
	default:
		return DISPLAY_CUE_NONE;
	}
}

bool display_screen_is_scanning(enum display_screen screen)
{
	return screen == DISPLAY_SCREEN_READY || screen == DISPLAY_SCREEN_READING ||
	       screen == DISPLAY_SCREEN_CHECKING;
}
