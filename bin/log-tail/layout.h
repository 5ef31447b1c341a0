/*
 * layout: what a Qlik Sense log file holds, told by its name and its
 * header row (qlik-sense.md section 5), and one row of it as the same
 * log_event or qix_perf record udp-listen makes of the same event.
 */
#ifndef SENSEOPS_LOG_TAIL_LAYOUT_H
#define SENSEOPS_LOG_TAIL_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "appnames.h"
#include "categorise.h"
#include "evtags.h"
#include "jsonw.h"
#include "qixfilter.h"
#include "userlist.h"

#define LT_MAX_COLS	128	/* columns of a header; more makes it not a Sense log */
#define LT_MAX_FIELDS	32	/* record fields of one source */

enum lt_source { LT_ENGINE, LT_PROXY, LT_REPOSITORY, LT_SCHEDULER, LT_QIXPERF, LT_OTHER };

/* The settings that shape records, from the config. */
struct lt_conf {
	bool source_enable[LT_OTHER + 1];	/* logEvents.source.*.enable; LT_OTHER: always */
	bool appname_lookup;		/* enginePerformanceMonitor.appNameLookup.enable */
	struct ev_tags tags;		/* logEvents.tags */
	const struct categorise *cat;
	const struct qixfilter *qix;
	const struct appnames *names;
	struct userlist exclude;	/* logTail.excludeUser */
	unsigned short extra_max;	/* cap of a column kept in extra, UTF-16 units */
};

struct lt_layout {
	enum lt_source src;
	char service[32];		/* Engine, Proxy, ..., or "" when the name does not say */
	char log_type[48];		/* AuditActivity, System, ..., or "" */
	char file[256];			/* the base name; a rolled-over X_<stamp>Z.log is X.txt */
	char source[48];		/* qseow-engine, ..., qseow-<service> */
	char subsystem[96];		/* for files without a Logger column */
	bool finished_name;		/* a rolled-over .log: nothing more is written to it */
	/* from the header */
	size_t ncols;
	char *names;			/* the header's column names, NUL-separated */
	const char *col[LT_MAX_COLS];
	short field_of_col[LT_MAX_COLS];	/* index in the source's fields, -1: extra */
	struct jsonw_key *ckey;		/* each column's key in extra; NAME#INDEX for a repeated name */
	short col_of_field[LT_MAX_FIELDS];	/* -1: no such column */
	int i_ts, i_msg;		/* Timestamp and Message columns, -1 when absent */
	/* positions in the source's fields, -1 when it has none */
	int f_dir, f_id, f_full, f_app, f_psid, f_obj, f_type, f_method;
};

/* Where the tabs of a line are: found once, used by every step. */
struct lt_tabs {
	size_t nfields;			/* all of them, also past the ones recorded */
	size_t n;			/* tabs recorded in pos[] */
	size_t pos[LT_MAX_COLS];
};

void lt_tabs_scan(const char *s, size_t len, struct lt_tabs *t);

/* Fills service, log_type, file, source and subsystem from the path's base name. */
void lt_layout_name(struct lt_layout *l, const char *path);
/*
 * Reads the header row (n bytes, valid UTF-8, without BOM and line end).
 * Returns 0, or -1 with why set when it is not a Sense log header (no
 * Sequence# first, no Timestamp, too many columns).
 */
int lt_layout_header(struct lt_layout *l, const char *line, size_t n, const char **why);
void lt_layout_free(struct lt_layout *l);

/* Does this physical line (its tabs in t) begin a row: Sequence#, then a Sense timestamp in its column? */
bool lt_row_start(const struct lt_layout *l, const char *line, size_t n, const struct lt_tabs *t);

enum lt_verdict {
	LT_RECORD,		/* written to out */
	LT_DISABLED,		/* its source is turned off */
	LT_QIX_OFF,		/* qix-perf while enginePerformanceMonitor is off */
	LT_QIX_REJECTED,	/* refused by the performance monitor filters */
	LT_DROP_RULE,		/* a categorisation rule with action drop */
	LT_EXCLUDED_USER,	/* logTail.excludeUser */
	LT_TOO_BIG,		/* the record did not fit out */
};

/*
 * One logical row (valid UTF-8 without NUL or CR; line feeds where a raw
 * line break was joined; its tabs in t) to one record line in out
 * (jsonw_init'ed by the caller). now_ms is the time when the row's own
 * timestamp does not parse.
 */
enum lt_verdict lt_row_record(const struct lt_conf *c, const struct lt_layout *l, const char *row, size_t n,
    const struct lt_tabs *t, int64_t now_ms, struct jsonw *out);

#endif
