/* msgs: one record to Butler SOS's MQTT topics and payloads. */
#include "msgs.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "evjson.h"
#include "jscan.h"
#include "jsonw.h"

#define TOK_MIN	1024
#define TOK_MAX	(1u << 22)
#define PREFIX_MAX 1024	/* base topic and host of the health topics */

struct msgs {
	struct msgs_conf c;
	struct jscan	 js;
	struct jtok	*tok;
	uint32_t	 cap;
	char		*text;		/* topics and payloads of one record */
	size_t		 tlen, tcap;
	struct evjson	 ev;
	struct msg	 m[MSGS_MAX];
	size_t		 n;
	char		 kind[65];
};

struct msgs *msgs_new(const struct msgs_conf *c)
{
	struct msgs *b = calloc(1, sizeof *b);

	if (!b)
		return NULL;
	b->c = *c;
	b->cap = TOK_MIN;
	if (!(b->tok = malloc(b->cap * sizeof *b->tok))) {
		free(b);
		return NULL;
	}
	return b;
}

void msgs_free(struct msgs *b)
{
	if (!b)
		return;
	free(b->tok);
	free(b->text);
	evjson_free(&b->ev);
	free(b);
}

size_t msgs_count(const struct msgs *b)
{
	return b->n;
}

const struct msg *msgs_get(const struct msgs *b, size_t i)
{
	return i < b->n ? &b->m[i] : NULL;
}

const char *msgs_kind(const struct msgs *b)
{
	return b->kind;
}

/* --- text ------------------------------------------------------------------- */

/* Room in the text buffer; it was sized for the record, so running out is a bug in the sizing, not a crash. */
static char *take(struct msgs *b, size_t n)
{
	if (n > b->tcap - b->tlen)
		return NULL;
	char *p = b->text + b->tlen;
	b->tlen += n;
	return p;
}

/* a + b (+ c), NUL-terminated, in the text buffer */
static char *cat3(struct msgs *b, const char *x, size_t xn, const char *y, size_t yn, const char *z)
{
	size_t zn = z ? strlen(z) : 0;
	char *p = take(b, xn + yn + zn + 1);

	if (!p)
		return NULL;
	memcpy(p, x, xn);
	memcpy(p + xn, y, yn);
	if (zn)	/* memcpy from NULL is undefined even for 0 bytes */
		memcpy(p + xn + yn, z, zn);
	p[xn + yn + zn] = '\0';
	return p;
}

/* A value from the record never puts a wildcard into a topic, nor ends it early. */
static void no_wildcards(char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] == '+' || p[i] == '#' || p[i] == '\0')
			p[i] = '_';
}

static int add(struct msgs *b, const char *topic, const char *payload, size_t len, enum msg_class cls)
{
	if (!topic || !payload || b->n == MSGS_MAX)
		return -1;
	b->m[b->n++] = (struct msg){ .topic = topic, .payload = payload, .len = len, .cls = cls };
	return 0;
}

/* A string member of obj, decoded; false when absent or not a string. */
static bool str(struct msgs *b, int obj, const char *key, const char **p, size_t *n)
{
	int t = jscan_get(&b->js, obj, key);

	if (t < 0 || b->js.tok[t].type != JS_STRING)
		return false;
	size_t raw = b->js.tok[t].end - b->js.tok[t].start;
	char *buf = take(b, raw + 1);
	long len = buf ? jscan_str(&b->js, t, p, buf, raw + 1) : -1;
	if (len < 0)
		return false;
	*n = (size_t)len;
	return true;
}

/* A number as JavaScript prints it: the record's text when already so, else formatted. */
static const char *num_text(struct msgs *b, int t, size_t *len)
{
	const struct jtok *k = &b->js.tok[t];
	double d;

	if (json_number_canonical(b->js.s + k->start, k->end - k->start)) {
		*len = k->end - k->start;
		return b->js.s + k->start;
	}
	char *p = take(b, JSONW_NUM_MAX);
	if (!p || jscan_double(&b->js, t, &d) != 0)
		return NULL;
	*len = (size_t)jsonw_format_double(p, d);
	return p;
}

