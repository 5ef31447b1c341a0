/*
 * out: the log files. Rows collect in a per-file buffer and leave in one
 * write(2) when it fills, unless a reader must see each row at once
 * (--partial, --roll-every; main.c flushes after each --rate burst).
 * Roll-over follows Sense: the closed X.txt becomes
 * X_<YYYY-MM-DDTHH.mm.ss>Z.log and a new X.txt starts with a header.
 */
#include "sense-logs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define BOM "\xef\xbb\xbf"
#define TAIL_MAX (64 * 1024)	/* how much of an existing file is read for its last Sequence# */

static uint64_t total;		/* bytes formatted, over all files */

uint64_t out_total(void)
{
	return total;
}

static void write_all(const struct lfile *f, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(f->fd, p, n);

		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			die(EX_IOERR, "%s: write: %s", f->path, k < 0 ? strerror(errno) : "no progress");
		p += k;
		n -= (size_t)k;
	}
}

void out_flush(struct lfile *f)
{
	if (f->len == 0)
		return;
	write_all(f, f->buf, f->len);
	f->len = 0;
}

/* The row in two writes with a pause, so a reader can catch half a line. */
static void flush_partial(struct lfile *f)
{
	size_t half = f->len / 2;
	struct timespec pause = { .tv_sec = 0, .tv_nsec = 2000000 };

	write_all(f, f->buf, half);
	/* an interrupted pause only shortens it */
	(void)clock_nanosleep(CLOCK_MONOTONIC, 0, &pause, NULL);
	write_all(f, f->buf + half, f->len - half);
	f->len = 0;
}

static void append(struct lfile *f, const char *s, size_t n)
{
	memcpy(f->buf + f->len, s, n);
	f->len += n;
	total += n;
}

static void write_header(struct lfile *f, const struct outopt *o)
{
	const char *eol = o->lf ? "\n" : "\r\n";

	if (o->bom)
		append(f, BOM, sizeof BOM - 1);
	append(f, f->t->header, strlen(f->t->header));
	append(f, eol, strlen(eol));
	out_flush(f);
}

/*
 * An existing file: continue its Sequence# (from the last line that starts
 * with digits and a TAB), and end a torn last line so ours start clean.
 */
static void resume(struct lfile *f, off_t size, const struct outopt *o)
{
	static char tail[TAIL_MAX];
	off_t from = size > TAIL_MAX ? size - TAIL_MAX : 0;
	ssize_t n = pread(f->fd, tail, (size_t)(size - from), from);
	char *p = tail, *end;

	if (n < 0)
		die(EX_IOERR, "%s: read: %s", f->path, strerror(errno));
	end = tail + n;
	if (from > 0) {		/* skip the line cut by the window */
		char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
	}
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *q = p;
		uint64_t v = 0;

		while (q < end && *q >= '0' && *q <= '9' && v < UINT64_MAX / 10)
			v = v * 10 + (uint64_t)(*q++ - '0');
		if (q > p && q < end && *q == '\t')
			f->fseq = v;
		p = nl ? nl + 1 : end;
	}
	if (n > 0 && end[-1] != '\n') {
		append(f, o->lf ? "\n" : "\r\n", o->lf ? 1 : 2);
		out_flush(f);
	}
}

void out_open(struct lfile *f, const struct outopt *o)
{
	struct stat st;

	if (!f->buf && !(f->buf = malloc(OUT_BUF)))
		die(EX_OSERR, "out of memory");
	f->len = 0;
	f->in_file = 0;
	/* read too: an existing file is resumed from its tail */
	f->fd = open(f->path, O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (f->fd < 0)
		die(EX_IOERR, "%s: open: %s", f->path, strerror(errno));
	if (fstat(f->fd, &st) != 0)
		die(EX_IOERR, "%s: stat: %s", f->path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		die(EX_IOERR, "%s: not a regular file", f->path);
	if (st.st_size == 0)
		write_header(f, o);
	else
		resume(f, st.st_size, o);
}

static void close_fd(struct lfile *f)
{
	if (close(f->fd) != 0)
		die(EX_IOERR, "%s: close: %s", f->path, strerror(errno));
	f->fd = -1;
}

void out_close(struct lfile *f)
{
	out_flush(f);
	close_fd(f);
	free(f->buf);
	f->buf = NULL;
}

/* "2024-11-05T11.02.44" for now, UTC: Sense's roll-over stamp. */
static void roll_stamp(char *dst, size_t size)
{
	time_t now = time(NULL);
	struct tm tm;

	if (!gmtime_r(&now, &tm) || strftime(dst, size, "%Y-%m-%dT%H.%M.%S", &tm) == 0)
		die(EX_SOFTWARE, "cannot format the time");
}

/* Renames without replacing: 0, or -1 with errno (EEXIST: pick another name). */
static int rename_new(const char *from, const char *to)
{
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
	/* a file system without RENAME_NOREPLACE: link(2) refuses to replace too */
	if (link(from, to) != 0)
		return -1;
	return unlink(from);
}

static void roll(struct lfile *f, const struct outopt *o)
{
	char stamp[sizeof f->roll_stamp], to[sizeof f->path + 64];
	size_t base = strlen(f->path);

	out_flush(f);
	close_fd(f);
	if (base > 4 && strcmp(f->path + base - 4, ".txt") == 0)
		base -= 4;
	roll_stamp(stamp, sizeof stamp);
	if (strcmp(stamp, f->roll_stamp) == 0) {
		f->roll_n++;	/* several roll-overs in one second */
	} else {
		memcpy(f->roll_stamp, stamp, sizeof stamp);
		f->roll_n = 0;
	}
	for (;;) {
		int n;

		if (f->roll_n == 0)
			n = snprintf(to, sizeof to, "%.*s_%sZ.log", (int)base, f->path, stamp);
		else
			n = snprintf(to, sizeof to, "%.*s_%sZ.%u.log", (int)base, f->path, stamp, f->roll_n);
		if (n < 0 || (size_t)n >= sizeof to)
			die(EX_IOERR, "%s: roll-over name too long", f->path);
		if (rename_new(f->path, to) == 0)
			break;
		if (errno != EEXIST)
			die(EX_IOERR, "%s: rename to %s: %s", f->path, to, strerror(errno));
		f->roll_n++;	/* left by an earlier run */
	}
	out_open(f, o);
}

void out_row(struct lfile *f, const struct outopt *o, const struct rowopt *ro, uint64_t seq, uint64_t nth)
{
	size_t n;

	if (OUT_BUF - f->len < ROW_MAX)
		out_flush(f);
	n = row_format(f->buf + f->len, f->t, &f->cols, ro, seq, f->fseq + 1, nth);
	if (n == 0)
		die(EX_SOFTWARE, "%s: row %llu does not fit in %d bytes", f->path,
		    (unsigned long long)seq, ROW_MAX);
	f->fseq++;
	f->len += n;
	total += n;
	if (o->partial)
		flush_partial(f);
	else if (o->roll_every)
		out_flush(f);
	if (o->roll_every && ++f->in_file == o->roll_every)
		roll(f, o);
}

void out_mkdirs(const char *path)
{
	char p[PATH_LEN];
	struct stat st;
	size_t n = strlen(path);

	if (n >= sizeof p)
		die(EX_USAGE, "%s: path too long", path);
	memcpy(p, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			die(EX_IOERR, "%s: mkdir: %s", p, strerror(errno));
		p[i] = path[i];
	}
	if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
		die(EX_IOERR, "%s: not a directory", path);
}
