/* lp: collect a point, then encode it as one line of InfluxDB line protocol. */
#include "lp.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"

void lp_begin(struct lp_point *pt, const char *meas)
{
	pt->meas = meas;
	pt->measn = strlen(meas);
	pt->ntags = pt->nfields = 0;
	pt->overflow = false;
}

bool lp_has_tag(const struct lp_point *pt, const char *k, size_t kn)
{
	for (int i = 0; i < pt->ntags; i++)
		if (pt->tags[i].kn == kn && memcmp(pt->tags[i].k, k, kn) == 0)
			return true;
	return false;
}

bool lp_has_field(const struct lp_point *pt, const char *k)
{
	size_t kn = strlen(k);

	for (int i = 0; i < pt->nfields; i++)
		if (pt->fields[i].kn == kn && memcmp(pt->fields[i].k, k, kn) == 0)
			return true;
	return false;
}

void lp_tagn(struct lp_point *pt, const char *k, size_t kn, const char *v, size_t vn, bool clean)
{
	struct lp_tag *t = NULL;

	if (kn == 0)
		return;
	for (int i = 0; i < pt->ntags; i++)
		if (pt->tags[i].kn == kn && memcmp(pt->tags[i].k, k, kn) == 0)
			t = &pt->tags[i];
	if (!t) {
		if (pt->ntags == LP_MAX_TAGS) {
			pt->overflow = true;
			return;
		}
		t = &pt->tags[pt->ntags++];
	}
	*t = (struct lp_tag){ .k = k, .kn = kn, .v = v, .vn = vn, .clean = clean };
}

void lp_tag(struct lp_point *pt, const char *k, const char *v)
{
	lp_tagn(pt, k, strlen(k), v, strlen(v), false);
}

static struct lp_field *field(struct lp_point *pt, const char *k, enum lp_type t)
{
	size_t kn = strlen(k);
	struct lp_field *f;

	for (int i = 0; i < pt->nfields; i++) {
		f = &pt->fields[i];
		if (f->kn == kn && memcmp(f->k, k, kn) == 0)
			goto set;
	}
	if (pt->nfields == LP_MAX_FIELDS) {
		pt->overflow = true;
		return NULL;
	}
	f = &pt->fields[pt->nfields++];
set:
	*f = (struct lp_field){ .k = k, .kn = kn, .t = t };
	return f;
}

void lp_strn(struct lp_point *pt, const char *k, const char *s, size_t n)
{
	struct lp_field *f = field(pt, k, LP_STR);

	if (f) {
		f->s = s;
		f->sn = n;
	}
}

void lp_rawstrn(struct lp_point *pt, const char *k, const char *s, size_t n)
{
	struct lp_field *f = field(pt, k, LP_RAWSTR);

	if (f) {
		f->s = s;
		f->sn = n;
	}
}

void lp_str(struct lp_point *pt, const char *k, const char *s)
{
	lp_strn(pt, k, s, strlen(s));
}

void lp_int(struct lp_point *pt, const char *k, int64_t v)
{
	struct lp_field *f = field(pt, k, LP_INT);

	if (f)
		f->i = v;
}

void lp_uint(struct lp_point *pt, const char *k, int64_t v)
{
	struct lp_field *f = field(pt, k, LP_UINT);

	if (f)
		f->i = v < 0 ? 0 : v;
}

void lp_float(struct lp_point *pt, const char *k, double v)
{
	struct lp_field *f;

	if (!isfinite(v))
		return;
	if ((f = field(pt, k, LP_FLOAT)))
		f->d = v;
}

void lp_floattext(struct lp_point *pt, const char *k, const char *s, size_t n)
{
	struct lp_field *f = field(pt, k, LP_FLOATTEXT);

	if (f) {
		f->s = s;
		f->sn = n;
	}
}

void lp_bool(struct lp_point *pt, const char *k, bool v)
{
	struct lp_field *f = field(pt, k, LP_BOOL);

	if (f)
		f->b = v;
}

bool lp_buf_reserve(struct lp_buf *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->cap - b->len >= n)
		return true;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap - b->len < n) {
		if (cap > SIZE_MAX / 2) {
			b->oom = true;
			return false;
		}
		cap *= 2;
	}
	char *p = realloc(b->p, cap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = cap;
	return true;
}

void lp_buf_free(struct lp_buf *b)
{
	free(b->p);
	*b = (struct lp_buf){ 0 };
}

/*
 * Names and tags: the worst case is every byte escaped. A backslash is
 * written as it is: InfluxDB reads "\\," as a backslash and an escaped
 * comma. One at the very end would escape the separator after it, and
 * line protocol has no way to write it: trailing backslashes are dropped.
 */
/* Bytes a name or tag never copies as they are: 1 always, 2 only when cleaning (InfluxDB 3). */
static const unsigned char special[256] = {
	[' '] = 1, [','] = 1, ['='] = 1, ['\r'] = 1, ['\n'] = 1, ['<'] = 2, ['>'] = 2, ['\\'] = 2,
};

