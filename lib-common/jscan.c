/*
 * jscan: a strict, allocation-free JSON scanner (see jscan.h). One pass over
 * the text with an explicit stack of open containers; string ends are found
 * in 64-byte block masks (SSE2 on x86-64, portable integer code elsewhere).
 * Nothing is decoded until a reader asks for it.
 */
#include "jscan.h"

#include <float.h>
#include <limits.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SSE2__) && !defined(JSCAN_PORTABLE)
#include <emmintrin.h>
#endif

#define ONES 0x0101010101010101ULL
#define HIGH 0x8080808080808080ULL

/* Numbers longer than this are not converted to double (jscan_double -1). */
#define NUM_MAX 512

static inline size_t skip_ws(const unsigned char *s, size_t i, size_t n)
{
	while (i < n && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
		i++;
	return i;
}

/*
 * Strings are scanned through a window: a 64-bit mask of the bytes in one
 * 64-byte block of the text that end a plain run in a string (a quote, a
 * backslash, a control character). Finding a string's end is then a shift
 * and a count of trailing zeros, so the chain of dependent operations from
 * one string to the next stays short; computing a block's mask depends on
 * no earlier result and overlaps with the rest of the work.
 */
struct win {
	size_t base;	/* offset of the block, a multiple of 64 */
	uint64_t mask;	/* bit k: byte base + k ends a run */
};

#if defined(__SSE2__) && !defined(JSCAN_PORTABLE)
static inline uint64_t stop16(const unsigned char *p)
{
	const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), ctl = _mm_set1_epi8(0x1f);
	__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
	__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
	    _mm_cmpeq_epi8(_mm_min_epu8(v, ctl), v));

	return (uint64_t)(unsigned)_mm_movemask_epi8(m);
}

static inline uint64_t block_mask(const unsigned char *p)
{
	return stop16(p) | stop16(p + 16) << 16 | stop16(p + 32) << 32 | stop16(p + 48) << 48;
}
#else
/* Eight bytes at a time with exact byte tests (no carry crosses a byte). */
static inline uint64_t stop8(const unsigned char *p)
{
	const uint64_t lo7 = ONES * 0x7f;
	uint64_t x, q, b, keep;

	memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	x = __builtin_bswap64(x);
#endif
	q = x ^ (ONES * '"');
	b = x ^ (ONES * '\\');
	/* the high bit of each byte: set when it is not '"', not '\\' and not below 0x20 */
	keep = (((q & lo7) + lo7) | q) & (((b & lo7) + lo7) | b) & (((x & lo7) + ONES * 0x60) | x);
	return (((~keep & HIGH) >> 7) * 0x0102040810204080ULL) >> 56;
}

static inline uint64_t block_mask(const unsigned char *p)
{
	uint64_t m = 0;

	for (int k = 0; k < 8; k++)
		m |= stop8(p + 8 * k) << (8 * k);
	return m;
}
#endif

/* The last, partial block: padded with NUL bytes, which flag as stops past the end. */
static uint64_t __attribute__((noinline)) block_mask_tail(const unsigned char *p, size_t len)
{
	unsigned char pad[64] = { 0 };

	memcpy(pad, p, len);
	return block_mask(pad);
}

/*
 * The first byte at or after i that ends a plain run in a string, or an
 * offset >= n when the text ends first.
 */
static inline size_t str_run(const unsigned char *s, size_t i, size_t n, struct win *w)
{
	for (;;) {
		size_t off = i - w->base;	/* wraps to a huge value when i is before the block */
		if (off < 64) {
			uint64_t m = w->mask >> off;
			if (m)
				return i + (unsigned)__builtin_ctzll(m);
			i = w->base + 64;
		}
		if (i >= n)
			return n;
		w->base = i & ~(size_t)63;
		w->mask = n - w->base >= 64 ? block_mask(s + w->base) : block_mask_tail(s + w->base, n - w->base);
	}
}

static inline int hexval(unsigned c)
{
	if (c - '0' < 10)
		return (int)(c - '0');
	c |= 0x20;
	if (c - 'a' < 6)
		return (int)(c - 'a' + 10);
	return -1;
}

