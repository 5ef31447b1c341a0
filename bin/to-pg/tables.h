/*
 * tables: the PostgreSQL tables to-pg writes, one per record kind, and the
 * rows it makes of a record.
 *
 * Every table has ts (timestamptz, the record's time), id (a hash of the
 * record's text: the same record is the same row, so a batch written again
 * adds nothing), tags (jsonb) and extra (jsonb: every member of the record
 * without a column of its own, so nothing read is thrown away), plus typed
 * columns for the fields every record of its kind has. Kinds without a
 * table go to records (kind, ts, id, tags, body).
 */
#ifndef SENSEOPS_TO_PG_TABLES_H
#define SENSEOPS_TO_PG_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum coltype { CT_TEXT, CT_BIGINT, CT_DOUBLE, CT_BOOL, CT_COUNT };

struct column {
	const char	*name;
	const char	*path;		/* member, "obj.member", or "tags.name" */
	enum coltype	 type;		/* CT_COUNT: the length of the list at path, an integer */
};

struct table {
	const char	*kind;		/* NULL for records, the catch-all */
	const char	*name;
	const struct column *cols;
	size_t		 ncols;
};

extern const struct table pg_tables[];
extern const size_t pg_ntables;
/* The table of a kind; records for kinds without one. */
const struct table *pg_table_of(const char *kind, size_t n);

/* A row in COPY text format, for one table. */
struct row {
	const struct table *t;
	int64_t		 day;		/* days since 1970-01-01 (UTC) of ts: the partition */
	const char	*text;		/* tab-separated, ending in \n */
	size_t		 len;
	unsigned	 repaired;	/* NUL bytes removed from text */
};

enum rows_result { ROWS_OK = 0, ROWS_BAD, ROWS_NOMEM };

struct rows;
struct rows *rows_new(void);
void rows_free(struct rows *r);
/*
 * The row of one NDJSON line (n bytes); valid until the next call. On
 * ROWS_BAD why says what was wrong.
 */
enum rows_result rows_build(struct rows *r, const char *line, size_t n, struct row *out, char *why, size_t whylen);

#endif