/* --- health and sessions ------------------------------------------------------ */

static int health(struct msgs *b)
{
	/* Butler SOS's order; "comitted" (sic) */
	static const struct { const char *obj, *key, *topic; } nums[] = {
		{ "mem", "committed", "/mem/comitted" }, { "mem", "allocated", "/mem/allocated" },
		{ "mem", "free", "/mem/free" }, { "cpu", "total", "/cpu/total" },
		{ "session", "active", "/session/active" }, { "session", "total", "/session/total" },
	};
	static const struct { const char *obj, *key, *topic; } nums2[] = {
		{ "apps", "calls", "/apps/calls" }, { "apps", "selections", "/apps/selections" },
		{ "users", "active", "/users/active" }, { "users", "total", "/users/total" },
		{ "cache", "hits", "/cache/hits" }, { "cache", "lookups", "/cache/lookups" },
		{ "cache", "added", "/cache/added" }, { "cache", "replaced", "/cache/replaced" },
		{ "cache", "bytes_added", "/cache/bytes_added" },
	};
	static const char *const lists[] = { "active_docs", "loaded_docs", "in_memory_docs" };
	int tags = jscan_get(&b->js, 0, "tags"), apps = jscan_get(&b->js, 0, "apps");
	const char *host, *p;
	size_t hn, n;
	char prefix[PREFIX_MAX];
	size_t bn = strlen(b->c.base);

	if (!str(b, tags, "host", &host, &hn) || hn == 0 || bn + hn >= sizeof prefix)
		return MSGS_BAD;
	memcpy(prefix, b->c.base, bn);
	memcpy(prefix + bn, host, hn);
	no_wildcards(prefix + bn, hn);
	int pn = (int)(bn + hn);
	for (size_t i = 0; i < 2; i++) {
		const char *key = i ? "started" : "version";
		if (str(b, 0, key, &p, &n) && add(b, cat3(b, prefix, (size_t)pn, "/", 1, key), p, n, MC_HEALTH))
			return -1;
	}
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++) {
		int t = jscan_get(&b->js, jscan_get(&b->js, 0, nums[i].obj), nums[i].key);
		if (t < 0 || b->js.tok[t].type != JS_NUMBER)
			continue;
		if (!(p = num_text(b, t, &n)) || add(b, cat3(b, prefix, (size_t)pn, nums[i].topic, strlen(nums[i].topic), NULL), p, n, MC_HEALTH))
			return -1;
	}
	for (size_t i = 0; i < sizeof lists / sizeof *lists; i++) {
		int arr = jscan_get(&b->js, apps, lists[i]);
		size_t need = 1;
		if (arr < 0 || b->js.tok[arr].type != JS_ARRAY)
			continue;
		for (uint32_t j = 0, e = (uint32_t)arr + 1; j < b->js.tok[arr].size; j++, e = b->js.tok[e].next)
			need += b->js.tok[e].end - b->js.tok[e].start + 1;
		char *out = take(b, need), *o = out;
		if (!out)
			return -1;
		for (uint32_t j = 0, e = (uint32_t)arr + 1; j < b->js.tok[arr].size; j++, e = b->js.tok[e].next) {
			const char *s;
			long len = jscan_str(&b->js, (int)e, &s, o + (j ? 1 : 0), need - (size_t)(o - out) - (j ? 1 : 0));
			if (len < 0)
				continue;
			if (j)
				*o++ = ',';
			if (s != o)
				memmove(o, s, (size_t)len);
			o += len;
		}
		char topic[40];
		snprintf(topic, sizeof topic, "/apps/%s", lists[i]);
		if (add(b, cat3(b, prefix, (size_t)pn, topic, strlen(topic), NULL), out, (size_t)(o - out), MC_HEALTH))
			return -1;
	}
	for (size_t i = 0; i < sizeof nums2 / sizeof *nums2; i++) {
		int t = jscan_get(&b->js, jscan_get(&b->js, 0, nums2[i].obj), nums2[i].key);
		if (t < 0 || b->js.tok[t].type != JS_NUMBER)
			continue;
		if (!(p = num_text(b, t, &n)) || add(b, cat3(b, prefix, (size_t)pn, nums2[i].topic, strlen(nums2[i].topic), NULL), p, n, MC_HEALTH))
			return -1;
	}
	int sat = jscan_get(&b->js, 0, "saturated");
	if (sat >= 0 && (b->js.tok[sat].type == JS_TRUE || b->js.tok[sat].type == JS_FALSE)) {
		bool yes = b->js.tok[sat].type == JS_TRUE;
		if (add(b, cat3(b, prefix, (size_t)pn, "/saturated", 10, NULL), yes ? "true" : "false", yes ? 4 : 5, MC_HEALTH))
			return -1;
	}
	/* hit ratio: only when there were lookups, floor(hits / lookups * 100) */
	int cache = jscan_get(&b->js, 0, "cache");
	double hits, lookups;
	if (jscan_double(&b->js, jscan_get(&b->js, cache, "hits"), &hits) == 0 &&
	    jscan_double(&b->js, jscan_get(&b->js, cache, "lookups"), &lookups) == 0 && lookups > 0) {
		char *r = take(b, 32);
		if (!r)
			return -1;
		n = (size_t)jsonw_format_double(r, floor(hits / lookups * 100));
		if (add(b, cat3(b, prefix, (size_t)pn, "/cache/hit_ratio", 16, NULL), r, n, MC_HEALTH))
			return -1;
	}
	return 0;
}

