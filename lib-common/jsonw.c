/* jsonw: bounded, allocation-free JSON text construction. */
#include "jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

void jsonw_init(struct jsonw *w, char *buf, size_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->len = 0;
	w->overflow = cap == 0;
	w->first = true;
}

static inline void put(struct jsonw *w, const char *s, size_t n)
{
	if (w->overflow || n > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static inline void putc1(struct jsonw *w, char c)
{
	if (w->overflow || w->len >= w->cap) {
		w->overflow = true;
		return;
	}
	w->buf[w->len++] = c;
}

/* SWAR: true when any byte of x is < 0x20, '"' or '\\' (Hacker's Delight 6-1). */
static inline bool word_needs_escape(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
	uint64_t lt = (x - ones * 0x20) & ~x;
	uint64_t zq = (q - ones) & ~q, zb = (b - ones) & ~b;
	return ((lt | zq | zb) & high) != 0;
}

static void escaped(struct jsonw *w, const char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	size_t run = 0, i = 0;

	putc1(w, '"');
	while (i < n) {
		/* skip eight plain bytes at a time: most text needs no escape */
		while (i + 8 <= n) {
			uint64_t x;
			memcpy(&x, s + i, 8);
			if (word_needs_escape(x))
				break;
			i += 8;
		}
		if (i >= n)
			break;
		unsigned char c = (unsigned char)s[i++];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		put(w, s + run, i - 1 - run);
		run = i;
		switch (c) {
		case '"': put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\b': put(w, "\\b", 2); break;
		case '\f': put(w, "\\f", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
			put(w, u, 6);
		}
		}
	}
	put(w, s + run, n - run);
	putc1(w, '"');
}

/*
 * Keys are nearly always string literals, met again and again at the same
 * address: remember per address whether a key can be written as it is.
 * A stale entry is harmless: the text is compared before use.
 */
struct keyinfo {
	const char *key;
	size_t len;
	bool plain;
	char copy[32];
};

static struct keyinfo keycache[256];

static const struct keyinfo *key_info(const char *key)
{
	struct keyinfo *k = &keycache[((uintptr_t)key >> 3) & 255];
	size_t n;

	if (k->key == key && memcmp(k->copy, key, k->len + 1) == 0)
		return k;
	n = strlen(key);
	k->key = key;
	k->len = n;
	k->plain = n < sizeof k->copy;
	for (size_t i = 0; i < n && k->plain; i++) {
		unsigned char c = (unsigned char)key[i];
		k->plain = c >= 0x20 && c != '"' && c != '\\';
	}
	if (k->plain)
		memcpy(k->copy, key, n + 1);
	else
		k->key = NULL;
	return k;
}

static void member(struct jsonw *w, const char *key)
{
	if (!w->first)
		putc1(w, ',');
	w->first = false;
	if (!key)
		return;
	const struct keyinfo *k = key_info(key);
	if (k->plain && w->len + k->len + 3 <= w->cap && !w->overflow) {
		char *p = w->buf + w->len;
		p[0] = '"';
		memcpy(p + 1, key, k->len);
		p[k->len + 1] = '"';
		p[k->len + 2] = ':';
		w->len += k->len + 3;
		return;
	}
	escaped(w, key, k->len);
	putc1(w, ':');
}

bool jsonw_key(struct jsonw_key *k, const char *key)
{
	struct jsonw w;

	jsonw_init(&w, k->text, sizeof k->text);
	escaped(&w, key, strlen(key));
	putc1(&w, ':');
	k->len = w.overflow ? 0 : w.len;
	return !w.overflow;
}

void jsonw_member(struct jsonw *w, const struct jsonw_key *k)
{
	if (!w->first)
		putc1(w, ',');
	put(w, k->text, k->len);
	w->first = true;	/* the value that follows adds no comma */
}

void jsonw_open(struct jsonw *w)
{
	putc1(w, '{');
	w->first = true;
}

void jsonw_close(struct jsonw *w)
{
	putc1(w, '}');
	w->first = false;
}

void jsonw_open_array(struct jsonw *w, const char *key)
{
	member(w, key);
	putc1(w, '[');
	w->first = true;
}

void jsonw_close_array(struct jsonw *w)
{
	putc1(w, ']');
	w->first = false;
}

void jsonw_open_object(struct jsonw *w, const char *key)
{
	member(w, key);
	jsonw_open(w);
}

void jsonw_strn(struct jsonw *w, const char *key, const char *s, size_t n)
{
	member(w, key);
	escaped(w, s, n);
}

/* SWAR: true when all eight bytes are printable ASCII other than '"' and '\\'. */
static inline bool word_plain(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t del = x ^ (ones * 0x7f);
	return !word_needs_escape(x) && !((x | ((del - ones) & ~del)) & high);
}

void jsonw_strn_clean(struct jsonw *w, const char *key, const char *s, size_t n, size_t max_units, bool keep_text)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, units = 0;

	member(w, key);
	/* each unit is at most three bytes out (two for an escape), and each byte in at most two */
	size_t need = (2 * n < 3 * max_units ? 2 * n : 3 * max_units) + 2;
	if (w->overflow || need > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	char *o = w->buf + w->len;
	*o++ = '"';
	while (i < n) {
		while (i + 8 <= n && units + 8 <= max_units) {
			uint64_t x;
			memcpy(&x, s + i, 8);
			if (!word_plain(x))
				break;
			memcpy(o, &x, 8);
			o += 8;
			i += 8;
			units += 8;
		}
		if (i >= n)
			break;
		unsigned char c = u[i];
		if (c < 0x80) {
			i++;
			bool text = keep_text && (c == '\n' || c == '\t');
			if ((c < 0x20 || c == 0x7f) && !text)
				continue;	/* control characters go, as sf_sanitize drops them */
			if (units == max_units)
				break;
			units++;
			if (c == '"' || c == '\\' || text) {
				*o++ = '\\';
				*o++ = (char)(c == '\n' ? 'n' : c == '\t' ? 't' : c);
			} else {
				*o++ = (char)c;
			}
			continue;
		}
		size_t k = utf8_seq_len(u + i, n - i);
		if (k == 0) {	/* callers pass valid UTF-8; be safe anyway */
			i++;
			continue;
		}
		size_t uu = k == 4 ? 2 : 1;
		if (units + uu > max_units)
			break;
		memcpy(o, s + i, k);
		o += k;
		units += uu;
		i += k;
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
}

void jsonw_str(struct jsonw *w, const char *key, const char *s)
{
	jsonw_strn(w, key, s, strlen(s));
}

void jsonw_int(struct jsonw *w, const char *key, long long v)
{
	char num[24], *p = num + sizeof num;
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	member(w, key);
	put(w, p, (size_t)(num + sizeof num - p));
}

int jsonw_format_double(char num[JSONW_NUM_MAX], double v)
{
	int n;

	if (!isfinite(v))
		return snprintf(num, JSONW_NUM_MAX, "null");
	if (v == trunc(v) && fabs(v) < 1e15) {
		n = snprintf(num, JSONW_NUM_MAX, "%.0f", v);
		if (n == 2 && num[0] == '-' && num[1] == '0')
			n = snprintf(num, JSONW_NUM_MAX, "0");	/* JSON.stringify(-0) is 0 */
	} else {
		/* %.15g is exact for every decimal of up to 15 digits; more if needed */
		n = snprintf(num, JSONW_NUM_MAX, "%.15g", v);
		if (strtod(num, NULL) != v)
			n = snprintf(num, JSONW_NUM_MAX, "%.16g", v);
		if (strtod(num, NULL) != v)
			n = snprintf(num, JSONW_NUM_MAX, "%.17g", v);
	}
	return n;
}

void jsonw_double(struct jsonw *w, const char *key, double v)
{
	char num[JSONW_NUM_MAX];
	int n = jsonw_format_double(num, v);

	member(w, key);
	put(w, num, (size_t)n);
}

void jsonw_bool(struct jsonw *w, const char *key, bool v)
{
	member(w, key);
	put(w, v ? "true" : "false", v ? 4 : 5);
}

void jsonw_raw(struct jsonw *w, const char *key, const char *json, size_t n)
{
	member(w, key);
	put(w, json, n);
}
