/*
 * fuzz-jscan: the JSON scanner on any bytes. Reads the input in place (no
 * copy, so a read past the end is caught), then checks every token's
 * invariants, decodes every string, converts every number, and holds the
 * verdict against cJSON's where cJSON is known to be strict.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fuzz.h"
#include "jscan.h"
#include "utf8.h"

#define CAP 8192
static struct jtok tok[CAP];
static char buf[1 << 16];

#define check(c) do { if (!(c)) abort(); } while (0)

static void check_container(const struct jscan *js, int t)
{
	const struct jtok *c = &js->tok[t];
	uint32_t seen = 0;
	int last = -1;

	if (c->type == JS_OBJECT) {
		for (int k = jscan_first(js, t); k >= 0; k = jscan_after(js, k + 1)) {
			check(k > t && (uint32_t)k + 1 < c->next && js->tok[k].type == JS_STRING);
			check(k == (last < 0 ? t + 1 : (int)js->tok[last].next));
			last = k + 1;
			seen++;
			check(seen <= c->size);
		}
	} else {
		for (int e = jscan_first(js, t); e >= 0; e = jscan_after(js, e)) {
			check(e > t && (uint32_t)e < c->next);
			check(e == (last < 0 ? t + 1 : (int)js->tok[last].next));
			last = e;
			seen++;
			check(seen <= c->size);
		}
	}
	check(seen == c->size);
	/* the children tile the subtree */
	check(last < 0 ? c->next == (uint32_t)t + 1 : js->tok[last].next == c->next);
	check(js->s[c->start] == (c->type == JS_OBJECT ? '{' : '['));
	check(js->s[c->end - 1] == (c->type == JS_OBJECT ? '}' : ']'));
}

static void check_string(const struct jscan *js, int t)
{
	const struct jtok *k = &js->tok[t];
	const char *p;
	long n;

	check(k->start >= 1 && js->s[k->start - 1] == '"' && js->s[k->end] == '"');
	check(k->esc == (memchr(js->s + k->start, '\\', k->end - k->start) != NULL));
	/* decoding never lengthens: an escape of 2, 6 or 12 bytes gives 1 to 4 */
	n = jscan_str(js, t, &p, buf, (size_t)(k->end - k->start) + 1);
	check(n >= 0 && n <= (long)(k->end - k->start));
	if (k->esc) {
		check(p == buf && buf[n] == '\0');
		check(jscan_str(js, t, &p, buf, (size_t)n) == -1);	/* no room for the NUL */
		n = jscan_str(js, t, &p, buf, (size_t)n + 1);
		check(n >= 0);
	} else {
		check(p == js->s + k->start);
	}
	if (utf8_valid(js->s + k->start, k->end - k->start))
		check(utf8_valid(p, (size_t)n));
	if (!memchr(p, '\0', (size_t)n)) {
		char *copy = strndup(p, (size_t)n);
		check(copy && jscan_streq(js, t, copy));
		free(copy);
	}
}

static void check_number(const struct jscan *js, int t)
{
	const struct jtok *k = &js->tok[t];
	size_t len = k->end - k->start;
	double d;
	int64_t v;

	if (len <= 512) {
		char num[513];
		memcpy(num, js->s + k->start, len);
		num[len] = '\0';
		double want = strtod(num, NULL);
		check(jscan_double(js, t, &d) == 0 && d == want && signbit(d) == signbit(want));
		if (jscan_int(js, t, &v) == 0 && v > -(1LL << 53) && v < (1LL << 53))
			check((double)v == d);
	} else {
		check(jscan_double(js, t, &d) == -1);
		(void)jscan_int(js, t, &v);
	}
}

/* Keys found by jscan_getn lead to a member with that key (the first one). */
static void check_get(const struct jscan *js, int obj)
{
	for (int k = jscan_first(js, obj); k >= 0; k = jscan_after(js, k + 1)) {
		const char *p;
		long n = jscan_str(js, k, &p, buf, sizeof buf);
		if (n < 0)
			continue;
		size_t kl = (size_t)n;
		char *key = malloc(kl + 1);
		check(key);
		memcpy(key, p, kl);
		int v = jscan_getn(js, obj, key, kl);
		check(v >= obj + 2 && v <= k + 1);
		n = jscan_str(js, v - 1, &p, buf, sizeof buf);
		check(n >= 0 && (size_t)n == kl && memcmp(p, key, kl) == 0);
		free(key);
	}
}

