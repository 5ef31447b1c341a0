/* bench-memq: append, then peek and acknowledge, N records through the memory queue; prints median rates. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memq.h"

#define RUNS	7

static double now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int count(const char *line, size_t n, struct spool_pos after, void *arg)
{
	struct spool_pos *last = arg;

	(void)line;
	(void)n;
	*last = after;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	double app[RUNS], rd[RUNS], cyc[RUNS];
	size_t mem = 0;
	char line[200];

	static const char head[] = "{\"kind\":\"log_event\",\"message\":\"";

	memset(line, 'x', sizeof line);
	memcpy(line, head, sizeof head - 1);	/* a prefix: no NUL wanted */
	line[sizeof line - 2] = '"';
	line[sizeof line - 1] = '}';
	for (int r = 0; r < RUNS; r++) {
		/* room for all of them: appends, then a reader draining in batches */
		struct spool_opts o = { .max_bytes = (size_t)1 << 30 };
		struct memq *q = memq_open(&o);
		struct spool_pos last;
		long got = 0;
		int k;

		if (q == NULL)
			return 71;
		double t0 = now_s();
		for (long i = 0; i < n; i++)
			if (memq_append(q, line, sizeof line) != SPOOL_OK)
				return 74;
		double t1 = now_s();
		while ((k = memq_peek(q, 1000, 1 << 20, count, &last)) > 0) {
			got += k;
			if (memq_ack(q, last) != 0)
				return 74;
		}
		double t2 = now_s();
		memq_close(q);
		if (got != n)
			return 1;
		app[r] = (double)n / (t1 - t0);
		rd[r] = (double)n / (t2 - t1);

		/* a sink keeping up: 1000 in, 1000 out, memory stays at a block or two */
		q = memq_open(NULL);
		if (q == NULL)
			return 71;
		double t3 = now_s();
		for (long i = 0; i < n; i++) {
			if (memq_append(q, line, sizeof line) != SPOOL_OK)
				return 74;
			if (i % 1000 == 999) {
				if (memq_peek(q, 1000, 1 << 20, count, &last) != 1000 || memq_ack(q, last) != 0)
					return 74;
			}
		}
		double t4 = now_s();
		mem = memq_memory(q);
		memq_close(q);
		cyc[r] = (double)n / (t4 - t3);
	}
	qsort(app, RUNS, sizeof *app, cmp_double);
	qsort(rd, RUNS, sizeof *rd, cmp_double);
	qsort(cyc, RUNS, sizeof *cyc, cmp_double);
	printf("memq: %ld records of %zu bytes, median of %d: append %.0f/s (%.0f MB/s), peek+ack %.0f/s; "
	    "interleaved 1000 in, 1000 out %.0f/s holding %zu bytes\n", n, sizeof line, RUNS, app[RUNS / 2],
	    app[RUNS / 2] * (double)sizeof line / 1e6, rd[RUNS / 2], cyc[RUNS / 2], mem);
	return 0;
}
