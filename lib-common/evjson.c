/* evjson: canonical JSON of a scanned record, optionally escaped for line protocol. */
#include "evjson.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

int evjson_reserve(struct evjson *w, size_t n)
{
	/* built text: at most 8 times the record; a string as JSON again: 6 bytes per byte */
	size_t need[3] = { 8 * n + 4096, n + 1, 6 * n + 16 };
	char **buf[3] = { &w->p, &w->scratch, &w->scratch2 };
	size_t *cap[3] = { &w->cap, &w->scap, &w->s2cap };

	for (int i = 0; i < 3; i++) {
		if (need[i] <= *cap[i])
			continue;
		char *p = realloc(*buf[i], need[i]);
		if (!p)
			return -1;
		*buf[i] = p;
		*cap[i] = need[i];
	}
	return 0;
}

void evjson_free(struct evjson *w)
{
	free(w->p);
	free(w->scratch);
	free(w->scratch2);
	memset(w, 0, sizeof *w);
}

void evjson_begin(struct evjson *w, const struct jscan *js, bool lp)
{
	w->js = js;
	w->len = 0;
	w->overflow = false;
	w->lp = lp;
}

static void quote(struct evjson *w)
{
	if (w->lp)
		evjson_put(w, "\\\"", 2);
	else
		evjson_put(w, "\"", 1);
}

void evjson_key(struct evjson *w, const char *name)
{
	quote(w);
	evjson_put(w, name, strlen(name));
	quote(w);
	evjson_put(w, ":", 1);
}

