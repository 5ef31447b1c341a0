/* map: one record to the line protocol Butler SOS writes for it (output-model.md). */
#include "map.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evjson.h"
#include "jscan.h"
#include "jsonw.h"
#include "timefmt.h"

#define TOK_MIN		1024
#define KIDX		128	/* slots of the member index, a power of two */
#define TOK_MAX		(1u << 22)

/* A string: a slice of the record or of the arena (not NUL-terminated). */
struct sv {
	const char	*p;
	size_t		 n;
};

struct mapper {
	struct map_conf	 c;
	struct jscan	 js;
	struct jtok	*tok;
	uint32_t	 cap;
	char		*arena;		/* decoded strings and built text of one record */
	size_t		 alen, acap;
	struct evjson	 ev;		/* raw_event */
	char		 kind[65];
	int64_t		 ts_ns;
	/* the record's own members by name: a record is looked up thirty times */
	struct kslot {
		uint32_t tok;		/* key token + 1; 0: free */
		uint32_t len;
	}		 kidx[KIDX];
	bool		 kidx_on;
};

struct mapper *mapper_new(const struct map_conf *c)
{
	struct mapper *m = calloc(1, sizeof *m);

	if (!m)
		return NULL;
	m->c = *c;
	m->cap = TOK_MIN;
	if (!(m->tok = malloc(m->cap * sizeof *m->tok))) {
		free(m);
		return NULL;
	}
	return m;
}

void mapper_free(struct mapper *m)
{
	if (!m)
		return;
	free(m->tok);
	free(m->arena);
	evjson_free(&m->ev);
	free(m);
}

const char *map_last_kind(const struct mapper *m)
{
	return m->kind;
}

/* --- reading the record ---------------------------------------------------- */

/*
 * The keys of an object, the elements of an array, by the container's
 * count and each token's subtree end, never looking at the text again:
 *   uint32_t n;
 *   for (int k = members(m, obj, &n); n; n--, k = after_member(m, k))
 */
static int members(const struct mapper *m, int obj, uint32_t *n)
{
	*n = obj >= 0 && m->js.tok[obj].type == JS_OBJECT ? m->js.tok[obj].size : 0;
	return obj + 1;
}

static int after_member(const struct mapper *m, int k)
{
	return (int)m->js.tok[k + 1].next;
}

static int elements(const struct mapper *m, int arr, uint32_t *n)
{
	*n = arr >= 0 && m->js.tok[arr].type == JS_ARRAY ? m->js.tok[arr].size : 0;
	return arr + 1;
}

static int after_element(const struct mapper *m, int e)
{
	return (int)m->js.tok[e].next;
}

/* Arena space; the arena is sized before mapping starts and never moves during it. */
static char *arena_take(struct mapper *m, size_t n)
{
	if (n > m->acap - m->alen)
		return NULL;
	char *p = m->arena + m->alen;
	m->alen += n;
	return p;
}

static bool sv_tok(struct mapper *m, int t, struct sv *out)
{
	const struct jtok *k = &m->js.tok[t];
	const char *p;
	long n;

	if (t < 0 || k->type != JS_STRING)
		return false;
	if (!k->esc) {
		out->p = m->js.s + k->start;
		out->n = k->end - k->start;
		return true;
	}
	/* a decoded string is never longer than its escaped form */
	char *buf = arena_take(m, (size_t)(k->end - k->start) + 1);
	if (!buf || (n = jscan_str(&m->js, t, &p, buf, (size_t)(k->end - k->start) + 1)) < 0)
		return false;
	out->p = p;
	out->n = (size_t)n;
	return true;
}

static inline uint32_t kslot_of(const char *k, size_t n)
{
	return (uint32_t)(n * 31 + (unsigned char)k[0] * 7 + (unsigned char)k[n - 1]) & (KIDX - 1);
}

/* Indexes the members of the record (token 0); off when a key has escapes or there are too many. */
static void index_members(struct mapper *m)
{
	memset(m->kidx, 0, sizeof m->kidx);
	m->kidx_on = m->js.tok[0].size <= KIDX / 2;
	uint32_t k_n;
	for (int k = members(m, 0, &k_n); k_n && m->kidx_on; k_n--, k = after_member(m, k)) {
		const struct jtok *t = &m->js.tok[k];
		size_t n = t->end - t->start;
		if (t->esc || n == 0) {
			m->kidx_on = false;
			break;
		}
		uint32_t h = kslot_of(m->js.s + t->start, n);
		while (m->kidx[h].tok)
			h = (h + 1) & (KIDX - 1);
		m->kidx[h] = (struct kslot){ .tok = (uint32_t)k + 1, .len = (uint32_t)n };
	}
}

/* jscan_get, through the index for the record's own members. */
static int get(const struct mapper *m, int obj, const char *key)
{
	size_t n = strlen(key);

	if (obj != 0 || !m->kidx_on || n == 0)
		return jscan_get(&m->js, obj, key);
	for (uint32_t h = kslot_of(key, n); m->kidx[h].tok; h = (h + 1) & (KIDX - 1)) {
		const struct kslot *sl = &m->kidx[h];
		if (sl->len == n && memcmp(m->js.s + m->js.tok[sl->tok - 1].start, key, n) == 0)
			return (int)sl->tok;	/* the value: key + 1 */
	}
	return -1;
}

