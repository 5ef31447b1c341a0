/*
 * layout: Sense log file names and headers, and rows to records.
 *
 * A row becomes the record udp-listen makes of the same event: the same
 * kind, source, field names, order and rules (evfield.h), so the sinks
 * write the same points and topics for both. Columns are found by header
 * name, ignoring case; a column no field takes goes to "extra" under its
 * header name.
 */
#include "layout.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "evfield.h"
#include "sensefield.h"
#include "timefmt.h"

/* A record field and the header names (| between) it is read from. */
struct lt_field {
	struct field_spec spec;
	const char *cols;
};

#define F(k, r, m, c) { { (k), (r), (m) }, (c) }
/* Every source starts with these eight, at these positions. */
#define COMMON \
	F("source", R_STR, 100, NULL), F("log_row", R_INT, 0, "Sequence#"), \
	F("ts_iso", R_STR, 50, "Timestamp"), F("ts_local", R_STR, 50, NULL), \
	F("level", R_STR, 20, "Level|Severity"), F("host", R_STR, 100, "Hostname"), \
	F("subsystem", R_STR, 200, "Logger"), F("windows_user", R_STR, 100, "ServiceUser")
enum { I_SOURCE, I_ROW, I_TS_ISO, I_TS_LOCAL, I_LEVEL, I_HOST, I_SUBSYSTEM, I_WINUSER };

static const struct lt_field engine_fields[] = {
	COMMON, F("message", R_TEXT, 1000, "Message"),
	F("proxy_session_id", R_UUID, 0, "ProxySessionId"),
	F("user_directory", R_STR, 100, "UserDirectory|ActiveUserDirectory"),
	F("user_id", R_STR, 100, "UserId|ActiveUserId"), F("engine_ts", R_STR, 50, "EngineTimestamp"),
	F("process_id", R_UUID, 0, "ProcessId"), F("engine_exe_version", R_STR, 50, "Exe Version"),
	F("server_started", R_STR, 50, "Server Started"), F("entry_type", R_STR, 50, "Entry Type"),
	F("session_id", R_UUID, 0, "SessionId"), F("app_id", R_UUID, 0, "AppId"),
};

static const struct lt_field proxy_fields[] = {
	COMMON, F("message", R_TEXT, 1000, "Message"),
	F("exception_message", R_TEXT, 1000, "Exception"),
	F("user_directory", R_STR, 100, "UserDirectory|ActiveUserDirectory"),
	F("user_id", R_STR, 100, "UserId|ActiveUserId"), F("command", R_STR, 200, "Command"),
	F("result_code", R_STR, 50, "Result"), F("origin", R_STR, 200, "Origin"),
	F("context", R_STR, 200, "Context"),
};

static const struct lt_field scheduler_fields[] = {
	COMMON, F("message", R_TEXT, 1000, "Message"),
	F("exception_message", R_TEXT, 1000, "Exception"),
	F("user_directory", R_STR, 100, "UserDirectory|ActiveUserDirectory"),
	F("user_id", R_STR, 100, "UserId|ActiveUserId"), F("user_full", R_STR, 200, "User"),
	F("task_name", R_STR, 200, "TaskName"), F("app_name", R_STR, 200, "AppName"),
	F("task_id", R_UUID, 0, "TaskId"), F("app_id", R_UUID, 0, "AppId"),
	F("execution_id", R_UUID, 0, "ExecutionId"),
};

