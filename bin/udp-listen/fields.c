/* fields: datagram splitting and Butler SOS field rules. */
#include "fields.h"

#include <string.h>

#include "sensefield.h"
#include "utf8.h"

/* Repaired text can be three times the datagram (every byte a U+FFFD). */
static char text[3 * DGRAM_MAX + 4];
static size_t seps[DGRAM_MAX + 1];
/* Sanitising never grows text: one datagram's fields fit twice over. */
static char arena[6 * DGRAM_MAX + 1024];
static size_t arena_used;

void dgram_split(struct dgram *d, const char *raw, size_t n)
{
	size_t k = 0;

	if (n > DGRAM_MAX)
		n = DGRAM_MAX;
	/* appenders send no newline, but a test with nc does: drop one */
	if (n > 0 && raw[n - 1] == '\n')
		n--;
	if (n > 0 && raw[n - 1] == '\r')
		n--;
	d->len = utf8_repair(text, raw, n);
	d->text = text;
	for (const char *p = text, *end = text + d->len; (p = memchr(p, ';', (size_t)(end - p))); p++)
		seps[k++] = (size_t)(p - text);
	seps[k] = d->len;	/* the end of the last field */
	d->nfields = k + 1;
	d->sep = seps;
}

struct span dgram_field(const struct dgram *d, size_t i)
{
	struct span sp = { "", 0, false };

	if (i >= d->nfields)
		return sp;
	size_t start = i == 0 ? 0 : d->sep[i - 1] + 1;
	sp.s = d->text + start;
	sp.n = d->sep[i] - start;
	sp.present = true;
	return sp;
}

struct span dgram_range(const struct dgram *d, size_t i, size_t j)
{
	struct span a = dgram_field(d, i), b = dgram_field(d, j);

	if (!a.present)
		return a;
	if (!b.present || j < i)
		return a;
	a.n = (size_t)(b.s + b.n - a.s);
	return a;
}

void fval_reset(void)
{
	arena_used = 0;
}

static char *arena_copy(const char *s, size_t n)
{
	if (arena_used + n + 1 > sizeof arena)
		n = sizeof arena - arena_used - 1;	/* cannot happen with DGRAM_MAX input */
	char *p = arena + arena_used;
	memcpy(p, s, n);
	p[n] = '\0';
	arena_used += n + 1;
	return p;
}

const char *fval_text(struct span raw, size_t max, size_t *len)
{
	char *p = arena + arena_used;

	if (arena_used + raw.n + 1 > sizeof arena) {
		*len = 0;
		return "";
	}
	*len = sf_sanitize(p, raw.s, raw.n, max);
	arena_used += *len + 1;
	return p;
}

static void set_text(struct fval *v, const char *s, size_t n)
{
	v->s = s;
	v->n = n;
	v->number = false;
}

static void set_num(struct fval *v, long long i)
{
	v->i = i;
	v->d = (double)i;
	v->number = true;
}

void fval_apply(const struct field_spec *spec, struct span raw, struct fval *v)
{
	long long i;
	double d;

	memset(v, 0, sizeof *v);
	switch (spec->rule) {
	case R_STR:
		v->s = fval_text(raw, spec->max, &v->n);
		return;
	case R_UUID:
		if (sf_uuid_lower(raw.s, raw.n))
			set_text(v, arena_copy(raw.s, raw.n), raw.n);
		else
			set_text(v, "", 0);
		return;
	case R_TS_HYPHEN:
	case R_TS_ISO:
	case R_TS_LOCAL: {
		bool okay = sf_ts_iso_hyphen(raw.s, raw.n) ||
		    (spec->rule == R_TS_ISO && sf_ts_iso_compact(raw.s, raw.n)) ||
		    (spec->rule == R_TS_LOCAL && sf_ts_local(raw.s, raw.n));
		if (okay)
			v->s = fval_text(raw, 50, &v->n);
		else
			set_text(v, "", 0);
		return;
	}
	case R_ROW_POS:
		set_num(v, sf_parse_int(raw.s, raw.n, &i) && i > 0 ? i : -1);
		return;
	case R_INT:
		set_num(v, sf_parse_int(raw.s, raw.n, &i) ? i : -1);
		return;
	case R_INT_99:
		set_num(v, sf_parse_int(raw.s, raw.n, &i) ? i : -99);
		return;
	case R_UINT_99:
		set_num(v, sf_parse_int(raw.s, raw.n, &i) && i >= 0 ? i : -99);
		return;
	case R_UINT_1:
		set_num(v, sf_parse_int(raw.s, raw.n, &i) && i >= 0 ? i : -1);
		return;
	case R_FLOAT:
		v->number = true;
		if (sf_parse_float(raw.s, raw.n, &d))
			v->d = d;
		else
			v->omit = true;	/* NaN: InfluxDB cannot store it */
		return;
	}
}

void fval_write(struct jsonw *w, const char *key, const struct fval *v)
{
	if (v->omit)
		return;
	if (!v->number)
		jsonw_strn(w, key, v->s, v->n);
	else if (v->d == (double)v->i && v->i == (long long)v->d)
		jsonw_int(w, key, v->i);
	else
		jsonw_double(w, key, v->d);
}