/* Member key of object obj as a string; false when absent or not a string. */
static bool sv_get(struct mapper *m, int obj, const char *key, struct sv *out)
{
	return sv_tok(m, get(m, obj, key), out);
}

/* The same, "" when absent. */
static struct sv sv_or(struct mapper *m, int obj, const char *key)
{
	struct sv v = { "", 0 };

	if (!sv_get(m, obj, key, &v))
		v = (struct sv){ "", 0 };
	return v;
}

static bool num_get(struct mapper *m, int obj, const char *key, double *d)
{
	int t = get(m, obj, key);

	return t >= 0 && jscan_double(&m->js, t, d) == 0 && isfinite(*d);
}

/*
 * A float field: the record's own text when it already is the shortest form
 * (it nearly always is: the sources write numbers that way), else formatted.
 */
static void float_member(struct mapper *m, struct lp_point *pt, int obj, const char *key, const char *field)
{
	int t = get(m, obj, key);
	double d;

	if (t < 0 || m->js.tok[t].type != JS_NUMBER)
		return;
	const struct jtok *k = &m->js.tok[t];
	if (json_number_canonical(m->js.s + k->start, k->end - k->start))
		lp_floattext(pt, field, m->js.s + k->start, k->end - k->start);
	else if (jscan_double(&m->js, t, &d) == 0)
		lp_float(pt, field, d);
}

/* An integer field: the value floored and kept within int64, as a whole number must be. */
static int64_t to_int(double d)
{
	d = floor(d);
	if (d >= 9223372036854774784.0)
		return INT64_MAX - 1023;
	if (d <= -9223372036854774784.0)
		return INT64_MIN + 1024;
	return (int64_t)d;
}

static bool sv_eq(struct sv v, const char *s)
{
	size_t n = strlen(s);

	return v.n == n && memcmp(v.p, s, n) == 0;
}

/* --- writing points --------------------------------------------------------- */

/* Field types by InfluxDB version, as Butler SOS's clients write them. */
enum ty { T_INT, T_UINT, T_FLOAT };

static void num_field(struct mapper *m, struct lp_point *pt, const char *k, double d, enum ty t)
{
	switch (t) {
	case T_FLOAT:
		lp_float(pt, k, d);
		break;
	case T_UINT:
		lp_uint(pt, k, to_int(d));
		break;
	case T_INT: {
		int64_t v = to_int(d);
		if (m->c.version == 3 && v < 0)	/* InfluxDB 3: Butler SOS clamps at 0 */
			v = 0;
		lp_int(pt, k, v);
		break;
	}
	}
}

/* ty per version: "iuf" = v1 int, v2 uint, v3 float. */
static enum ty ty_of(const struct mapper *m, const char *per_version)
{
	switch (per_version[m->c.version - 1]) {
	case 'u': return T_UINT;
	case 'f': return T_FLOAT;
	default: return T_INT;
	}
}

static void num_member(struct mapper *m, struct lp_point *pt, int obj, const char *key,
    const char *field, const char *per_version)
{
	double d;
	enum ty t = ty_of(m, per_version);

	if (t == T_FLOAT)
		float_member(m, pt, obj, key, field);
	else if (num_get(m, obj, key, &d))
		num_field(m, pt, field, d, t);
}

static void tag_sv(struct lp_point *pt, const char *k, struct sv v, bool clean)
{
	lp_tagn(pt, k, strlen(k), v.p, v.n, clean);
}

static void str_field(struct lp_point *pt, const char *k, struct sv v)
{
	lp_strn(pt, k, v.p, v.n);
}

/* The record's tags object (static, server and category tags). */
static void record_tags(struct mapper *m, struct lp_point *pt, bool clean)
{
	int tags = get(m, 0, "tags");

	uint32_t k_n;
	for (int k = members(m, tags, &k_n); k_n; k_n--, k = after_member(m, k)) {
		struct sv key, val;
		if (sv_tok(m, k, &key) && sv_tok(m, k + 1, &val))
			lp_tagn(pt, key.p, key.n, val.p, val.n, clean);
	}
}

static int emit(struct mapper *m, struct lp_point *pt, struct lp_buf *out)
{
	pt->strip_crlf = m->c.version == 3;
	return lp_encode(pt, m->ts_ns, out) < 0 ? -1 : 0;
}

/* --- health and sessions (sense-poll) ----------------------------------------- */

/* Ids joined by commas; v1 quotes each name: "\"Budget 2025\",\"Sales\"". */
static struct sv join(struct mapper *m, int arr, bool quote)
{
	size_t need = 1;
	struct sv v = { "", 0 };

