/*
 * The customer display's state machine: which screen the customer sees.
 *
 * The app hands it events (scan mode from the register, what the scanner
 * sees, the register's answers, camera and link health, and the passing of
 * time) and reads back a snapshot to draw. It knows nothing of SDL, reads no
 * clock (every event carries the time, a monotonic millisecond count), never
 * allocates after create and never prints, so every state and event pair is
 * unit-tested without a screen.
 *
 *   IDLE          scan mode off: branding or a blank screen
 *   READY         "hold your card up to the camera", live preview
 *   READING       a code is in view but not yet confirmed: hold still
 *   CHECKING      the id was read and the register is asked
 *   CONFIRMED     check mark, "Welcome, <name>" or "Customer card accepted"
 *   NOT_A_CARD    the code read is not a customer card
 *   UNKNOWN_CARD  the register does not know the card
 *   CARD_REFUSED  the register refused the card
 *   NOT_CHECKED   the register did not answer (error or time-out)
 *   WAIT_CASHIER  the order already has another customer
 *   SCANNER_DOWN  camera missing or failed
 *   REGISTER_DOWN the link to the register is lost
 *
 * Result screens (CONFIRMED and the notices) and READING return by
 * themselves after their configured time; scan mode ending always returns to
 * IDLE. An event that cannot happen in a state (a register answer with no
 * question pending, a read while the camera is down, ...) leaves the state as
 * it is and is reported as DISPLAY_ERR_BAD_EVENT for the caller to log.
 *
 * Not thread-safe: one state machine belongs to the UI thread.
 */
#ifndef DISPLAY_STATE_H
#define DISPLAY_STATE_H

#include <stdbool.h>
#include <stdint.h>

/* Screens, in the order above. */
#define DISPLAY_SCREEN_MAP(X)                                                                      \
	X(IDLE, "idle")                                                                            \
	X(READY, "ready")                                                                          \
	X(READING, "reading")                                                                      \
	X(CHECKING, "checking")                                                                    \
	X(CONFIRMED, "confirmed")                                                                  \
	X(NOT_A_CARD, "not_a_card")                                                                \
	X(UNKNOWN_CARD, "unknown_card")                                                            \
	X(CARD_REFUSED, "card_refused")                                                            \
	X(NOT_CHECKED, "not_checked")                                                              \
	X(WAIT_CASHIER, "wait_cashier")                                                            \
	X(SCANNER_DOWN, "scanner_down")                                                            \
	X(REGISTER_DOWN, "register_down")

enum display_screen {
#define DISPLAY_SCREEN_ENUM(name, str) DISPLAY_SCREEN_##name,
	DISPLAY_SCREEN_MAP(DISPLAY_SCREEN_ENUM)
#undef DISPLAY_SCREEN_ENUM
	    DISPLAY_SCREEN_COUNT
};

/* Events. */
#define DISPLAY_EVENT_MAP(X)                                                                       \
	X(SCAN_MODE_ON, "scan_mode_on")                                                            \
	X(SCAN_MODE_OFF, "scan_mode_off")                                                          \
	X(CODE_SEEN, "code_seen")                                                                  \
	X(ID_CONFIRMED, "id_confirmed")                                                            \
	X(REJECTED, "rejected")                                                                    \
	X(REGISTER_ANSWER, "register_answer")                                                      \
	X(CAMERA_OK, "camera_ok")                                                                  \
	X(CAMERA_FAILED, "camera_failed")                                                          \
	X(REGISTER_UP, "register_up")                                                              \
	X(REGISTER_DOWN, "register_down")                                                          \
	X(TICK, "tick")

enum display_event_type {
#define DISPLAY_EVENT_ENUM(name, str) DISPLAY_EV_##name,
	DISPLAY_EVENT_MAP(DISPLAY_EVENT_ENUM)
#undef DISPLAY_EVENT_ENUM
	    DISPLAY_EV_COUNT
};

/* What the register said about an id (the payload of REGISTER_ANSWER). */
enum display_answer {
	DISPLAY_ANSWER_ATTACHED,      /* customer attached to the order */
	DISPLAY_ANSWER_UNKNOWN,	      /* no such customer */
	DISPLAY_ANSWER_NEEDS_CASHIER, /* the order already has another customer */
	DISPLAY_ANSWER_REJECTED,      /* card known but refused (blocked, expired) */
	DISPLAY_ANSWER_ERROR,	      /* the register failed to check */
	DISPLAY_ANSWER_TIMEOUT,	      /* no answer in time (decided by the link) */
	DISPLAY_ANSWER_COUNT
};

/* Why the scanner refused a code (the payload of REJECTED). */
enum display_reject {
	DISPLAY_REJECT_NOT_CUSTOMER_CARD, /* some other QR code or barcode */
	DISPLAY_REJECT_BAD_CODE,	  /* looks like a card but is malformed */
	DISPLAY_REJECT_COUNT
};

