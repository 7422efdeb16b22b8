/*
 * The capture worker thread: scan mode on and off, the frame loop, and the
 * events it reports. See worker.h for the contract.
 */
#include "worker.h"

#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/error.h"
#include "scanner/image.h"

/* Longest a single wait for a frame takes, so stop and scan changes are seen. */
#define FRAME_WAIT_MS 100
/* Unreadable replay files for this long make the source "failed". */
#define READ_FAIL_AFTER_US 1000000
/* Pause between attempts while files cannot be read or a replay has ended. */
#define RETRY_PAUSE_MS 200
/* A code in view is reported to the UI at most this often. */
#define SEEN_EVERY_US 250000

/* The first read of an id not yet emitted, for the read-to-emit latency. */
struct first_read {
	char id[CUSTID_ID_BUFSZ]; /* "" for a free slot */
	int64_t at_us;		  /* monotonic time of the first read */
};

struct worker {
	struct worker_config cfg; /* as created */
	struct scanner_source *src;
	struct scanner *dec;
	struct confirm *confirm;
	struct scanner_presence presence;
	pthread_t thread;

	/* Shared with the controlling thread, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t cond; /* signalled on any change below */
	bool want_scan;	     /* scan mode asked for */
	unsigned session;    /* incremented by each "on" */
	bool stop;	     /* leave the thread */

	/* The thread's own. */
	bool started;			    /* the source is started */
	bool ended;			    /* a replay played out; wait for a new session */
	unsigned seen_session;		    /* the session the loop runs */
	bool reported_any;		    /* a SOURCE event went out */
	enum scanner_source_state reported; /* the state last reported */
	int64_t read_fail_since_us;	    /* first of a run of unreadable files, -1 none */
	int read_fail_err;		    /* the last such error */
	int64_t last_preview_us;	    /* when the last preview went out */
	int64_t last_seen_us;		    /* when the last SEEN went out */
	int64_t last_reject_us;		    /* when the last REJECTED went out */
	int reject_run;			    /* consecutive frames with only a non-card */
	struct scanner_source_stats stats;  /* counters already added to metrics */
	struct first_read firsts[CONFIRM_MAX_TRACKED];
	struct scanner_result res; /* the last frame's decode, reused */
};

static int64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct worker_event *event_new(enum worker_event_type type)
{
	struct worker_event *ev = calloc(1, sizeof(*ev));

	if (ev)
		ev->type = type;
	return ev;
}

static void post(struct worker *w, struct worker_event *ev)
{
	if (ev)
		w->cfg.post(w->cfg.ctx, ev);
}

/* ---------------------------------------------------------------- */
/* Source state                                                     */
/* ---------------------------------------------------------------- */

static bool state_failed(enum scanner_source_state st)
{
	return st != SCANNER_SOURCE_STOPPED && st != SCANNER_SOURCE_STREAMING;
}

/* The state as the UI should see it: unreadable replay files count as failed. */
static enum scanner_source_state effective_state(const struct worker *w, int64_t now)
{
	if (w->read_fail_since_us >= 0 && now - w->read_fail_since_us >= READ_FAIL_AFTER_US)
		return SCANNER_SOURCE_FAILED;
	return scanner_source_state(w->src);
}

/* Posts a SOURCE event when the state changed since the last one. */
static void report_state(struct worker *w, int64_t now)
{
	enum scanner_source_state st = effective_state(w, now);
	struct worker_event *ev;

	if (w->reported_any && st == w->reported)
		return;
	if (state_failed(st))
		metrics_add(&w->cfg.metrics->source_faults, 1);
	w->reported_any = true;
	w->reported = st;
	ev = event_new(WORKER_EV_SOURCE);
	if (!ev)
		return;
	ev->state = st;
	ev->failed = state_failed(st);
	if (st == SCANNER_SOURCE_FAILED && w->read_fail_since_us >= 0)
		snprintf(ev->message, sizeof(ev->message), "replay files cannot be read (%s)",
			 scanner_strerror(w->read_fail_err));
	else
		snprintf(ev->message, sizeof(ev->message), "%s", scanner_source_message(w->src));
	post(w, ev);
}

