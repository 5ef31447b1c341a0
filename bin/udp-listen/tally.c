/* tally: a linear-probing table of counters, cleared after each report. */
#include "tally.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

struct tally {
	struct tally_entry *e;	/* insertion order, for stable output */
	size_t n, max;
	uint32_t *index;	/* 0 empty, else entry number + 1 */
	size_t icap;
};

struct tally *tally_new(size_t max_keys)
{
	struct tally *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->max = max_keys;
	t->icap = 16;
	while (t->icap < max_keys * 2)
		t->icap *= 2;
	t->e = calloc(max_keys + 1, sizeof *t->e);	/* +1: the overflow key */
	t->index = calloc(t->icap, sizeof *t->index);
	if (!t->e || !t->index) {
		tally_free(t);
		return NULL;
	}
	return t;
}

void tally_clear(struct tally *t)
{
	for (size_t i = 0; i < t->n; i++)
		for (int k = 0; k < TALLY_PARTS; k++)
			free(t->e[i].part[k]);
	memset(t->e, 0, (t->max + 1) * sizeof *t->e);
	memset(t->index, 0, t->icap * sizeof *t->index);
	t->n = 0;
}

void tally_free(struct tally *t)
{
	if (!t)
		return;
	if (t->e && t->index)
		tally_clear(t);
	free(t->e);
	free(t->index);
	free(t);
}

static uint64_t hash(const char *const p[TALLY_PARTS])
{
	uint64_t h = 1469598103934665603ULL;

	for (int k = 0; k < TALLY_PARTS; k++) {
		for (const char *s = p[k]; *s; s++)
			h = (h ^ (unsigned char)*s) * 1099511628211ULL;
		h = (h ^ 0x1f) * 1099511628211ULL;
	}
	return h;
}

static int same(const struct tally_entry *e, const char *const p[TALLY_PARTS])
{
	for (int k = 0; k < TALLY_PARTS; k++)
		if (strcmp(e->part[k], p[k]) != 0)
			return 0;
	return 1;
}

void tally_add(struct tally *t, const char *const parts[TALLY_PARTS], double v)
{
	const char *p[TALLY_PARTS];
	static const char *const overflow[TALLY_PARTS] = { TALLY_OVERFLOW, TALLY_OVERFLOW, TALLY_OVERFLOW, TALLY_OVERFLOW };

	for (int k = 0; k < TALLY_PARTS; k++)
		p[k] = parts[k] ? parts[k] : "";
	for (int pass = 0; pass < 2; pass++) {
		size_t i = hash(p) & (t->icap - 1);
		for (;; i = (i + 1) & (t->icap - 1)) {
			uint32_t slot = t->index[i];
			if (slot == 0)
				break;
			if (same(&t->e[slot - 1], p)) {
				t->e[slot - 1].count++;
				t->e[slot - 1].sum += v;
				return;
			}
		}
		if (t->n < t->max || (pass == 1 && t->n <= t->max)) {
			struct tally_entry *e = &t->e[t->n];
			for (int k = 0; k < TALLY_PARTS; k++) {
				if (!(e->part[k] = strdup(p[k]))) {
					for (int j = 0; j < k; j++)
						free(e->part[j]);
					log_error("tally: out of memory; a count is lost");
					return;
				}
			}
			e->count = 1;
			e->sum = v;
			t->index[i] = (uint32_t)++t->n;
			return;
		}
		if (pass == 0)
			log_warn("more than %zu distinct counter keys this interval; counting the rest as \"%s\"",
			    t->max, TALLY_OVERFLOW);
		for (int k = 0; k < TALLY_PARTS; k++)
			p[k] = overflow[k];
	}
}

size_t tally_size(const struct tally *t)
{
	return t->n;
}

const struct tally_entry *tally_entry(const struct tally *t, size_t i)
{
	return i < t->n ? &t->e[i] : NULL;
}