/* Longest display name kept, in bytes with the NUL; longer names are cut. */
#define DISPLAY_NAME_BUFSZ 64
/* Longest service note kept, in bytes with the NUL; longer notes are cut. */
#define DISPLAY_NOTE_BUFSZ 256

struct display_event {
	enum display_event_type type;
	int64_t now_ms;		    /* monotonic time of the event */
	const char *name;	    /* ID_CONFIRMED/REGISTER_ANSWER: display name or NULL */
	enum display_answer answer; /* REGISTER_ANSWER only */
	enum display_reject reason; /* REJECTED only */
};

/* Times after which a screen moves on by itself, in milliseconds; 0: until an event. */
struct display_state_config {
	int reading_ms;	      /* READING with no code seen this long: back to READY */
	int checking_ms;      /* CHECKING with no answer: NOT_CHECKED */
	int confirmed_ms;     /* CONFIRMED shown this long */
	int notice_ms;	      /* NOT_A_CARD, UNKNOWN_CARD, CARD_REFUSED, NOT_CHECKED */
	int wait_cashier_ms;  /* WAIT_CASHIER shown this long */
	int register_down_ms; /* REGISTER_DOWN, then IDLE with scan mode cleared */
	bool await_register;  /* ID_CONFIRMED goes to CHECKING (true) or CONFIRMED */
};

/* The defaults: 1.5 s, 5 s, 4 s, 6 s, 10 s, 60 s, awaiting the register. */
void display_state_config_init_default(struct display_state_config *cfg);

/* What to draw: a copy, safe to keep while the machine moves on. */
struct display_snapshot {
	enum display_screen screen;    /* current screen */
	int64_t since_ms;	       /* when it was entered (animations start here) */
	char name[DISPLAY_NAME_BUFSZ]; /* CONFIRMED: display name, "" for none */
	enum display_reject reason;    /* NOT_A_CARD: why */
	bool camera_ok;		       /* last camera health reported */
	bool register_up;	       /* last link health reported */
	char note[DISPLAY_NOTE_BUFSZ]; /* for the installer: what is missing and what to
					  do, shown on every screen; "" for none */
};

/* The sound that goes with entering a screen. */
enum display_cue {
	DISPLAY_CUE_NONE,
	DISPLAY_CUE_SUCCESS,
	DISPLAY_CUE_FAILURE,
};

struct display_state;

/*
 * Returns a new state machine in IDLE at time now_ms, with the camera and
 * the register link assumed healthy until told otherwise, or NULL if cfg has
 * a negative time or memory is short. cfg NULL means the defaults.
 */
struct display_state *display_state_create(const struct display_state_config *cfg, int64_t now_ms);

/* Frees the state machine; accepts NULL. */
void display_state_destroy(struct display_state *s);

/*
 * Feeds one event. Returns 0 if the event was taken (the screen may or may
 * not have changed), DISPLAY_ERR_BAD_EVENT if it is impossible in the
 * current screen (nothing changes; log it), DISPLAY_ERR_INVAL for a NULL or
 * out-of-range event. Time going backwards is taken as no time passing.
 */
int display_state_handle(struct display_state *s, const struct display_event *ev);

/* Shorthands for display_state_handle. */
int display_state_tick(struct display_state *s, int64_t now_ms);
int display_state_post(struct display_state *s, enum display_event_type type, int64_t now_ms);

/*
 * Sets the service note every screen shows at its foot, for whoever sets the
 * kiosk up (e.g. "camera /dev/video0: permission denied: add the user to
 * group video"); NULL or "" removes it. UTF-8; a longer note is cut at a
 * character boundary. Returns true if the note changed (draw again).
 */
bool display_state_set_note(struct display_state *s, const char *note);

/* The current screen. */
enum display_screen display_state_screen(const struct display_state *s);

/* Copies what to draw into *snap. */
void display_state_snapshot(const struct display_state *s, struct display_snapshot *snap);

/*
 * When the current screen moves on by itself (the time to pass to the next
 * tick), or INT64_MAX if it stays until an event. Lets the UI sleep.
 */
int64_t display_state_deadline(const struct display_state *s);

/* How many impossible events were reported since create. */
uint64_t display_state_bad_events(const struct display_state *s);

/* Names for logs and tests ("confirmed", "code_seen"); "?" when out of range. */
const char *display_screen_name(enum display_screen screen);
const char *display_event_name(enum display_event_type type);

/* The sound for entering a screen: success for CONFIRMED, failure for the notices. */
enum display_cue display_screen_cue(enum display_screen screen);

/* True for the screens shown while scanning (dark theme, preview, no flash). */
bool display_screen_is_scanning(enum display_screen screen);

#endif
