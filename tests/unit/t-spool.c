/* t-spool: the sinks' on-disk write-ahead log: order, acks, reopen, crashes, bounds, bad input. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "spool.h"
#include "peeked.h"
#include "tap.h"
#include "testutil.h"

static char base[200];

/* Appends record i as a line of len bytes (len + 1 on disk). */
static int add(struct spool *s, long i, size_t len)
{
	char buf[4096];
	int n = snprintf(buf, sizeof buf, "{\"i\":%ld,\"pad\":\"", i);

	if (n < 0 || (size_t)n + 2 > len || len > sizeof buf)
		abort();
	memset(buf + n, '.', len - 2 - (size_t)n);
	buf[len - 2] = '"';
	buf[len - 1] = '}';
	return spool_append(s, buf, len);
}

static char *path(const char *name)
{
	static char buf[4][256];
	static int k;

	k = (k + 1) % 4;
	snprintf(buf[k], sizeof buf[k], "%s/%s", base, name);
	return buf[k];
}

/* Segment files in dir, their bytes together, and the newest one's name. */
static int segs(const char *dir, long long *bytes, char *newest, size_t len)
{
	char p[512];
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);
	int n = 0;

	if (bytes)
		*bytes = 0;
	if (newest)
		*newest = '\0';
	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "seg-", 4) != 0)
			continue;
		n++;
		snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
		if (bytes && stat(p, &st) == 0)
			*bytes += st.st_size;
		if (newest && strcmp(de->d_name, newest) > 0)
			snprintf(newest, len, "%s", de->d_name);
	}
	closedir(d);
	return n;
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

static struct spool *sp_open(const char *dir, size_t max_bytes, size_t seg_bytes, enum spool_drop drop,
    size_t max_line)
{
	struct spool_opts o = { .max_bytes = max_bytes, .segment_bytes = seg_bytes, .drop = drop,
	    .max_line = max_line };
	char err[256] = "";
	struct spool *s = spool_open(dir, &o, err, sizeof err);

	if (s == NULL)
		printf("# spool_open %s: %s\n", dir, err);
	return s;
}

static void test_order(void)
{
	const char *dir = path("order");
	struct got g = { 0 };
	uint64_t pr, pb;
	struct spool *s;
	int bad = 0;

	s = sp_open(dir, 1 << 20, 200, SPOOL_DROP_NEWEST, 0);
	ok(s != NULL, "open creates the spool");
	if (s == NULL)
		return;
	for (long i = 0; i < 50; i++)
		bad += add(s, i, 25) != SPOOL_OK;
	is_int(bad, 0, "50 appends");
	ok(segs(dir, NULL, NULL, 0) >= 5, "records spread over several segments (%d)", segs(dir, NULL, NULL, 0));
	spool_stats(s, &pr, &pb, NULL, NULL);
	is_int(pr, 50, "50 pending");

	is_int(spool_peek(s, 10, SIZE_MAX, collect, &g), 10, "a batch of 10");
	ok(got_range(&g, 0, 9), "records 0-9 in order");
	struct spool_pos after4 = g.pos[4];
	got_reset(&g);
	is_int(spool_peek(s, 10, SIZE_MAX, collect, &g), 10, "the next batch of 10");
	ok(got_range(&g, 10, 19), "records 10-19: peek moved the read cursor");
	got_reset(&g);

	is_int(spool_ack(s, after4), 0, "ack after record 4");
	spool_stats(s, &pr, NULL, NULL, NULL);
	is_int(pr, 45, "45 pending after the ack");
	spool_rewind(s);
	is_int(spool_peek(s, 10, SIZE_MAX, collect, &g), 10, "rewind: a batch again");
	ok(got_range(&g, 5, 14), "rewind resends from the ack: 5-14");
	got_reset(&g);

	/* the byte limit stops a batch, but at least one line comes out */
	is_int(spool_peek(s, 100, 1, collect, &g), 1, "a byte limit below one line still gives one");
	ok(got_range(&g, 15, 15), "record 15");
	got_reset(&g);
	g.stop_after = 3;
	is_int(spool_peek(s, 100, SIZE_MAX, collect, &g), 3, "fn stopping the batch: 3 taken");
	ok(got_range(&g, 16, 18), "records 16-18");
	got_reset(&g);

	is_int(spool_peek(s, 1000, SIZE_MAX, collect, &g), 31, "the rest");
	ok(got_range(&g, 19, 49), "records 19-49, crossing segments");
	is_int(spool_peek(s, 1000, SIZE_MAX, collect, &g), 0, "caught up: 0");
	is_int(spool_ack(s, g.last), 0, "ack everything");
	is_int(spool_ack(s, after4), 0, "an old ack is a no-op");
	spool_stats(s, &pr, &pb, NULL, NULL);
	is_int(pr, 0, "nothing pending");
	is_int(pb, 0, "no pending bytes");
	is_int(segs(dir, NULL, NULL, 0), 1, "finished segments unlinked: only the newest is left");
	got_reset(&g);

	/* the writer and the reader interleave */
	bad = 0;
	for (long i = 50; i < 60; i++) {
		bad += add(s, i, 25) != SPOOL_OK;
		bad += spool_peek(s, 10, SIZE_MAX, collect, &g) != 1;
	}
	is_int(bad, 0, "append, peek, append, peek: one line each time");
	ok(got_range(&g, 50, 59), "reader caught up with the writer in order");
	struct spool_pos bogus = g.last;
	bogus.off += 1000;
	errno = 0;
	ok(spool_ack(s, bogus) == -1 && errno == EINVAL, "an ack past the data: EINVAL");
	got_reset(&g);
	spool_close(s);
	rm_dir(dir);
}

