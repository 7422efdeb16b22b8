/*
 * Counters and histograms of the daemon, and their Prometheus text form.
 */
#include "metrics.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const int64_t bucket_ms[METRICS_N_BUCKETS] = METRICS_BUCKETS_MS;

void metrics_init(struct metrics *m)
{
	memset(m, 0, sizeof(*m));
}

void metrics_observe(struct metrics_hist *h, int64_t us)
{
	int i;

	if (us < 0)
		us = 0;
	for (i = 0; i < METRICS_N_BUCKETS; i++)
		if (us <= bucket_ms[i] * 1000)
			break;
	metrics_add(&h->le[i], 1);
	metrics_add(&h->count, 1);
	metrics_add(&h->sum_us, (uint64_t)us);
}

static uint64_t get(const atomic_uint_least64_t *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

static void hist_to_ipc(const struct metrics_hist *h, struct ipc_histogram *out)
{
	for (int i = 0; i <= METRICS_N_BUCKETS; i++)
		out->counts[i] = get(&h->le[i]);
	out->sum_us = get(&h->sum_us);
}

void metrics_to_ipc(const struct metrics *m, struct ipc_metrics *out)
{
	_Static_assert(METRICS_N_BUCKETS <= IPC_METRICS_MAX_BUCKETS, "buckets fit the link");
	_Static_assert(CUSTID_REASON_COUNT - 1 <= IPC_METRICS_MAX_REASONS, "reasons fit the link");

	memset(out, 0, sizeof(*out));
	out->present = true;
	out->frames = get(&m->frames);
	out->frames_dropped = get(&m->dropped);
	out->decodes = get(&m->decodes);
	out->symbols = get(&m->symbols);
	out->ids_emitted = get(&m->ids_emitted);
	out->source_faults = get(&m->source_faults);
	out->scans_sent = get(&m->scans_sent);
	out->register_answers = get(&m->register_answers);
	out->register_timeouts = get(&m->register_timeouts);
	for (int r = 1; r < CUSTID_REASON_COUNT; r++) {
		uint64_t n = get(&m->rejected[r]);
		struct ipc_reason_count *rc = &out->rejected[out->n_rejected];

		snprintf(rc->reason, sizeof(rc->reason), "%s",
			 custid_reason_name((enum custid_reason)r));
		rc->count = n;
		out->n_rejected++;
	}
	out->n_buckets = METRICS_N_BUCKETS;
	for (int i = 0; i < METRICS_N_BUCKETS; i++)
		out->le_ms[i] = (uint64_t)bucket_ms[i];
	hist_to_ipc(&m->decode, &out->decode);
	hist_to_ipc(&m->read_to_emit, &out->read_to_emit);
	hist_to_ipc(&m->emit_to_answer, &out->emit_to_answer);
}

static void counter(FILE *out, const char *name, const char *help, uint64_t v)
{
	fprintf(out, "# HELP custscan_%s %s\n# TYPE custscan_%s counter\ncustscan_%s %llu\n", name,
		help, name, name, (unsigned long long)v);
}

static void hist(FILE *out, const char *name, const char *help, const struct metrics_hist *h)
{
	uint64_t cum = 0;

	fprintf(out, "# HELP custscan_%s %s\n# TYPE custscan_%s histogram\n", name, help, name);
	for (int i = 0; i < METRICS_N_BUCKETS; i++) {
		cum += get(&h->le[i]);
		fprintf(out, "custscan_%s_bucket{le=\"%g\"} %llu\n", name,
			(double)bucket_ms[i] / 1000.0, (unsigned long long)cum);
	}
	cum += get(&h->le[METRICS_N_BUCKETS]);
	fprintf(out, "custscan_%s_bucket{le=\"+Inf\"} %llu\n", name, (unsigned long long)cum);
	fprintf(out, "custscan_%s_sum %.6f\ncustscan_%s_count %llu\n", name,
		(double)get(&h->sum_us) / 1e6, name, (unsigned long long)get(&h->count));
}

int metrics_write(const struct metrics *m, FILE *out)
{
	counter(out, "frames_total", "Frames handed out by the source.", get(&m->frames));
	counter(out, "frames_dropped_total", "Frames skipped for a newer one.", get(&m->dropped));
	counter(out, "decodes_total", "Frames decoded.", get(&m->decodes));
	counter(out, "symbols_total", "Codes read, before validation.", get(&m->symbols));
	counter(out, "ids_emitted_total", "Customer ids confirmed and emitted.",
		get(&m->ids_emitted));
	fprintf(out, "# HELP custscan_rejected_total Payloads refused, by reason.\n"
		     "# TYPE custscan_rejected_total counter\n");
	for (int r = 1; r < CUSTID_REASON_COUNT; r++)
		fprintf(out, "custscan_rejected_total{reason=\"%s\"} %llu\n",
			custid_reason_name((enum custid_reason)r),
			(unsigned long long)get(&m->rejected[r]));
	counter(out, "source_faults_total", "Camera or replay faults.", get(&m->source_faults));
	counter(out, "scans_sent_total", "Customer ids handed to the register link.",
		get(&m->scans_sent));
	counter(out, "register_answers_total", "Results the register sent.",
		get(&m->register_answers));
	counter(out, "register_timeouts_total", "Scans given up without an answer.",
		get(&m->register_timeouts));
	counter(out, "scan_mode_changes_total", "Scan mode turned on or off by the register.",
		get(&m->scan_mode_changes));
	hist(out, "decode_seconds", "Decode time per frame.", &m->decode);
	hist(out, "read_to_emit_seconds", "First read of an id to its confirmation.",
	     &m->read_to_emit);
	hist(out, "emit_to_answer_seconds", "Confirmation to the register's answer.",
	     &m->emit_to_answer);
	return ferror(out) ? -1 : 0;
}

int metrics_write_file(const struct metrics *m, const char *path)
{
	char tmp[4096];
	FILE *f;
	int rc;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp))
		return -1;
	f = fopen(tmp, "w");
	if (!f)
		return -1;
	rc = metrics_write(m, f);
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0)
		rc = rename(tmp, path);
	if (rc)
		unlink(tmp);
	return rc;
}
