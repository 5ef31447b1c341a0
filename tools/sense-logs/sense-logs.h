/*
 * sense-logs: writes Qlik Sense log files as Sense does, for tests and
 * benchmarks of log-tail. types.c holds the log types (headers copied
 * from the fixtures, and the events each type logs), row.c formats rows,
 * out.c owns the files: buffering, headers, roll-over.
 */
#ifndef SENSE_LOGS_H
#define SENSE_LOGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAX_COLS 40		/* the widest header has 28 */
#define PATH_LEN 4096
#define ROW_MAX 8192		/* room reserved for one row; real rows are < 2 KiB */

enum level { LV_INFO, LV_WARN, LV_ERROR, LV_DEBUG };

/* One thing a log type logs. Templates may hold @U @A @I @S @H @E (see row.c). */
struct event {
	const char *logger;	/* trace logs: the full Logger */
	const char *command;	/* Command column, and Description's Command= */
	int result;		/* Result: 0 is success */
	const char *result_text;
	const char *origin;
	const char *context;	/* template */
	const char *message;	/* template */
	const char *iuser;	/* NULL: a real user; "": no user; else INTERNAL\iuser */
	bool app;		/* concerns an app: ObjectId, AppId, ... are filled */
	const char *exception;	/* Exception column, NULL for none */
};

struct ltype {
	const char *service;	/* Engine, Proxy, Repository, Scheduler */
	const char *type;	/* AuditActivity, System, ... */
	const char *folder;	/* Audit, System or Trace */
	const char *version;	/* ProductVersion */
	const char *header;	/* tab-separated, exactly as in the fixture */
	const struct event *events;	/* INFO and DEBUG rows */
	size_t nevents;
	const struct event *problems;	/* WARN and ERROR rows; may be empty */
	size_t nproblems;
};

extern const struct ltype ltypes[];
extern const size_t nltypes;

/* A header split into column kinds. */
struct cols {
	int n;
	bool has_message;
	unsigned char kind[MAX_COLS];
};

/* The run-wide choices that shape every row. */
struct rowopt {
	const char *host;
	const char *eol;	/* "\r\n" or "\n" */
	uint64_t multiline_every, glyphs_every;	/* 0: never */
};

/* Generator state: the PRNG and the pools drawn from the seed. */
void row_init(uint64_t seed);
/* The first row's time is now, not 2024-11-05 08:00:00 (+0100). */
void row_base_now(void);
/* Returns 0, or -1 when the header names a column row.c does not know. */
int cols_parse(const char *header, struct cols *c);
/*
 * Formats one row (line end included) into buf, which must hold ROW_MAX
 * bytes. seq is the run-wide number, fseq the file's Sequence#, nth the
 * row's 1-based index in this run. Returns its length.
 */
size_t row_format(char *buf, const struct ltype *t, const struct cols *c, const struct rowopt *o,
    uint64_t seq, uint64_t fseq, uint64_t nth);

/* One output file. */
struct lfile {
	const struct ltype *t;
	struct cols cols;
	char path[PATH_LEN];
	int fd;
	uint64_t fseq;		/* the last Sequence# written */
	uint64_t in_file;	/* rows in the current file, for --roll-every */
	char *buf;		/* OUT_BUF bytes */
	size_t len;
	char roll_stamp[24];	/* the last roll-over's time stamp ... */
	unsigned roll_n;	/* ... and its counter, so names never collide */
};

struct outopt {
	bool bom, lf, partial;
	uint64_t roll_every;	/* 0: never */
};

#define OUT_BUF (256 * 1024)
#define MAX_FILES 16

/* Every I/O failure ends the program with status 74 (EX_IOERR). */
void out_open(struct lfile *f, const struct outopt *o);
void out_flush(struct lfile *f);
/* Appends one row; writes it out at once when o asks for that. */
void out_row(struct lfile *f, const struct outopt *o, const struct rowopt *ro,
    uint64_t seq, uint64_t nth);
void out_close(struct lfile *f);
/* mkdir -p with mode 0755. */
void out_mkdirs(const char *path);
/* Bytes formatted so far, over all files (all are written by the end). */
uint64_t out_total(void);

#endif