static void test_reopen(void)
{
	const char *dir = path("reopen");
	struct got g = { 0 };
	char seg1[600];
	struct stat st;
	uint64_t pr;
	struct spool *s;

	s = sp_open(dir, 1 << 20, 200, SPOOL_DROP_NEWEST, 0);
	if (s == NULL) {
		ok(0, "open");
		return;
	}
	for (long i = 0; i < 30; i++)
		add(s, i, 25);
	spool_peek(s, 1000, SIZE_MAX, collect, &g);
	is_int(g.n, 30, "30 peeked");
	is_int(spool_ack(s, g.pos[19]), 0, "ack through record 19");
	got_reset(&g);
	spool_close(s);

	snprintf(seg1, sizeof seg1, "%s/seg-0000000000000001.ndjson", dir);
	ok(stat(seg1, &st) == -1 && errno == ENOENT, "the first, finished segment is gone");
	ok(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700, "directory is 0700");
	ok(stat(path("reopen/ack"), &st) == 0 && (st.st_mode & 077) == 0, "ack file is private");
	char newest[300];
	segs(dir, NULL, newest, sizeof newest);
	snprintf(seg1, sizeof seg1, "%s/%s", dir, newest);
	ok(stat(seg1, &st) == 0 && (st.st_mode & 077) == 0, "segment files are private");

	s = sp_open(dir, 1 << 20, 200, SPOOL_DROP_NEWEST, 0);
	ok(s != NULL, "reopen");
	if (s == NULL)
		return;
	spool_stats(s, &pr, NULL, NULL, NULL);
	is_int(pr, 10, "10 pending after reopen");
	is_int(spool_peek(s, 1000, SIZE_MAX, collect, &g), 10, "10 replayed");
	ok(got_range(&g, 20, 29), "unacknowledged records 20-29 replayed in order, acked ones never");
	spool_ack(s, g.last);
	got_reset(&g);
	add(s, 30, 25);
	spool_close(s);

	s = sp_open(dir, 1 << 20, 200, SPOOL_DROP_NEWEST, 0);
	ok(s != NULL, "reopen again");
	if (s == NULL)
		return;
	is_int(spool_peek(s, 1000, SIZE_MAX, collect, &g), 1, "only the one new record");
	ok(got_range(&g, 30, 30), "record 30");
	got_reset(&g);
	spool_close(s);

	/* a damaged ack file: replay what is left rather than lose it */
	FILE *fp = fopen(path("reopen/ack"), "w");
	if (fp != NULL) {
		fputs("garbage\n", fp);
		fclose(fp);
	}
	s = sp_open(dir, 1 << 20, 200, SPOOL_DROP_NEWEST, 0);
	ok(s != NULL, "open with a damaged ack file");
	if (s == NULL)
		return;
	spool_peek(s, 1000, SIZE_MAX, collect, &g);
	ok(g.n > 1 && got_range(&g, g.v[0], 30), "the segment left is replayed whole (%zu records)", g.n);
	got_reset(&g);
	spool_close(s);
	rm_dir(dir);

	/* fsync on every append */
	struct spool_opts o = { .fsync_each = true };
	s = spool_open(dir, &o, NULL, 0);
	ok(s != NULL, "open with fsync_each");
	if (s == NULL)
		return;
	is_int(add(s, 0, 25) + add(s, 1, 25), SPOOL_OK, "two synced appends");
	is_int(spool_peek(s, 1000, SIZE_MAX, collect, &g), 2, "read back");
	got_reset(&g);
	spool_close(s);
	rm_dir(dir);
}

