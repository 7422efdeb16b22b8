/*
 * Inside a frame source: the table of operations a backend fills (camera.c,
 * replay.c) and the state every source shares. Not installed; only the
 * backends and source.c include it.
 */
#ifndef SCANNER_SOURCE_IMPL_H
#define SCANNER_SOURCE_IMPL_H

#include "scanner/source.h"

struct scanner_source_ops {
	const char *name; /* "camera", "replay" */
	int (*start)(struct scanner_source *src);
	void (*stop)(struct scanner_source *src);
	int (*next)(struct scanner_source *src, int timeout_ms, struct scanner_frame *out);
	int (*exposure_hint)(struct scanner_source *src, int luma_mean);
	void (*destroy)(struct scanner_source *src); /* frees the backend, after stop */
};

/* Embedded first in each backend's own struct. */
struct scanner_source {
	const struct scanner_source_ops *ops;
	bool started;			     /* between start and stop */
	enum scanner_source_state state;     /* what the display shows */
	char message[320];		     /* installer-facing sentence for state */
	struct scanner_source_stats stats;   /* counters */
	bool have_format;		     /* format is valid */
	struct scanner_source_format format; /* as negotiated by the last start */
	size_t n_controls;		     /* controls[0..n_controls) */
	struct scanner_control_report controls[SCANNER_MAX_CONTROLS]; /* last profile */
};

/* Initialises the shared part of a backend's struct. */
void scanner_source_base_init(struct scanner_source *src, const struct scanner_source_ops *ops);

/* True for the states in which a started source is retrying. */
bool scanner_source_state_is_fault(enum scanner_source_state state);

#endif
