/*
 * listener: one UDP socket (log events on 9996 or user events on 9997)
 * and the checks every datagram passes, in Butler SOS's order: sender
 * address, size, rate limit, queue room; then the parser, and the record
 * into the output queue. Every datagram that does not become a record is
 * counted under its reason.
 */
#ifndef SENSEOPS_UDP_LISTEN_LISTENER_H
#define SENSEOPS_UDP_LISTEN_LISTENER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "outq.h"
#include "ratelimit.h"
#include "srcfilter.h"
#include "tally.h"

#define PTIMES 1000	/* processing times kept for avg/p95/max, as Butler SOS */

/* Per-interval counters, reset after each queue record. */
struct qstats {
	unsigned long long received, queued, processed, failed;
	unsigned long long dropped_rate_limit, dropped_queue_full, dropped_size;
	unsigned long long dropped_source, dropped_socket;
	unsigned long long empty, unknown_type, disabled, qix_off, qix_rejected;
	unsigned long long dropped_rule, excluded_user;
	double ptime[PTIMES];
	size_t nptime, iptime;
};

struct listener {
	const char *queue_type;		/* "log_events" or "user_events" */
	bool user;			/* which parser */
	int fd;
	char addr[300];			/* as bound, for messages */
	size_t max_msg;			/* maxMessageSize */
	int rcvbuf;			/* bytes the kernel granted */
	int backpressure_pct;		/* messageQueue.backpressureThreshold */
	bool backpressure;
	int64_t backpressure_logged;
	struct srcfilter *src;		/* NULL: every sender accepted */
	struct ratelimit rl;
	uint32_t kernel_drops;		/* SO_RXQ_OVFL's running total */
	struct qstats st;
};

/* What the datagram handlers share. */
struct sink {
	const struct ev_conf *conf;
	struct outq *q;
	struct tally *counts;		/* event_count keys, NULL when not counted */
	struct tally *rejects;		/* rejected_event_count keys, NULL when not tracked */
};

/*
 * Binds host:port (host a name or address; IPv4 or IPv6) with a receive
 * buffer of rcvbuf bytes (0: the system default). Returns 0; -2 when host
 * does not resolve (a configuration error); -1 otherwise; with a message in err.
 */
int listener_bind(struct listener *l, const char *host, const char *port, int rcvbuf,
    char *err, size_t errlen);
void listener_close(struct listener *l);
/* Receives and handles what is waiting, up to a few batches; never blocks. Returns how many. */
size_t listener_receive(struct listener *l, struct sink *s);
/* Handles one datagram received from `from` at now (wall clock ms) and mono (monotonic ms). */
void listener_handle(struct listener *l, struct sink *s, const char *buf, size_t n, bool truncated,
    const void *from, int64_t now, int64_t mono);

#endif
