/* tables: per-kind columns, and a record as a row of COPY text. */
#include "tables.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evjson.h"
#include "hash.h"
#include "jscan.h"
#include "jsonw.h"
#include "timefmt.h"

#define T(kind, name, cols) { (kind), (name), (cols), sizeof(cols) / sizeof(*(cols)) }

static const struct column health[] = {
	{ "host", "tags.host", CT_TEXT }, { "server_name", "tags.server_name", CT_TEXT },
	{ "server_description", "tags.server_description", CT_TEXT }, { "server_host", "server_host", CT_TEXT },
	{ "version", "version", CT_TEXT }, { "started", "started", CT_TEXT }, { "uptime", "uptime", CT_TEXT },
	{ "mem_committed", "mem.committed", CT_DOUBLE }, { "mem_allocated", "mem.allocated", CT_DOUBLE },
	{ "mem_free", "mem.free", CT_DOUBLE }, { "cpu_total", "cpu.total", CT_DOUBLE },
	{ "session_active", "session.active", CT_BIGINT }, { "session_total", "session.total", CT_BIGINT },
	{ "users_active", "users.active", CT_BIGINT }, { "users_total", "users.total", CT_BIGINT },
	{ "cache_hits", "cache.hits", CT_BIGINT }, { "cache_lookups", "cache.lookups", CT_BIGINT },
	{ "cache_added", "cache.added", CT_BIGINT }, { "cache_replaced", "cache.replaced", CT_BIGINT },
	{ "cache_bytes_added", "cache.bytes_added", CT_BIGINT }, { "apps_calls", "apps.calls", CT_BIGINT },
	{ "apps_selections", "apps.selections", CT_BIGINT }, { "active_docs", "apps.active_docs", CT_COUNT },
	{ "loaded_docs", "apps.loaded_docs", CT_COUNT }, { "in_memory_docs", "apps.in_memory_docs", CT_COUNT },
	{ "saturated", "saturated", CT_BOOL },
};

static const struct column sessions[] = {
	{ "host", "tags.host", CT_TEXT }, { "server_name", "tags.server_name", CT_TEXT },
	{ "server_host", "server_host", CT_TEXT }, { "virtual_proxy", "virtual_proxy", CT_TEXT },
	{ "session_count", "session_count", CT_BIGINT }, { "unique_user_count", "unique_user_count", CT_BIGINT },
	{ "session_user_id_list", "session_user_id_list", CT_TEXT },
};

static const struct column log_event[] = {
	{ "host", "host", CT_TEXT }, { "source", "source", CT_TEXT }, { "level", "level", CT_TEXT },
	{ "subsystem", "subsystem", CT_TEXT }, { "log_row", "log_row", CT_BIGINT }, { "message", "message", CT_TEXT },
	{ "exception_message", "exception_message", CT_TEXT }, { "user_directory", "user_directory", CT_TEXT },
	{ "user_id", "user_id", CT_TEXT }, { "user_full", "user_full", CT_TEXT }, { "command", "command", CT_TEXT },
	{ "result_code", "result_code", CT_TEXT }, { "origin", "origin", CT_TEXT }, { "context", "context", CT_TEXT },
	{ "windows_user", "windows_user", CT_TEXT }, { "app_id", "app_id", CT_TEXT }, { "app_name", "app_name", CT_TEXT },
	{ "task_id", "task_id", CT_TEXT }, { "task_name", "task_name", CT_TEXT },
	{ "execution_id", "execution_id", CT_TEXT }, { "session_id", "session_id", CT_TEXT },
	{ "proxy_session_id", "proxy_session_id", CT_TEXT },
};

