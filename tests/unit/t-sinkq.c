/* t-sinkq: one scenario against a spool and a memory queue: the sink sees the same behaviour from both. */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#include "log.h"
#include "sinkq.h"
#include "tap.h"

/* What a sink can observe, written down step by step. */
struct trace {
	char	*buf;
	size_t	 len, cap;
};

__attribute__((format(printf, 2, 3)))
static void tr(struct trace *t, const char *fmt, ...)
{
	char line[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	if (t->len + (size_t)n + 2 > t->cap) {
		char *b;

		t->cap = (t->len + (size_t)n + 2) * 2;
		if ((b = realloc(t->buf, t->cap)) == NULL)
			abort();
		t->buf = b;
	}
	memcpy(t->buf + t->len, line, (size_t)n);
	t->len += (size_t)n;
	t->buf[t->len++] = '\n';
	t->buf[t->len] = '\0';
}

struct peeked {
	struct trace	*t;
	struct spool_pos last;
	int		 stop_at;	/* refuse the line with this record number (-1: none) */
	int		 bad;
};

static int take(const char *line, size_t n, struct spool_pos after, void *arg)
{
	struct peeked *p = arg;
	int i;

	if (strlen(line) != n || sscanf(line, "{\"i\":%d", &i) != 1)
		p->bad++;
	else if (i == p->stop_at)
		return 1;
	tr(p->t, "  line %.12s... len %zu pos %" PRIu64 ":%" PRIu64 ":%" PRIu64, line, n,
	    after.seg, after.off, after.n);
	p->last = after;
	return 0;
}

static int add(struct sinkq *q, int i, size_t len)
{
	char buf[2048];
	int n = snprintf(buf, sizeof buf, "{\"i\":%d,\"pad\":\"", i);

	if (n < 0 || (size_t)n + 2 > len || len > sizeof buf)
		abort();
	memset(buf + n, '.', len - 2 - (size_t)n);
	buf[len - 2] = '"';
	buf[len - 1] = '}';
	return sinkq_append(q, buf, len);
}

static void stats(struct trace *t, const struct sinkq *q)
{
	uint64_t pr, pb, dr, db;

	sinkq_stats(q, &pr, &pb, &dr, &db);
	tr(t, "stats pending %" PRIu64 "/%" PRIu64 " dropped %" PRIu64 "/%" PRIu64 " skipped %" PRIu64,
	    pr, pb, dr, db, sinkq_skipped(q));
}

static void peek(struct trace *t, struct sinkq *q, size_t max_records, size_t max_bytes, int stop_at,
    struct spool_pos *last)
{
	struct peeked p = { .t = t, .stop_at = stop_at };
	int n = sinkq_peek(q, max_records, max_bytes, take, &p);

	tr(t, "peek %zu %zu -> %d (bad %d)", max_records, max_bytes, n, p.bad);
	if (last != NULL && n > 0)
		*last = p.last;
}

/* The scenario: a sink's life with a small bounded queue. */
static void scenario(struct trace *t, struct sinkq *q)
{
	struct spool_pos last = { 0 }, early = { 0 }, bogus;
	char nul[] = "{\"i\":0}";
	int r;

	for (int i = 0; i < 8; i++)
		tr(t, "append %d -> %d", i, add(q, i, 99));
	tr(t, "sync -> %d", sinkq_sync(q));
	stats(t, q);
	peek(t, q, 3, SIZE_MAX, -1, &early);
	peek(t, q, 100, 250, -1, &last);
	peek(t, q, 100, 10, -1, &last);
	peek(t, q, 100, SIZE_MAX, 7, &last);
	tr(t, "ack -> %d", sinkq_ack(q, early));
	stats(t, q);
	sinkq_rewind(q);
	peek(t, q, 100, SIZE_MAX, -1, &last);
	peek(t, q, 100, SIZE_MAX, -1, NULL);
	for (int i = 8; i < 14; i++)
		tr(t, "append %d -> %d", i, add(q, i, 99));
	stats(t, q);
	peek(t, q, 2, SIZE_MAX, -1, &last);
	tr(t, "ack -> %d", sinkq_ack(q, last));
	stats(t, q);
	sinkq_rewind(q);
	peek(t, q, 100, SIZE_MAX, -1, &last);
	tr(t, "ack old -> %d", sinkq_ack(q, early));
	bogus = last;
	bogus.off += 5000;
	errno = 0;
	r = sinkq_ack(q, bogus);
	tr(t, "ack bogus -> %d %s", r, r != 0 ? strerror(errno) : "");
	tr(t, "ack -> %d", sinkq_ack(q, last));
	stats(t, q);

	/* bad lines */
	errno = 0;
	r = sinkq_append(q, "a\nb", 3);
	tr(t, "append newline -> %d %s", r, strerror(errno));
	errno = 0;
	r = sinkq_append(q, nul, sizeof nul);	/* the terminating NUL inside */
	tr(t, "append NUL -> %d %s", r, strerror(errno));
	errno = 0;
	r = sinkq_append(q, "", 0);
	tr(t, "append empty -> %d %s", r, strerror(errno));
	errno = 0;
	r = add(q, 99, 1200);
	tr(t, "append over max_line -> %d %s", r, strerror(errno));
	stats(t, q);

	/* fill up past max_bytes with the reader part way in */
	for (int i = 20; i < 26; i++)
		tr(t, "append %d -> %d", i, add(q, i, 149));
	peek(t, q, 3, SIZE_MAX, -1, &last);
	for (int i = 26; i < 34; i++)
		tr(t, "append %d -> %d", i, add(q, i, 149));
	stats(t, q);
	peek(t, q, 100, SIZE_MAX, -1, &last);
	tr(t, "ack -> %d", sinkq_ack(q, last));
	stats(t, q);
	tr(t, "sync -> %d", sinkq_sync(q));
}

static char *run(const char *dir, enum spool_drop drop)
{
	struct spool_opts o = { .max_bytes = 1000, .segment_bytes = 250, .drop = drop, .max_line = 1000 };
	struct trace t = { 0 };
	char err[256] = "";
	struct sinkq *q = sinkq_open(dir, &o, err, sizeof err);

	if (q == NULL) {
		printf("# sinkq_open: %s\n", err);
		return NULL;
	}
	scenario(&t, q);
	sinkq_close(q);
	return t.buf;
}

static void rm_dir(const char *dir)
{
	char p[512];
	struct dirent *de;
	DIR *d = opendir(dir);

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

/* The first line where the two traces differ, for the TAP diagnostics. */
static void show_diff(const char *a, const char *b)
{
	int line = 1;

	while (*a != '\0' && *a == *b) {
		line += *a == '\n';
		a++;
		b++;
	}
	printf("#   first difference at line %d:\n#   spool:  %.80s\n#   memory: %.80s\n", line, a, b);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");
	const enum spool_drop drops[] = { SPOOL_DROP_NEWEST, SPOOL_DROP_OLDEST };
	const char *names[] = { "DROP_NEWEST", "DROP_OLDEST" };
	char base[256], dir[300], err[256];
	struct sinkq *q;

	log_init("t-sinkq");
	snprintf(base, sizeof base, "%s/t-sinkq.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	for (size_t k = 0; k < 2; k++) {
		char *disk, *mem;

		snprintf(dir, sizeof dir, "%s/spool-%zu", base, k);
		disk = run(dir, drops[k]);
		mem = run(NULL, drops[k]);
		ok(disk != NULL && mem != NULL, "%s: the scenario ran on both backends", names[k]);
		if (disk != NULL && mem != NULL) {
			int lines = 0;

			for (const char *p = disk; *p != '\0'; p++)
				lines += *p == '\n';
			if (!ok(strcmp(disk, mem) == 0, "%s: the same %d observations from spool and memory", names[k],
			    lines))
				show_diff(disk, mem);
			ok(strstr(mem, k == 0 ? "append 12 -> 1" : "append 33 -> 0") != NULL,
			    "%s: %s", names[k], k == 0 ? "an append over max_bytes refused" : "appends always taken");
			ok(strstr(mem, "ack bogus -> -1 Invalid argument") != NULL, "%s: a bad ack shows", names[k]);
			ok(strstr(mem, "append NUL -> -1 Invalid argument") != NULL, "%s: a NUL refused by both", names[k]);
			ok(strstr(mem, k == 0 ? "dropped 11/1550" : "dropped 9/1300") != NULL, "%s: drops counted", names[k]);
			if (getenv("T_SINKQ_TRACE") != NULL)
				printf("%s", mem);
		}
		free(disk);
		free(mem);
		rm_dir(dir);
	}

	q = sinkq_open(NULL, NULL, err, sizeof err);
	ok(q != NULL && !sinkq_durable(q), "memory: not durable");
	ok(q != NULL && sinkq_sync(q) == 0 && sinkq_skipped(q) == 0, "memory: sync is a no-op, nothing skipped");
	sinkq_close(q);
	snprintf(dir, sizeof dir, "%s/spool", base);
	q = sinkq_open(dir, NULL, err, sizeof err);
	ok(q != NULL && sinkq_durable(q), "spool: durable");
	sinkq_close(q);
	rm_dir(dir);
	snprintf(dir, sizeof dir, "%s/no/such", base);
	err[0] = '\0';
	q = sinkq_open(dir, NULL, err, sizeof err);
	ok(q == NULL && strstr(err, dir) != NULL, "an unusable spool dir: NULL and a message: %s", err);
	sinkq_close(NULL);
	rmdir(base);
	return done_testing();
}
