/*
 * ndjson: newline-delimited JSON records on file descriptors.
 *
 * The reader never trusts its input: a line longer than the limit is skipped
 * whole (never truncated into a record), and lines with NUL bytes, invalid
 * UTF-8 or bad JSON are counted, reported (rate-limited) and skipped. The
 * writer emits whole lines, batching them into one write(2) where it can.
 */
#ifndef SENSEOPS_NDJSON_H
#define SENSEOPS_NDJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

#define NDJSON_MAX_LINE_DEFAULT (1024 * 1024)

enum {
	NDJSON_LINE = 1,	/* a line (or record) is returned */
	NDJSON_EOF = 0,
	NDJSON_ERR = -1,	/* read(2) failed: errno says why */
	NDJSON_AGAIN = -2,	/* non-blocking fd has no complete line yet */
};

struct ndjson_stats {
	unsigned long long lines;	/* lines seen, good or bad */
	unsigned long long records;	/* lines returned */
	unsigned long long too_long;
	unsigned long long nul_bytes;
	unsigned long long bad_utf8;
	unsigned long long bad_json;	/* not a JSON object */
	unsigned long long empty;	/* blank lines, skipped silently */
};

struct ndjson_reader {
	int fd;
	char *buf;
	size_t cap, len, off;
	size_t max_line;
	bool skipping;		/* inside a line that went over max_line */
	bool eof;
	const char *name;	/* for messages: "stdin", a file name */
	struct ndjson_stats st;
};

/* max_line is the limit in bytes without the newline; 0 means the default. */
int ndjson_reader_init(struct ndjson_reader *r, int fd, size_t max_line, const char *name);
void ndjson_reader_free(struct ndjson_reader *r);
/* The next good line, NUL-terminated, without its "\n" or "\r\n". Valid until the next call. */
int ndjson_read_line(struct ndjson_reader *r, char **line, size_t *len);
/* The next line that parses as a JSON object; caller owns *rec (cJSON_Delete). */
int ndjson_read_record(struct ndjson_reader *r, cJSON **rec);

enum {
	NDJSON_WOK = 0,
	NDJSON_WERR = -1,	/* write(2) failed: errno says why */
	NDJSON_WPIPE = -2,	/* reader has gone (EPIPE): stop quietly */
};

struct ndjson_writer {
	int fd;
	char *buf;
	size_t cap, len;
	int state;		/* NDJSON_WOK until a write fails; then sticky */
	unsigned long long records;
};

/* cap is the batch buffer; 0 means 64 KiB. */
int ndjson_writer_init(struct ndjson_writer *w, int fd, size_t cap);
void ndjson_writer_free(struct ndjson_writer *w);
/* Queues one record as a line; writes when the buffer fills. */
int ndjson_write_record(struct ndjson_writer *w, const cJSON *rec);
/* Queues one line (no newline in s; it is added). */
int ndjson_write_line(struct ndjson_writer *w, const char *s, size_t n);
/*
 * Writing a line in place: ndjson_reserve flushes first when fewer than
 * want bytes are free, and returns where the line goes and how many bytes
 * fit there (*room; 0 after a write error). ndjson_commit makes the n
 * bytes written there a line.
 */
char *ndjson_reserve(struct ndjson_writer *w, size_t want, size_t *room);
void ndjson_commit(struct ndjson_writer *w, size_t n);
/* Writes everything queued. */
int ndjson_flush(struct ndjson_writer *w);

#endif