static const struct column qix_perf[] = {
	{ "host", "host", CT_TEXT }, { "level", "level", CT_TEXT }, { "subsystem", "subsystem", CT_TEXT },
	{ "log_row", "log_row", CT_BIGINT }, { "app_id", "app_id", CT_TEXT }, { "app_name", "app_name", CT_TEXT },
	{ "method", "method", CT_TEXT }, { "object_type", "object_type", CT_TEXT }, { "object_id", "object_id", CT_TEXT },
	{ "event_activity_source", "event_activity_source", CT_TEXT },
	{ "user_directory", "user_directory", CT_TEXT }, { "user_id", "user_id", CT_TEXT },
	{ "session_id", "session_id", CT_TEXT }, { "proxy_session_id", "proxy_session_id", CT_TEXT },
	{ "request_id", "request_id", CT_BIGINT }, { "process_time", "process_time", CT_DOUBLE },
	{ "work_time", "work_time", CT_DOUBLE }, { "lock_time", "lock_time", CT_DOUBLE },
	{ "validate_time", "validate_time", CT_DOUBLE }, { "traverse_time", "traverse_time", CT_DOUBLE },
	{ "handle", "handle", CT_BIGINT }, { "net_ram", "net_ram", CT_BIGINT }, { "peak_ram", "peak_ram", CT_BIGINT },
};

static const struct column user_event[] = {
	{ "host", "host", CT_TEXT }, { "message_type", "messageType", CT_TEXT }, { "command", "command", CT_TEXT },
	{ "user_directory", "userDir", CT_TEXT }, { "user_id", "userId", CT_TEXT }, { "user_full", "userFull", CT_TEXT },
	{ "origin", "origin", CT_TEXT }, { "context", "context", CT_TEXT }, { "message", "message", CT_TEXT },
	{ "app_id", "appId", CT_TEXT }, { "app_name", "appName", CT_TEXT },
	{ "ua_browser_name", "uaBrowserName", CT_TEXT }, { "ua_browser_major_version", "uaBrowserMajorVersion", CT_TEXT },
	{ "ua_os_name", "uaOsName", CT_TEXT }, { "ua_os_version", "uaOsVersion", CT_TEXT },
};

static const struct column event_count[] = {
	{ "event_type", "event_type", CT_TEXT }, { "source", "source", CT_TEXT }, { "host", "host", CT_TEXT },
	{ "subsystem", "subsystem", CT_TEXT }, { "counter", "counter", CT_BIGINT },
};

static const struct column rejected_event_count[] = {
	{ "source", "source", CT_TEXT }, { "app_id", "app_id", CT_TEXT }, { "app_name", "app_name", CT_TEXT },
	{ "method", "method", CT_TEXT }, { "object_type", "object_type", CT_TEXT }, { "counter", "counter", CT_BIGINT },
	{ "process_time", "process_time", CT_DOUBLE },
};

static const struct column queue[] = {
	{ "queue_type", "queue_type", CT_TEXT }, { "queue_size", "queue_size", CT_BIGINT },
	{ "queue_max_size", "queue_max_size", CT_BIGINT }, { "queue_utilization_pct", "queue_utilization_pct", CT_DOUBLE },
	{ "messages_received", "messages_received", CT_BIGINT }, { "messages_queued", "messages_queued", CT_BIGINT },
	{ "messages_processed", "messages_processed", CT_BIGINT },
	{ "messages_dropped_total", "messages_dropped_total", CT_BIGINT },
	{ "processing_time_avg_ms", "processing_time_avg_ms", CT_DOUBLE },
	{ "backpressure_active", "backpressure_active", CT_BIGINT },
};

static const struct column error[] = {
	{ "tool", "tool", CT_TEXT }, { "error_type", "error_type", CT_TEXT }, { "message", "message", CT_TEXT },
	{ "server", "server", CT_TEXT }, { "endpoint", "endpoint", CT_TEXT },
	{ "error_category", "error_category", CT_TEXT }, { "error_code", "error_code", CT_TEXT },
	{ "http_status", "http_status", CT_BIGINT },
};

static const struct column process[] = {
	{ "host", "tags.host", CT_TEXT }, { "process", "tags.process", CT_TEXT }, { "pid", "pid", CT_BIGINT },
	{ "name", "name", CT_TEXT }, { "rss_bytes", "rss_bytes", CT_BIGINT }, { "cpu_seconds", "cpu_seconds", CT_DOUBLE },
	{ "threads", "threads", CT_BIGINT },
};