static const struct lt_field qix_fields[] = {
	COMMON, F("proxy_session_id", R_UUID, 0, "ProxySessionId"),
	F("user_directory", R_STR, 100, "ActiveUserDirectory|UserDirectory"),
	F("user_id", R_STR, 100, "ActiveUserId|UserId"), F("engine_ts", R_STR, 50, "EngineTimestamp"),
	F("session_id", R_UUID, 0, "SessionId|CServerId"), F("app_id", R_UUID, 0, "DocId|AppId"),
	F("request_id", R_UINT_99, 0, "RequestId"), F("method", R_STR, 100, "Method"),
	F("process_time", R_FLOAT, 0, "ProcessTime"), F("work_time", R_FLOAT, 0, "WorkTime"),
	F("lock_time", R_FLOAT, 0, "LockTime"), F("validate_time", R_FLOAT, 0, "ValidateTime"),
	F("traverse_time", R_FLOAT, 0, "TraverseTime"), F("handle", R_INT_99, 0, "Handle"),
	F("object_id", R_STR, 100, "ObjectId"), F("net_ram", R_UINT_1, 0, "NetRAM"),
	F("peak_ram", R_UINT_1, 0, "PeakRAM"), F("object_type", R_STR, 100, "ObjectType"),
};

/* Services other than the four: the fields every log event has. */
static const struct lt_field other_fields[] = {
	COMMON, F("message", R_TEXT, 1000, "Message"),
	F("exception_message", R_TEXT, 1000, "Exception"),
	F("user_directory", R_STR, 100, "UserDirectory|ActiveUserDirectory"),
	F("user_id", R_STR, 100, "UserId|ActiveUserId"),
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct {
	const struct lt_field *f;
	size_t n;
} tables[] = {
	[LT_ENGINE] = { engine_fields, N(engine_fields) },
	[LT_PROXY] = { proxy_fields, N(proxy_fields) },
	[LT_REPOSITORY] = { proxy_fields, N(proxy_fields) },
	[LT_SCHEDULER] = { scheduler_fields, N(scheduler_fields) },
	[LT_QIXPERF] = { qix_fields, N(qix_fields) },
	[LT_OTHER] = { other_fields, N(other_fields) },
};

/* The fields' keys, prepared once. */
static struct jsonw_key fkeys[LT_OTHER + 1][LT_MAX_FIELDS];
static struct jsonw_key k_kind, k_ts, k_app_name, k_activity, k_user_full, k_extra;

static void prepare_keys(void)
{
	static bool ready;

	if (ready)
		return;
	for (size_t s = 0; s <= LT_OTHER; s++)
		for (size_t i = 0; i < tables[s].n; i++)
			(void)jsonw_key(&fkeys[s][i], tables[s].f[i].spec.key);
	(void)jsonw_key(&k_kind, "kind");
	(void)jsonw_key(&k_ts, "ts");
	(void)jsonw_key(&k_app_name, "app_name");
	(void)jsonw_key(&k_activity, "event_activity_source");
	(void)jsonw_key(&k_user_full, "user_full");
	(void)jsonw_key(&k_extra, "extra");
	ready = true;
}

static int field_index(enum lt_source src, const char *key)
{
	for (size_t i = 0; i < tables[src].n; i++)
		if (strcmp(tables[src].f[i].spec.key, key) == 0)
			return (int)i;
	return -1;
}

/* --- file names ----------------------------------------------------------------- */

static const char *const services[] = {
	"Engine", "Proxy", "Repository", "Scheduler", "Printing", "AppMigration", "Script",
};

static bool is_service(const char *s, size_t n)
{
	for (size_t i = 0; i < N(services); i++)
		if (strlen(services[i]) == n && strncasecmp(s, services[i], n) == 0)
			return true;
	/* the node.js services: HubService, CapabilityService, ... */
	return n > 7 && strncasecmp(s + n - 7, "Service", 7) == 0;
}

/* "_2024-11-05T11.02.44Z" at the end of s[0..n)? */
static bool roll_stamp(const char *s, size_t n)
{
	static const char pat[] = "_dddd-dd-ddTdd.dd.ddZ";
	size_t k = sizeof pat - 1;

	if (n < k)
		return false;
	s += n - k;
	for (size_t i = 0; i < k; i++)
		if (pat[i] == 'd' ? !(s[i] >= '0' && s[i] <= '9') : s[i] != pat[i])
			return false;
	return true;
}

static void copy(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = '\0';
}

/* The folder above Audit, System or Trace, as the service when the name does not say. */
static void service_from_dirs(struct lt_layout *l, const char *path, size_t dirlen)
{
	const char *end = path + dirlen;	/* the '/' before the base name */
	const char *p = end;

	while (p > path && p[-1] != '/')
		p--;
	size_t n = (size_t)(end - p);
	bool family = (n == 5 && strncasecmp(p, "Audit", 5) == 0) || (n == 6 && strncasecmp(p, "System", 6) == 0) ||
	    (n == 5 && strncasecmp(p, "Trace", 5) == 0);
	if (!family || p - 1 <= path)
		return;
	const char *e2 = p - 1, *p2 = e2;
	while (p2 > path && p2[-1] != '/')
		p2--;
	if (is_service(p2, (size_t)(e2 - p2)))
		copy(l->service, sizeof l->service, p2, (size_t)(e2 - p2));
}

void lt_layout_name(struct lt_layout *l, const char *path)
{
	const char *base = strrchr(path, '/');
	base = base ? base + 1 : path;
	size_t n = strlen(base);

	copy(l->file, sizeof l->file, base, n);
	l->service[0] = l->log_type[0] = '\0';
	l->finished_name = false;
	if (n > 4 && strcasecmp(base + n - 4, ".log") == 0) {
		l->finished_name = true;
		n -= 4;
		if (roll_stamp(base, n)) {
			n -= 21;
			/* tagged with its name while active: a row reads the same before and after the roll-over */
			if (n + 4 < sizeof l->file)
				memcpy(l->file + n, ".txt", 5);
		}
	} else if (n > 4 && strcasecmp(base + n - 4, ".txt") == 0) {
		n -= 4;
	}
	/* <host>_<LogType>_<Service>, or <Service>_<LogType> */
	const char *u2 = memrchr(base, '_', n);
	if (u2) {
		const char *u1 = memrchr(base, '_', (size_t)(u2 - base));
		const char *a = u1 ? u1 + 1 : base, *b = u2 + 1;
		size_t an = (size_t)(u2 - a), bn = (size_t)(base + n - b);
		if (is_service(b, bn)) {
			copy(l->service, sizeof l->service, b, bn);
			copy(l->log_type, sizeof l->log_type, a, an);
		} else if (is_service(a, an)) {
			copy(l->service, sizeof l->service, a, an);
			copy(l->log_type, sizeof l->log_type, b, bn);
		}
	}
	if (!l->service[0])
		service_from_dirs(l, path, base > path ? (size_t)(base - path - 1) : 0);

	const char *svc = l->service;
	if (strcasecmp(svc, "Engine") == 0)
		l->src = strcasecmp(l->log_type, "QixPerformance") == 0 ? LT_QIXPERF : LT_ENGINE;
	else if (strcasecmp(svc, "Proxy") == 0)
		l->src = LT_PROXY;
	else if (strcasecmp(svc, "Repository") == 0)
		l->src = LT_REPOSITORY;
	else if (strcasecmp(svc, "Scheduler") == 0)
		l->src = LT_SCHEDULER;
	else
		l->src = LT_OTHER;
	if (l->src == LT_QIXPERF) {
		snprintf(l->source, sizeof l->source, "qseow-qix-perf");
	} else {
		snprintf(l->source, sizeof l->source, "qseow-%s", *svc ? svc : "unknown");
		for (char *p = l->source; *p; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p + 32);
	}
	/* Sense's logger names begin <Facility>.<Service> */
	snprintf(l->subsystem, sizeof l->subsystem, "%s.%s", *l->log_type ? l->log_type : "Log",
	    *svc ? svc : "Unknown");
}

/* --- headers -------------------------------------------------------------------- */

void lt_layout_free(struct lt_layout *l)
{
	free(l->names);
	free(l->ckey);
	l->names = NULL;
	l->ckey = NULL;
	l->ncols = 0;
}

static bool name_in(const char *name, const char *list)
{
	size_t n = strlen(name);

	for (const char *p = list; p && *p;) {
		const char *bar = strchr(p, '|');
		size_t k = bar ? (size_t)(bar - p) : strlen(p);
		if (k == n && strncasecmp(p, name, n) == 0)
			return true;
		p = bar ? bar + 1 : NULL;
	}
	return false;
}

int lt_layout_header(struct lt_layout *l, const char *line, size_t n, const char **why)
{
	lt_layout_free(l);
	if (!(l->names = malloc(n + 1))) {
		*why = "out of memory";
		return -1;
	}
	memcpy(l->names, line, n);
	l->names[n] = '\0';
	l->ncols = 0;
	for (char *p = l->names;; p++) {
		if (l->ncols == LT_MAX_COLS) {
			*why = "more than 128 columns";
			goto bad;
		}
		l->col[l->ncols++] = p;
		if (!(p = strchr(p, '\t')))
			break;
		*p = '\0';
	}
	if (strcasecmp(l->col[0], "Sequence#") != 0) {
		*why = "the first column is not Sequence#";
		goto bad;
	}
	if (!(l->ckey = malloc(l->ncols * sizeof *l->ckey))) {
		*why = "out of memory";
		goto bad;
	}
	l->i_ts = l->i_msg = -1;
	for (size_t i = 0; i < l->ncols; i++) {
		l->field_of_col[i] = -1;
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcasecmp(l->col[i], l->col[j]) == 0;
		char key[320] = "";
		if (dup)
			snprintf(key, sizeof key, "%.280s#%zu", l->col[i], i);
		if (!jsonw_key(&l->ckey[i], dup ? key : l->col[i])) {
			*why = "a column name over 100 bytes";
			goto bad;
		}
		if (l->i_ts < 0 && strcasecmp(l->col[i], "Timestamp") == 0)
			l->i_ts = (int)i;
		if (l->i_msg < 0 && strcasecmp(l->col[i], "Message") == 0)
			l->i_msg = (int)i;
	}
	if (l->i_ts < 0 || l->ncols < 3) {
		*why = "no Timestamp column";
		goto bad;
	}
	prepare_keys();
	l->f_dir = field_index(l->src, "user_directory");
	l->f_id = field_index(l->src, "user_id");
	l->f_full = field_index(l->src, "user_full");
	l->f_app = field_index(l->src, "app_id");
	l->f_psid = field_index(l->src, "proxy_session_id");
	l->f_obj = field_index(l->src, "object_id");
	l->f_type = field_index(l->src, "object_type");
	l->f_method = field_index(l->src, "method");
	/* each field takes the first free column whose name it reads */
	const struct lt_field *f = tables[l->src].f;
	for (size_t fi = 0; fi < tables[l->src].n; fi++) {
		l->col_of_field[fi] = -1;
		for (size_t i = 0; i < l->ncols && f[fi].cols; i++)
			if (l->field_of_col[i] < 0 && name_in(l->col[i], f[fi].cols)) {
				l->field_of_col[i] = (short)fi;
				l->col_of_field[fi] = (short)i;
				break;
			}
	}
	return 0;
bad:
	lt_layout_free(l);
	return -1;
}

/* --- rows ----------------------------------------------------------------------- */

void lt_tabs_scan(const char *s, size_t len, struct lt_tabs *t)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	size_t i = 0, n = 0, total = 0;

	/* eight bytes at a time: a row has a tab every 15 bytes or so */
	for (; i + 8 <= len; i += 8) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		x ^= ones * '\t';
		uint64_t z = (x - ones) & ~x & high;	/* a high bit per zero byte, the lowest exact */
		while (z) {
			size_t at = i + (size_t)(__builtin_ctzll(z) >> 3);
			if (s[at] == '\t') {
				if (n < LT_MAX_COLS)
					t->pos[n++] = at;
				total++;
			}
			z &= z - 1;
		}
	}
	for (; i < len; i++)
		if (s[i] == '\t') {
			if (n < LT_MAX_COLS)
				t->pos[n++] = i;
			total++;
		}
	t->n = n;
	t->nfields = total + 1;
}

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