void evjson_string(struct evjson *w, int t)
{
	const struct jtok *k = &w->js->tok[t];
	struct jsonw j;
	const char *p;

	if (!k->esc) {	/* no escapes, so no " or \ either: as JSON.stringify writes it */
		quote(w);
		evjson_put(w, w->js->s + k->start, (size_t)(k->end - k->start));
		quote(w);
		return;
	}
	long n = jscan_str(w->js, t, &p, w->scratch, w->scap);
	if (n < 0) {
		w->overflow = true;
		return;
	}
	jsonw_init(&j, w->scratch2, w->s2cap);
	jsonw_strn(&j, NULL, p, (size_t)n);
	if (j.overflow || 2 * j.len > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	if (!w->lp) {
		evjson_put(w, j.buf, j.len);
		return;
	}
	char *d = w->p + w->len;
	for (size_t i = 0; i < j.len; i++) {
		if (j.buf[i] == '"' || j.buf[i] == '\\')
			*d++ = '\\';
		*d++ = j.buf[i];
	}
	w->len = (size_t)(d - w->p);
}

bool json_number_canonical(const char *s, size_t n)
{
	size_t digits = 0, i = 0;
	bool frac = false;

	if (n && s[0] == '-')
		i++;
	if (n == 2 && s[0] == '-' && s[1] == '0')
		return false;	/* JSON.stringify(-0) is 0 */
	for (; i < n; i++) {
		if (s[i] == '.')
			frac = true;
		else if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else
			return false;
	}
	/* an integer is kept as written, however long: rewriting it through a double would change it */
	return digits > 0 && (!frac || (digits <= 15 && s[n - 1] != '0'));
}

static void scalar(struct evjson *w, int t)
{
	const struct jtok *k = &w->js->tok[t];
	double d;

	switch (k->type) {
	case JS_STRING:
		evjson_string(w, t);
		break;
	case JS_NUMBER:
		if (json_number_canonical(w->js->s + k->start, k->end - k->start)) {
			evjson_put(w, w->js->s + k->start, k->end - k->start);
		} else if (jscan_double(w->js, t, &d) == 0) {
			char num[JSONW_NUM_MAX];
			evjson_put(w, num, (size_t)jsonw_format_double(num, d));
		} else {
			w->overflow = true;
		}
		break;
	case JS_TRUE:
		evjson_put(w, "true", 4);
		break;
	case JS_FALSE:
		evjson_put(w, "false", 5);
		break;
	case JS_NULL:
		evjson_put(w, "null", 4);
		break;
	default:
		w->overflow = true;
	}
}

/* indent < 0: compact; else JSON.stringify's 2 spaces per level, starting at indent */
static void value(struct evjson *w, int t, int indent)
{
	static const char spaces[] = "                                                                ";
	const struct jtok *k = &w->js->tok[t];

	if (k->type != JS_OBJECT && k->type != JS_ARRAY) {
		scalar(w, t);
		return;
	}
	bool obj = k->type == JS_OBJECT;
	evjson_put(w, obj ? "{" : "[", 1);
	/* members: key, value, and the next key after the value's subtree */
	for (uint32_t i = 0, e = (uint32_t)t + 1; i < k->size; i++) {
		if (i)
			evjson_put(w, ",", 1);
		if (indent >= 0) {
			evjson_put(w, "\n", 1);
			for (int s = 0; s < indent + 2; s += 64)
				evjson_put(w, spaces, (size_t)(indent + 2 - s > 64 ? 64 : indent + 2 - s));
		}
		if (obj) {
			evjson_string(w, (int)e);
			evjson_put(w, indent >= 0 ? ": " : ":", indent >= 0 ? 2 : 1);
			value(w, (int)e + 1, indent >= 0 ? indent + 2 : -1);
			e = w->js->tok[e + 1].next;
		} else {
			value(w, (int)e, indent >= 0 ? indent + 2 : -1);
			e = w->js->tok[e].next;
		}
	}
	if (indent >= 0 && k->size) {
		evjson_put(w, "\n", 1);
		for (int s = 0; s < indent; s += 64)
			evjson_put(w, spaces, (size_t)(indent - s > 64 ? 64 : indent - s));
	}
	evjson_put(w, obj ? "}" : "]", 1);
}

void evjson_value(struct evjson *w, int t)
{
	value(w, t, -1);
}

void evjson_pretty(struct evjson *w, int t)
{
	value(w, t, 0);
}

bool evjson_envelope_key(const struct jscan *js, int k)
{
	const struct jtok *t = &js->tok[k];
	const char *p = js->s + t->start;
	uint32_t n = t->end - t->start;

	if (t->esc)	/* "\u006bind" is kind too */
		return jscan_streq(js, k, "kind") || jscan_streq(js, k, "ts") || jscan_streq(js, k, "tags");
	return (n == 2 && memcmp(p, "ts", 2) == 0) || (n == 4 && (memcmp(p, "kind", 4) == 0 || memcmp(p, "tags", 4) == 0));
}

/* Is tag key k (a string token) the name of one of the record's categories? */
static bool is_category(const struct evjson *w, int cat, int k)
{
	const struct jtok *key = &w->js->tok[k];

	if (cat < 0 || w->js->tok[cat].type != JS_ARRAY)
		return false;
	for (uint32_t i = 0, e = (uint32_t)cat + 1; i < w->js->tok[cat].size; i++, e = w->js->tok[e].next) {
		int name = jscan_get(w->js, (int)e, "name");
		if (name < 0 || w->js->tok[name].type != JS_STRING)
			continue;
		const struct jtok *n = &w->js->tok[name];
		/* categories come from configuration: plain names, compared as written */
		if (n->end - n->start == key->end - key->start && n->esc == key->esc &&
		    memcmp(w->js->s + n->start, w->js->s + key->start, n->end - n->start) == 0)
			return true;
	}
	return false;
}

void evjson_event(struct evjson *w, bool with_tags)
{
	const struct jscan *js = w->js;
	int cat = jscan_get(js, 0, "category");
	bool first = true;

	evjson_put(w, "{", 1);
	for (uint32_t i = 0, k = 1; i < js->tok[0].size; i++, k = js->tok[k + 1].next) {
		if (evjson_envelope_key(js, (int)k))
			continue;
		if (!first)
			evjson_put(w, ",", 1);
		first = false;
		evjson_string(w, (int)k);
		evjson_put(w, ":", 1);
		evjson_value(w, (int)k + 1);
	}
	if (with_tags) {
		int tags = jscan_get(js, 0, "tags");
		bool f = true;
		if (!first)
			evjson_put(w, ",", 1);
		evjson_key(w, "tags");
		evjson_put(w, "{", 1);
		if (tags >= 0 && js->tok[tags].type == JS_OBJECT)
			for (uint32_t i = 0, k = (uint32_t)tags + 1; i < js->tok[tags].size; i++, k = js->tok[k + 1].next) {
				if (is_category(w, cat, (int)k))
					continue;
				if (!f)
					evjson_put(w, ",", 1);
				f = false;
				evjson_string(w, (int)k);
				evjson_put(w, ":", 1);
				evjson_value(w, (int)k + 1);
			}
		evjson_put(w, "}", 1);
	}
	evjson_put(w, "}", 1);
}