static int sessions(struct msgs *b)
{
	int tags = jscan_get(&b->js, 0, "tags"), body = jscan_get(&b->js, 0, "body");
	const char *host, *vp;
	size_t hn, vn;

	if (!str(b, tags, "host", &host, &hn) || hn == 0 || !str(b, 0, "virtual_proxy", &vp, &vn) || body < 0)
		return MSGS_BAD;
	size_t bn = strlen(b->c.base), pn = bn + hn + 12;
	const char *prefix = cat3(b, b->c.base, bn, host, hn, "/usersession");
	char *topic = prefix ? cat3(b, prefix, pn, vp, vn, NULL) : NULL;
	if (topic)
		no_wildcards(topic + bn, pn + vn - bn);
	/* the proxy's answer as JSON.stringify(list, null, 2), excluded users and all */
	evjson_begin(&b->ev, &b->js, false);
	evjson_pretty(&b->ev, body);
	if (b->ev.overflow)
		return -1;
	return add(b, topic, b->ev.p, b->ev.len, MC_SESSIONS);
}

/* --- events ------------------------------------------------------------------- */

static int log_event(struct msgs *b)
{
	const char *sub;
	size_t sn;

	if (!b->c.log_events)
		return MSGS_OFF;
	evjson_begin(&b->ev, &b->js, false);
	evjson_event(&b->ev, true);
	if (b->ev.overflow)
		return -1;
	if (b->c.log_to_base && add(b, b->c.log_base, b->ev.p, b->ev.len, MC_LOG))
		return -1;
	/* base/system/engine/engine: the subsystem's parts, lower case; no topic without a subsystem */
	if (b->c.log_to_subsystems && str(b, 0, "subsystem", &sub, &sn) && sn > 0) {
		size_t bn = strlen(b->c.log_base);
		while (bn && b->c.log_base[bn - 1] == '/')
			bn--;
		char *t = take(b, bn + 1 + sn + 1);
		if (!t)
			return -1;
		memcpy(t, b->c.log_base, bn);
		t[bn] = '/';
		for (size_t i = 0; i < sn; i++) {
			char c = sub[i];
			t[bn + 1 + i] = c == '.' ? '/' : (c >= 'A' && c <= 'Z') ? (char)(c + 32) :
			    (c == '+' || c == '#' || c == '\0') ? '_' : c;
		}
		t[bn + 1 + sn] = '\0';
		if (add(b, t, b->ev.p, b->ev.len, MC_LOG))
			return -1;
	}
	return 0;
}