static void test_crash(void)
{
	const char *dir = path("crash");
	struct got g = { 0 };
	char newest[300], file[600];
	long synced = -1, v;
	struct spool *s;
	int p[2], status, fd;
	pid_t pid;

	s = sp_open(dir, 64 << 20, 4096, SPOOL_DROP_NEWEST, 0);
	if (s == NULL) {
		ok(0, "open");
		return;
	}
	for (long i = 0; i < 100; i++)
		add(s, i, 40);
	spool_peek(s, 1000, SIZE_MAX, collect, &g);
	spool_ack(s, g.pos[49]);
	got_reset(&g);
	spool_close(s);

	if (pipe(p) != 0)
		abort();
	fflush(stdout);
	if ((pid = fork()) == -1)
		abort();
	if (pid == 0) {
		close(p[0]);
		s = sp_open(dir, 64 << 20, 4096, SPOOL_DROP_NEWEST, 0);
		if (s == NULL)
			_exit(1);
		for (long i = 100; i < 10000000; i++) {
			if (add(s, i, 40) != SPOOL_OK)
				_exit(1);
			if (i % 50 == 0 && (spool_sync(s) != 0 || write(p[1], &i, sizeof i) != sizeof i))
				_exit(1);
		}
		_exit(0);
	}
	close(p[1]);
	while (read(p[0], &v, sizeof v) == sizeof v && (synced = v) < 2000)
		;
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	close(p[0]);
	ok(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "writer killed with SIGKILL after %ld records", synced);

	/* what a kill in the middle of a write(2) would leave */
	segs(dir, NULL, newest, sizeof newest);
	snprintf(file, sizeof file, "%s/%s", dir, newest);
	fd = open(file, O_WRONLY | O_APPEND);
	ok(fd != -1 && write(fd, "{\"i\":torn,\"pa", 13) == 13, "torn line written into %s", newest);
	if (fd != -1)
		close(fd);

	s = sp_open(dir, 64 << 20, 4096, SPOOL_DROP_NEWEST, 0);
	ok(s != NULL, "reopen after the crash (the lock died with the writer)");
	if (s == NULL)
		return;
	spool_peek(s, SIZE_MAX, SIZE_MAX, collect, &g);
	ok(g.n > 0 && g.v[0] == 50, "replay starts after the last ack (record 50)");
	ok(g.n > 0 && got_range(&g, 50, g.v[g.n - 1]), "no gaps, no duplicates");
	ok(g.n > 0 && g.v[g.n - 1] >= synced, "every synced record is there (last %ld >= %ld)",
	    g.n > 0 ? g.v[g.n - 1] : -1, synced);
	is_int(g.torn, 0, "the torn line is gone");
	is_int(spool_skipped(s), 0, "nothing counted as corrupt");

	char last = 0;
	fd = open(file, O_RDONLY);
	off_t end = fd != -1 ? lseek(fd, 0, SEEK_END) : 0;
	ok(fd != -1 && end > 0 && pread(fd, &last, 1, end - 1) == 1 && last == '\n', "segment ends with a newline");
	if (fd != -1)
		close(fd);
	is_int(add(s, 99999999, 40), SPOOL_OK, "append after the repair");
	got_reset(&g);
	is_int(spool_peek(s, SIZE_MAX, SIZE_MAX, collect, &g), 1, "it reads back whole");
	ok(g.n == 1 && g.v[0] == 99999999, "record intact (not glued to a torn line)");
	got_reset(&g);
	spool_close(s);
	rm_dir(dir);
}