enum ts_form { TS_NONE, TS_COMPACT, TS_HYPHEN, TS_LOCAL };

/*
 * The forms a Timestamp column takes: 20241105T080215.012+0100 (what
 * Sense writes), 2024-11-05T08:02:15.012+0100, and log4net's local
 * 2024-11-05 08:02:15,012 without an offset; either sign.
 */
static enum ts_form sense_ts(const char *s, size_t n)
{
	if (n == 24 && digits(s, 8) && s[8] == 'T' && digits(s + 9, 6) && s[15] == '.' && digits(s + 16, 3) &&
	    (s[19] == '+' || s[19] == '-') && digits(s + 20, 4))
		return TS_COMPACT;
	if (n < 23 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2) ||
	    !digits(s + 11, 2) || s[13] != ':' || !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2) ||
	    (s[19] != '.' && s[19] != ',') || !digits(s + 20, 3))
		return TS_NONE;
	if (n == 23 && s[10] == ' ')
		return TS_LOCAL;
	if (n == 28 && s[10] == 'T' && s[19] == '.' && (s[23] == '+' || s[23] == '-') && digits(s + 24, 4))
		return TS_HYPHEN;
	return TS_NONE;
}

/* 2024-11-05T08:02:15.012+0100 to 20241105T080215.012+0100 */
static void compact_form(const char *s, char out[25])
{
	static const signed char from[24] = { 0, 1, 2, 3, 5, 6, 8, 9, 10, 11, 12, 14, 15, 17, 18, 19, 20, 21, 22, 23,
		24, 25, 26, 27 };
	for (int i = 0; i < 24; i++)
		out[i] = s[from[i]];
	out[24] = '\0';
}