	uint32_t e_n;
	for (int e = elements(m, arr, &e_n); e_n; e_n--, e = after_element(m, e))
		need += (size_t)(m->js.tok[e].end - m->js.tok[e].start) + 3;
	char *buf = arena_take(m, need), *o = buf;
	if (!buf)
		return v;
	for (int e = elements(m, arr, &e_n); e_n; e_n--, e = after_element(m, e)) {
		struct sv s;
		if (!sv_tok(m, e, &s))
			continue;
		if (o != buf)
			*o++ = ',';
		if (quote)
			*o++ = '"';
		memcpy(o, s.p, s.n);
		o += s.n;
		if (quote)
			*o++ = '"';
	}
	v.p = buf;
	v.n = (size_t)(o - buf);
	return v;
}

static int count_of(const struct mapper *m, int arr)
{
	return arr >= 0 && m->js.tok[arr].type == JS_ARRAY ? (int)m->js.tok[arr].size : 0;
}

static int map_health(struct mapper *m, struct lp_buf *out)
{
	static const struct { const char *list; size_t off; } docs[] = {
		{ "active_docs", offsetof(struct map_conf, include_active) },
		{ "loaded_docs", offsetof(struct map_conf, include_loaded) },
		{ "in_memory_docs", offsetof(struct map_conf, include_inmem) },
	};
	struct lp_point pt;
	int mem = get(m, 0, "mem"), cpu = get(m, 0, "cpu");
	int ses = get(m, 0, "session"), usr = get(m, 0, "users");
	int cache = get(m, 0, "cache"), apps = get(m, 0, "apps");
	int sat = get(m, 0, "saturated");
	bool v1 = m->c.version == 1;

	lp_begin(&pt, "sense_server");
	record_tags(m, &pt, false);
	str_field(&pt, "version", sv_or(m, 0, "version"));
	str_field(&pt, "started", sv_or(m, 0, "started"));
	str_field(&pt, "uptime", sv_or(m, 0, "uptime"));
	if (emit(m, &pt, out))
		return -1;

	lp_begin(&pt, "mem");
	record_tags(m, &pt, false);
	num_member(m, &pt, mem, "committed", "comitted", "iff");	/* sic */
	num_member(m, &pt, mem, "allocated", "allocated", "iff");
	num_member(m, &pt, mem, "free", "free", "iff");
	if (emit(m, &pt, out))
		return -1;

	lp_begin(&pt, "apps");
	record_tags(m, &pt, false);
	for (size_t i = 0; i < sizeof docs / sizeof *docs; i++) {
		char key[64];
		bool on = *(const bool *)((const char *)&m->c + docs[i].off);
		int ids = jscan_get(&m->js, apps, docs[i].list);
		/* the field keys live as long as the point: take them from the arena */
		int kn = snprintf(key, sizeof key, "%s_count", docs[i].list);
		char *k = arena_take(m, (size_t)kn + 1);
		if (!k)
			return -1;
		memcpy(k, key, (size_t)kn + 1);
		lp_int(&pt, k, count_of(m, ids));
		str_field(&pt, docs[i].list, on ? join(m, ids, false) : (struct sv){ "", 0 });
		kn = snprintf(key, sizeof key, "%s_names", docs[i].list);
		if (!(k = arena_take(m, (size_t)kn + 1)))
			return -1;
		memcpy(k, key, (size_t)kn + 1);
		str_field(&pt, k, on ? join(m, get(m, apps, key), v1) : (struct sv){ "", 0 });
		kn = snprintf(key, sizeof key, "%.*s_session_docs_names", (int)strlen(docs[i].list) - 5, docs[i].list);
		if (!(k = arena_take(m, (size_t)kn + 1)))
			return -1;
		memcpy(k, key, (size_t)kn + 1);
		str_field(&pt, k, on ? join(m, get(m, apps, key), v1) : (struct sv){ "", 0 });
	}
	num_member(m, &pt, apps, "calls", "calls", "iui");
	num_member(m, &pt, apps, "selections", "selections", "iui");
	if (emit(m, &pt, out))
		return -1;

	lp_begin(&pt, "cpu");
	record_tags(m, &pt, false);
	num_member(m, &pt, cpu, "total", "total", "ifi");
	if (emit(m, &pt, out))
		return -1;

	static const char *const two[] = { "session", "users" };
	for (int i = 0; i < 2; i++) {
		int obj = i ? usr : ses;
		lp_begin(&pt, two[i]);
		record_tags(m, &pt, false);
		num_member(m, &pt, obj, "active", "active", "iui");
		num_member(m, &pt, obj, "total", "total", "iui");
		if (emit(m, &pt, out))
			return -1;
	}

	lp_begin(&pt, "cache");
	record_tags(m, &pt, false);
	num_member(m, &pt, cache, "hits", "hits", "iui");
	num_member(m, &pt, cache, "lookups", "lookups", "iui");
	num_member(m, &pt, cache, "added", "added", "iii");
	num_member(m, &pt, cache, "replaced", "replaced", "iii");
	num_member(m, &pt, cache, "bytes_added", "bytes_added", "iii");
	if (emit(m, &pt, out))
		return -1;

	lp_begin(&pt, "saturated");
	record_tags(m, &pt, false);
	if (sat >= 0 && (m->js.tok[sat].type == JS_TRUE || m->js.tok[sat].type == JS_FALSE))
		lp_bool(&pt, "saturated", m->js.tok[sat].type == JS_TRUE);
	return emit(m, &pt, out);
}

