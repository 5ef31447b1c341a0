/*
 * memq: the in-memory twin of the spool, for sinks run without --spool.
 *
 * A bounded FIFO of lines with the spool's semantics (see spool.h): append,
 * peek from a read cursor, rewind to the ack, ack by position, the same
 * bounds, drop policies, counters, return codes and callback. What a process
 * exit loses is what the design accepts for a sink without a spool.
 *
 * Lines are copied into blocks (the spool's segments), each line followed by
 * a NUL where the spool has its newline, so peek hands out pointers into the
 * blocks and counts the same bytes as the spool: n + 1 per line. A line that
 * does not fit in the rest of the newest block starts the next one; a line
 * longer than a block gets a block of its own. Positions are struct
 * spool_pos: seg is the block's sequence number, off the offset just after
 * the line's NUL, n the number of lines before the position.
 *
 * Options (struct spool_opts, zero or NULL for the defaults): max_bytes
 * bounds the lines in all blocks together (acknowledged lines of the oldest
 * block included), MEMQ_MAX_BYTES_DEFAULT; segment_bytes is the block size,
 * MEMQ_BLOCK_BYTES_DEFAULT, at most max_bytes / 2; drop and max_line as for
 * the spool; fsync_each is ignored. Memory held stays within about
 * 4/3 max_bytes plus two blocks: a closed block with more than a quarter
 * unused is shrunk to its lines.
 *
 * Lines must not hold a NUL byte (EINVAL), which the spool would store and
 * then skip as corrupt on replay; memq checks nothing else (the NDJSON reader
 * has, and memory does not rot).
 *
 * Every operation is amortised O(1) per line, and no allocation happens per
 * line. Not thread-safe.
 */
#ifndef SENSEOPS_MEMQ_H
#define SENSEOPS_MEMQ_H

#include <stddef.h>
#include <stdint.h>

#include "spool.h"

#define MEMQ_MAX_BYTES_DEFAULT		((size_t)64 * 1024 * 1024)
#define MEMQ_BLOCK_BYTES_DEFAULT	((size_t)64 * 1024)

struct memq;

/* NULL with errno ENOMEM when out of memory. */
struct memq *memq_open(const struct spool_opts *o);
/* Frees everything; q may be NULL. */
void memq_close(struct memq *q);

/*
 * Copies one line (n bytes, no newline). SPOOL_OK; SPOOL_FULL when the drop
 * policy refused it (counted as dropped); SPOOL_ERR with errno (EINVAL for an
 * empty line, one holding a newline or a NUL, or longer than max_line;
 * ENOMEM).
 */
int memq_append(struct memq *q, const char *line, size_t n);

/*
 * As spool_peek: fn gets each line from the read cursor on (NUL-terminated,
 * without newline), its length and the position after it, at most
 * max_records lines and max_bytes together (but at least one), and returns
 * non-zero to stop before that line (it comes again). fn must not call memq
 * functions. Returns how many lines fn took, 0 when caught up.
 */
int memq_peek(struct memq *q, size_t max_records, size_t max_bytes,
    int (*fn)(const char *line, size_t n, struct spool_pos after, void *arg), void *arg);
/* Moves the read cursor back to the ack. */
void memq_rewind(struct memq *q);
/*
 * Everything up to pos (from memq_peek) is delivered: frees the blocks wholly
 * before it. A pos at or before the ack is a no-op. 0, or -1 with errno EINVAL
 * when pos is not a position of this queue.
 */
int memq_ack(struct memq *q, struct spool_pos pos);

/* As spool_stats. */
void memq_stats(const struct memq *q, uint64_t *pending_records, uint64_t *pending_bytes,
    uint64_t *dropped_records, uint64_t *dropped_bytes);
/* Bytes allocated now: blocks (the spare one included) and their index. */
size_t memq_memory(const struct memq *q);

#endif
