/* config-lines: the side table node -> source line of a configuration. */
#include <stdint.h>
#include <stdlib.h>

#include "config-int.h"

static size_t hash_ptr(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h;
}

/* --- line table: open addressing, linear probing ----------------------- */

static int lt_grow(struct linetab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 256;
	struct lt_ent *ne = calloc(ncap, sizeof *ne);

	if (ne == NULL)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		if (t->e[i].p == NULL)
			continue;
		size_t j = hash_ptr(t->e[i].p) & (ncap - 1);
		while (ne[j].p != NULL)
			j = (j + 1) & (ncap - 1);
		ne[j] = t->e[i];
	}
	free(t->e);
	t->e = ne;
	t->cap = ncap;
	return 0;
}

int lt_set(struct linetab *t, const void *p, int line)
{
	size_t i;

	if ((t->n + 1) * 2 > t->cap && lt_grow(t) == -1)
		return -1;
	i = hash_ptr(p) & (t->cap - 1);
	while (t->e[i].p != NULL && t->e[i].p != p)
		i = (i + 1) & (t->cap - 1);
	if (t->e[i].p == NULL) {
		t->e[i].p = p;
		t->n++;
	}
	t->e[i].line = line;
	return 0;
}

int lt_get(const struct linetab *t, const void *p)
{
	if (t->cap == 0)
		return 0;
	for (size_t i = hash_ptr(p) & (t->cap - 1); t->e[i].p != NULL; i = (i + 1) & (t->cap - 1))
		if (t->e[i].p == p)
			return t->e[i].line;
	return 0;
}

void lt_del(struct linetab *t, const void *p)
{
	size_t mask = t->cap - 1, i, j;

	if (t->cap == 0)
		return;
	for (i = hash_ptr(p) & mask; t->e[i].p != p; i = (i + 1) & mask)
		if (t->e[i].p == NULL)
			return;
	/* Backward-shift deletion keeps probe chains whole without tombstones. */
	j = i;
	for (;;) {
		t->e[i].p = NULL;
		for (;;) {
			size_t k;

			j = (j + 1) & mask;
			if (t->e[j].p == NULL) {
				t->n--;
				return;
			}
			k = hash_ptr(t->e[j].p) & mask;
			/* An entry whose home lies in (i, j] must stay where it is. */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		t->e[i] = t->e[j];
		i = j;
	}
}

/* A freed node's address may come back from malloc: drop its lines first. */
void lt_forget(struct linetab *t, const cJSON *n)
{
	if (t == NULL)
		return;
	lt_del(t, n);
	for (const cJSON *ch = n->child; ch != NULL; ch = ch->next)
		lt_forget(t, ch);
}

/*
 * Replaces old (a child of parent) by repl, which takes over old's key, and
 * frees old.
 */
void cfg_replace_item(struct linetab *t, cJSON *parent, cJSON *old, cJSON *repl)
{
	lt_forget(t, old);
	if (cJSON_IsObject(parent)) {
		repl->string = old->string;
		repl->type |= old->type & cJSON_StringIsConst;
		old->string = NULL;
	}
	cJSON_ReplaceItemViaPointer(parent, old, repl);
}