/* Four hex digits at p as a code unit, -1 when one is not a hex digit. */
static inline long hex4(const unsigned char *p)
{
	int a = hexval(p[0]), b = hexval(p[1]), c = hexval(p[2]), d = hexval(p[3]);

	if ((a | b | c | d) < 0)
		return -1;
	return (long)a << 12 | (long)b << 8 | (long)c << 4 | (long)d;
}

/*
 * The rest of a string from s[i], a byte that is not its closing quote:
 * escapes are checked and skipped (a string with one is rarer, so this is
 * kept out of line). Returns the offset of the closing quote, 0 when bad.
 */
static size_t __attribute__((noinline)) scan_str_slow(const unsigned char *s, size_t i, size_t n, struct win *w)
{
	for (;;) {
		long u, lo;

		if (i >= n || s[i] != '\\' || n - i < 2)
			return 0;	/* the end, a raw control character, or a cut escape */
		switch (s[i + 1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			i += 2;
			break;
		case 'u':
			if (n - i < 6 || (u = hex4(s + i + 2)) < 0)
				return 0;
			i += 6;
			if (u >= 0xdc00 && u <= 0xdfff)
				return 0;	/* a low surrogate without a high one before it */
			if (u >= 0xd800 && u <= 0xdbff) {
				if (n - i < 6 || s[i] != '\\' || s[i + 1] != 'u')
					return 0;
				lo = hex4(s + i + 2);
				if (lo < 0xdc00 || lo > 0xdfff)
					return 0;
				i += 6;
			}
			break;
		default:
			return 0;
		}
		i = str_run(s, i, n, w);
		if (i < n && s[i] == '"')
			return i;
	}
}

/*
 * Scans a string body from s[i], just past the opening quote. Returns the
 * offset of the closing quote, or 0 when the string is bad (0 is never a
 * closing quote: the opening one is before it). *esc: it has escapes.
 */
static inline size_t scan_str(const unsigned char *s, size_t i, size_t n, struct win *w, bool *esc)
{
	i = str_run(s, i, n, w);
	if (i < n && s[i] == '"') {
		*esc = false;
		return i;
	}
	*esc = true;	/* or bad, which the caller learns from 0 */
	return scan_str_slow(s, i, n, w);
}

static inline bool digit(unsigned char c)
{
	return (unsigned)(c - '0') < 10;
}

/* The end of the number starting at s[i] under RFC 8259's grammar, or 0 when it is not one. */
static size_t scan_num(const unsigned char *s, size_t i, size_t n)
{
	if (s[i] == '-' && ++i >= n)
		return 0;
	if (s[i] == '0')
		i++;
	else if (s[i] >= '1' && s[i] <= '9')
		do
			i++;
		while (i < n && digit(s[i]));
	else
		return 0;
	if (i < n && s[i] == '.') {
		if (++i >= n || !digit(s[i]))
			return 0;
		do
			i++;
		while (i < n && digit(s[i]));
	}
	if (i < n && (s[i] | 0x20) == 'e') {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (i >= n || !digit(s[i]))
			return 0;
		do
			i++;
		while (i < n && digit(s[i]));
	}
	return i;
}

/* Field by field: a compound literal would also write the padding. */
static inline void set(struct jtok *t, size_t start, size_t end, uint32_t next, unsigned char type, bool esc)
{
	t->start = (uint32_t)start;
	t->end = (uint32_t)end;
	t->next = next;
	t->size = 0;
	t->type = type;
	t->esc = esc;
}

/* Whitespace is rare in records: test the byte before calling the loop. */
#define WS(i) do { if ((i) < n && s[i] <= ' ') (i) = skip_ws(s, (i), n); } while (0)

int jscan_parse(struct jscan *js, const char *str, size_t n, struct jtok *tok, uint32_t cap)
{
	const unsigned char *s = (const unsigned char *)str;
	/* the open containers: token index and members so far, the innermost in top and cnt */
	struct { uint32_t tok, cnt; } stack[JSCAN_MAX_DEPTH];
	uint32_t depth = 0, nt = 0, top = 0, cnt = 0;
	bool obj = false;	/* the innermost container is an object */
	size_t i = 0, e;
	struct win w = { .base = (size_t)-64 };	/* no block yet */
	unsigned char c;
	bool esc;

	if (cap > INT_MAX)
		cap = INT_MAX;	/* the count is returned as an int */
	js->s = str;
	js->n = n;
	js->tok = tok;
	js->ntok = 0;
	js->cap = cap;
	if (n > UINT32_MAX)
		return JSCAN_BAD;	/* offsets are 32 bits */

value:
	WS(i);
	if (i >= n)
		return JSCAN_BAD;
	if (nt >= cap)
		return JSCAN_NOMEM;
	c = s[i];
	switch (c) {
	case '{':
	case '[':
		if (depth == JSCAN_MAX_DEPTH)
			return JSCAN_BAD;
		set(&tok[nt], i, 0, 0, c == '{' ? JS_OBJECT : JS_ARRAY, false);
		stack[depth].tok = top;
		stack[depth].cnt = cnt;
		depth++;
		top = nt++;
		cnt = 0;
		obj = c == '{';
		i++;
		WS(i);
		if (i < n && s[i] == c + 2) {	/* '{' + 2 == '}', '[' + 2 == ']' */
			i++;
			goto close;
		}
		if (obj)
			goto key;
		cnt = 1;
		goto value;
	case '"':
		e = scan_str(s, i + 1, n, &w, &esc);
		if (!e)
			return JSCAN_BAD;
		set(&tok[nt], i + 1, e, nt + 1, JS_STRING, esc);
		nt++;
		i = e + 1;
		goto after;
	case 't':
		if (n - i < 4 || memcmp(s + i, "true", 4) != 0)
			return JSCAN_BAD;
		e = i + 4;
		c = JS_TRUE;
		break;
	case 'f':
		if (n - i < 5 || memcmp(s + i, "false", 5) != 0)
			return JSCAN_BAD;
		e = i + 5;
		c = JS_FALSE;
		break;
	case 'n':
		if (n - i < 4 || memcmp(s + i, "null", 4) != 0)
			return JSCAN_BAD;
		e = i + 4;
		c = JS_NULL;
		break;
	default:
		if (!(e = scan_num(s, i, n)))
			return JSCAN_BAD;
		c = JS_NUMBER;
		break;
	}
	/* a number or a literal: what follows it is checked in after */
	set(&tok[nt], i, e, nt + 1, c, false);
	nt++;
	i = e;
	goto after;

key:
	WS(i);
	if (i >= n || s[i] != '"')
		return JSCAN_BAD;
	if (nt >= cap)
		return JSCAN_NOMEM;
	e = scan_str(s, i + 1, n, &w, &esc);
	if (!e)
		return JSCAN_BAD;
	set(&tok[nt], i + 1, e, nt + 1, JS_STRING, esc);
	nt++;
	cnt++;
	i = e + 1;
	WS(i);
	if (i >= n || s[i] != ':')
		return JSCAN_BAD;
	i++;
	goto value;

after:
	if (depth == 0)
		goto end;
	WS(i);
	if (i >= n)
		return JSCAN_BAD;
	c = s[i++];
	if (c == ',') {
		if (obj)
			goto key;
		cnt++;
		goto value;
	}
	if (c != (obj ? '}' : ']'))
		return JSCAN_BAD;
close:
	tok[top].end = (uint32_t)i;
	tok[top].next = nt;
	tok[top].size = cnt;
	depth--;
	top = stack[depth].tok;
	cnt = stack[depth].cnt;
	obj = depth && tok[top].type == JS_OBJECT;
	goto after;

end:
	if (skip_ws(s, i, n) != n)
		return JSCAN_BAD;
	js->ntok = nt;
	return (int)nt;
}

static inline const struct jtok *tok_at(const struct jscan *js, int t)
{
	return t >= 0 && (uint32_t)t < js->ntok ? &js->tok[t] : NULL;
}

int jscan_first(const struct jscan *js, int t)
{
	const struct jtok *k = tok_at(js, t);

	return k && (k->type == JS_OBJECT || k->type == JS_ARRAY) && k->size ? t + 1 : -1;
}

/*
 * Whether a sibling follows is read from the text: a comma after the
 * value's last byte. Tokens carry no parent, and the scan already proved
 * that only whitespace can come between.
 */
int jscan_after(const struct jscan *js, int t)
{
	const struct jtok *k = tok_at(js, t);
	size_t i;

	if (!k || k->next >= js->ntok)
		return -1;
	i = skip_ws((const unsigned char *)js->s, k->end + (k->type == JS_STRING), js->n);
	return i < js->n && js->s[i] == ',' ? (int)k->next : -1;
}

/* Decodes the escape at s[*i] (a backslash, already validated) into u; returns its length in bytes. */
static size_t unesc(const unsigned char *s, size_t *i, unsigned char u[4])
{
	unsigned long cp;
	unsigned char c = s[*i + 1];

	*i += 2;
	switch (c) {
	case 'b': u[0] = '\b'; return 1;
	case 'f': u[0] = '\f'; return 1;
	case 'n': u[0] = '\n'; return 1;
	case 'r': u[0] = '\r'; return 1;
	case 't': u[0] = '\t'; return 1;
	case 'u': break;
	default: u[0] = c; return 1;	/* " \ / */
	}
	cp = (unsigned long)hex4(s + *i);
	*i += 4;
	if (cp >= 0xd800 && cp <= 0xdbff) {	/* the scan saw the low half follow */
		cp = 0x10000 + ((cp - 0xd800) << 10) + ((unsigned long)hex4(s + *i + 2) - 0xdc00);
		*i += 6;
	}
	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (unsigned char)(0xc0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (unsigned char)(0xe0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (unsigned char)(0x80 | (cp & 0x3f));
		return 3;
	}
	u[0] = (unsigned char)(0xf0 | cp >> 18);
	u[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3f));
	u[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3f));
	u[3] = (unsigned char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Does string token k, decoded, equal b[0..bn)? Without a buffer: escapes are decoded one at a time. */
static bool str_eq(const struct jscan *js, const struct jtok *k, const char *b, size_t bn)
{
	const unsigned char *s = (const unsigned char *)js->s;
	size_t i = k->start, j = 0;

	if (!k->esc)
		return k->end - k->start == bn && memcmp(s + i, b, bn) == 0;
	while (i < k->end) {
		unsigned char u[4];
		size_t l;
		if (s[i] != '\\') {
			if (j >= bn || s[i] != (unsigned char)b[j])
				return false;
			i++;
			j++;
			continue;
		}
		l = unesc(s, &i, u);
		if (bn - j < l || memcmp(u, b + j, l) != 0)
			return false;
		j += l;
	}
	return j == bn;
}

int jscan_getn(const struct jscan *js, int obj, const char *key, size_t keylen)
{
	const struct jtok *o = tok_at(js, obj), *tk = js->tok;
	uint32_t k = (uint32_t)obj + 1;

	if (!o || o->type != JS_OBJECT)
		return -1;
	for (uint32_t m = o->size; m > 0; m--) {
		const struct jtok *kt = &tk[k];
		if (kt->esc ? str_eq(js, kt, key, keylen) :
		    kt->end - kt->start == keylen && memcmp(js->s + kt->start, key, keylen) == 0)
			return (int)k + 1;
		k = tk[k + 1].next;
	}
	return -1;
}

int jscan_get(const struct jscan *js, int obj, const char *key)
{
	return jscan_getn(js, obj, key, strlen(key));
}

long jscan_str(const struct jscan *js, int t, const char **p, char *buf, size_t cap)
{
	const struct jtok *k = tok_at(js, t);
	const unsigned char *s = (const unsigned char *)js->s;
	size_t i, o = 0;

	if (!k || k->type != JS_STRING)
		return -1;
	if (!k->esc) {
		*p = js->s + k->start;
		return (long)(k->end - k->start);
	}
	if (cap == 0)
		return -1;
	/* o < cap throughout, which leaves room for the terminator */
	for (i = k->start; i < k->end;) {
		const unsigned char *bs = memchr(s + i, '\\', k->end - i);
		size_t run = bs ? (size_t)(bs - (s + i)) : k->end - i;
		unsigned char u[4];
		size_t l;
		if (run >= cap - o)
			return -1;
		memcpy(buf + o, s + i, run);
		o += run;
		i += run;
		if (i >= k->end)
			break;
		l = unesc(s, &i, u);
		if (l >= cap - o)
			return -1;
		memcpy(buf + o, u, l);
		o += l;
	}
	buf[o] = '\0';
	*p = buf;
	return (long)o;
}

bool jscan_streq(const struct jscan *js, int t, const char *s)
{
	const struct jtok *k = tok_at(js, t);

	return k && k->type == JS_STRING && str_eq(js, k, s, strlen(s));
}

/*
 * A valid number's decimal digits as m * 10^exp, m holding at most 19
 * significant digits; trunc when a non-zero digit did not fit. exp
 * saturates far beyond any double's range.
 */
struct dec {
	uint64_t m;
	int64_t exp;
	bool neg, trunc;
};

static void decompose(const unsigned char *p, size_t len, struct dec *d)
{
	size_t i = 0;
	int nd = 0;
	bool frac = false;

	d->m = 0;
	d->exp = 0;
	d->trunc = false;
	d->neg = p[0] == '-';
	i = d->neg;
	for (; i < len && (digit(p[i]) || p[i] == '.'); i++) {
		unsigned v = p[i] - '0';
		if (p[i] == '.') {
			frac = true;
		} else if (d->m == 0 && v == 0) {
			d->exp -= frac;		/* a leading zero only holds a place */
		} else if (nd < 19) {
			d->m = d->m * 10 + v;
			nd++;
			d->exp -= frac;
		} else {
			d->exp += !frac;	/* a digit beyond precision */
			d->trunc |= v != 0;
		}
	}
	if (i < len) {	/* p[i] is e or E */
		int64_t ev = 0;
		bool eneg = p[++i] == '-';
		if (p[i] == '-' || p[i] == '+')
			i++;
		for (; i < len; i++)
			if (ev < 100000000)
				ev = ev * 10 + (p[i] - '0');
		d->exp += eneg ? -ev : ev;
	}
}

int jscan_int(const struct jscan *js, int t, int64_t *out)
{
	const struct jtok *k = tok_at(js, t);
	const unsigned char *p;
	size_t len, i;
	struct dec d;
	uint64_t lim;

	if (!k || k->type != JS_NUMBER)
		return -1;
	p = (const unsigned char *)js->s + k->start;
	len = k->end - k->start;
	i = p[0] == '-';
	if (len - i <= 18) {	/* the common case: 18 digits cannot overflow */
		uint64_t v = 0;
		for (; i < len && digit(p[i]); i++)
			v = v * 10 + (p[i] - '0');
		if (i == len) {
			*out = p[0] == '-' ? -(int64_t)v : (int64_t)v;
			return 0;
		}
	}
	/* exact decimal arithmetic, not double: 9007199254740993.0 must stay itself */
	decompose(p, len, &d);
	if (d.trunc)
		return -1;	/* a non-zero 20th significant digit: fractional or beyond int64 */
	if (d.m == 0) {
		*out = 0;
		return 0;
	}
	while (d.exp < 0 && d.m % 10 == 0) {
		d.m /= 10;
		d.exp++;
	}
	if (d.exp < 0)
		return -1;
	lim = d.neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; d.exp > 0; d.exp--) {
		if (d.m > lim / 10)
			return -1;
		d.m *= 10;
	}
	if (d.m > lim)
		return -1;
	*out = d.neg ? -(int64_t)(d.m - 1) - 1 : (int64_t)d.m;
	return 0;
}

int jscan_double(const struct jscan *js, int t, double *out)
{
	const struct jtok *k = tok_at(js, t);
	const char *p;
	char buf[NUM_MAX + 1], dp;
	size_t len;

	if (!k || k->type != JS_NUMBER)
		return -1;
	p = js->s + k->start;
	len = k->end - k->start;
#if FLT_EVAL_METHOD == 0
	/*
	 * Clinger's fast path: an integer below 2^53 and a power of ten up to
	 * 1e22 are both exact doubles, so one rounding gives the correctly
	 * rounded result, the one strtod would give.
	 */
	{
		static const double p10[] = {
			1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
			1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
		};
		struct dec d;
		decompose((const unsigned char *)p, len, &d);
		if (!d.trunc && d.m <= (1ULL << 53) && d.exp >= -22 && d.exp <= 22) {
			double v = (double)d.m;
			v = d.exp < 0 ? v / p10[-d.exp] : v * p10[d.exp];
			*out = d.neg ? -v : v;
			return 0;
		}
		if (d.m == 0) {
			*out = d.neg ? -0.0 : 0.0;
			return 0;
		}
	}
#endif
	if (len > NUM_MAX)
		return -1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	/* strtod reads the locale's decimal point; JSON's is always '.' */
	dp = localeconv()->decimal_point[0];
	if (dp != '.') {
		char *q = memchr(buf, '.', len);
		if (q)
			*q = dp;
	}
	*out = strtod(buf, NULL);
	return 0;
}
