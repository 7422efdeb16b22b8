/*
 * Presence: is a code in front of the camera, read or not, and if it stays
 * unread, why. Turns per-frame decoder results into the state the display
 * shows ("hold still", "tilt the phone away from the light", "bring it
 * closer") while a customer holds a card up that does not read at once.
 *
 * Pure: time comes in with each frame, so it is tested on frame sequences.
 * An embedded object (init, no release needed); one per capture loop.
 */
#ifndef SCANNER_PRESENCE_H
#define SCANNER_PRESENCE_H

#include <stdint.h>

#include "scanner/decoder.h"

enum scanner_presence_state {
	SCANNER_PRESENCE_NONE, /* nothing code-like in view */
	SCANNER_PRESENCE_SEEN, /* a code located but not read for a while */
	SCANNER_PRESENCE_READ, /* a code read recently */
};

enum scanner_presence_reason {
	SCANNER_PRESENCE_REASON_NONE,	    /* not SEEN, or nothing known */
	SCANNER_PRESENCE_REASON_TOO_SMALL,  /* modules too small: bring it closer */
	SCANNER_PRESENCE_REASON_GLARE,	    /* clipped highlights over the code: tilt it */
	SCANNER_PRESENCE_REASON_HOLD_STILL, /* located, sharp enough to find, not to read */
};

struct scanner_presence_config {
	int64_t seen_after_us;	 /* located and unread this long: SEEN */
	int64_t forget_after_us; /* nothing located this long: NONE */
	double min_module_px;	 /* smaller modules: TOO_SMALL */
	double max_glare;	 /* larger clipped share over the code: GLARE */
};

/* 400 ms before "seen", forgotten after 500 ms, 2 px modules, 8 % glare. */
void scanner_presence_config_init_default(struct scanner_presence_config *cfg);

struct scanner_presence {
	struct scanner_presence_config cfg;  /* as given to init */
	enum scanner_presence_state state;   /* current state */
	enum scanner_presence_reason reason; /* why SEEN; NONE otherwise */
	int64_t first_located_us;	     /* start of the current unread run, -1 if none */
	int64_t last_located_us;	     /* last frame with a candidate or a read, -1 if none */
};

void scanner_presence_init(struct scanner_presence *p, const struct scanner_presence_config *cfg);

/* Feeds one frame's result at time now_us; returns the new state. */
enum scanner_presence_state scanner_presence_update(struct scanner_presence *p, int64_t now_us,
						    const struct scanner_result *result);

/* Stable machine names: "none", "seen", "read"; "too_small", "glare", ... */
const char *scanner_presence_state_name(enum scanner_presence_state state);
const char *scanner_presence_reason_name(enum scanner_presence_reason reason);

#endif