static void test_bounds(void)
{
	const char *dir = path("newest");
	struct got g = { 0 };
	uint64_t pr, dr, db;
	long long bytes, maxseen = 0;
	struct spool *s;
	char big[1500];
	int bad = 0, full = 0;

	/* records of exactly 100 bytes with the newline: two per segment */
	s = sp_open(dir, 1000, 250, SPOOL_DROP_NEWEST, 0);
	if (s == NULL) {
		ok(0, "open");
		return;
	}
	is_int(add(s, 0, 99), SPOOL_OK, "a 100-byte record");
	segs(dir, &bytes, NULL, 0);
	is_int(bytes, 100, "100 bytes on disk");
	for (long i = 1; i < 10; i++)
		bad += add(s, i, 99) != SPOOL_OK;
	is_int(bad, 0, "1000 bytes fit");
	is_int(add(s, 10, 99), SPOOL_FULL, "DROP_NEWEST: the next append is refused: SPOOL_FULL");
	spool_stats(s, &pr, NULL, &dr, &db);
	is_int(dr, 1, "one record counted as dropped");
	is_int(db, 100, "its 100 bytes counted");
	is_int(pr, 10, "the 10 stored are still pending");
	segs(dir, &bytes, NULL, 0);
	is_int(bytes, 1000, "1000 bytes on disk");
	spool_peek(s, 3, SIZE_MAX, collect, &g);
	spool_ack(s, g.last);
	is_int(add(s, 11, 99), SPOOL_OK, "after an ack frees a segment, appends work again");
	got_reset(&g);
	spool_peek(s, SIZE_MAX, SIZE_MAX, collect, &g);
	is_int(g.n, 8, "8 pending read back");
	ok(g.n == 8 && g.v[0] == 3 && g.v[6] == 9 && g.v[7] == 11, "3-9 and 11, the refused 10 is missing");
	got_reset(&g);
	spool_close(s);
	rm_dir(dir);

	dir = path("oldest");
	s = sp_open(dir, 1000, 250, SPOOL_DROP_OLDEST, 0);
	if (s == NULL) {
		ok(0, "open");
		return;
	}
	for (long i = 0; i < 10; i++)
		add(s, i, 99);
	spool_peek(s, 1, SIZE_MAX, collect, &g);
	spool_ack(s, g.last);
	got_reset(&g);
	is_int(add(s, 10, 99), SPOOL_OK, "DROP_OLDEST: the append goes in");
	spool_stats(s, &pr, NULL, &dr, &db);
	is_int(dr, 1, "the oldest segment went: its one unacknowledged record counted");
	is_int(db, 100, "and its bytes (the acked one not counted)");
	is_int(pr, 9, "9 pending");
	segs(dir, &bytes, NULL, 0);
	is_int(bytes, 900, "900 bytes on disk: 200 went, 100 came");
	spool_peek(s, SIZE_MAX, SIZE_MAX, collect, &g);
	ok(got_range(&g, 2, 10), "records 2-10 left, in order");
	got_reset(&g);

	/* a reader in the middle of the segment that goes */
	spool_rewind(s);
	spool_peek(s, 1, SIZE_MAX, collect, &g);
	got_reset(&g);
	for (long i = 11; i < 60; i++) {
		full += add(s, i, 99) != SPOOL_OK;
		segs(dir, &bytes, NULL, 0);
		if (bytes > maxseen)
			maxseen = bytes;
	}
	is_int(full, 0, "49 more appends all taken");
	ok(maxseen <= 1000, "never more than max_bytes on disk (%lld)", maxseen);
	spool_stats(s, &pr, NULL, &dr, &db);
	is_int(pr + dr, 59, "pending + dropped + 1 acked = 60 appended (%" PRIu64 " + %" PRIu64 ")", pr, dr);
	spool_peek(s, SIZE_MAX, SIZE_MAX, collect, &g);
	ok(g.n == pr && g.n > 0 && got_range(&g, g.v[0], 59), "the reader skips to what is left: %zu records up to 59",
	    g.n);
	got_reset(&g);

	memset(big, 'x', sizeof big);
	is_int(spool_append(s, big, sizeof big), SPOOL_FULL, "a line bigger than max_bytes: SPOOL_FULL");
	spool_stats(s, &pr, NULL, NULL, NULL);
	ok(pr > 0, "and it dropped nothing else");
	spool_close(s);
	rm_dir(dir);
}

