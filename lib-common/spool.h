/*
 * spool: the on-disk write-ahead log the sinks share (--spool DIR).
 *
 * A sink appends each record it reads to the spool before it sends it, and
 * acknowledges it only after the destination did: neither an outage of the
 * destination nor a kill -9 of the sink loses a record (at least once: after
 * a crash the records sent but not yet acknowledged are sent again).
 *
 * On disk, DIR (0700) holds
 *   seg-<16 hex digits>.ndjson	segments of NDJSON lines, in sequence order;
 *				records go to the newest one, which is closed
 *				once the next line would take it over
 *				segment_bytes
 *   ack			"<seg in 16 hex digits> <byte offset>\n": all
 *				lines before this position are delivered;
 *				replaced atomically (temp file, fsync, rename,
 *				fsync DIR)
 *   lock			flock(2)ed while a spool is open
 * Files are 0600: records may hold user names. Segments wholly before the ack
 * are unlinked.
 *
 * Durability: each record is one write(2) of a whole line, but it reaches the
 * disk only at fsync: on every append with fsync_each, otherwise when
 * spool_sync returns (and when a segment is closed). A sink calls spool_sync
 * before it sends a batch, so nothing is acknowledged that a power loss could
 * take back; for "every N ms" it calls spool_sync from its timer. A kill -9 loses nothing that write(2) accepted; a power loss
 * loses at most the lines appended since the last sync. A torn last line
 * (no newline) found on open was never synced, sent or acknowledged: it is
 * truncated away, and it is the only data a crash can lose.
 *
 * Bounds: the segments never hold more than max_bytes together (acknowledged
 * lines of the oldest segment included). An append that would go over it
 * either is refused (SPOOL_DROP_NEWEST) or first deletes the oldest segments
 * (SPOOL_DROP_OLDEST), unacknowledged records and all. Either way the lost
 * records are counted in dropped_records/dropped_bytes (see spool_stats); the
 * caller logs them.
 *
 * Replay: lines are checked as the NDJSON reader checks its input (length,
 * NUL bytes, UTF-8); bad ones are counted (spool_skipped), logged and never
 * handed out.
 *
 * Not thread-safe; one spool per directory (a second open fails).
 */
#ifndef SENSEOPS_SPOOL_H
#define SENSEOPS_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SPOOL_MAX_BYTES_DEFAULT		((size_t)256 * 1024 * 1024)
#define SPOOL_SEGMENT_BYTES_DEFAULT	((size_t)4 * 1024 * 1024)

enum spool_drop { SPOOL_DROP_NEWEST, SPOOL_DROP_OLDEST };

/*
 * A position: just after a line. n is that line's serial number in this
 * process, for the pending count; positions come only from spool_peek.
 */
struct spool_pos {
	uint64_t	seg;	/* segment sequence number */
	uint64_t	off;	/* byte offset just after the line's newline */
	uint64_t	n;	/* lines before this position (not persisted) */
};

/* Zero (or a NULL opts) means the default for each field. */
struct spool_opts {
	size_t		 max_bytes;	/* all segments together; 256 MiB */
	size_t		 segment_bytes;	/* 4 MiB; at most max_bytes / 2 */
	enum spool_drop	 drop;		/* SPOOL_DROP_NEWEST */
	size_t		 max_line;	/* without newline; NDJSON_MAX_LINE_DEFAULT */
	bool		 fsync_each;	/* fsync every append, not just on spool_sync */
};

struct spool;

enum { SPOOL_OK = 0, SPOOL_FULL = 1, SPOOL_ERR = -1 };

/*
 * Opens (creating it 0700 if missing, but not its parents) and locks dir,
 * truncates a torn last line, removes acknowledged segments. Returns NULL
 * with a one-line message in err when dir is unusable, locked by another
 * spool or an I/O error happened.
 */
struct spool *spool_open(const char *dir, const struct spool_opts *o, char *err, size_t errlen);
/* Syncs and closes; s may be NULL. */
void spool_close(struct spool *s);

/*
 * Appends one line (n bytes, no newline: it is added). SPOOL_OK; SPOOL_FULL
 * when the drop policy refused it (counted as dropped); SPOOL_ERR with errno
 * (EINVAL for an empty line, one holding a newline or longer than max_line;
 * an I/O error, after which the segment is cut back to its last whole line).
 */
int spool_append(struct spool *s, const char *line, size_t n);
/* fsyncs what was appended since the last sync. 0, or -1 with errno. */
int spool_sync(struct spool *s);

/*
 * Hands out the next good lines from the read cursor on, in order, at most
 * max_records of them and max_bytes together (but at least one): fn gets the
 * line (NUL-terminated, without newline), its length and the position after
 * it, and returns 0 to go on or non-zero to stop before this line (it comes
 * again). fn must not call other spool functions. Moves the read cursor past
 * what it handed out and skipped, not the ack. Returns how many lines fn
 * took, 0 when caught up, -1 on a read error.
 */
int spool_peek(struct spool *s, size_t max_records, size_t max_bytes,
    int (*fn)(const char *line, size_t n, struct spool_pos after, void *arg), void *arg);
/* Moves the read cursor back to the ack (after a failed send, to resend). */
void spool_rewind(struct spool *s);
/*
 * Everything up to pos (from spool_peek) is delivered: persists the ack and
 * unlinks finished segments. A pos at or before the ack is a no-op (its
 * segment may have been dropped). 0, or -1 with errno (EINVAL: not a
 * position of this spool).
 */
int spool_ack(struct spool *s, struct spool_pos pos);

/* Lines and bytes not yet acknowledged; records and bytes dropped so far. */
void spool_stats(const struct spool *s, uint64_t *pending_records, uint64_t *pending_bytes,
    uint64_t *dropped_records, uint64_t *dropped_bytes);
/* Corrupt lines skipped on replay so far (each counted once). */
uint64_t spool_skipped(const struct spool *s);

#endif
