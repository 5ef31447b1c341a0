/* bench-spool: append, sync, replay and acknowledge N records through the spool; prints rates. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "spool.h"

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

int main(int argc, char **argv)
{
	char dir[] = "/tmp/bench-spool.XXXXXX", err[256], line[300];
	long n = argc > 1 ? atol(argv[1]) : 500000;
	struct spool_opts o = { .max_bytes = (size_t)1 << 30 };

	log_set_level(LL_ERROR);
	if (!mkdtemp(dir))
		return 73;
	struct spool *s = spool_open(dir, &o, err, sizeof err);
	if (!s) {
		fprintf(stderr, "%s\n", err);
		return 73;
	}
	memset(line, 'x', sizeof line);
	const char *head = "{\"kind\":\"log_event\",\"message\":\"";
	memcpy(line, head, strlen(head));
	line[sizeof line - 2] = '"';
	line[sizeof line - 1] = '}';
	double t0 = now_s();
	for (long i = 0; i < n; i++)
		if (spool_append(s, line, sizeof line) != SPOOL_OK)
			return 74;
	double t1 = now_s();
	spool_sync(s);
	double t2 = now_s();
	long got = 0;
	struct spool_pos last;
	int k;
	while ((k = spool_peek(s, 1000, 1 << 20, count, &last)) > 0) {
		got += k;
		spool_ack(s, last);
	}
	double t3 = now_s();
	spool_close(s);
	printf("spool: %ld records of %zu bytes: append %.0f/s (%.0f MB/s), fsync %.1f ms, "
	    "replay+ack %.0f/s; %ld read back\n", n, sizeof line, (double)n / (t1 - t0),
	    (double)n * sizeof line / 1e6 / (t1 - t0), (t2 - t1) * 1e3, (double)got / (t3 - t2), got);
	/* acknowledged segments are gone but the open one; remove what is left */
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[sizeof dir + 256 + 2];
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (d)
		closedir(d);
	rmdir(dir);
	return got == n ? 0 : 1;
}