bool lt_row_start(const struct lt_layout *l, const char *line, size_t n, const struct lt_tabs *t)
{
	size_t its = (size_t)l->i_ts;

	if (t->n < its || t->n == 0 || t->pos[0] == 0 || t->pos[0] > 10 || !digits(line, t->pos[0]))
		return false;
	size_t start = t->pos[its - 1] + 1, end = its < t->n ? t->pos[its] : n;
	return sense_ts(line + start, end - start) != TS_NONE;
}

/*
 * Splits row into the header's columns. A row with too many fields (a raw
 * tab) gives the surplus back to the Message column (else the last one):
 * the columns before it are read from the left, those after from the right.
 */
static void split(const struct lt_layout *l, size_t nc, const char *row, size_t n, const struct lt_tabs *t,
    struct span *col)
{
	size_t nf = t->nfields;
	size_t wide = nf > nc ? (l->i_msg >= 0 ? (size_t)l->i_msg : nc - 1) : nc;

	for (size_t i = 0; i < nc && i < wide; i++) {
		if (i >= nf) {
			col[i] = (struct span){ "", 0, false };
			continue;
		}
		size_t start = i ? t->pos[i - 1] + 1 : 0, end = i < t->n ? t->pos[i] : n;
		col[i] = (struct span){ row + start, end - start, true };
	}
	if (wide < nc) {
		const char *p = row + (wide ? t->pos[wide - 1] + 1 : 0), *q = row + n;
		for (size_t i = nc - 1; i > wide; i--) {
			const char *tab = memrchr(p, '\t', (size_t)(q - p));
			col[i] = (struct span){ tab + 1, (size_t)(q - tab - 1), true };
			q = tab;
		}
		col[wide] = (struct span){ p, (size_t)(q - p), true };
	}
}

