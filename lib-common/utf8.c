/* utf8: strict validation after the table in RFC 3629 section 4. */
#include "utf8.h"

bool utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *end = s + n;

	while (s < end) {
		unsigned char c = *s;
		size_t need;
		unsigned char lo = 0x80, hi = 0xbf;

		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf)
			need = 1;
		else if (c >= 0xe0 && c <= 0xef) {
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
		} else
			return false;
		if ((size_t)(end - s) <= need)
			return false;
		if (s[1] < lo || s[1] > hi)
			return false;
		for (size_t i = 2; i <= need; i++)
			if (s[i] < 0x80 || s[i] > 0xbf)
				return false;
		s += need + 1;
	}
	return true;
}
