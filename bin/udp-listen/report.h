/*
 * report: udp-listen's own records: event_count and rejected_event_count
 * (Butler SOS's event counters) and queue (its queue metrics, plus a
 * count for every other reason a datagram did not become a record).
 * Counters are per interval: each report clears them.
 */
#ifndef SENSEOPS_UDP_LISTEN_REPORT_H
#define SENSEOPS_UDP_LISTEN_REPORT_H

#include <stdint.h>

#include "listener.h"

/* Each returns the number of records it could not queue (counted as lost, logged). */
size_t report_counts(struct outq *q, struct tally *counts, const struct ev_tags *tags, int64_t now_ms);
size_t report_rejects(struct outq *q, struct tally *rejects, const struct ev_tags *tags, int64_t now_ms);
size_t report_queue(struct outq *q, struct listener *l, const struct ev_tags *tags, int64_t now_ms);

#endif