static bool hex(uint8_t c)
{
	return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
}

/*
 * cJSON 1.7.15 is lenient on some inputs: any byte <= 0x20 is whitespace to
 * it, control bytes pass raw in strings, a bad hex digit ends a \u escape,
 * a leading byte order mark is skipped, numbers are read with strtod (01,
 * -01, 1., 1.e5, -.5 pass), and nesting goes to 1000. It also refuses valid
 * numbers over 63 characters. Elsewhere its verdict must equal jscan's.
 */
static bool cjson_comparable(const uint8_t *d, size_t n)
{
	size_t open = 0;
	bool in_str = false;

	if (n > 0 && d[0] == 0xef)
		return false;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = d[i], nx = i + 1 < n ? d[i + 1] : 0, pv = i > 0 ? d[i - 1] : 0;
		if (in_str) {
			if (c < 0x20)
				return false;
			if (c == '"') {
				in_str = false;
			} else if (c == '\\') {
				if (nx == 'u' && !(n - i >= 6 && hex(d[i + 2]) && hex(d[i + 3]) && hex(d[i + 4]) &&
				    hex(d[i + 5])))
					return false;
				i++;
			}
			continue;
		}
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return false;
		if (c == '0' && nx >= '0' && nx <= '9' && !((pv >= '0' && pv <= '9') || pv == '.' ||
		    pv == 'e' || pv == 'E' || pv == '+'))
			return false;
		if ((c == '.' && (nx < '0' || nx > '9')) || (c == '-' && nx == '.'))
			return false;
		in_str = c == '"';
		open += c == '[' || c == '{';
	}
	return open <= JSCAN_MAX_DEPTH;
}

static bool cjson_accepts(const char *s, size_t n)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, 0);

	if (!j)
		return false;
	cJSON_Delete(j);
	while (end < s + n && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	return end == s + n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct jscan js;
	const char *s = (const char *)data;
	int r = jscan_parse(&js, s, size, tok, CAP);
	bool long_num = false;

	check(r > 0 || r == JSCAN_BAD || r == JSCAN_NOMEM);
	check(js.s == s && js.n == size && (r > 0 ? js.ntok == (uint32_t)r : js.ntok == 0));
	if (r > 0) {
		check(js.tok[0].next == js.ntok);
		for (int t = 0; t < r; t++) {
			const struct jtok *k = &js.tok[t];
			check(k->start <= k->end && k->end <= size);
			check(k->next > (uint32_t)t && k->next <= js.ntok);
			check(k->type >= JS_OBJECT && k->type <= JS_NULL);
			if (k->type != JS_OBJECT && k->type != JS_ARRAY)
				check(k->next == (uint32_t)t + 1 && k->size == 0);
			if (k->type != JS_STRING)
				check(!k->esc && k->end > k->start);
			switch (k->type) {
			case JS_OBJECT:
				check_container(&js, t);
				if (k->size <= 256)	/* quadratic */
					check_get(&js, t);
				break;
			case JS_ARRAY:
				check_container(&js, t);
				break;
			case JS_STRING:
				check_string(&js, t);
				break;
			case JS_NUMBER:
				check_number(&js, t);
				long_num |= k->end - k->start > 63;
				break;
			default:
				check(k->end - k->start == (k->type == JS_FALSE ? 5u : 4u));
			}
		}
		/* one token fewer is not enough */
		check(jscan_parse(&js, s, size, tok, (uint32_t)r - 1) == JSCAN_NOMEM);
		check(jscan_parse(&js, s, size, tok, (uint32_t)r) == r);
	}
	if (r != JSCAN_NOMEM && !long_num && cjson_comparable(data, size))
		check(cjson_accepts(s, size) == (r > 0));
	return 0;
}
