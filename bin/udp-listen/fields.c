/* fields: datagram splitting and Butler SOS field rules. */
#include "fields.h"

#include <string.h>

#include "utf8.h"

/* Repaired text can be three times the datagram (every byte a U+FFFD). */
static char text[3 * DGRAM_MAX + 4];
static size_t seps[DGRAM_MAX + 1];

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
