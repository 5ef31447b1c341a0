/*
 * sinkq: the one queue a sink uses, on disk (--spool DIR) or in memory.
 *
 * A sink writes one code path against this interface: sinkq_open with the
 * spool directory, or NULL for a bounded memory queue, and the same options
 * (struct spool_opts; for memory, zero max_bytes means MEMQ_MAX_BYTES_DEFAULT
 * and segment_bytes is the block size, see memq.h). Every call means what
 * the spool's call of the same name means (spool.h); a memory queue only
 * cannot survive the process, never fails a sync and never skips a line.
 *
 * A line holding a NUL byte is refused (EINVAL) by both: the spool would
 * store it and skip it as corrupt on replay, memory cannot hand it out whole.
 */
#ifndef SENSEOPS_SINKQ_H
#define SENSEOPS_SINKQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spool.h"

struct sinkq;

/*
 * A spool in spool_dir, or a memory queue when spool_dir is NULL. NULL with a
 * one-line message in err on failure.
 */
struct sinkq *sinkq_open(const char *spool_dir, const struct spool_opts *o, char *err, size_t errlen);
/* Syncs a spool and closes; q may be NULL. */
void sinkq_close(struct sinkq *q);

/* SPOOL_OK, SPOOL_FULL (counted as dropped) or SPOOL_ERR with errno. */
int sinkq_append(struct sinkq *q, const char *line, size_t n);
/* 0, or -1 with errno; nothing to do for memory. */
int sinkq_sync(struct sinkq *q);
/* As spool_peek; -1 only for a spool's read error. */
int sinkq_peek(struct sinkq *q, size_t max_records, size_t max_bytes,
    int (*fn)(const char *line, size_t n, struct spool_pos after, void *arg), void *arg);
void sinkq_rewind(struct sinkq *q);
/* 0, or -1 with errno (EINVAL: not a position of this queue). */
int sinkq_ack(struct sinkq *q, struct spool_pos pos);

void sinkq_stats(const struct sinkq *q, uint64_t *pending_records, uint64_t *pending_bytes,
    uint64_t *dropped_records, uint64_t *dropped_bytes);
/* Corrupt lines a spool skipped on replay; 0 for memory. */
uint64_t sinkq_skipped(const struct sinkq *q);
/* True when records survive a crash (a spool), false for memory. */
bool sinkq_durable(const struct sinkq *q);

#endif