/* v2 writes session points with the session tags only (no server tags): a Butler SOS quirk kept for its dashboards. */
static void session_tags(struct mapper *m, struct lp_point *pt)
{
	int tags = get(m, 0, "tags");

	if (m->c.version != 2) {
		record_tags(m, pt, false);
		return;
	}
	tag_sv(pt, "user_session_virtual_proxy", sv_or(m, tags, "user_session_virtual_proxy"), false);
	tag_sv(pt, "user_session_host", sv_or(m, tags, "user_session_host"), false);
}

static int map_sessions(struct mapper *m, struct lp_buf *out)
{
	struct lp_point pt;
	struct sv list = sv_or(m, 0, "session_user_id_list");
	int details = get(m, 0, "details");

	lp_begin(&pt, "user_session_summary");
	session_tags(m, &pt);
	num_member(m, &pt, 0, "session_count", "session_count", "iui");
	str_field(&pt, "session_user_id_list", list);
	if (emit(m, &pt, out))
		return -1;

	lp_begin(&pt, "user_session_list");
	session_tags(m, &pt);
	if (m->c.version != 1)
		num_member(m, &pt, 0, "session_count", "session_count", "iui");
	str_field(&pt, "session_user_id_list", list);
	if (emit(m, &pt, out))
		return -1;

	uint32_t e_n;
	for (int e = elements(m, details, &e_n); e_n; e_n--, e = after_element(m, e)) {
		struct sv id = sv_or(m, e, "session_id"), dir = sv_or(m, e, "user_directory");
		struct sv uid = sv_or(m, e, "user_id");
		lp_begin(&pt, "user_session_details");
		session_tags(m, &pt);
		tag_sv(&pt, "user_session_id", id, false);
		tag_sv(&pt, "user_session_user_directory", dir, false);
		tag_sv(&pt, "user_session_user_id", uid, false);
		str_field(&pt, "session_id", id);
		str_field(&pt, "user_directory", dir);
		str_field(&pt, "user_id", uid);
		if (emit(m, &pt, out))
			return -1;
	}
	return 0;
}

/* --- log events and QIX performance events (udp-listen, log-tail) ------------- */

/*
 * raw_event: the parsed event as JSON, as Butler SOS serialises it: the
 * record's own members in their order, then (when log events also go to
 * MQTT, whose publisher adds it to the shared object first) "tags", the
 * configured log event tags. Written already escaped for line protocol.
 */
static struct sv raw_event(struct mapper *m)
{
	evjson_begin(&m->ev, &m->js, true);
	evjson_event(&m->ev, m->c.raw_event_tags);
	if (m->ev.overflow)
		return (struct sv){ "{}", 2 };
	return (struct sv){ m->ev.p, m->ev.len };
}

/* A tag written only when its value is not empty. */
static void cond_tag(struct mapper *m, struct lp_point *pt, const char *key, bool clean)
{
	struct sv v;

	if (sv_get(m, 0, key, &v) && v.n)
		tag_sv(pt, key, v, clean);
}

/* A tag always written: the empty value replaced (v1/v2 "<Unknown>", v3 "Unknown"). */
static void unknown_tag(struct mapper *m, struct lp_point *pt, const char *key)
{
	struct sv v = sv_or(m, 0, key);

	if (!v.n)
		v = m->c.version == 3 ? (struct sv){ "Unknown", 7 } : (struct sv){ "<Unknown>", 9 };
	tag_sv(pt, key, v, m->c.version == 3);
}

static void row_tag(struct mapper *m, struct lp_point *pt, bool qix)
{
	int t = get(m, 0, "log_row");
	int64_t row;

	if (qix && m->c.version == 1) {	/* Butler SOS's v1 writer: always -1 */
		lp_tagn(pt, "log_row", 7, "-1", 2, false);
	} else if (t >= 0 && jscan_int(&m->js, t, &row) == 0 && m->js.tok[t].end - m->js.tok[t].start < 21) {
		/* an integer as the record wrote it is its own text */
		lp_tagn(pt, "log_row", 7, m->js.s + m->js.tok[t].start, m->js.tok[t].end - m->js.tok[t].start, false);
	} else {
		double d;
		char buf[24];
		int n = snprintf(buf, sizeof buf, "%lld", num_get(m, 0, "log_row", &d) ? (long long)to_int(d) : -1LL);
		char *p = arena_take(m, (size_t)n);
		if (p) {
			memcpy(p, buf, (size_t)n);
			lp_tagn(pt, "log_row", 7, p, (size_t)n, false);
		}
	}
}

