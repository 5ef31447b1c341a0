/* report: counter and queue-metric records, written with jsonw. */
#include "report.h"

#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "log.h"
#include "timefmt.h"

static char buf[64 * 1024];

static void head(struct jsonw *w, const char *kind, const struct ev_tags *tags, int64_t now)
{
	char ts[TIME_RFC3339_LEN];

	jsonw_init(w, buf, sizeof buf);
	jsonw_open(w);
	jsonw_str(w, "kind", kind);
	jsonw_str(w, "ts", time_format_rfc3339(now, ts));
	ev_tags_write(w, tags, NULL, 0, NULL, 0);
}

static size_t finish(struct outq *q, struct jsonw *w)
{
	jsonw_close(w);
	/* our own records skip the record bound: only bytes can refuse them */
	if (!w->overflow && outq_push(q, w->buf, w->len, true))
		return 0;
	log_error("output queue full: a counter record was lost");
	return 1;
}

size_t report_counts(struct outq *q, struct tally *counts, const struct ev_tags *tags, int64_t now)
{
	struct jsonw w;
	size_t lost = 0;

	for (size_t i = 0; i < tally_size(counts); i++) {
		const struct tally_entry *e = tally_entry(counts, i);
		head(&w, "event_count", tags, now);
		jsonw_str(&w, "event_type", e->part[0]);
		jsonw_str(&w, "source", e->part[1]);
		jsonw_str(&w, "host", e->part[2]);
		jsonw_str(&w, "subsystem", e->part[3]);
		jsonw_int(&w, "counter", (long long)e->count);
		lost += finish(q, &w);
	}
	tally_clear(counts);
	return lost;
}

size_t report_rejects(struct outq *q, struct tally *rejects, const struct ev_tags *tags, int64_t now)
{
	struct jsonw w;
	size_t lost = 0;

	for (size_t i = 0; i < tally_size(rejects); i++) {
		const struct tally_entry *e = tally_entry(rejects, i);
		head(&w, "rejected_event_count", tags, now);
		jsonw_str(&w, "source", "qseow-qix-perf");
		jsonw_str(&w, "app_id", e->part[0]);
		jsonw_str(&w, "app_name", e->part[1]);
		jsonw_str(&w, "method", e->part[2]);
		jsonw_str(&w, "object_type", e->part[3]);
		jsonw_int(&w, "counter", (long long)e->count);
		jsonw_double(&w, "process_time", e->sum);
		lost += finish(q, &w);
	}
	tally_clear(rejects);
	return lost;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

size_t report_queue(struct outq *q, struct listener *l, const struct ev_tags *tags, int64_t now)
{
	struct qstats *st = &l->st;
	struct jsonw w;
	double sorted[PTIMES], sum = 0, p95 = 0, max = 0;
	unsigned long long dropped = st->dropped_rate_limit + st->dropped_queue_full + st->dropped_size +
	    st->dropped_source + st->dropped_socket;

	memcpy(sorted, st->ptime, st->nptime * sizeof *sorted);
	qsort(sorted, st->nptime, sizeof *sorted, cmp_double);
	for (size_t i = 0; i < st->nptime; i++)
		sum += sorted[i];
	if (st->nptime) {
		size_t k = (size_t)((double)st->nptime * 0.95 + 0.999999999);
		p95 = sorted[k ? k - 1 : 0];
		max = sorted[st->nptime - 1];
	}
	head(&w, "queue", tags, now);
	jsonw_str(&w, "queue_type", l->queue_type);
	jsonw_int(&w, "queue_size", (long long)q->count);
	jsonw_int(&w, "queue_max_size", (long long)q->max_count);
	jsonw_double(&w, "queue_utilization_pct",
	    q->max_count ? 100.0 * (double)q->count / (double)q->max_count : 0);
	jsonw_int(&w, "queue_peak_size", (long long)q->peak);
	jsonw_int(&w, "queue_running", 0);
	jsonw_int(&w, "messages_received", (long long)st->received);
	jsonw_int(&w, "messages_queued", (long long)st->queued);
	jsonw_int(&w, "messages_processed", (long long)st->processed);
	jsonw_int(&w, "messages_failed", (long long)st->failed);
	jsonw_int(&w, "messages_dropped_total", (long long)dropped);
	jsonw_int(&w, "messages_dropped_rate_limit", (long long)st->dropped_rate_limit);
	jsonw_int(&w, "messages_dropped_queue_full", (long long)st->dropped_queue_full);
	jsonw_int(&w, "messages_dropped_size", (long long)st->dropped_size);
	jsonw_int(&w, "messages_dropped_source", (long long)st->dropped_source);
	jsonw_int(&w, "messages_dropped_socket", (long long)st->dropped_socket);
	jsonw_int(&w, "messages_empty", (long long)st->empty);
	jsonw_int(&w, "messages_unknown_type", (long long)st->unknown_type);
	jsonw_int(&w, "messages_source_disabled", (long long)st->disabled);
	jsonw_int(&w, "messages_qix_monitor_off", (long long)st->qix_off);
	jsonw_int(&w, "messages_qix_rejected", (long long)st->qix_rejected);
	jsonw_int(&w, "messages_dropped_rule", (long long)st->dropped_rule);
	jsonw_int(&w, "messages_excluded_user", (long long)st->excluded_user);
	jsonw_double(&w, "processing_time_avg_ms", st->nptime ? sum / (double)st->nptime : 0);
	jsonw_double(&w, "processing_time_p95_ms", p95);
	jsonw_double(&w, "processing_time_max_ms", max);
	jsonw_int(&w, "rate_limit_current", ratelimit_current(&l->rl, time_mono_ms()));
	jsonw_int(&w, "backpressure_active", l->backpressure);
	jsonw_int(&w, "receive_buffer_bytes", l->rcvbuf);
	memset(st, 0, sizeof *st);
	q->peak = q->count;
	return finish(q, &w);
}
