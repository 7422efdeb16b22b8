/*
 * Confirmation across frames: turns per-frame reads into "emit this id now".
 *
 * An id is emitted once it has been read in at least k of the last n frames,
 * and exactly once per presentation: while the same card stays in view, or
 * comes back within the cool-down after it was last seen, it is not emitted
 * again. A different id is judged on its own, so it is emitted as soon as it
 * reaches k of n. The logic is pure (time comes in with each frame), so it is
 * unit-tested on frame sequences.
 *
 * Not thread-safe: one confirm object belongs to one capture loop.
 */
#ifndef SCANNER_CONFIRM_H
#define SCANNER_CONFIRM_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/custid.h"

/* Largest window the filter keeps, and how many distinct ids it tracks. */
#define CONFIRM_MAX_WINDOW  16
#define CONFIRM_MAX_TRACKED 16
/* Most ids one frame can bring in or emit. */
#define CONFIRM_MAX_PER_FRAME 8

struct confirm_config {
	int k;		     /* reads needed within the window, 1..n */
	int n;		     /* window in frames, 1..CONFIRM_MAX_WINDOW */
	int64_t cooldown_us; /* an id unseen this long starts a new presentation */
};

/* The defaults (see docs/BENCHMARKS.md for the measurements behind them). */
void confirm_config_init_default(struct confirm_config *cfg);

struct confirm;

/* Returns a new filter, or NULL if cfg is invalid or memory is short. */
struct confirm *confirm_create(const struct confirm_config *cfg);

/* Frees the filter; accepts NULL. */
void confirm_destroy(struct confirm *c);

/* Forgets every id, e.g. when scan mode ends. */
void confirm_reset(struct confirm *c);

/*
 * Feeds one frame: the validated ids read in it (duplicates within the frame
 * count once; at most CONFIRM_MAX_PER_FRAME are looked at; NULL or empty ids
 * are skipped) and the frame's timestamp, which should not go backwards: an
 * earlier timestamp is taken as a new frame at the latest time seen so far.
 * Writes the ids to emit now into emitted[] (each CUSTID_ID_BUFSZ bytes, at
 * most max_emitted) and returns how many were written.
 */
size_t confirm_push(struct confirm *c, int64_t timestamp_us, const char *const *ids, size_t n_ids,
		    char (*emitted)[CUSTID_ID_BUFSZ], size_t max_emitted);

#endif