static const struct column host[] = {
	{ "host", "tags.host", CT_TEXT }, { "hostname", "hostname", CT_TEXT },
	{ "os_pretty_name", "os_pretty_name", CT_TEXT }, { "kernel", "kernel", CT_TEXT },
	{ "cpu_cores", "cpu_cores", CT_BIGINT }, { "mem_total_bytes", "mem_total_bytes", CT_BIGINT },
	{ "mem_available_bytes", "mem_available_bytes", CT_BIGINT }, { "uptime_seconds", "uptime_seconds", CT_DOUBLE },
	{ "load_1", "load_1", CT_DOUBLE },
};

static const struct column records[] = {
	{ "kind", "kind", CT_TEXT },
};

const struct table pg_tables[] = {
	T("health", "health", health), T("sessions", "sessions", sessions), T("log_event", "log_event", log_event),
	T("qix_perf", "qix_perf", qix_perf), T("user_event", "user_event", user_event),
	T("event_count", "event_count", event_count), T("rejected_event_count", "rejected_event_count", rejected_event_count),
	T("queue", "queue", queue), T("error", "error", error), T("process", "process", process), T("host", "host", host),
	T(NULL, "records", records),
};
const size_t pg_ntables = sizeof pg_tables / sizeof *pg_tables;

const struct table *pg_table_of(const char *kind, size_t n)
{
	for (size_t i = 0; i + 1 < pg_ntables; i++)
		if (strlen(pg_tables[i].kind) == n && memcmp(pg_tables[i].kind, kind, n) == 0)
			return &pg_tables[i];
	return &pg_tables[pg_ntables - 1];
}

/* --- rows -------------------------------------------------------------------- */

struct rows {
	struct jscan	 js;
	struct jtok	*tok;
	uint32_t	 cap;
	char		*buf;		/* the row's text */
	size_t		 len, bcap;
	char		*dec;		/* a decoded string */
	size_t		 dcap;
	struct evjson	 ev;
	unsigned	 repaired;
};

struct rows *rows_new(void)
{
	struct rows *r = calloc(1, sizeof *r);

	if (!r || !(r->tok = malloc(1024 * sizeof *r->tok))) {
		free(r);
		return NULL;
	}
	r->cap = 1024;
	return r;
}

void rows_free(struct rows *r)
{
	if (!r)
		return;
	free(r->tok);
	free(r->buf);
	free(r->dec);
	evjson_free(&r->ev);
	free(r);
}

static void put(struct rows *r, const char *s, size_t n)
{
	memcpy(r->buf + r->len, s, n);	/* the buffer was sized for the worst case */
	r->len += n;
}

/* COPY text: backslash, tab, newline and CR escaped; NUL bytes (PostgreSQL refuses them) removed and counted. */
static void put_escaped(struct rows *r, const char *s, size_t n)
{
	char *o = r->buf + r->len;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		switch (c) {
		case '\\': *o++ = '\\'; *o++ = '\\'; break;
		case '\t': *o++ = '\\'; *o++ = 't'; break;
		case '\n': *o++ = '\\'; *o++ = 'n'; break;
		case '\r': *o++ = '\\'; *o++ = 'r'; break;
		case '\0': r->repaired++; break;
		default: *o++ = c;
		}
	}
	r->len = (size_t)(o - r->buf);
}

/* Token at "a" or "a.b" from object obj; -1 when absent. */
static int path_get(const struct rows *r, const char *path)
{
	const char *dot = strchr(path, '.');
	char first[64];

	if (!dot)
		return jscan_get(&r->js, 0, path);
	size_t n = (size_t)(dot - path);
	if (n >= sizeof first)
		return -1;
	memcpy(first, path, n);
	first[n] = '\0';
	return jscan_get(&r->js, jscan_get(&r->js, 0, first), dot + 1);
}