/* Adds what the source counted since the last call to the metrics. */
static void account(struct worker *w)
{
	struct scanner_source_stats st;

	scanner_source_stats(w->src, &st);
	metrics_add(&w->cfg.metrics->frames, st.frames - w->stats.frames);
	metrics_add(&w->cfg.metrics->dropped, st.dropped - w->stats.dropped);
	w->stats = st;
}

/* Forgets every id: a new order, or scan mode ended. */
static void new_session(struct worker *w)
{
	confirm_reset(w->confirm);
	scanner_presence_init(&w->presence, &w->cfg.presence);
	memset(w->firsts, 0, sizeof(w->firsts));
	w->reject_run = 0;
	w->last_reject_us = INT64_MIN / 2;
}

static void start_source(struct worker *w)
{
	/* A camera in a fault state is retried inside next(); nothing to do here. */
	scanner_source_start(w->src);
	/* a new stream: nothing of the last one (tracked pass, sweep phase)
	 * shapes its first frames */
	scanner_reset(w->dec);
	w->started = true;
	w->ended = false;
	w->read_fail_since_us = -1;
}

static void stop_source(struct worker *w)
{
	account(w);
	scanner_source_stop(w->src);
	w->started = false;
	w->ended = false;
	w->read_fail_since_us = -1;
	new_session(w);
	report_state(w, mono_us());
}

/*
 * Scan mode is off and may stay off for hours: the source has closed (the
 * camera's buffers unmapped), the decoder gives its frame buffers back, and
 * glibc returns the freed pages to the system (a freed block of a few MB
 * is otherwise kept in the thread's arena for the next allocation).
 */
static void release_memory(struct worker *w)
{
	scanner_trim(w->dec);
	malloc_trim(0);
}

/* ---------------------------------------------------------------- */
/* One frame                                                        */
/* ---------------------------------------------------------------- */

/* Notes the first read of id; returns its slot. */
static void note_read(struct worker *w, const char *id, int64_t now)
{
	struct first_read *oldest = &w->firsts[0];

	for (size_t i = 0; i < CONFIRM_MAX_TRACKED; i++) {
		if (strcmp(w->firsts[i].id, id) == 0)
			return;
		if (w->firsts[i].at_us < oldest->at_us || !w->firsts[i].id[0])
			oldest = &w->firsts[i];
	}
	snprintf(oldest->id, sizeof(oldest->id), "%s", id);
	oldest->at_us = now;
}

/* Takes the first read of id: its time, or now if unknown. */
static int64_t take_first_read(struct worker *w, const char *id, int64_t now)
{
	for (size_t i = 0; i < CONFIRM_MAX_TRACKED; i++) {
		if (w->firsts[i].id[0] && strcmp(w->firsts[i].id, id) == 0) {
			w->firsts[i].id[0] = '\0';
			return w->firsts[i].at_us;
		}
	}
	return now;
}

