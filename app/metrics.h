/*
 * The daemon's counters and latency histograms.
 *
 * The capture thread and the UI thread both count into one struct metrics
 * with relaxed atomics, so neither ever waits for the other; a reader sees
 * each counter whole, not all counters at one instant. metrics_write()
 * writes them in the Prometheus text exposition format (version 0.0.4),
 * for node_exporter's textfile collector or any scraper reading a file.
 */
#ifndef CUSTSCAN_METRICS_H
#define CUSTSCAN_METRICS_H

#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>

#include "ipc/message.h"
#include "scanner/custid.h"

/* Upper bounds of the latency buckets, in milliseconds (+Inf follows). */
#define METRICS_BUCKETS_MS                                                                         \
	{                                                                                          \
		1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000                               \
	}
#define METRICS_N_BUCKETS 12

/* A cumulative histogram of durations. */
struct metrics_hist {
	atomic_uint_least64_t le[METRICS_N_BUCKETS + 1]; /* count per bucket, last: +Inf */
	atomic_uint_least64_t count;			 /* observations */
	atomic_uint_least64_t sum_us;			 /* their sum, microseconds */
};

struct metrics {
	atomic_uint_least64_t frames;			     /* frames the source handed out */
	atomic_uint_least64_t dropped;			     /* frames skipped for a newer one */
	atomic_uint_least64_t decodes;			     /* frames decoded */
	atomic_uint_least64_t symbols;			     /* codes read (before validation) */
	atomic_uint_least64_t ids_emitted;		     /* ids confirmed and emitted */
	atomic_uint_least64_t rejected[CUSTID_REASON_COUNT]; /* payloads refused, by reason */
	atomic_uint_least64_t source_faults;		     /* source entering a fault */
	atomic_uint_least64_t scans_sent;		     /* ids handed to the link */
	atomic_uint_least64_t register_answers;		     /* results from the register */
	atomic_uint_least64_t register_timeouts;	     /* scans given up unanswered */
	atomic_uint_least64_t scan_mode_changes;	     /* enable/disable from the register */
	struct metrics_hist decode;			     /* scanner_decode per frame */
	struct metrics_hist read_to_emit;   /* first read of an id to its emission */
	struct metrics_hist emit_to_answer; /* emission to the register's result */
};

/* Zeroes every counter. */
void metrics_init(struct metrics *m);

/* Adds one observation of us microseconds. Any thread. */
void metrics_observe(struct metrics_hist *h, int64_t us);

/* Adds n to a counter. Any thread. */
static inline void metrics_add(atomic_uint_least64_t *c, uint64_t n)
{
	atomic_fetch_add_explicit(c, n, memory_order_relaxed);
}

/*
 * Copies the metrics into the register link's form, for a "status" that asks
 * for them: every counter, the rejections by reason (every reason),
 * the bucket bounds and per-bucket counts. Any thread.
 */
void metrics_to_ipc(const struct metrics *m, struct ipc_metrics *out);

/* Writes every metric in Prometheus text format. Returns 0 or -1 (errno). */
int metrics_write(const struct metrics *m, FILE *out);

/*
 * Writes the metrics to path through a temporary file renamed over it, so
 * a scraper never reads half a file. Returns 0 or -1 (errno).
 */
int metrics_write_file(const struct metrics *m, const char *path);

#endif
