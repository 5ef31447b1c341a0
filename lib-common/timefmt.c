/* timefmt: clocks and strict parsers for the timestamp forms senseops meets. */
#include "timefmt.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t time_now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

int64_t time_mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Days since 1970-01-01 for a proleptic Gregorian date (Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

char *time_format_rfc3339(int64_t ms, char buf[TIME_RFC3339_LEN])
{
	int64_t secs = ms / 1000, msec = ms % 1000;
	if (msec < 0) {
		msec += 1000;
		secs--;
	}
	int64_t days = secs / 86400, rem = secs % 86400;
	if (rem < 0) {
		rem += 86400;
		days--;
	}
	int y, m, d;
	civil_from_days(days, &y, &m, &d);
	if (y < 0 || y > 9999) {
		y = y < 0 ? 0 : 9999;
	}
	/* by hand: this runs once per record, and snprintf is slow here */
	char *p = buf;
	int two[] = { y / 100, y % 100, m, d, (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60) };
	const char after[] = { 0, '-', '-', 'T', ':', ':', '.' };
	for (int i = 0; i < 7; i++) {
		*p++ = (char)('0' + two[i] / 10);
		*p++ = (char)('0' + two[i] % 10);
		if (after[i])
			*p++ = after[i];
	}
	*p++ = (char)('0' + msec / 100);
	*p++ = (char)('0' + msec / 10 % 10);
	*p++ = (char)('0' + msec % 10);
	*p++ = 'Z';
	*p = '\0';
	return buf;
}

/* Reads exactly n decimal digits. */
static int digits(const char **p, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int expect(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dm[m - 1];
}

static int to_ms(int y, int mo, int d, int h, int mi, int s, int msec, int off_min, int64_t *ms)
{
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 ||
	    s > 60 || off_min < -24 * 60 || off_min > 24 * 60)
		return -1;
	if (s == 60)	/* a leap second folds onto the next second */
		s = 59, msec = 999;
	int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s;
	*ms = (secs - (int64_t)off_min * 60) * 1000 + msec;
	return 0;
}

/* Reads a fraction of any length after the dot; keeps milliseconds. */
static int fraction(const char **p, int *msec)
{
	int n = 0, v = 0;

	while (**p >= '0' && **p <= '9') {
		if (n < 3)
			v = v * 10 + (**p - '0');
		n++;
		(*p)++;
	}
	if (n == 0)
		return -1;
	for (int i = n; i < 3; i++)
		v *= 10;
	*msec = v;
	return 0;
}

int time_parse_rfc3339(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec, msec = 0, oh = 0, om = 0, sign = 1;
	const char *p = s;

	if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) || expect(&p, '-') ||
	    digits(&p, 2, &d))
		return -1;
	if (*p != 'T' && *p != 't' && *p != ' ')
		return -1;
	p++;
	if (digits(&p, 2, &h) || expect(&p, ':') || digits(&p, 2, &mi) || expect(&p, ':') ||
	    digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		p++;
		if (fraction(&p, &msec))
			return -1;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		p++;
		if (digits(&p, 2, &oh) || expect(&p, ':') || digits(&p, 2, &om) || om > 59)
			return -1;
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	return to_ms(y, mo, d, h, mi, sec, msec, sign * (oh * 60 + om), ms);
}

int time_parse_sense_iso(const char *s, int64_t *ms)
{
	int y, mo, d, h, mi, sec, msec = 0, oh, om, sign;
	const char *p = s;

	if (digits(&p, 4, &y) || digits(&p, 2, &mo) || digits(&p, 2, &d) || expect(&p, 'T') ||
	    digits(&p, 2, &h) || digits(&p, 2, &mi) || digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		p++;
		if (fraction(&p, &msec))
			return -1;
	}
	if (*p != '+' && *p != '-')
		return -1;
	sign = *p == '-' ? -1 : 1;
	p++;
	if (digits(&p, 2, &oh) || digits(&p, 2, &om) || om > 59 || *p != '\0')
		return -1;
	return to_ms(y, mo, d, h, mi, sec, msec, sign * (oh * 60 + om), ms);
}

int time_parse_sense_local(const char *s, int offset_min, int64_t *ms)
{
	int y, mo, d, h, mi, sec, msec;
	const char *p = s;

	if (digits(&p, 4, &y) || expect(&p, '-') || digits(&p, 2, &mo) || expect(&p, '-') ||
	    digits(&p, 2, &d) || expect(&p, ' ') || digits(&p, 2, &h) || expect(&p, ':') ||
	    digits(&p, 2, &mi) || expect(&p, ':') || digits(&p, 2, &sec) || expect(&p, ',') ||
	    digits(&p, 3, &msec) || *p != '\0')
		return -1;
	return to_ms(y, mo, d, h, mi, sec, msec, offset_min, ms);
}

int time_parse_sense(const char *s, int offset_min, int64_t *ms)
{
	if (time_parse_sense_iso(s, ms) == 0)
		return 0;
	return time_parse_sense_local(s, offset_min, ms);
}