static int map_qix(struct mapper *m, struct lp_buf *out)
{
	static const char *const times[] = { "process_time", "work_time", "lock_time", "validate_time", "traverse_time" };
	struct lp_point pt;
	bool v3 = m->c.version == 3;
	double d;

	lp_begin(&pt, "log_event");
	unknown_tag(m, &pt, "host");
	unknown_tag(m, &pt, "level");
	unknown_tag(m, &pt, "source");
	row_tag(m, &pt, true);
	unknown_tag(m, &pt, "subsystem");
	unknown_tag(m, &pt, "method");
	unknown_tag(m, &pt, "object_type");
	unknown_tag(m, &pt, "event_activity_source");
	for (int i = 0; i < 2; i++) {
		const char *key = i ? "session_id" : "proxy_session_id";
		struct sv v = sv_or(m, 0, key);
		if (!v.n && m->c.version != 2)
			v = (struct sv){ "-1", 2 };
		tag_sv(&pt, key, v, v3);
	}
	cond_tag(m, &pt, "user_full", false);
	cond_tag(m, &pt, "user_directory", v3);
	cond_tag(m, &pt, "user_id", v3);
	cond_tag(m, &pt, "app_id", v3);
	cond_tag(m, &pt, "app_name", v3);
	cond_tag(m, &pt, "object_id", v3);
	record_tags(m, &pt, v3);

	str_field(&pt, v3 ? "app_id_field" : "app_id", sv_or(m, 0, "app_id"));
	for (size_t i = 0; i < sizeof times / sizeof *times; i++)
		float_member(m, &pt, 0, times[i], times[i]);	/* left out when Sense sent no number */
	if (num_get(m, 0, "handle", &d)) {
		if (m->c.version == 2) {	/* Butler SOS's v2 writer: a string */
			char num[JSONW_NUM_MAX];
			int n = jsonw_format_double(num, d);
			char *p = arena_take(m, (size_t)n);
			if (p) {
				memcpy(p, num, (size_t)n);
				lp_strn(&pt, "handle", p, (size_t)n);
			}
		} else {
			lp_int(&pt, "handle", to_int(d));
		}
	}
	num_member(m, &pt, 0, "net_ram", "net_ram", "iii");
	num_member(m, &pt, 0, "peak_ram", "peak_ram", "iii");
	struct sv raw = raw_event(m);
	lp_rawstrn(&pt, "raw_event", raw.p, raw.n);
	return emit(m, &pt, out);
}

static int map_log_event(struct mapper *m, struct lp_buf *out)
{
	struct lp_point pt;
	struct sv source = sv_or(m, 0, "source"), subsystem = sv_or(m, 0, "subsystem");
	bool v1 = m->c.version == 1, v3 = m->c.version == 3;
	bool engine = sv_eq(source, "qseow-engine"), scheduler = sv_eq(source, "qseow-scheduler");
	bool proxy = sv_eq(source, "qseow-proxy") || sv_eq(source, "qseow-repository");

	lp_begin(&pt, "log_event");
	tag_sv(&pt, "host", sv_or(m, 0, "host"), false);
	tag_sv(&pt, "level", sv_or(m, 0, "level"), false);
	tag_sv(&pt, "source", source, false);
	row_tag(m, &pt, false);
	if (v3 && !subsystem.n)
		subsystem = (struct sv){ "n/a", 3 };
	tag_sv(&pt, "subsystem", subsystem, false);
	cond_tag(m, &pt, "user_full", false);
	cond_tag(m, &pt, "user_directory", v3);
	cond_tag(m, &pt, "user_id", v3);
	if (proxy)
		cond_tag(m, &pt, "result_code", v3);
	if (engine) {
		cond_tag(m, &pt, "windows_user", v3);
		cond_tag(m, &pt, "engine_exe_version", v3);
		cond_tag(m, &pt, "app_id", v3);
	}
	if (scheduler) {
		cond_tag(m, &pt, "task_id", v3);
		cond_tag(m, &pt, "task_name", v3);
	}
	record_tags(m, &pt, v3);

	str_field(&pt, "message", sv_or(m, 0, "message"));
	if (engine) {
		if (!v1) {	/* v2 and v3 write the proxy's fields, empty */
			static const char *const empty[] = { "exception_message", "command", "result_code_field", "origin", "context" };
			for (size_t i = 0; i < sizeof empty / sizeof *empty; i++)
				str_field(&pt, empty[i], (struct sv){ "", 0 });
		}
		str_field(&pt, "session_id", sv_or(m, 0, "session_id"));
	} else if (proxy) {
		str_field(&pt, "exception_message", sv_or(m, 0, "exception_message"));
		str_field(&pt, "command", sv_or(m, 0, "command"));
		str_field(&pt, v1 ? "result_code" : "result_code_field", sv_or(m, 0, "result_code"));
		str_field(&pt, "origin", sv_or(m, 0, "origin"));
		str_field(&pt, "context", sv_or(m, 0, "context"));
	} else if (scheduler) {
		str_field(&pt, "exception_message", sv_or(m, 0, "exception_message"));
		str_field(&pt, v3 ? "app_name_field" : "app_name", sv_or(m, 0, "app_name"));
		str_field(&pt, v3 ? "app_id_field" : "app_id", sv_or(m, 0, "app_id"));
		str_field(&pt, "execution_id", sv_or(m, 0, "execution_id"));
	}
	struct sv raw = raw_event(m);
	lp_rawstrn(&pt, "raw_event", raw.p, raw.n);
	return emit(m, &pt, out);
}

