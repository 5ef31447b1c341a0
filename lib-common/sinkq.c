/* sinkq: dispatches the sinks' queue calls to a spool or a memory queue. */
#include "sinkq.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memq.h"

/* Exactly one of the two is set. */
struct sinkq {
	struct spool	*spool;
	struct memq	*mem;
};

struct sinkq *sinkq_open(const char *spool_dir, const struct spool_opts *o, char *err, size_t errlen)
{
	struct sinkq *q;

	if ((q = calloc(1, sizeof *q)) == NULL)
		goto nomem;
	if (spool_dir != NULL) {
		/* spool_open wrote the message */
		if ((q->spool = spool_open(spool_dir, o, err, errlen)) == NULL) {
			free(q);
			return NULL;
		}
		return q;
	}
	if ((q->mem = memq_open(o)) != NULL)
		return q;
	free(q);
nomem:
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: out of memory", spool_dir != NULL ? spool_dir : "memory queue");
	return NULL;
}

void sinkq_close(struct sinkq *q)
{
	if (q == NULL)
		return;
	spool_close(q->spool);
	memq_close(q->mem);
	free(q);
}

int sinkq_append(struct sinkq *q, const char *line, size_t n)
{
	if (q->mem != NULL)
		return memq_append(q->mem, line, n);
	/* refused up front as memq does, rather than skipped on replay */
	if (n > 0 && memchr(line, '\0', n) != NULL) {
		errno = EINVAL;
		return SPOOL_ERR;
	}
	return spool_append(q->spool, line, n);
}

int sinkq_sync(struct sinkq *q)
{
	return q->spool != NULL ? spool_sync(q->spool) : 0;
}

int sinkq_peek(struct sinkq *q, size_t max_records, size_t max_bytes,
    int (*fn)(const char *line, size_t n, struct spool_pos after, void *arg), void *arg)
{
	if (q->mem != NULL)
		return memq_peek(q->mem, max_records, max_bytes, fn, arg);
	return spool_peek(q->spool, max_records, max_bytes, fn, arg);
}

void sinkq_rewind(struct sinkq *q)
{
	if (q->mem != NULL)
		memq_rewind(q->mem);
	else
		spool_rewind(q->spool);
}

int sinkq_ack(struct sinkq *q, struct spool_pos pos)
{
	return q->mem != NULL ? memq_ack(q->mem, pos) : spool_ack(q->spool, pos);
}

void sinkq_stats(const struct sinkq *q, uint64_t *pending_records, uint64_t *pending_bytes,
    uint64_t *dropped_records, uint64_t *dropped_bytes)
{
	if (q->mem != NULL)
		memq_stats(q->mem, pending_records, pending_bytes, dropped_records, dropped_bytes);
	else
		spool_stats(q->spool, pending_records, pending_bytes, dropped_records, dropped_bytes);
}

uint64_t sinkq_skipped(const struct sinkq *q)
{
	return q->spool != NULL ? spool_skipped(q->spool) : 0;
}

bool sinkq_durable(const struct sinkq *q)
{
	return q->spool != NULL;
}
