/*
 * outq: the bounded queue between receiving and standard output. Records
 * wait here as finished lines; the queue is bounded in records
 * (messageQueue.maxSize) and in bytes, and is written with non-blocking
 * writes when standard output is a pipe, so a slow reader never stalls
 * the sockets: the queue fills, and what does not fit is dropped and
 * counted by the caller.
 */
#ifndef SENSEOPS_UDP_LISTEN_OUTQ_H
#define SENSEOPS_UDP_LISTEN_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum { OUTQ_OK = 0, OUTQ_ERR = -1, OUTQ_PIPE = -2 };

struct outq {
	int fd;
	char *buf;
	size_t cap, head, tail;		/* pending bytes are buf[head..tail) */
	size_t count, max_count;	/* records pending */
	size_t peak;			/* most records pending since the last report */
	int state;
};

int outq_init(struct outq *q, int fd, size_t max_count, size_t max_bytes);
void outq_free(struct outq *q);
/* Room for one more ordinary record? */
bool outq_has_room(const struct outq *q);
/*
 * Appends a line (a newline is added). force skips the record bound (for
 * the tool's own counter records) but never the byte bound. Returns
 * false when it does not fit.
 */
bool outq_push(struct outq *q, const char *line, size_t n, bool force);
/*
 * Writes what it can without blocking; with a deadline (monotonic ms, see
 * time_mono_ms) it waits for the reader until then. 0: no waiting.
 */
int outq_flush(struct outq *q, int64_t deadline);
bool outq_empty(const struct outq *q);

#endif