/* --- user events ---------------------------------------------------------------- */

static int map_user_event(struct mapper *m, struct lp_buf *out)
{
	static const char *const ua[] = { "uaBrowserName", "uaBrowserMajorVersion", "uaOsName", "uaOsVersion" };
	struct lp_point pt;
	int v = m->c.version;
	bool v3 = v == 3;
	struct sv host = sv_or(m, 0, "host"), cmd = sv_or(m, 0, "command"), dir = sv_or(m, 0, "userDir");
	struct sv uid = sv_or(m, 0, "userId"), origin = sv_or(m, 0, "origin");
	struct sv full = sv_or(m, 0, "userFull"), app_id, app_name;

	if (!host.n || !cmd.n || !dir.n || !uid.n || !origin.n)
		return 1;
	lp_begin(&pt, "user_events");
	tag_sv(&pt, "host", host, v3);
	tag_sv(&pt, "event_action", cmd, v3);
	tag_sv(&pt, "userFull", full, false);
	tag_sv(&pt, "userDirectory", dir, v3);
	tag_sv(&pt, "userId", uid, v3);
	tag_sv(&pt, "origin", origin, v3);
	bool has_id = sv_get(m, 0, "appId", &app_id) && app_id.n;
	bool has_name = sv_get(m, 0, "appName", &app_name) && app_name.n;
	if (has_id)
		tag_sv(&pt, "appId", app_id, v3);
	if (has_name)
		tag_sv(&pt, "appName", app_name, v3);
	for (size_t i = 0; i < sizeof ua / sizeof *ua; i++)
		cond_tag(m, &pt, ua[i], v3);
	record_tags(m, &pt, v3);

	str_field(&pt, v3 ? "userFull_field" : "userFull", full);
	str_field(&pt, v3 ? "userId_field" : "userId", uid);
	if (has_id)
		str_field(&pt, v == 1 ? "appId" : "appId_field", app_id);
	if (has_name)
		str_field(&pt, v == 1 ? "appName" : "appName_field", app_name);
	return emit(m, &pt, out);
}

/* --- counters, queues, errors, processes, hosts --------------------------------- */

static int map_event_count(struct mapper *m, struct lp_buf *out)
{
	struct lp_point pt;

	lp_begin(&pt, m->c.m_event_count);
	cond_tag(m, &pt, "event_type", false);
	cond_tag(m, &pt, "source", false);
	cond_tag(m, &pt, "host", false);
	cond_tag(m, &pt, "subsystem", false);
	record_tags(m, &pt, false);
	num_member(m, &pt, 0, "counter", "counter", "fii");
	return emit(m, &pt, out);
}

static int map_rejected(struct mapper *m, struct lp_buf *out)
{
	struct lp_point pt;
	struct sv source = sv_or(m, 0, "source"), name;
	double d;

	lp_begin(&pt, m->c.m_rejected);
	tag_sv(&pt, "source", source, false);
	if (sv_eq(source, "qseow-qix-perf")) {
		cond_tag(m, &pt, "app_id", false);
		cond_tag(m, &pt, "method", false);
		cond_tag(m, &pt, "object_type", false);
		if (sv_get(m, 0, "app_name", &name) && name.n) {
			tag_sv(&pt, "app_name", name, false);
			lp_tag(&pt, "app_name_set", "true");
		} else {
			lp_tag(&pt, "app_name_set", "false");
		}
		if (num_get(m, 0, "process_time", &d))
			lp_float(&pt, "process_time", d);
	}
	record_tags(m, &pt, false);
	num_member(m, &pt, 0, "counter", "counter", "fii");
	return emit(m, &pt, out);
}

/* Butler SOS's queue fields and their v2/v3 types ('f' float, else int); v1 writes all as floats. */
static const struct { const char *name; char ty; } queue_fields[] = {
	{ "queue_size", 'i' }, { "queue_max_size", 'i' }, { "queue_utilization_pct", 'f' },
	{ "queue_running", 'i' }, { "messages_received", 'i' }, { "messages_queued", 'i' },
	{ "messages_processed", 'i' }, { "messages_failed", 'i' }, { "messages_dropped_total", 'i' },
	{ "messages_dropped_rate_limit", 'i' }, { "messages_dropped_queue_full", 'i' },
	{ "messages_dropped_size", 'i' }, { "processing_time_avg_ms", 'f' },
	{ "processing_time_p95_ms", 'f' }, { "processing_time_max_ms", 'f' },
	{ "rate_limit_current", 'i' }, { "backpressure_active", 'i' },
};