static int user_event(struct msgs *b)
{
	/* Butler SOS's payload: these keys in this order, tags after message, optional ones when set */
	static const char *const head[] = { "messageType", "host", "command", "userDir", "userId", "origin", "context", "message" };
	static const char *const tail[] = { "appId", "appName", "uaBrowserName", "uaBrowserMajorVersion", "uaOsName", "uaOsVersion" };
	const char *cmd;
	size_t cn;
	struct evjson *w = &b->ev;

	if (!b->c.user_events)
		return MSGS_OFF;
	evjson_begin(w, &b->js, false);
	evjson_put(w, "{", 1);
	for (size_t i = 0; i < sizeof head / sizeof *head; i++) {
		int t = jscan_get(&b->js, 0, head[i]);
		if (i)
			evjson_put(w, ",", 1);
		evjson_key(w, head[i]);
		if (t >= 0)
			evjson_value(w, t);
		else
			evjson_put(w, "\"\"", 2);
	}
	evjson_put(w, ",", 1);
	evjson_key(w, "tags");
	int tags = jscan_get(&b->js, 0, "tags");
	if (tags >= 0 && b->js.tok[tags].type == JS_OBJECT)
		evjson_value(w, tags);
	else
		evjson_put(w, "{}", 2);
	for (size_t i = 0; i < sizeof tail / sizeof *tail; i++) {
		int t = jscan_get(&b->js, 0, tail[i]);
		if (t < 0 || b->js.tok[t].type == JS_NULL || (b->js.tok[t].type == JS_STRING && b->js.tok[t].end == b->js.tok[t].start))
			continue;
		evjson_put(w, ",", 1);
		evjson_key(w, tail[i]);
		evjson_value(w, t);
	}
	evjson_put(w, "}", 1);
	if (w->overflow)
		return -1;
	if (!str(b, 0, "command", &cmd, &cn))
		cn = 0;
	struct { const char *command; const struct user_topic *t; } by[] = {
		{ NULL, &b->c.everything }, { "Start session", &b->c.start }, { "Stop session", &b->c.stop },
		{ "Open connection", &b->c.open }, { "Close connection", &b->c.close },
	};
	for (size_t i = 0; i < sizeof by / sizeof *by; i++) {
		if (!by[i].t->enable || !by[i].t->topic || !*by[i].t->topic)
			continue;
		if (by[i].command && !(cn == strlen(by[i].command) && memcmp(cmd, by[i].command, cn) == 0))
			continue;
		if (add(b, by[i].t->topic, w->p, w->len, MC_USER))
			return -1;
	}
	return 0;
}

/* --- everything else: the template --------------------------------------------- */

struct tagctx {
	struct msgs	*b;
	int		 tags;
};

static const char *tag_of(void *arg, const char *name, size_t namelen, size_t *vlen)
{
	struct tagctx *c = arg;
	char key[128];
	const char *p;

	if (namelen >= sizeof key)
		return NULL;
	memcpy(key, name, namelen);
	key[namelen] = '\0';
	if (!str(c->b, c->tags, key, &p, vlen))
		return NULL;
	return p;
}

int msgs_expand(const char *tmpl, const char *kind, const char *host, size_t hostlen,
    const char *(*tag)(void *arg, const char *name, size_t namelen, size_t *vlen), void *arg,
    char *out, size_t outlen)
{
	size_t o = 0;

	for (const char *s = tmpl; *s;) {
		const char *v = NULL;
		size_t vn = 0;
		if (strncmp(s, "{kind}", 6) == 0) {
			v = kind;
			vn = strlen(kind);
			s += 6;
		} else if (strncmp(s, "{host}", 6) == 0) {
			v = hostlen ? host : "unknown";
			vn = hostlen ? hostlen : 7;
			s += 6;
		} else if (strncmp(s, "{tag:", 5) == 0 && strchr(s, '}')) {
			const char *end = strchr(s, '}');
			v = tag ? tag(arg, s + 5, (size_t)(end - s - 5), &vn) : NULL;
			if (!v || !vn) {
				v = "unknown";
				vn = 7;
			}
			s = end + 1;
		} else {
			v = s++;
			vn = 1;
			if (o + 1 >= outlen)
				return -1;
			out[o++] = *v;
			continue;
		}
		for (size_t i = 0; i < vn; i++) {
			if (o + 1 >= outlen)
				return -1;
			/* a value never adds a level or a wildcard to the topic */
			char c = v[i];
			out[o++] = (c == '+' || c == '#' || c == '/' || c == '\0') ? '_' : c;
		}
	}
	out[o] = '\0';
	return o ? 0 : -1;
}