/*
 * The column's value from the record; NULL when absent or when it does not
 * fit the column (a fraction or a huge number for bigint, a string for a
 * number): returns false then, and the member stays in extra.
 */
static bool put_value(struct rows *r, const struct column *c)
{
	int t = path_get(r, c->path);
	const struct jtok *k = t >= 0 ? &r->js.tok[t] : NULL;
	char num[40];
	double d;
	int64_t i;
	int len;

	switch (c->type) {
	case CT_TEXT: {
		const char *p;
		long n;
		if (!k || k->type != JS_STRING || (n = jscan_str(&r->js, t, &p, r->dec, r->dcap)) < 0)
			break;
		put_escaped(r, p, (size_t)n);
		return true;
	}
	case CT_BIGINT:
		/* exactly, whole numbers within bigint only: 1.5 or 1e300 are not forced in */
		if (!k || k->type != JS_NUMBER || jscan_int(&r->js, t, &i) != 0)
			break;
		len = snprintf(num, sizeof num, "%lld", (long long)i);
		put(r, num, (size_t)len);
		return true;
	case CT_DOUBLE:
		if (!k || k->type != JS_NUMBER || jscan_double(&r->js, t, &d) != 0 || !isfinite(d))
			break;
		len = jsonw_format_double(num, d);
		put(r, num, (size_t)len);
		return true;
	case CT_BOOL:
		if (!k || (k->type != JS_TRUE && k->type != JS_FALSE))
			break;
		put(r, k->type == JS_TRUE ? "t" : "f", 1);
		return true;
	case CT_COUNT:
		if (!k || k->type != JS_ARRAY)
			break;
		len = snprintf(num, sizeof num, "%u", k->size);
		put(r, num, (size_t)len);
		return true;
	}
	put(r, "\\N", 2);
	return !k || k->type == JS_NULL;	/* nothing lost: there was no value */
}

/* JSON for a jsonb column: PostgreSQL refuses the escape \u0000, so it is removed (and counted). */
static void put_json(struct rows *r, char *s, size_t n)
{
	size_t w = 0;

	/* escapes come in pairs: "\\u0000" is a backslash and the text u0000, left alone */
	for (size_t i = 0; i < n;) {
		if (s[i] == '\\' && i + 5 < n && memcmp(s + i + 1, "u0000", 5) == 0) {
			i += 6;
			r->repaired++;
			continue;
		}
		if (s[i] == '\\' && i + 1 < n)
			s[w++] = s[i++];
		s[w++] = s[i++];
	}
	put_escaped(r, s, w);
}

/* The column that holds top-level member key k as a whole (not through a dot); -1 when none. */
static int own_column(const struct rows *r, const struct table *t, int k)
{
	const struct jtok *key = &r->js.tok[k];
	size_t n = key->end - key->start;

	for (size_t i = 0; i < t->ncols; i++)
		if (!key->esc && strlen(t->cols[i].path) == n && memcmp(t->cols[i].path, r->js.s + key->start, n) == 0)
			return (int)i;
	return -1;
}

enum rows_result rows_build(struct rows *r, const char *line, size_t n, struct row *out, char *why, size_t whylen)
{
	int rc;
	const char *kind, *tsp;
	long kn, tn;
	char ts[48];
	int64_t ms;