static int map_queue(struct mapper *m, const char *meas, struct lp_buf *out)
{
	struct lp_point pt;

	lp_begin(&pt, meas);
	cond_tag(m, &pt, "queue_type", false);
	record_tags(m, &pt, false);
	for (size_t i = 0; i < sizeof queue_fields / sizeof *queue_fields; i++)
		num_member(m, &pt, 0, queue_fields[i].name, queue_fields[i].name,
		    queue_fields[i].ty == 'f' ? "fff" : "fii");
	/* senseops's own counters (rejections by reason, ...): same types */
	uint32_t k_n;
	for (int k = members(m, 0, &k_n); k_n; k_n--, k = after_member(m, k)) {
		const struct jtok *key = &m->js.tok[k];
		double d;
		if (key->esc || m->js.tok[k + 1].type != JS_NUMBER || key->end - key->start > 63)
			continue;
		char name[64];
		memcpy(name, m->js.s + key->start, key->end - key->start);
		name[key->end - key->start] = '\0';
		if (lp_has_field(&pt, name) || jscan_double(&m->js, k + 1, &d) != 0)
			continue;
		char *kp = arena_take(m, strlen(name) + 1);
		if (!kp)
			return -1;
		memcpy(kp, name, strlen(name) + 1);
		num_field(m, &pt, kp, d, m->c.version == 1 || d != floor(d) ? T_FLOAT : T_INT);
	}
	return emit(m, &pt, out);
}

static int map_error(struct mapper *m, struct lp_buf *out)
{
	static const char *const strs[] = { "error_code", "request_url", "remote_address", "syscall" };
	static const char *const nums[] = { "http_status", "request_timeout_ms", "remote_port" };
	int tags = get(m, 0, "tags");
	struct lp_point pt;
	struct sv v;

	lp_begin(&pt, m->c.m_errors);
	cond_tag(m, &pt, "error_type", false);
	tag_sv(&pt, "server_name", sv_or(m, tags, "server_name"), false);
	if (!sv_get(m, 0, "server_host", &v) || !v.n)
		v = sv_or(m, tags, "host");
	tag_sv(&pt, "host", v, false);
	tag_sv(&pt, "virtual_proxy", sv_or(m, tags, "user_session_virtual_proxy"), false);
	if (!sv_get(m, 0, "error_category", &v) || !v.n)
		v = (struct sv){ "unknown", 7 };
	str_field(&pt, "error_category", v);
	num_field(m, &pt, "error_count", 1, m->c.version == 1 ? T_FLOAT : T_INT);
	for (size_t i = 0; i < sizeof strs / sizeof *strs; i++)
		if (sv_get(m, 0, strs[i], &v) && v.n)
			str_field(&pt, strs[i], v);
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
		num_member(m, &pt, 0, nums[i], nums[i], "fii");
	return emit(m, &pt, out);
}

static double mb2(double bytes)	/* MB rounded to 2 decimals, as Butler SOS writes memory */
{
	return round(bytes / 1048576.0 * 100.0) / 100.0;
}

static int map_process(struct mapper *m, struct lp_buf *out)
{
	int tags = get(m, 0, "tags");
	struct lp_point pt;
	double rss, peak;

	if (!num_get(m, 0, "rss_bytes", &rss))
		return 1;
	if (!num_get(m, 0, "rss_peak_bytes", &peak))
		peak = rss;
	/*
	 * A pipeline is several processes: "version" names the program and
	 * its version ("udp-listen senseops-0.1.0"), one series each.
	 */
	struct sv proc = sv_or(m, tags, "process");
	size_t vn = proc.n + strlen(m->c.version_tag) + 2;
	char *ver = arena_take(m, vn);
	if (!ver)
		return -1;
	vn = (size_t)snprintf(ver, vn, "%.*s%s%s", (int)proc.n, proc.p, proc.n ? " " : "", m->c.version_tag);
	lp_begin(&pt, "butlersos_memory_usage");
	tag_sv(&pt, "butler_sos_instance", sv_or(m, tags, "butler_sos_instance"), false);
	lp_tagn(&pt, "version", 7, ver, vn, false);
	/* a C process has no JavaScript heap: its resident memory stands in */
	lp_float(&pt, "heap_used", mb2(rss));
	lp_float(&pt, "heap_total", mb2(peak));
	lp_float(&pt, "external", 0);
	lp_float(&pt, "process_memory", mb2(rss));
	return emit(m, &pt, out);
}

/* Host facts (sysinfo): no Butler SOS measurement; scalar members as fields, numbers always float. */
static int map_host(struct mapper *m, struct lp_buf *out)
{
	struct lp_point pt;

	lp_begin(&pt, "senseops_host");
	record_tags(m, &pt, false);
	uint32_t k_n;
	for (int k = members(m, 0, &k_n); k_n; k_n--, k = after_member(m, k)) {
		const struct jtok *key = &m->js.tok[k], *val = &m->js.tok[k + 1];
		struct sv s;
		double d;
		if (key->esc || jscan_streq(&m->js, k, "kind") || jscan_streq(&m->js, k, "ts"))
			continue;
		char *name = arena_take(m, (size_t)(key->end - key->start) + 1);
		if (!name)
			return -1;
		memcpy(name, m->js.s + key->start, key->end - key->start);
		name[key->end - key->start] = '\0';
		if (val->type == JS_NUMBER && jscan_double(&m->js, k + 1, &d) == 0)
			lp_float(&pt, name, d);
		else if (val->type == JS_STRING && sv_tok(m, k + 1, &s))
			lp_strn(&pt, name, s.p, s.n);
		else if (val->type == JS_TRUE || val->type == JS_FALSE)
			lp_bool(&pt, name, val->type == JS_TRUE);
	}
	return emit(m, &pt, out);
}

