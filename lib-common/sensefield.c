/* sensefield: Butler SOS-compatible field checks and clean-up. */
#include "sensefield.h"

#include <errno.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"

static size_t sanitize(char *dst, const char *src, size_t n, size_t max_units, bool keep_text)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t o = 0, units = 0;

	for (size_t i = 0; i < n;) {
		/* runs of printable ASCII, eight bytes at a time */
		while (i + 8 <= n && units + 8 <= max_units) {
			uint64_t x;
			memcpy(&x, s + i, 8);
			const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
			uint64_t y = x ^ (ones * 0x7f);
			if ((((x - ones * 0x20) & ~x) | ((y - ones) & ~y) | x) & high)
				break;	/* a control, DEL or non-ASCII byte among them */
			memcpy(dst + o, &x, 8);
			o += 8;
			i += 8;
			units += 8;
		}
		if (i >= n)
			break;
		unsigned char c = s[i];
		if (c < 0x80) {		/* the common case, without a call */
			i++;
			if ((c < 0x20 || c == 0x7f) && !(keep_text && (c == '\n' || c == '\t')))
				continue;
			if (units == max_units)
				break;
			dst[o++] = (char)c;
			units++;
			continue;
		}
		size_t k = utf8_seq_len(s + i, n - i);
		if (k == 0) {		/* callers pass valid UTF-8; be safe anyway */
			i++;
			continue;
		}
		size_t u = k == 4 ? 2 : 1;	/* outside the BMP: a surrogate pair */
		if (units + u > max_units)
			break;
		for (size_t j = 0; j < k; j++)
			dst[o++] = (char)s[i + j];
		units += u;
		i += k;
	}
	dst[o] = '\0';
	return o;
}

size_t sf_sanitize(char *dst, const char *src, size_t n, size_t max_units)
{
	return sanitize(dst, src, n, max_units, false);
}

size_t sf_sanitize_text(char *dst, const char *src, size_t n, size_t max_units)
{
	return sanitize(dst, src, n, max_units, true);
}

static bool hexl(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool hexa(char c)
{
	return hexl(c) || (c >= 'A' && c <= 'F');
}

static bool uuid_shape(const char *s, size_t n, bool (*isx)(char))
{
	if (n != 36)
		return false;
	for (size_t i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return false;
		} else if (!isx(s[i])) {
			return false;
		}
	}
	return true;
}

bool sf_uuid_lower(const char *s, size_t n)
{
	return uuid_shape(s, n, hexl);
}

bool sf_uuid_rfc(const char *s, size_t n)
{
	if (!uuid_shape(s, n, hexa))
		return false;
	if (strncmp(s, "00000000-0000-0000-0000-000000000000", 36) == 0 ||
	    strncasecmp(s, "ffffffff-ffff-ffff-ffff-ffffffffffff", 36) == 0)
		return true;
	char v = s[14], var = (char)(s[19] | 0x20);
	return v >= '1' && v <= '8' && (var == '8' || var == '9' || var == 'a' || var == 'b');
}

/* Matches s against a pattern of 'd' (digit) and literal characters. */
static bool shape(const char *s, size_t n, const char *pat)
{
	size_t m = strlen(pat);

	if (n != m)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (pat[i] == 'd') {
			if (s[i] < '0' || s[i] > '9')
				return false;
		} else if (s[i] != pat[i]) {
			return false;
		}
	}
	return true;
}

bool sf_ts_iso_hyphen(const char *s, size_t n)
{
	return shape(s, n, "dddd-dd-ddTdd:dd:dd.ddd+dddd");
}

bool sf_ts_iso_compact(const char *s, size_t n)
{
	return shape(s, n, "ddddddddTdddddd.ddd+dddd");
}

bool sf_ts_local(const char *s, size_t n)
{
	return shape(s, n, "dddd-dd-dd dd:dd:dd,ddd");
}

/* JavaScript's whitespace for parseInt/parseFloat, ASCII part. */
static bool js_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

bool sf_parse_int(const char *s, size_t n, long long *out)
{
	size_t i = 0;
	bool neg = false;
	long long v = 0;

	while (i < n && js_space(s[i]))
		i++;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i >= n || s[i] < '0' || s[i] > '9')
		return false;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (9007199254740992LL - (s[i] - '0')) / 10)
			v = 9007199254740992LL;	/* beyond exact doubles: saturate */
		else
			v = v * 10 + (s[i] - '0');
	}
	*out = neg ? -v : v;
	return true;
}

bool sf_parse_float(const char *s, size_t n, double *out)
{
	char buf[64];
	size_t i = 0, j = 0;

	while (i < n && js_space(s[i]))
		i++;
	/* copy the longest prefix of a decimal literal: [sign] digits [. digits] [e [sign] digits] */
	if (i < n && (s[i] == '+' || s[i] == '-'))
		buf[j++] = s[i++];
	if (n - i >= 8 && strncmp(s + i, "Infinity", 8) == 0) {
		*out = j && buf[0] == '-' ? -INFINITY : INFINITY;
		return true;
	}
	size_t digits = 0;
	while (i < n && s[i] >= '0' && s[i] <= '9' && j < sizeof buf - 8)
		buf[j++] = s[i++], digits++;
	if (i < n && s[i] == '.') {
		buf[j++] = s[i++];
		while (i < n && s[i] >= '0' && s[i] <= '9' && j < sizeof buf - 8)
			buf[j++] = s[i++], digits++;
	}
	if (digits == 0)
		return false;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		size_t save = j, k = i + 1;
		buf[j++] = 'e';
		if (k < n && (s[k] == '+' || s[k] == '-'))
			buf[j++] = s[k++];
		size_t ed = 0;
		while (k < n && s[k] >= '0' && s[k] <= '9' && j < sizeof buf - 1)
			buf[j++] = s[k++], ed++;
		if (ed == 0)
			j = save;	/* "1e" reads as 1 */
	}
	buf[j] = '\0';
	*out = strtod(buf, NULL);
	return true;
}

void sf_user_fields(char *dir, size_t dircap, char *id, size_t idcap, char *full, size_t fullcap)
{
	if (*dir && *id) {
		size_t dl = strlen(dir), il = strlen(id);
		if (dl + 1 + il < fullcap) {
			memcpy(full, dir, dl);
			full[dl] = '\\';
			memcpy(full + dl + 1, id, il + 1);
		} else {
			full[0] = '\0';
		}
		return;
	}
	char *bs = strchr(full, '\\');
	if (*full && bs && !*dir && !*id) {
		size_t dl = (size_t)(bs - full);
		char *rest = bs + 1, *end = strchr(rest, '\\');
		size_t il = end ? (size_t)(end - rest) : strlen(rest);
		if (dl < dircap && il < idcap) {
			memcpy(dir, full, dl);
			dir[dl] = '\0';
			memcpy(id, rest, il);
			id[il] = '\0';
		}
		return;
	}
	full[0] = '\0';
}
