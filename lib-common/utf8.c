/* utf8: strict validation after the table in RFC 3629 section 4. */
#include "utf8.h"

#include <stdint.h>
#include <string.h>

size_t utf8_seq_len(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t need;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf) {
		need = 1;
	} else if (c >= 0xe0 && c <= 0xef) {
		need = 2;
		if (c == 0xe0)
			lo = 0xa0;	/* overlong */
		else if (c == 0xed)
			hi = 0x9f;	/* surrogates */
	} else if (c >= 0xf0 && c <= 0xf4) {
		need = 3;
		if (c == 0xf0)
			lo = 0x90;	/* overlong */
		else if (c == 0xf4)
			hi = 0x8f;	/* above U+10FFFF */
	} else {
		return 0;
	}
	if (avail <= need || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i <= need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need + 1;
}

bool utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; i < n;) {
		/* most text is ASCII: eight bytes at a time while no high bit is set */
		uint64_t w;
		while (i + 8 <= n && (memcpy(&w, s + i, 8), (w & 0x8080808080808080ULL) == 0))
			i += 8;
		if (i >= n)
			break;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t k = utf8_seq_len(s + i, n - i);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

void utf8_sanitize(char *str, bool controls)
{
	unsigned char *r = (unsigned char *)str, *w = r;
	size_t left = strlen(str);

	while (left > 0) {
		size_t n = utf8_seq_len(r, left);
		if (n == 0) {
			*w++ = '?';
			r++;
			left--;
			continue;
		}
		if (controls && ((n == 1 && (*r < 0x20 || *r == 0x7f)) ||
		    (n == 2 && r[0] == 0xc2 && r[1] < 0xa0)))
			*w++ = '?';	/* one mark for the whole control character */
		else {
			memmove(w, r, n);
			w += n;
		}
		r += n;
		left -= n;
	}
	*w = '\0';
}

size_t utf8_repair(char *dst, const char *src, size_t n)
{
	const unsigned char *s = (const unsigned char *)src;
	size_t i = 0, o = 0;

	while (i < n) {
		/* ASCII runs are the common case: eight bytes at a time */
		while (i + 8 <= n) {
			uint64_t x;
			memcpy(&x, s + i, 8);
			if (x & 0x8080808080808080ULL)
				break;
			memcpy(dst + o, &x, 8);
			o += 8;
			i += 8;
		}
		if (i >= n)
			break;
		if (s[i] < 0x80) {
			dst[o++] = (char)s[i++];
			continue;
		}
		size_t k = utf8_seq_len(s + i, n - i);
		if (k == 0) {
			dst[o++] = (char)0xef;
			dst[o++] = (char)0xbf;
			dst[o++] = (char)0xbd;
			i++;
		} else {
			for (size_t j = 0; j < k; j++)
				dst[o++] = (char)s[i + j];
			i += k;
		}
	}
	dst[o] = '\0';
	return o;
}
