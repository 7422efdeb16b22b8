/*
 * The capture worker: one thread that owns the frame source and the
 * decoding pipeline (source -> scanner_decode -> custid validation ->
 * confirm -> presence) and reports what it sees.
 *
 * The UI thread turns scan mode on and off with worker_set_scan(); the
 * worker starts the source (the camera opens, its LED goes on) and stops it
 * (the camera is released) accordingly. What the worker finds goes out
 * through two callbacks it calls on its own thread: post() with an event the
 * callee then owns (the app pushes it as an SDL event), and preview() with
 * a frame view valid only during the call (the app copies it into the
 * display's one-frame slot). Neither may block.
 *
 * Nothing here knows SDL, the display or the register link.
 */
#ifndef CUSTSCAN_WORKER_H
#define CUSTSCAN_WORKER_H

#include <stdbool.h>
#include <stdint.h>

#include "scanner/cardrules.h"
#include "scanner/confirm.h"
#include "scanner/custid.h"
#include "scanner/decoder.h"
#include "scanner/presence.h"
#include "scanner/source.h"

#include "metrics.h"

/* Longest source message kept in an event. */
#define WORKER_MESSAGE_BUFSZ 256

enum worker_event_type {
	WORKER_EV_SOURCE,   /* the source changed state: state, message */
	WORKER_EV_SEEN,	    /* a code is in view, not yet confirmed: presence */
	WORKER_EV_ID,	    /* a customer id was confirmed: id, symbology, times */
	WORKER_EV_REJECTED, /* a code that is no customer card stays in view: reason */
};

struct worker_event {
	enum worker_event_type type;
	enum scanner_source_state state;       /* SOURCE */
	bool failed;			       /* SOURCE: the scanner cannot work now */
	char message[WORKER_MESSAGE_BUFSZ];    /* SOURCE: for the installer */
	enum scanner_presence_reason presence; /* SEEN: why it is not read yet */
	char id[CUSTID_ID_BUFSZ];	       /* ID */
	char rule[CARDRULES_NAME_BUFSZ];       /* ID: the card rule that matched */
	char card[CARDRULES_CARD_BUFSZ];       /* ID: the card number, "" for CUST# */
	enum scanner_symbology symbology;      /* ID */
	int64_t first_read_us;		       /* ID: frame time of its first read */
	int64_t emitted_us;		       /* ID: frame time it was confirmed */
	enum custid_reason reason;	       /* REJECTED */
};

/* Called on the worker thread; the callee owns ev and frees it with free(). */
typedef void worker_post_fn(void *ctx, struct worker_event *ev);
/* Called on the worker thread with a frame valid during the call only. */
typedef void worker_preview_fn(void *ctx, const struct scanner_frame *frame);

struct worker_config {
	struct scanner_config scanner;		 /* decoding */
	const struct cardrules *rules;		 /* id validation; the caller's, outlives it */
	struct confirm_config confirm;		 /* k of n */
	struct scanner_presence_config presence; /* seen but not read */
	int preview_fps;			 /* previews a second, 0: none */
	int reject_every_ms;			 /* a non-card is reported at most this often */
	worker_post_fn *post;			 /* required */
	worker_preview_fn *preview;		 /* may be NULL */
	void *ctx;				 /* passed to post and preview */
	struct metrics *metrics;		 /* counted into; required */
};

struct worker;

/*
 * Creates the decoder and the confirmation filter and starts the thread,
 * which takes ownership of src (destroyed with the worker). Scan mode is
 * off: the source is not started. Returns 0 and sets *out, or a negative
 * scanner_err (INVAL, NOMEM, ENGINE) with src destroyed.
 */
int worker_create(const struct worker_config *cfg, struct scanner_source *src, struct worker **out);

/*
 * Scan mode on or off. Turning it on (also when it is on already, for a new
 * order) starts a new session: ids seen before are forgotten, so the same
 * card is read again for the next customer. Any thread; returns at once.
 */
void worker_set_scan(struct worker *w, bool on);

/*
 * Stops the thread (at most one source timeout later), stops and destroys
 * the source (the camera is released) and frees the worker; accepts NULL.
 */
void worker_destroy(struct worker *w);

#endif