static void process(struct worker *w, const struct scanner_frame *frame)
{
	struct scanner_result *res = &w->res;
	char ids[CONFIRM_MAX_PER_FRAME][CUSTID_ID_BUFSZ];
	struct cardrules_match cards[CONFIRM_MAX_PER_FRAME];
	const char *idp[CONFIRM_MAX_PER_FRAME];
	char emitted[CONFIRM_MAX_PER_FRAME][CUSTID_ID_BUFSZ];
	enum custid_reason reject = CUSTID_OK;
	enum scanner_presence_state pst;
	size_t n = 0, n_emitted;
	int64_t t0 = mono_us(), now;

	if (scanner_decode(w->dec, frame, res) != 0)
		return;
	now = mono_us();
	metrics_add(&w->cfg.metrics->decodes, 1);
	metrics_add(&w->cfg.metrics->symbols, res->count);
	metrics_observe(&w->cfg.metrics->decode, now - t0);

	for (size_t i = 0; i < res->count; i++) {
		const struct scanner_symbol *sym = &res->symbols[i];
		enum custid_reason r;

		if (n == CONFIRM_MAX_PER_FRAME)
			break;
		r = cardrules_match(w->cfg.rules, sym->type, sym->data, sym->len, &cards[n]);
		if (r != CUSTID_OK) {
			metrics_add(&w->cfg.metrics->rejected[r], 1);
			reject = r;
			continue;
		}
		memcpy(ids[n], cards[n].id, sizeof(ids[n]));
		idp[n] = ids[n];
		note_read(w, ids[n], now);
		n++;
	}

	n_emitted =
	    confirm_push(w->confirm, frame->timestamp_us, idp, n, emitted, CONFIRM_MAX_PER_FRAME);
	for (size_t i = 0; i < n_emitted; i++) {
		struct worker_event *ev = event_new(WORKER_EV_ID);

		if (!ev)
			continue;
		memcpy(ev->id, emitted[i], sizeof(ev->id));
		ev->id[sizeof(ev->id) - 1] = '\0';
		ev->symbology = SCANNER_SYM_QR;
		for (size_t j = 0; j < n; j++) {
			if (strcmp(ids[j], emitted[i]) == 0) {
				ev->symbology = cards[j].symbology;
				memcpy(ev->rule, cards[j].rule, sizeof(ev->rule));
				memcpy(ev->card, cards[j].card, sizeof(ev->card));
			}
		}
		ev->first_read_us = take_first_read(w, emitted[i], now);
		ev->emitted_us = now;
		metrics_add(&w->cfg.metrics->ids_emitted, 1);
		metrics_observe(&w->cfg.metrics->read_to_emit, now - ev->first_read_us);
		post(w, ev);
	}

	/* The camera follows the brightness of the code it reads (a bright
	 * screen in a dark shop is not blown out); a replay ignores it. */
	if (res->count > 0) {
		const struct scanner_symbol *s = &res->symbols[0];
		int luma = scanner_frame_mean_luma(frame, s->x0, s->y0, s->x1, s->y1);

		if (luma >= 0)
			scanner_source_set_exposure_hint(w->src, luma);
	}

	pst = scanner_presence_update(&w->presence, frame->timestamp_us, res);
	if (n_emitted == 0 && (n > 0 || pst == SCANNER_PRESENCE_SEEN || res->located > 0) &&
	    now - w->last_seen_us >= SEEN_EVERY_US) {
		struct worker_event *ev = event_new(WORKER_EV_SEEN);

		if (ev)
			ev->presence = w->presence.reason;
		w->last_seen_us = now;
		post(w, ev);
	}

	w->reject_run = n == 0 && reject != CUSTID_OK ? w->reject_run + 1 : 0;
	if (w->reject_run >= w->cfg.confirm.k &&
	    now - w->last_reject_us >= (int64_t)w->cfg.reject_every_ms * 1000) {
		struct worker_event *ev = event_new(WORKER_EV_REJECTED);

		if (ev)
			ev->reason = reject;
		w->last_reject_us = now;
		post(w, ev);
	}

	if (w->cfg.preview && w->cfg.preview_fps > 0 &&
	    now - w->last_preview_us >= 1000000 / w->cfg.preview_fps) {
		w->last_preview_us = now;
		w->cfg.preview(w->cfg.ctx, frame);
	}
}

/* ---------------------------------------------------------------- */
/* The thread                                                       */
/* ---------------------------------------------------------------- */

