/* evfield: Butler SOS field rules and their scratch arena. */
#include "evfield.h"

#include <string.h>

#include "sensefield.h"

static char arena[EVFIELD_ARENA];
static size_t arena_used;

void fval_reset(void)
{
	arena_used = 0;
}

/* Room for n bytes and a NUL, cut back to a character boundary when short. */
static size_t fit(const char *s, size_t n)
{
	/* one byte stays spare, so the NUL after an empty value always fits */
	size_t room = arena_used + 2 <= sizeof arena ? sizeof arena - arena_used - 2 : 0;

	if (n <= room)
		return n;
	n = room;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n;
}

const char *fval_copy(const char *s, size_t n)
{
	n = fit(s, n);
	char *p = arena + arena_used;
	memcpy(p, s, n);
	p[n] = '\0';
	arena_used += n + 1;
	return p;
}

const char *fval_text(struct span raw, size_t max, size_t *len)
{
	char *p = arena + arena_used;

	*len = sf_sanitize(p, raw.s, fit(raw.s, raw.n), max);
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
	case R_TEXT: {
		char *p = arena + arena_used;
		v->n = sf_sanitize_text(p, raw.s, fit(raw.s, raw.n), spec->max);
		arena_used += v->n + 1;
		v->s = p;
		return;
	}
	case R_UUID:
		if (sf_uuid_lower(raw.s, raw.n))
			set_text(v, fval_copy(raw.s, raw.n), raw.n);
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
		if (!sf_parse_float(raw.s, raw.n, &d)) {
			v->omit = true;	/* NaN: InfluxDB cannot store it */
			return;
		}
		v->d = d;
		if (json_decimal_canonical(raw.s, raw.n)) {
			/* written as it came: formatting the double again gives the same text */
			v->s = raw.s;
			v->n = raw.n;
			v->as_text = true;
		}
		return;
	}
}

bool json_decimal_canonical(const char *s, size_t n)
{
	size_t i = 0, sig = 0, lead0 = 0;

	if (n && s[0] == '-')
		i++;
	if (i == n || s[i] < '0' || s[i] > '9')
		return false;
	bool zero_int = s[i] == '0';
	if (zero_int) {
		i++;	/* "0" alone: no leading zeros before other digits */
	} else {
		for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
			sig++;
	}
	if (i == n)
		return !(zero_int && s[0] == '-') && sig <= 15;	/* not "-0": JSON writes 0 */
	if (s[i] != '.' || i + 1 == n || s[n - 1] == '0')
		return false;
	for (i++; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		if (zero_int && sig == 0 && s[i] == '0')
			lead0++;	/* 0.000123: zeros before the first significant digit */
		else
			sig++;
	}
	/* JavaScript writes 1e-7 and smaller with an exponent */
	return sig <= 15 && lead0 <= 5;
}

void fval_write(struct jsonw *w, const char *key, const struct fval *v)
{
	if (v->omit)
		return;
	if (!v->number)
		jsonw_strn(w, key, v->s, v->n);
	else if (v->as_text)
		jsonw_raw(w, key, v->s, v->n);
	else if (v->d == (double)v->i && v->i == (long long)v->d)
		jsonw_int(w, key, v->i);
	else
		jsonw_double(w, key, v->d);
}
