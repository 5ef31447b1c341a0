/*
 * tailfile: one log file being read: its identity (device, inode and a
 * fingerprint of its first bytes), the position up to which every row has
 * been written out, and the assembly of physical lines into rows (header,
 * BOM, CR LF, raw line breaks inside a row, overlong lines, bad bytes).
 */
#ifndef SENSEOPS_LOG_TAIL_TAILFILE_H
#define SENSEOPS_LOG_TAIL_TAILFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "layout.h"
#include "ndjson.h"

#define TF_FP_MAX 1024		/* bytes of a file's start its fingerprint covers at most */
#define TF_QUIET_MS 2000	/* a short last row is written once its file has been quiet this long */

struct lt_stats {
	unsigned long long rows;		/* rows read */
	unsigned long long records;		/* records written */
	unsigned long long short_rows;		/* fewer fields than the header: missing ones empty */
	unsigned long long long_rows;		/* more fields: the surplus kept in the message */
	unsigned long long orphan_lines;	/* a line that starts no row and continues none */
	unsigned long long too_long;		/* lines over the limit, skipped */
	unsigned long long nul_rows;		/* rows that held NUL bytes (removed) */
	unsigned long long bad_utf8_rows;	/* rows with invalid UTF-8 (replaced by U+FFFD) */
	unsigned long long disabled, qix_off, qix_rejected, dropped, excluded, too_big;
	unsigned long long not_sense;		/* files whose header is not a Sense header */
	unsigned long long unreadable;		/* files that could not be opened */
	unsigned long long truncated, rotated;
};

/* Where rows go: the settings, the output and the counters. */
struct lt_out {
	const struct lt_conf *conf;
	struct ndjson_writer *w;
	struct lt_stats *st;
	size_t max_line;		/* longest row in bytes */
	int64_t now_ms;			/* the time of a row whose own does not parse */
};

struct tailfile {
	struct tailfile *next;
	char *path;
	int fd;				/* -1 when not open */
	dev_t dev;
	ino_t ino;
	uint64_t fp;			/* hash64 of the first fplen bytes */
	uint32_t fplen;
	uint64_t commit;		/* every row before this offset has been written out */
	uint64_t base;			/* file offset of buf[0] */
	char *buf;
	size_t len, cap;
	char *pend;			/* a row still missing fields: a raw line break may follow */
	size_t pend_len, pend_cap;
	bool pending, skipping, header, finished, done, bad;
	bool seen;			/* matched by the current scan */
	int open_errno;			/* the last open failure reported, 0 when none */
	int64_t seen_ms;		/* wall clock of the last scan that found it */
	struct lt_layout lay;
};

/* A file not open yet: path and identity, nothing read. NULL when out of memory. */
struct tailfile *tf_new(const char *path);
void tf_free(struct tailfile *f);
void tf_close(struct tailfile *f);

/* Hash of the first n bytes of fd; false when fewer can be read. */
bool tf_fingerprint(int fd, uint32_t n, uint64_t *fp);
/* Opens f->path and sets its identity; 0, or -1 with errno. */
int tf_open(struct tailfile *f);
/* Read it again from the start (it was truncated or rewritten). */
void tf_restart(struct tailfile *f);
/* Start at the end of the file's last complete line (--from-end). */
void tf_seek_end(struct tailfile *f);

/*
 * Reads what is new, at most max_bytes, and writes out the complete rows.
 * A finished file is closed (done) at its end, its last row flushed.
 * Returns the bytes read (0: nothing new), or -1 on a read error (logged;
 * the file is closed and tried again by the next scan).
 */
ssize_t tf_read(struct tailfile *f, struct lt_out *o, size_t max_bytes);

#endif
