/* spool: a bounded write-ahead log of NDJSON lines in segment files, with an ack file. */
#include "spool.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include "log.h"
#include "ndjson.h"
#include "utf8.h"

#define SEG_NAME_LEN	27		/* "seg-" 16 hex digits ".ndjson" */
#define READ_SLACK	(64 * 1024)	/* read buffer beyond the longest line */

struct seg {
	uint64_t	seq;
	uint64_t	size;		/* bytes: whole lines only */
	uint64_t	first;		/* serial number of its first line */
	uint64_t	lines;
};

struct spool {
	char		*dir;
	int		 dirfd, lockfd;
	int		 wfd;		/* the newest segment, O_APPEND */
	int		 rfd;		/* the segment being read */
	uint64_t	 rfd_seq;
	struct spool_opts o;
	struct seg	*segs;		/* oldest first, never empty once open */
	size_t		 nsegs, capsegs;
	uint64_t	 total;		/* bytes in all segments */
	struct spool_pos ack;		/* always in segs[0] */
	struct spool_pos rd;		/* read cursor, never before the ack */
	uint64_t	 seen;		/* lines checked: a bad one is counted once */
	char		*buf;		/* bytes [bstart, bstart + blen) of segment bseq */
	size_t		 bcap, blen;
	uint64_t	 bseq, bstart;
	bool		 bvalid;
	bool		 dirty;		/* appended since the last fsync */
	bool		 dir_dirty;	/* a segment was created since */
	bool		 broken;	/* a segment could not be cut back to a line */
	uint64_t	 dropped_records, dropped_bytes, skipped;
};

static void seg_name(char *buf, size_t len, uint64_t seq)
{
	snprintf(buf, len, "seg-%016" PRIx64 ".ndjson", seq);
}

static bool seg_parse(const char *name, uint64_t *seq)
{
	uint64_t v = 0;

	if (strlen(name) != SEG_NAME_LEN || strncmp(name, "seg-", 4) != 0 ||
	    strcmp(name + 20, ".ndjson") != 0)
		return false;
	for (int i = 4; i < 20; i++) {
		int c = (unsigned char)name[i], d;

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return false;
		v = v << 4 | (uint64_t)d;
	}
	*seq = v;
	return true;
}

static int pos_cmp(struct spool_pos a, struct spool_pos b)
{
	if (a.seg != b.seg)
		return a.seg < b.seg ? -1 : 1;
	if (a.off != b.off)
		return a.off < b.off ? -1 : 1;
	return 0;
}