/* --- the record ------------------------------------------------------------------ */

static bool parse(struct mapper *m, const char *line, size_t n, char *why, size_t whylen)
{
	int r;

	while ((r = jscan_parse(&m->js, line, n, m->tok, m->cap)) == JSCAN_NOMEM && m->cap < TOK_MAX) {
		struct jtok *t = realloc(m->tok, (size_t)m->cap * 2 * sizeof *t);
		if (!t)
			break;
		m->tok = t;
		m->cap *= 2;
	}
	if (r < 0 || m->js.tok[0].type != JS_OBJECT) {
		snprintf(why, whylen, "%s", r == JSCAN_NOMEM ? "too many JSON values" : "not a JSON object");
		return false;
	}
	return true;
}

enum map_result map_record(struct mapper *m, const char *line, size_t n, uint64_t seq,
    struct lp_buf *out, char *why, size_t whylen)
{
	struct sv kind, ts;
	char tsbuf[48];
	int64_t ms;
	size_t before = out->len;
	int rc;

	m->kind[0] = '\0';
	why[0] = '\0';
	if (!parse(m, line, n, why, whylen))
		return MAP_BAD;
	/* decoded text is at most the line; built text (raw_event, lists) at most 8 times it */
	size_t need = 8 * n + 4096;
	if (need > m->acap) {
		char *a = realloc(m->arena, need);
		if (!a)
			return MAP_NOMEM;
		m->arena = a;
		m->acap = need;
	}
	m->alen = 0;
	index_members(m);
	if (evjson_reserve(&m->ev, n) != 0)
		return MAP_NOMEM;
	if (!sv_get(m, 0, "kind", &kind) || kind.n == 0 || kind.n >= sizeof m->kind) {
		snprintf(why, whylen, "no kind");
		return MAP_BAD;
	}
	memcpy(m->kind, kind.p, kind.n);
	m->kind[kind.n] = '\0';
	if (!sv_get(m, 0, "ts", &ts) || ts.n >= sizeof tsbuf) {
		snprintf(why, whylen, "no ts");
		return MAP_BAD;
	}
	memcpy(tsbuf, ts.p, ts.n);
	tsbuf[ts.n] = '\0';
	if (time_parse_rfc3339(tsbuf, &ms) != 0 || ms < 0 || ms > INT64_MAX / 1000000 - 1) {
		snprintf(why, whylen, "ts \"%s\" is not an RFC 3339 time", tsbuf);
		return MAP_BAD;
	}
	m->ts_ns = ms * 1000000 + (int64_t)(seq % 1000000);

	const struct map_conf *c = &m->c;
	const char *k = m->kind;
	if (strcmp(k, "log_event") == 0) {
		rc = c->log_events ? map_log_event(m, out) : MAP_OFF;
	} else if (strcmp(k, "qix_perf") == 0) {
		rc = c->log_events ? map_qix(m, out) : MAP_OFF;
	} else if (strcmp(k, "user_event") == 0) {
		if ((rc = c->user_events ? map_user_event(m, out) : MAP_OFF) == 1 && c->user_events)
			rc = MAP_INCOMPLETE;
	} else if (strcmp(k, "health") == 0) {
		rc = map_health(m, out);
	} else if (strcmp(k, "sessions") == 0) {
		rc = map_sessions(m, out);
	} else if (strcmp(k, "event_count") == 0) {
		rc = c->event_counts ? map_event_count(m, out) : MAP_OFF;
	} else if (strcmp(k, "rejected_event_count") == 0) {
		rc = c->rejected_counts ? map_rejected(m, out) : MAP_OFF;
	} else if (strcmp(k, "queue") == 0) {
		struct sv qt = sv_or(m, 0, "queue_type");
		if (sv_eq(qt, "log_events"))
			rc = c->queue_log ? map_queue(m, c->m_queue_log, out) : MAP_OFF;
		else if (sv_eq(qt, "user_events"))
			rc = c->queue_user ? map_queue(m, c->m_queue_user, out) : MAP_OFF;
		else
			rc = MAP_UNKNOWN;
	} else if (strcmp(k, "error") == 0) {
		rc = c->errors ? map_error(m, out) : MAP_OFF;
	} else if (strcmp(k, "process") == 0) {
		if ((rc = c->memory ? map_process(m, out) : MAP_OFF) == 1 && c->memory)
			rc = MAP_BAD;
	} else if (strcmp(k, "host") == 0) {
		rc = c->host ? map_host(m, out) : MAP_OFF;
	} else {
		rc = MAP_UNKNOWN;
	}
	if (rc == -1) {
		out->len = before;
		return MAP_NOMEM;
	}
	if (rc != MAP_OK) {
		out->len = before;
		if (rc == MAP_UNKNOWN)
			snprintf(why, whylen, "no measurement for kind \"%s\"", k);
		else if (rc == MAP_BAD && !why[0])
			snprintf(why, whylen, "%s record without the fields it needs", k);
	}
	return (enum map_result)rc;
}