	why[0] = '\0';
	while ((rc = jscan_parse(&r->js, line, n, r->tok, r->cap)) == JSCAN_NOMEM && r->cap < (1u << 22)) {
		struct jtok *t = realloc(r->tok, (size_t)r->cap * 2 * sizeof *t);
		if (!t)
			return ROWS_NOMEM;
		r->tok = t;
		r->cap *= 2;
	}
	if (rc < 0 || r->js.tok[0].type != JS_OBJECT) {
		snprintf(why, whylen, "%s", rc == JSCAN_NOMEM ? "too many JSON values" : "not a JSON object");
		return ROWS_BAD;
	}
	/* escaping at most doubles every byte; plus the fixed columns */
	size_t need = 4 * n + 4096;
	if (need > r->bcap) {
		char *b = realloc(r->buf, need);
		if (!b)
			return ROWS_NOMEM;
		r->buf = b;
		r->bcap = need;
	}
	if (n + 1 > r->dcap) {
		char *d = realloc(r->dec, n + 1);
		if (!d)
			return ROWS_NOMEM;
		r->dec = d;
		r->dcap = n + 1;
	}
	if (evjson_reserve(&r->ev, n) != 0)
		return ROWS_NOMEM;
	int kt = jscan_get(&r->js, 0, "kind"), tt = jscan_get(&r->js, 0, "ts");
	if (kt < 0 || (kn = jscan_str(&r->js, kt, &kind, r->dec, r->dcap)) <= 0 || kn > 64) {
		snprintf(why, whylen, "no kind");
		return ROWS_BAD;
	}
	const struct table *t = pg_table_of(kind, (size_t)kn);
	if (tt < 0 || (tn = jscan_str(&r->js, tt, &tsp, ts, sizeof ts - 1)) <= 0 || tn >= (long)sizeof ts) {
		snprintf(why, whylen, "no ts");
		return ROWS_BAD;
	}
	if (tsp != ts)
		memcpy(ts, tsp, (size_t)tn);
	ts[tn] = '\0';
	if (time_parse_rfc3339(ts, &ms) != 0) {
		snprintf(why, whylen, "ts \"%s\" is not an RFC 3339 time", ts);
		return ROWS_BAD;
	}
	/* daily partitions are named by four-digit years */
	if (ms < -30610224000000LL || ms >= 253402300800000LL) {
		snprintf(why, whylen, "ts \"%s\" is outside the years 1000 to 9999", ts);
		return ROWS_BAD;
	}
	r->len = 0;
	r->repaired = 0;
	/* ts, id */
	char tbuf[TIME_RFC3339_LEN], num[32];
	time_format_rfc3339(ms, tbuf);
	put(r, tbuf, strlen(tbuf));
	put(r, "\t", 1);
	int idlen = snprintf(num, sizeof num, "%lld", (long long)hash64(line, n));
	put(r, num, (size_t)idlen);
	/* the kind's own columns; what does not fit one stays in extra */
	bool held[64] = { false };	/* more columns than any table has */
	for (size_t i = 0; i < t->ncols && i < 64; i++) {
		put(r, "\t", 1);
		held[i] = put_value(r, &t->cols[i]);
	}
	/* tags */
	put(r, "\t", 1);
	int tags = jscan_get(&r->js, 0, "tags");
	evjson_begin(&r->ev, &r->js, false);
	if (tags >= 0 && r->js.tok[tags].type == JS_OBJECT)
		evjson_value(&r->ev, tags);
	else
		evjson_put(&r->ev, "{}", 2);
	if (r->ev.overflow)
		return ROWS_NOMEM;
	put_json(r, r->ev.p, r->ev.len);
	/* extra: the members without a column (the whole record for the catch-all) */
	put(r, "\t", 1);
	evjson_begin(&r->ev, &r->js, false);
	evjson_put(&r->ev, "{", 1);
	bool first = true;
	for (uint32_t i = 0, k = 1; i < r->js.tok[0].size; i++, k = r->js.tok[k + 1].next) {
		int col = t->kind ? own_column(r, t, (int)k) : -1;
		if (evjson_envelope_key(&r->js, (int)k) || (col >= 0 && held[col]))
			continue;
		if (!first)
			evjson_put(&r->ev, ",", 1);
		first = false;
		evjson_string(&r->ev, (int)k);
		evjson_put(&r->ev, ":", 1);
		evjson_value(&r->ev, (int)k + 1);
	}
	evjson_put(&r->ev, "}", 1);
	if (r->ev.overflow)
		return ROWS_NOMEM;
	put_json(r, r->ev.p, r->ev.len);
	put(r, "\n", 1);
	*out = (struct row){ .t = t, .day = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000,
		.text = r->buf, .len = r->len, .repaired = r->repaired };
	return ROWS_OK;
}