/* Waits up to ms (or for a change if ms < 0) with lock held. */
static void wait_locked(struct worker *w, int ms)
{
	struct timespec ts;

	if (ms < 0) {
		pthread_cond_wait(&w->cond, &w->lock);
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_cond_timedwait(&w->cond, &w->lock, &ts);
}

/* Sleeps up to ms unless something changes. */
static void pause_ms(struct worker *w, int ms)
{
	pthread_mutex_lock(&w->lock);
	if (!w->stop && w->want_scan && w->session == w->seen_session)
		wait_locked(w, ms);
	pthread_mutex_unlock(&w->lock);
}

static void *run(void *arg)
{
	struct worker *w = arg;

	for (;;) {
		struct scanner_frame frame;
		bool want;
		unsigned session;
		int rc;

		pthread_mutex_lock(&w->lock);
		if (!w->stop && !w->want_scan && !w->started)
			wait_locked(w, -1);
		want = w->want_scan;
		session = w->session;
		if (w->stop) {
			pthread_mutex_unlock(&w->lock);
			break;
		}
		pthread_mutex_unlock(&w->lock);

		if (!want) {
			if (w->started) {
				stop_source(w);
				release_memory(w);
			}
			continue;
		}
		if (!w->started || session != w->seen_session) {
			if (w->ended)
				stop_source(w); /* play the replay again for the new order */
			if (!w->started)
				start_source(w);
			new_session(w);
			w->seen_session = session;
			report_state(w, mono_us());
		}
		if (w->ended) {
			pause_ms(w, 1000);
			continue;
		}

		rc = scanner_source_next(w->src, FRAME_WAIT_MS, &frame);
		account(w);
		if (rc == 0) {
			w->read_fail_since_us = -1;
			process(w, &frame);
		} else if (rc == SCANNER_ERR_END) {
			w->ended = true;
		} else if (rc != SCANNER_ERR_AGAIN) {
			if (w->read_fail_since_us < 0)
				w->read_fail_since_us = mono_us();
			w->read_fail_err = rc;
		}
		report_state(w, mono_us());
		if (rc != 0 && rc != SCANNER_ERR_AGAIN && rc != SCANNER_ERR_END)
			pause_ms(w, RETRY_PAUSE_MS);
	}
	if (w->started)
		stop_source(w);
	return NULL;
}

int worker_create(const struct worker_config *cfg, struct scanner_source *src, struct worker **out)
{
	struct worker *w;
	pthread_condattr_t ca;
	int rc;

	*out = NULL;
	if (!cfg || !cfg->post || !cfg->metrics || !src) {
		scanner_source_destroy(src);
		return SCANNER_ERR_INVAL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		rc = SCANNER_ERR_NOMEM;
		goto fail_src;
	}
	w->cfg = *cfg;
	w->src = src;
	w->read_fail_since_us = -1;
	w->last_seen_us = INT64_MIN / 2;
	w->last_preview_us = INT64_MIN / 2;
	rc = scanner_create(&cfg->scanner, &w->dec);
	if (rc)
		goto fail_free;
	w->confirm = confirm_create(&cfg->confirm);
	if (!w->confirm) {
		rc = SCANNER_ERR_INVAL;
		goto fail_decoder;
	}
	new_session(w);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w->cond, &ca);
	pthread_condattr_destroy(&ca);
	pthread_mutex_init(&w->lock, NULL);
	if (pthread_create(&w->thread, NULL, run, w) != 0) {
		rc = SCANNER_ERR_NOMEM;
		goto fail_sync;
	}
	*out = w;
	return 0;

fail_sync:
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	confirm_destroy(w->confirm);
fail_decoder:
	scanner_destroy(w->dec);
fail_free:
	free(w);
fail_src:
	scanner_source_destroy(src);
	return rc;
}

void worker_set_scan(struct worker *w, bool on)
{
	pthread_mutex_lock(&w->lock);
	w->want_scan = on;
	if (on)
		w->session++;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
}

void worker_destroy(struct worker *w)
{
	if (!w)
		return;
	pthread_mutex_lock(&w->lock);
	w->stop = true;
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	scanner_source_destroy(w->src);
	confirm_destroy(w->confirm);
	scanner_destroy(w->dec);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}