static ssize_t pread_full(int fd, char *buf, size_t n, uint64_t off)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = pread(fd, buf + got, n - got, (off_t)(off + got));

		if (r == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static int write_all(int fd, const char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);

		if (w == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static uint64_t next_serial(const struct spool *s)
{
	const struct seg *g;

	if (s->nsegs == 0)
		return 0;
	g = &s->segs[s->nsegs - 1];
	return g->first + g->lines;
}

static ssize_t seg_find(const struct spool *s, uint64_t seq)
{
	for (size_t i = 0; i < s->nsegs; i++)
		if (s->segs[i].seq == seq)
			return (ssize_t)i;
	return -1;
}

static int segs_push(struct spool *s, uint64_t seq)
{
	uint64_t first;

	if (s->nsegs == s->capsegs) {
		size_t cap = s->capsegs ? s->capsegs * 2 : 16;
		struct seg *n = reallocarray(s->segs, cap, sizeof *n);

		if (n == NULL)
			return -1;
		s->segs = n;
		s->capsegs = cap;
	}
	first = next_serial(s);
	s->segs[s->nsegs++] = (struct seg){ .seq = seq, .first = first };
	return 0;
}

/* Unlinks the oldest segment; the ack has moved past it already. */
static void seg_remove_first(struct spool *s)
{
	char name[SEG_NAME_LEN + 1];
	struct seg *g = &s->segs[0];

	seg_name(name, sizeof name, g->seq);
	if (unlinkat(s->dirfd, name, 0) != 0 && errno != ENOENT)
		log_warn("spool %s: cannot remove %s: %s", s->dir, name, strerror(errno));
	if (s->rfd != -1 && s->rfd_seq == g->seq) {
		close(s->rfd);
		s->rfd = -1;
	}
	if (s->bseq == g->seq)
		s->bvalid = false;
	s->total -= g->size;
	s->nsegs--;
	memmove(s->segs, s->segs + 1, s->nsegs * sizeof *s->segs);
}

/* Starts segment seq and makes it the one appended to. */
static int seg_create(struct spool *s, uint64_t seq)
{
	char name[SEG_NAME_LEN + 1];
	int fd;

	seg_name(name, sizeof name, seq);
	fd = openat(s->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1)
		return -1;
	if (segs_push(s, seq) != 0) {
		close(fd);
		unlinkat(s->dirfd, name, 0);
		errno = ENOMEM;
		return -1;
	}
	if (s->wfd != -1)
		close(s->wfd);
	s->wfd = fd;
	/* the new name must reach the disk before anything in it counts as synced */
	s->dir_dirty = true;
	return 0;
}

/* Closes the newest segment, its lines on disk, and starts the next one. */
static int rotate(struct spool *s)
{
	if (s->dirty && fsync(s->wfd) != 0)
		return -1;
	s->dirty = false;
	return seg_create(s, s->segs[s->nsegs - 1].seq + 1);
}

/* Replaces the ack file atomically: a crash leaves the old or the new one. */
static int ack_write(struct spool *s, struct spool_pos a)
{
	char buf[64];
	int fd, n, saved;

	n = snprintf(buf, sizeof buf, "%016" PRIx64 " %" PRIu64 "\n", a.seg, a.off);
	fd = openat(s->dirfd, "ack.tmp", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd == -1)
		return -1;
	if (write_all(fd, buf, (size_t)n) != 0 || fsync(fd) != 0) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (close(fd) != 0)
		return -1;
	if (renameat(s->dirfd, "ack.tmp", s->dirfd, "ack") != 0)
		return -1;
	return fsync(s->dirfd);
}

/* Reads the ack file; none (or a damaged one) means nothing was acknowledged. */
static int ack_read(struct spool *s)
{
	char buf[64];
	uint64_t seg, off;
	ssize_t n;
	int fd;

	s->ack = (struct spool_pos){ 0, 0, 0 };
	fd = openat(s->dirfd, "ack", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return errno == ENOENT ? 0 : -1;
	n = pread_full(fd, buf, sizeof buf - 1, 0);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	if (sscanf(buf, "%16" SCNx64 " %" SCNu64, &seg, &off) != 2) {
		/* at least once: replay everything rather than lose anything */
		log_warn("spool %s: damaged ack file ignored: replaying all records", s->dir);
		return 0;
	}
	s->ack.seg = seg;
	s->ack.off = off;
	return 0;
}

/*
 * Counts the lines of segment i, cuts off a torn last line and, in the ack's
 * segment, finds the ack's serial number. Sets *moved when the ack was not
 * on a line end (the file shrank under it) and had to move back.
 */
static int seg_scan(struct spool *s, size_t i, bool *moved)
{
	char name[SEG_NAME_LEN + 1];
	struct seg *g = &s->segs[i];
	bool is_ack = g->seq == s->ack.seg;
	uint64_t off = 0, end = 0, lines = 0, ack_lines = 0, ack_end = 0;
	ssize_t r;
	int fd, saved;

	g->first = i > 0 ? s->segs[i - 1].first + s->segs[i - 1].lines : 0;
	seg_name(name, sizeof name, g->seq);
	fd = openat(s->dirfd, name, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	if (fd == -1)
		return -1;
	while ((r = pread_full(fd, s->buf, s->bcap, off)) > 0) {
		const char *p = s->buf, *e = s->buf + r;

		while ((p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
			p++;
			end = off + (uint64_t)(p - s->buf);
			lines++;
			if (is_ack && end <= s->ack.off) {
				ack_lines = lines;
				ack_end = end;
			}
		}
		off += (uint64_t)r;
	}
	if (r < 0)
		goto fail;
	if (off > end) {
		/* never synced, so never sent nor acknowledged: safe to drop */
		log_warn("spool %s: %s: torn last line (%" PRIu64 " bytes) cut off", s->dir, name, off - end);
		if (ftruncate(fd, (off_t)end) != 0 || fsync(fd) != 0)
			goto fail;
	}
	close(fd);
	g->size = end;
	g->lines = lines;
	s->total += end;
	if (is_ack) {
		if (ack_end != s->ack.off) {
			log_warn("spool %s: ack at %s:%" PRIu64 " is not at a line end: replaying from %" PRIu64,
			    s->dir, name, s->ack.off, ack_end);
			s->ack.off = ack_end;
			*moved = true;
		}
		s->ack.n = g->first + ack_lines;
	}
	return 0;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The sequence numbers of the segments in the directory, sorted. */
static int seg_list(struct spool *s, uint64_t **out, size_t *count)
{
	uint64_t *v = NULL, seq;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d;
	int fd;

	if ((fd = openat(s->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return -1;
	if ((d = fdopendir(fd)) == NULL) {
		close(fd);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (!seg_parse(de->d_name, &seq))
			continue;
		if (n == cap) {
			uint64_t *nv;

			cap = cap ? cap * 2 : 64;
			if ((nv = reallocarray(v, cap, sizeof *v)) == NULL) {
				free(v);
				closedir(d);
				errno = ENOMEM;
				return -1;
			}
			v = nv;
		}
		v[n++] = seq;
	}
	closedir(d);
	if (n > 0)
		qsort(v, n, sizeof *v, cmp_u64);
	*out = v;
	*count = n;
	return 0;
}

static void spool_free(struct spool *s)
{
	if (s->wfd != -1)
		close(s->wfd);
	if (s->rfd != -1)
		close(s->rfd);
	if (s->lockfd != -1)
		close(s->lockfd);
	if (s->dirfd != -1)
		close(s->dirfd);
	free(s->buf);
	free(s->segs);
	free(s->dir);
	free(s);
}

__attribute__((format(printf, 4, 5)))
static struct spool *open_fail(struct spool *s, char *err, size_t errlen, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (err != NULL && errlen > 0)
		snprintf(err, errlen, "spool %s: %s", s->dir ? s->dir : "?", msg);
	spool_free(s);
	return NULL;
}

/* Removes acknowledged segments, counts the rest and settles the ack. */
static int spool_load(struct spool *s)
{
	uint64_t *seqs = NULL;
	size_t n = 0, i;
	bool moved = false;

	if (ack_read(s) != 0 || seg_list(s, &seqs, &n) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		char name[SEG_NAME_LEN + 1];

		if (seqs[i] >= s->ack.seg) {
			if (segs_push(s, seqs[i]) != 0) {
				free(seqs);
				errno = ENOMEM;
				return -1;
			}
			continue;
		}
		/* left over by a crash between writing the ack and unlinking */
		seg_name(name, sizeof name, seqs[i]);
		if (unlinkat(s->dirfd, name, 0) != 0 && errno != ENOENT) {
			free(seqs);
			return -1;
		}
	}
	free(seqs);
	if (s->nsegs == 0) {
		if (seg_create(s, s->ack.seg + 1) != 0)
			return -1;
		s->ack = (struct spool_pos){ s->segs[0].seq, 0, 0 };
		return 0;
	}
	if (s->segs[0].seq != s->ack.seg)
		s->ack = (struct spool_pos){ s->segs[0].seq, 0, 0 };
	for (i = 0; i < s->nsegs; i++)
		if (seg_scan(s, i, &moved) != 0)
			return -1;
	/* an ack beyond the data would swallow the next records appended there */
	if (moved && ack_write(s, s->ack) != 0)
		return -1;
	return 0;
}

struct spool *spool_open(const char *dir, const struct spool_opts *o, char *err, size_t errlen)
{
	char name[SEG_NAME_LEN + 1];
	struct spool *s;

	if ((s = calloc(1, sizeof *s)) == NULL) {
		if (err != NULL && errlen > 0)
			snprintf(err, errlen, "spool %s: out of memory", dir);
		return NULL;
	}
	s->dirfd = s->lockfd = s->wfd = s->rfd = -1;
	if (o != NULL)
		s->o = *o;
	if (s->o.max_bytes == 0)
		s->o.max_bytes = SPOOL_MAX_BYTES_DEFAULT;
	if (s->o.segment_bytes == 0)
		s->o.segment_bytes = SPOOL_SEGMENT_BYTES_DEFAULT;
	/* at least two segments fit: dropping the oldest never empties the spool */
	if (s->o.segment_bytes > s->o.max_bytes / 2)
		s->o.segment_bytes = s->o.max_bytes / 2 > 0 ? s->o.max_bytes / 2 : 1;
	if (s->o.max_line == 0)
		s->o.max_line = NDJSON_MAX_LINE_DEFAULT;
	if ((s->dir = strdup(dir)) == NULL)
		return open_fail(s, err, errlen, "out of memory");

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return open_fail(s, err, errlen, "cannot create directory: %s", strerror(errno));
	if ((s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) == -1)
		return open_fail(s, err, errlen, "%s", errno == ENOTDIR ? "not a directory" : strerror(errno));
	s->lockfd = openat(s->dirfd, "lock", O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (s->lockfd == -1)
		return open_fail(s, err, errlen, "cannot create lock file: %s", strerror(errno));
	if (flock(s->lockfd, LOCK_EX | LOCK_NB) != 0)
		return open_fail(s, err, errlen, "%s", errno == EWOULDBLOCK ?
		    "in use by another process (lock file is locked)" : strerror(errno));

	s->bcap = s->o.max_line + 1 + READ_SLACK;
	if ((s->buf = malloc(s->bcap)) == NULL)
		return open_fail(s, err, errlen, "out of memory");
	if (spool_load(s) != 0)
		return open_fail(s, err, errlen, "cannot load segments or ack: %s", strerror(errno));
	if (s->wfd == -1) {
		seg_name(name, sizeof name, s->segs[s->nsegs - 1].seq);
		s->wfd = openat(s->dirfd, name, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW);
		if (s->wfd == -1)
			return open_fail(s, err, errlen, "%s: %s", name, strerror(errno));
	}
	s->rd = s->ack;
	s->seen = s->ack.n;
	return s;
}

int spool_sync(struct spool *s)
{
	if (s->dirty) {
		if (fsync(s->wfd) != 0)
			return -1;
		s->dirty = false;
	}
	if (s->dir_dirty) {
		if (fsync(s->dirfd) != 0)
			return -1;
		s->dir_dirty = false;
	}
	return 0;
}

void spool_close(struct spool *s)
{
	if (s == NULL)
		return;
	if (spool_sync(s) != 0)
		log_warn("spool %s: fsync: %s", s->dir, strerror(errno));
	spool_free(s);
}

/* Deletes the oldest segment, unacknowledged lines and all (needs two). */
static int drop_oldest(struct spool *s)
{
	const struct seg *g = &s->segs[0], *next = &s->segs[1];
	struct spool_pos a = { next->seq, 0, next->first };
	uint64_t lost = g->first + g->lines - s->ack.n;
	uint64_t lost_bytes = g->size - s->ack.off;

	if (ack_write(s, a) != 0)
		return -1;
	s->ack = a;
	s->dropped_records += lost;
	s->dropped_bytes += lost_bytes;
	seg_remove_first(s);
	if (pos_cmp(s->rd, s->ack) < 0)
		s->rd = s->ack;
	if (s->seen < s->rd.n)
		s->seen = s->rd.n;
	return 0;
}

int spool_append(struct spool *s, const char *line, size_t n)
{
	uint64_t need = (uint64_t)n + 1;
	struct iovec iov[2];
	struct seg *g;
	ssize_t w;

	if (n == 0 || n > s->o.max_line || memchr(line, '\n', n) != NULL) {
		errno = EINVAL;
		return SPOOL_ERR;
	}
	if (s->broken) {
		errno = EIO;
		return SPOOL_ERR;
	}
	if (s->total + need > s->o.max_bytes) {
		if (s->o.drop == SPOOL_DROP_NEWEST || need > s->o.max_bytes) {
			s->dropped_records++;
			s->dropped_bytes += need;
			return SPOOL_FULL;
		}
		while (s->total + need > s->o.max_bytes) {
			/* the newest segment holds all: close it so it can go */
			if (s->nsegs == 1 && rotate(s) != 0)
				return SPOOL_ERR;
			if (drop_oldest(s) != 0)
				return SPOOL_ERR;
		}
	}
	g = &s->segs[s->nsegs - 1];
	if (g->size > 0 && g->size + need > s->o.segment_bytes) {
		if (rotate(s) != 0)
			return SPOOL_ERR;
		g = &s->segs[s->nsegs - 1];
	}

	iov[0].iov_base = (void *)(uintptr_t)line;	/* writev does not write to it */
	iov[0].iov_len = n;
	iov[1].iov_base = (void *)(uintptr_t)"\n";
	iov[1].iov_len = 1;
	do
		w = writev(s->wfd, iov, 2);
	while (w == -1 && errno == EINTR);
	if (w != (ssize_t)need) {
		int saved = w == -1 ? errno : ENOSPC;

		/* a partial line would glue itself to the next one */
		if (w > 0 && ftruncate(s->wfd, (off_t)g->size) != 0) {
			log_error("spool %s: cannot cut back a partial line: %s", s->dir, strerror(errno));
			s->broken = true;
		}
		errno = saved;
		return SPOOL_ERR;
	}
	g->size += need;
	g->lines++;
	s->total += need;
	s->dirty = true;
	if (s->o.fsync_each && spool_sync(s) != 0)
		return SPOOL_ERR;
	return SPOOL_OK;
}

/* Opens segment seq for reading unless it is open already. */
static int rd_open(struct spool *s, uint64_t seq)
{
	char name[SEG_NAME_LEN + 1];

	if (s->rfd != -1 && s->rfd_seq == seq)
		return 0;
	if (s->rfd != -1)
		close(s->rfd);
	seg_name(name, sizeof name, seq);
	s->rfd = openat(s->dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (s->rfd == -1)
		return -1;
	s->rfd_seq = seq;
	return 0;
}

/*
 * The line at the read cursor in segment g: *line (NULL when it is longer
 * than the buffer, so over max_line) and *len, and *end, the offset after
 * its newline.
 */
static int rd_line(struct spool *s, const struct seg *g, char **line, size_t *len, uint64_t *end)
{
	uint64_t off = s->rd.off, o;
	char *nl = NULL;
	ssize_t r;

	if (s->bvalid && s->bseq == g->seq && off >= s->bstart && off < s->bstart + s->blen)
		nl = memchr(s->buf + (off - s->bstart), '\n', s->blen - (size_t)(off - s->bstart));
	if (nl == NULL) {
		o = g->size - off < s->bcap ? g->size - off : s->bcap;
		if ((r = pread_full(s->rfd, s->buf, (size_t)o, off)) < 0)
			return -1;
		s->bvalid = true;
		s->bseq = g->seq;
		s->bstart = off;
		s->blen = (size_t)r;
		nl = memchr(s->buf, '\n', s->blen);
	}
	if (nl != NULL) {
		*line = s->buf + (off - s->bstart);
		*len = (size_t)(nl - *line);
		*end = off + *len + 1;
		return 0;
	}
	/* no newline in a full buffer: too long; measure it with the buffer */
	*line = NULL;
	*len = 0;
	s->bvalid = false;
	for (o = off + s->blen; o < g->size; o += (uint64_t)r) {
		size_t want = g->size - o < s->bcap ? (size_t)(g->size - o) : s->bcap;

		if ((r = pread_full(s->rfd, s->buf, want, o)) < 0)
			return -1;
		if (r == 0)
			break;
		if ((nl = memchr(s->buf, '\n', (size_t)r)) != NULL) {
			*end = o + (uint64_t)(nl - s->buf) + 1;
			return 0;
		}
	}
	*end = g->size;	/* the file shrank under us: skip what is left */
	return 0;
}

/* Checks a line as the NDJSON reader does; a bad one is logged and counted once. */
static bool rd_line_ok(struct spool *s, const struct seg *g, const char *line, size_t len)
{
	const char *why;

	if (line == NULL || len > s->o.max_line)
		why = "longer than the line limit";
	else if (len == 0)
		why = "empty";
	else if (memchr(line, '\0', len) != NULL)
		why = "contains a NUL byte";
	else if (!utf8_valid(line, len))
		why = "invalid UTF-8";
	else
		return true;
	if (s->rd.n >= s->seen) {
		s->skipped++;
		log_warn("spool %s: segment %016" PRIx64 " offset %" PRIu64 ": %s, skipped",
		    s->dir, g->seq, s->rd.off, why);
	}
	return false;
}

int spool_peek(struct spool *s, size_t max_records, size_t max_bytes,
    int (*fn)(const char *line, size_t n, struct spool_pos after, void *arg), void *arg)
{
	size_t count = 0, bytes = 0;

	while (count < max_records && count < INT32_MAX) {
		ssize_t i = seg_find(s, s->rd.seg);
		const struct seg *g;
		struct spool_pos after;
		char *line;
		size_t len;
		uint64_t end;
		int stop;

		if (i < 0) {
			errno = EIO;
			return -1;
		}
		g = &s->segs[i];
		if (s->rd.off >= g->size) {
			if ((size_t)i + 1 == s->nsegs)
				break;
			s->rd.seg = s->segs[i + 1].seq;
			s->rd.off = 0;
			continue;
		}
		if (rd_open(s, g->seq) != 0 || rd_line(s, g, &line, &len, &end) != 0)
			return -1;
		if (rd_line_ok(s, g, line, len) && line != NULL) {
			if (count > 0 && bytes + len > max_bytes)
				break;
			after = (struct spool_pos){ g->seq, end, s->rd.n + 1 };
			line[len] = '\0';	/* over the newline, put back below */
			stop = fn(line, len, after, arg);
			line[len] = '\n';
			if (stop != 0)
				break;
			count++;
			bytes += len;
		}
		s->rd.off = end;
		s->rd.n++;
		if (s->seen < s->rd.n)
			s->seen = s->rd.n;
	}
	return (int)count;
}

void spool_rewind(struct spool *s)
{
	s->rd = s->ack;
}

int spool_ack(struct spool *s, struct spool_pos pos)
{
	struct spool_pos a = pos;
	ssize_t i;

	if (pos_cmp(pos, s->ack) <= 0)
		return 0;
	i = seg_find(s, pos.seg);
	if (i < 0 || pos.off > s->segs[i].size || pos.n <= s->ack.n || pos.n > next_serial(s)) {
		errno = EINVAL;
		return -1;
	}
	/* the end of a closed segment is the start of the next: it is finished */
	while ((size_t)i + 1 < s->nsegs && a.off == s->segs[i].size) {
		i++;
		a.seg = s->segs[i].seq;
		a.off = 0;
	}
	if (ack_write(s, a) != 0)
		return -1;
	s->ack = a;
	while (i-- > 0)
		seg_remove_first(s);
	if (pos_cmp(s->rd, s->ack) < 0)
		s->rd = s->ack;
	return 0;
}

void spool_stats(const struct spool *s, uint64_t *pending_records, uint64_t *pending_bytes,
    uint64_t *dropped_records, uint64_t *dropped_bytes)
{
	if (pending_records != NULL)
		*pending_records = next_serial(s) - s->ack.n;
	if (pending_bytes != NULL)
		*pending_bytes = s->total - s->ack.off;
	if (dropped_records != NULL)
		*dropped_records = s->dropped_records;
	if (dropped_bytes != NULL)
		*dropped_bytes = s->dropped_bytes;
}

uint64_t spool_skipped(const struct spool *s)
{
	return s->skipped;
}