static void test_bad_lines(void)
{
	const char *dir = path("bad");
	struct got g = { 0 };
	char file[512], *huge;
	size_t hn = 200000;
	uint64_t pr;
	struct spool *s;
	FILE *fp;

	s = sp_open(dir, 0, 0, SPOOL_DROP_NEWEST, 64);
	if (s == NULL) {
		ok(0, "open");
		return;
	}
	errno = 0;
	ok(spool_append(s, "a\nb", 3) == SPOOL_ERR && errno == EINVAL, "append of a line with a newline: EINVAL");
	ok(spool_append(s, "", 0) == SPOOL_ERR, "append of an empty line refused");
	huge = malloc(hn);
	if (huge == NULL)
		abort();
	memset(huge, 'x', hn);
	ok(spool_append(s, huge, 65) == SPOOL_ERR, "append over max_line refused");
	spool_close(s);

	snprintf(file, sizeof file, "%s/seg-0000000000000001.ndjson", dir);
	fp = fopen(file, "a");
	ok(fp != NULL, "segment 1 exists");
	if (fp == NULL) {
		free(huge);
		return;
	}
	fputs("{\"i\":1}\n", fp);
	fwrite("{\"i\":\0}\n", 1, 8, fp);
	fputs("{\"i\":\xff\xfe}\n", fp);
	fprintf(fp, "{\"i\":%0100d}\n", 7);
	fwrite(huge, 1, hn, fp);
	fputs("\n{\"i\":2}\n", fp);
	fclose(fp);
	free(huge);

	s = sp_open(dir, 0, 0, SPOOL_DROP_NEWEST, 64);
	if (s == NULL) {
		ok(0, "reopen");
		return;
	}
	spool_stats(s, &pr, NULL, NULL, NULL);
	is_int(pr, 6, "6 lines pending");
	is_int(spool_peek(s, 100, SIZE_MAX, collect, &g), 2, "two good lines handed out");
	ok(got_range(&g, 1, 2), "records 1 and 2; NUL, bad UTF-8, long and huge lines never");
	is_int(g.torn, 0, "nothing else passed on");
	is_int(spool_skipped(s), 4, "4 corrupt lines counted");
	spool_rewind(s);
	got_reset(&g);
	is_int(spool_peek(s, 100, SIZE_MAX, collect, &g), 2, "replayed after rewind");
	is_int(spool_skipped(s), 4, "corrupt lines counted once");
	spool_ack(s, g.last);
	spool_stats(s, &pr, NULL, NULL, NULL);
	is_int(pr, 0, "acking past them clears them");
	got_reset(&g);
	spool_close(s);
	rm_dir(dir);
}