/* 20241105T080215.012+0100 to 2024-11-05 08:02:15,012 (log4net's %date, the server's local time). */
static void local_form(const char *s, char out[24])
{
	/* by hand: once per row */
	static const signed char from[23] = { 0, 1, 2, 3, -'-', 4, 5, -'-', 6, 7, -' ', 9, 10, -':', 11, 12, -':', 13, 14,
		-',', 16, 17, 18 };
	for (int i = 0; i < 23; i++)
		out[i] = from[i] >= 0 ? s[from[i]] : (char)-from[i];
	out[23] = '\0';
}

/* A bounded copy of a NUL-terminated string. */
static void scopy(char *dst, size_t cap, const char *s)
{
	copy(dst, cap, s, strlen(s));
}

enum lt_verdict lt_row_record(const struct lt_conf *c, const struct lt_layout *l, const char *row, size_t n,
    const struct lt_tabs *t, int64_t now_ms, struct jsonw *out)
{
	const struct lt_field *f = tables[l->src].f;
	size_t nf = tables[l->src].n, len;
	struct span col[LT_MAX_COLS], raw[LT_MAX_FIELDS];
	struct fval v[LT_MAX_FIELDS];
	bool direct[LT_MAX_FIELDS];
	struct cat_pair cats[64];
	size_t ncats = 0;
	char ts[TIME_RFC3339_LEN], local[24] = "";
	int64_t when;

	if (!c->source_enable[l->src])
		return LT_DISABLED;
	if (l->src == LT_QIXPERF && !qixfilter_monitor_enabled(c->qix))
		return LT_QIX_OFF;
	const size_t nc = l->ncols;
	split(l, nc, row, n, t, col);
	fval_reset();
	bool cat_on = categorise_enabled(c->cat);
	int imsg = l->src == LT_QIXPERF ? -1 : 8;
	const char *msg = "", *level = "INFO";	/* INFO: the level of a log without one */
	for (size_t i = 0; i < nf; i++) {
		int ci = l->col_of_field[i], ii = (int)i;	/* short to int */
		raw[i] = ci >= 0 ? col[ci] : (struct span){ "", 0, false };
		/* text only written out goes straight from the row to the record */
		enum rule r = f[i].spec.rule;
		direct[i] = (r == R_STR || r == R_TEXT) && i > I_LEVEL && !(i == I_SUBSYSTEM && ci < 0) &&
		    ii != l->f_dir && ii != l->f_id && ii != l->f_full && ii != l->f_app && !(ii == imsg && cat_on);
		if (!direct[i])
			fval_apply(&f[i].spec, raw[i], &v[i]);
		if (ii == imsg && !direct[i])
			msg = v[i].s;
		if (i == I_LEVEL && ci >= 0)
			level = v[i].s;
	}
	/* what the Sense layouts give these when the file has no column for them */
	struct span tsr = raw[I_TS_ISO];
	enum ts_form form = sense_ts(tsr.s, tsr.n);
	char compact[32];
	bool ts_ok = false;	/* ts_iso is the text as written, ts_local made of it */
	if (form == TS_COMPACT || form == TS_HYPHEN) {
		if (form == TS_HYPHEN)
			compact_form(tsr.s, compact);
		else
			copy(compact, sizeof compact, tsr.s, tsr.n);
		local_form(compact, local);
		ts_ok = time_parse_sense_iso(compact, &when) == 0;
	} else if (form == TS_LOCAL) {
		copy(local, sizeof local, tsr.s, tsr.n);	/* no offset: the server's zone is not known */
	}
	if (!ts_ok)
		when = now_ms;
	if (l->col_of_field[I_LEVEL] < 0)
		v[I_LEVEL] = (struct fval){ .s = level, .n = strlen(level) };
	if (l->col_of_field[I_SUBSYSTEM] < 0)
		v[I_SUBSYSTEM] = (struct fval){ .s = l->subsystem, .n = strlen(l->subsystem) };

	int idir = l->f_dir, iid = l->f_id, ifull = l->f_full, iapp = l->f_app;
	char dir[256], id[256], full[520];
	scopy(dir, sizeof dir, v[idir].s);
	scopy(id, sizeof id, v[iid].s);
	scopy(full, sizeof full, ifull >= 0 ? v[ifull].s : "");
	sf_user_fields(dir, sizeof dir, id, sizeof id, full, sizeof full);

	const char *app_name = "";
	bool user_activity = true;
	if (l->src == LT_QIXPERF) {
		if (c->appname_lookup && v[iapp].n) {
			const char *nm = appnames_get(c->names, v[iapp].s, v[iapp].n);
			app_name = nm ? fval_text((struct span){ nm, strlen(nm), true }, 200, &len) : "";
		}
		struct span psid = raw[l->f_psid];
		user_activity = !(psid.n == 1 && psid.s[0] == '0');
		/* the filters compare raw values, as udp-listen's do */
		const char *r_app = fval_text(raw[iapp], 65535, &len);
		const char *r_obj = fval_text(raw[l->f_obj], 65535, &len);
		const char *r_type = fval_text(raw[l->f_type], 65535, &len);
		const char *r_method = fval_text(raw[l->f_method], 65535, &len);
		if (!qixfilter_accept(c->qix, r_app, app_name, r_obj, r_type, r_method))
			return LT_QIX_REJECTED;
	}
	if (cat_on) {
		if (categorise_apply(c->cat, level, msg, cats, N(cats), &ncats) == CAT_DROP)
			return LT_DROP_RULE;
	}
	if (userlist_has(&c->exclude, dir, id))
		return LT_EXCLUDED_USER;

	const struct jsonw_key *fk = fkeys[l->src];
	jsonw_open(out);
	jsonw_member(out, &k_kind);
	jsonw_str(out, NULL, l->src == LT_QIXPERF ? "qix_perf" : "log_event");
	jsonw_member(out, &k_ts);
	jsonw_str(out, NULL, time_format_rfc3339(when, ts));
	const char *more[] = { "log_type", l->log_type, "log_file", l->file };
	ev_tags_write(out, &c->tags, cats, ncats, more, 2);
	for (size_t i = 0; i < nf; i++) {
		if (!direct[i] && v[i].omit && i > I_LEVEL)
			continue;	/* a number that is not one: left out */
		jsonw_member(out, &fk[i]);
		if (i == I_SOURCE)
			jsonw_str(out, NULL, l->source);
		else if (i == I_TS_ISO)
			jsonw_strn(out, NULL, ts_ok ? tsr.s : "", ts_ok ? tsr.n : 0);
		else if (i == I_TS_LOCAL)
			jsonw_str(out, NULL, ts_ok || form == TS_LOCAL ? local : "");
		else if ((int)i == idir)
			jsonw_str(out, NULL, dir);
		else if ((int)i == iid)
			jsonw_str(out, NULL, id);
		else if ((int)i == ifull)
			jsonw_str(out, NULL, full);
		else if (direct[i])
			jsonw_strn_clean(out, NULL, raw[i].s, raw[i].n, f[i].spec.max, f[i].spec.rule == R_TEXT);
		else
			fval_write(out, NULL, &v[i]);
		if (l->src == LT_QIXPERF && (int)i == iapp) {
			jsonw_member(out, &k_app_name);
			jsonw_str(out, NULL, app_name);
		}
	}
	if (l->src == LT_QIXPERF) {
		jsonw_member(out, &k_activity);
		jsonw_str(out, NULL, user_activity ? "user" : "non-user");
	}
	if (ifull < 0) {
		jsonw_member(out, &k_user_full);
		jsonw_str(out, NULL, full);
	}
	if (cat_on)
		ev_categories_write(out, cats, ncats);
	/* every other column, so nothing read is lost */
	bool open = false;
	for (size_t i = 0; i < nc; i++) {
		if (l->field_of_col[i] >= 0 || !col[i].present || !col[i].n)
			continue;
		if (!open) {
			jsonw_member(out, &k_extra);
			jsonw_open_object(out, NULL);
			open = true;
		}
		jsonw_member(out, &l->ckey[i]);
		jsonw_strn_clean(out, NULL, col[i].s, col[i].n, c->extra_max, true);
	}
	if (open)
		jsonw_close(out);
	jsonw_close(out);
	return out->overflow ? LT_TOO_BIG : LT_RECORD;
}
