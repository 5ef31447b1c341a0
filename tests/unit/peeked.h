/* peeked.h: a record collector for the queue tests (t-spool, t-memq): what a peek handed over, in order. */
#ifndef SENSEOPS_TEST_PEEKED_H
#define SENSEOPS_TEST_PEEKED_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spool.h"

/* Lines peeked, as record numbers ("{"i":N,...}"), and positions. */
struct got {
	long		 *v;
	size_t		  n, cap;
	struct spool_pos  pos[64];	/* positions after the first 64 */
	struct spool_pos  last;
	size_t		  stop_after;	/* fn stops the batch after this many (0: never) */
	size_t		  taken;
	int		  torn;		/* lines that are not whole records */
	size_t		  maxlen;	/* the longest line */
};

/* The peek callback: records each line's number (-1 when it is not a whole record). */
__attribute__((unused))
static int collect(const char *line, size_t n, struct spool_pos after, void *arg)
{
	struct got *g = arg;
	long i;

	if (g->stop_after && g->taken == g->stop_after)
		return 1;
	g->taken++;
	if (strlen(line) != n || sscanf(line, "{\"i\":%ld", &i) != 1 || line[n - 1] != '}') {
		g->torn++;
		i = -1;
	}
	if (g->n == g->cap) {
		long *v;

		g->cap = g->cap ? g->cap * 2 : 256;
		if ((v = realloc(g->v, g->cap * sizeof *g->v)) == NULL)
			abort();
		g->v = v;
	}
	if (g->n < 64)
		g->pos[g->n] = after;
	g->v[g->n++] = i;
	g->last = after;
	if (n > g->maxlen)
		g->maxlen = n;
	return 0;
}

__attribute__((unused))
static void got_reset(struct got *g)
{
	free(g->v);
	memset(g, 0, sizeof *g);
}

/* True when g holds the records from..to in order. */
__attribute__((unused))
static bool got_range(const struct got *g, long from, long to)
{
	if (g->n != (size_t)(to - from + 1))
		return false;
	for (size_t k = 0; k < g->n; k++)
		if (g->v[k] != from + (long)k)
			return false;
	return true;
}

#endif