/* SWAR (Hacker's Delight 6-1): a byte of x below 0x21 (space, CR, LF, ...), or equal to ',' or '='. */
static inline bool word_maybe_special(uint64_t x)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	uint64_t c = x ^ (ones * ','), e = x ^ (ones * '=');

	return (((x - ones * 0x21) & ~x) | ((c - ones) & ~c) | ((e - ones) & ~e)) & high;
}

static char *put_name(char *o, const char *s, size_t n, bool measurement, bool clean)
{
	const unsigned char stop = clean ? 3 : 1;
	size_t i = 0;

	while (n && s[n - 1] == '\\')
		n--;
	while (i < n) {
		size_t run = i;
		/* eight bytes at a time while none can be special (cleaning looks at every byte) */
		uint64_t x;
		while (!clean && run + 8 <= n && (memcpy(&x, s + run, 8), !word_maybe_special(x)))
			run += 8;
		while (run < n && !(special[(unsigned char)s[run]] & stop))
			run++;
		memcpy(o, s + i, run - i);
		o += run - i;
		if ((i = run) >= n)
			break;
		char c = s[i++];
		if (c == '\r' || c == '\n') {
			if (clean)
				continue;
			c = ' ';
		}
		if (clean && (c == '<' || c == '>' || c == '\\'))
			continue;
		if (c == ' ' || c == ',' || (c == '=' && !measurement))
			*o++ = '\\';
		*o++ = c;
	}
	return o;
}

/* Decimal digits of v, as %lld writes them. */
static char *put_i64(char *o, int64_t v)
{
	char tmp[24], *p = tmp + sizeof tmp;
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		*--p = '-';
	memcpy(o, p, (size_t)(tmp + sizeof tmp - p));
	return o + (tmp + sizeof tmp - p);
}

static char *put_string(char *o, const char *s, size_t n, bool strip_crlf)
{
	*o++ = '"';
	if (strip_crlf) {
		for (size_t i = 0; i < n; i++) {
			char c = s[i];
			if (c == '\r' || c == '\n')
				continue;
			if (c == '"' || c == '\\')
				*o++ = '\\';
			*o++ = c;
		}
	} else {
		/* branch-free: the backslash is always written, and kept only when needed */
		for (size_t i = 0; i < n; i++) {
			char c = s[i];
			*o = '\\';
			o += c == '"' || c == '\\';
			*o++ = c;
		}
	}
	*o++ = '"';
	return o;
}

int lp_encode(const struct lp_point *pt, int64_t ts_ns, struct lp_buf *out)
{
	size_t need = 2 * pt->measn + 64;
	char *o, *start;

	if (pt->overflow || pt->nfields == 0)
		return 0;
	for (int i = 0; i < pt->ntags; i++)
		need += 2 * (pt->tags[i].kn + pt->tags[i].vn) + 3;
	for (int i = 0; i < pt->nfields; i++)
		need += 2 * (pt->fields[i].kn + pt->fields[i].sn) + 48;
	if (!lp_buf_reserve(out, need))
		return -1;
	o = start = out->p + out->len;
	o = put_name(o, pt->meas, pt->measn, true, false);
	for (int i = 0; i < pt->ntags; i++) {
		const struct lp_tag *t = &pt->tags[i];
		char *mark = o;
		*o++ = ',';
		o = put_name(o, t->k, t->kn, false, false);
		*o++ = '=';
		char *v = o;
		o = put_name(o, t->v, t->vn, false, t->clean);
		if (o == v)	/* empty (or cleaned away): InfluxDB refuses key= */
			o = mark;
	}
	for (int i = 0; i < pt->nfields; i++) {
		const struct lp_field *f = &pt->fields[i];
		*o++ = i ? ',' : ' ';
		o = put_name(o, f->k, f->kn, false, false);
		*o++ = '=';
		switch (f->t) {
		case LP_STR:
			o = put_string(o, f->s, f->sn, pt->strip_crlf);
			break;
		case LP_FLOATTEXT:
			memcpy(o, f->s, f->sn);
			o += f->sn;
			break;
		case LP_RAWSTR:
			*o++ = '"';
			memcpy(o, f->s, f->sn);
			o += f->sn;
			*o++ = '"';
			break;
		case LP_INT:
			o = put_i64(o, f->i);
			*o++ = 'i';
			break;
		case LP_UINT:
			o = put_i64(o, f->i);
			*o++ = 'u';
			break;
		case LP_FLOAT:
			o += jsonw_format_double(o, f->d);
			break;
		case LP_BOOL:
			o = stpcpy(o, f->b ? "true" : "false");
			break;
		}
	}
	*o++ = ' ';
	o = put_i64(o, ts_ns);
	*o++ = '\n';
	out->len += (size_t)(o - start);
	out->lines++;
	return 1;
}