static int other(struct msgs *b, const char *line, size_t n)
{
	int tags = jscan_get(&b->js, 0, "tags");
	const char *host = "";
	size_t hn = 0;
	char topic[1024];
	struct tagctx c = { b, tags };

	if (!b->c.other)
		return MSGS_OFF;
	if (!str(b, tags, "host", &host, &hn))
		hn = 0;
	if (msgs_expand(b->c.other, b->kind, host, hn, tag_of, &c, topic, sizeof topic) != 0)
		return MSGS_BAD;
	/* the record as it came */
	return add(b, cat3(b, topic, strlen(topic), "", 0, NULL), line, n, MC_OTHER);
}

/* --- the record ------------------------------------------------------------------ */

enum msgs_result msgs_build(struct msgs *b, const char *line, size_t n, char *why, size_t whylen)
{
	int r;
	const char *kind;
	size_t kn;

	b->n = 0;
	b->tlen = 0;
	b->kind[0] = '\0';
	why[0] = '\0';
	while ((r = jscan_parse(&b->js, line, n, b->tok, b->cap)) == JSCAN_NOMEM && b->cap < TOK_MAX) {
		struct jtok *t = realloc(b->tok, (size_t)b->cap * 2 * sizeof *t);
		if (!t)
			return MSGS_NOMEM;
		b->tok = t;
		b->cap *= 2;
	}
	if (r < 0 || b->js.tok[0].type != JS_OBJECT) {
		snprintf(why, whylen, "%s", r == JSCAN_NOMEM ? "too many JSON values" : "not a JSON object");
		return MSGS_BAD;
	}
	/* topics and lists: at most a few times the record, plus the fixed topic texts and the health topics' prefixes */
	size_t need = 4 * n + MSGS_MAX * (strlen(b->c.base) + 64 + PREFIX_MAX) + 4096;
	if (need > b->tcap) {
		char *t = realloc(b->text, need);
		if (!t)
			return MSGS_NOMEM;
		b->text = t;
		b->tcap = need;
	}
	if (evjson_reserve(&b->ev, n) != 0)
		return MSGS_NOMEM;
	if (!str(b, 0, "kind", &kind, &kn) || kn == 0 || kn >= sizeof b->kind || jscan_get(&b->js, 0, "ts") < 0) {
		snprintf(why, whylen, "no kind");
		return MSGS_BAD;
	}
	memcpy(b->kind, kind, kn);
	b->kind[kn] = '\0';
	if (strcmp(b->kind, "health") == 0)
		r = health(b);
	else if (strcmp(b->kind, "sessions") == 0)
		r = sessions(b);
	else if (strcmp(b->kind, "log_event") == 0 || strcmp(b->kind, "qix_perf") == 0)
		r = log_event(b);
	else if (strcmp(b->kind, "user_event") == 0)
		r = user_event(b);
	else
		r = other(b, line, n);
	if (r == MSGS_BAD) {
		snprintf(why, whylen, "%s record without the fields it needs", b->kind);
		b->n = 0;
		return MSGS_BAD;
	}
	if (r < 0) {	/* out of room for its messages, not of memory: retrying would not help */
		snprintf(why, whylen, "%s record too large for its messages", b->kind);
		b->n = 0;
		return MSGS_BAD;
	}
	if (r == MSGS_OFF)
		b->n = 0;
	return (enum msgs_result)r;
}