static void test_unusable(void)
{
	char err[256];
	struct spool *s, *s2;
	const char *d;
	FILE *fp;

	d = path("file");
	fp = fopen(d, "w");
	if (fp)
		fclose(fp);
	err[0] = '\0';
	s = spool_open(d, NULL, err, sizeof err);
	ok(s == NULL && strstr(err, "not a directory") != NULL, "a file in place of the dir: %s", err);
	spool_close(s);
	unlink(d);

	err[0] = '\0';
	s = spool_open(path("no/such"), NULL, err, sizeof err);
	ok(s == NULL && strstr(err, "cannot create directory") != NULL, "missing parent: %s", err);
	spool_close(s);

	d = path("locked");
	s = spool_open(d, NULL, err, sizeof err);
	ok(s != NULL, "first open");
	err[0] = '\0';
	s2 = spool_open(d, NULL, err, sizeof err);
	ok(s2 == NULL && strstr(err, "in use") != NULL, "second open of the same dir: %s", err);
	spool_close(s2);
	spool_close(s);
	s2 = spool_open(d, NULL, err, sizeof err);
	ok(s2 != NULL, "open after close works");
	spool_close(s2);
	rm_dir(d);

	d = path("ro");
	mkdir(d, 0500);
	if (geteuid() != 0) {
		err[0] = '\0';
		s = spool_open(d, NULL, err, sizeof err);
		ok(s == NULL && err[0] != '\0', "an unwritable dir: %s", err);
		spool_close(s);
	} else {
		/* root writes anywhere: try as nobody */
		int status;
		pid_t pid;

		fflush(stdout);
		if ((pid = fork()) == 0) {
			if (setgid(65534) != 0 || setuid(65534) != 0)
				_exit(2);
			err[0] = '\0';
			s = spool_open(d, NULL, err, sizeof err);
			printf("# as nobody: %s\n", err);
			fflush(stdout);
			_exit(s == NULL && err[0] != '\0' ? 0 : 1);
		}
		waitpid(pid, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
			skip(1, "cannot become nobody");
		else
			ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "an unwritable dir: NULL with a message");
	}
	rmdir(d);
}

static double ms_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) * 1e3 + (double)(t.tv_nsec - t0->tv_nsec) / 1e6;
}

/* Reads a batch and checks the order as it goes, without keeping the lines. */
struct run {
	long		 next;
	long		 bad;
	struct spool_pos last;
};

static int check_run(const char *line, size_t n, struct spool_pos after, void *arg)
{
	struct run *r = arg;
	long i;

	if (n < 250 || sscanf(line, "{\"i\":%ld", &i) != 1 || i != r->next)
		r->bad++;
	r->next++;
	r->last = after;
	return 0;
}

static void test_large(void)
{
	const long N = 200000;
	const char *dir = path("large");
	struct timespec t0;
	double ta, ts, tr;
	struct run r = { 0 };
	uint64_t pr;
	long bad = 0, acks = 0;
	struct spool *s;
	int n;

	s = sp_open(dir, (size_t)256 << 20, 0, SPOOL_DROP_NEWEST, 0);
	if (s == NULL) {
		ok(0, "open");
		return;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < N; i++)
		bad += add(s, i, 299) != SPOOL_OK;
	ta = ms_since(&t0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	is_int(spool_sync(s), 0, "one sync");
	ts = ms_since(&t0);
	is_int(bad, 0, "200000 records of ~300 bytes appended");
	ok(segs(dir, NULL, NULL, 0) > 10, "in %d segments", segs(dir, NULL, NULL, 0));

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while ((n = spool_peek(s, 1000, SIZE_MAX, check_run, &r)) > 0) {
		if (n != 1000)
			bad++;
		if (spool_ack(s, r.last) != 0)
			bad++;
		acks++;
	}
	tr = ms_since(&t0);
	is_int(n, 0, "read to the end");
	is_int(r.next, N, "all records read back");
	is_int(r.bad, 0, "all in order and whole");
	is_int(bad, 0, "batches of 1000, every ack persisted");
	is_int(acks, N / 1000, "200 batches");
	spool_stats(s, &pr, NULL, NULL, NULL);
	is_int(pr, 0, "nothing pending");
	is_int(segs(dir, NULL, NULL, 0), 1, "one segment left");
	printf("# %ld records: append %.0f ms, sync %.0f ms, read and ack %.0f ms\n", N, ta, ts, tr);
	spool_close(s);
	rm_dir(dir);
}

int main(void)
{
	const char *tmp = getenv("TMPDIR");

	log_init("t-spool");
	log_set_level(LL_ERROR);	/* the corrupt lines are meant to warn */
	snprintf(base, sizeof base, "%s/t-spool.XXXXXX", tmp != NULL && *tmp != '\0' ? tmp : "/tmp");
	if (mkdtemp(base) == NULL) {
		perror("mkdtemp");
		return 1;
	}
	test_order();
	test_reopen();
	test_crash();
	test_bounds();
	test_bad_lines();
	test_unusable();
	test_large();
	rm_dir(path("no"));
	rmdir(base);
	return done_testing();
}
