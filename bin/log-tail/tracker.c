/* tracker: files matched by patterns, their identities and positions. */
#include "tracker.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "timefmt.h"

/* Is f the file at st (same device and inode, and the same first bytes)? */
static bool same_file(const struct tailfile *f, const struct stat *st, const char *path)
{
	if (f->dev != st->st_dev || f->ino != st->st_ino)
		return false;
	if (f->fd >= 0 || !f->fplen)
		return true;
	/* a closed entry: an inode can be reused by a new file */
	if ((uint64_t)st->st_size < f->fplen)
		return false;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return true;	/* cannot tell: trust the inode; opening reports the error */
	uint64_t h;
	bool same = tf_fingerprint(fd, f->fplen, &h) && h == f->fp;
	close(fd);
	return same;
}

/* A file copied or moved from another file system: only a full fingerprint identifies it. */
static struct tailfile *moved_file(struct tracker *t, int fd, const struct stat *st)
{
	uint64_t h = 0;
	bool have = false;

	if (st->st_size < TF_FP_MAX)
		return NULL;
	for (struct tailfile *f = t->files; f; f = f->next) {
		if (f->fd >= 0 || f->fplen != TF_FP_MAX)
			continue;
		if (!have && !(have = tf_fingerprint(fd, TF_FP_MAX, &h)))
			return NULL;
		if (h == f->fp)
			return f;
	}
	return NULL;
}

static void report_open_error(struct tailfile *f, struct lt_stats *st, int e)
{
	if (f->open_errno != e) {
		log_warn("%s: %s: skipped until it can be read", f->path, strerror(e));
		st->unreadable++;
	}
	f->open_errno = e;
}

/* Opens f at path, resuming at f->commit; false (reported) when it cannot be opened. */
static bool open_at(struct tailfile *f, const char *path, struct lt_stats *st)
{
	if (strcmp(f->path, path) != 0) {
		char *p = strdup(path);
		if (!p)
			return false;
		free(f->path);
		f->path = p;
	}
	if (tf_open(f) != 0) {
		if (errno != ENOENT)	/* renamed since the scan found it: the next one will */
			report_open_error(f, st, errno);
		return false;
	}
	if (f->open_errno)
		log_info("%s: readable now", f->path);
	f->open_errno = 0;
	return true;
}

static void found(struct tracker *t, const char *path, struct lt_stats *st, int64_t now)
{
	struct stat sb;

	if (stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
		return;
	for (struct tailfile *f = t->files; f; f = f->next) {
		if (!same_file(f, &sb, path))
			continue;
		f->seen = true;
		f->seen_ms = now;
		if (f->fd >= 0) {
			if (strcmp(f->path, path) != 0 && !f->finished)
				log_debug("%s: now %s", f->path, path);
			return;	/* open: renames and all */
		}
		if (f->bad || (f->done && (uint64_t)sb.st_size <= f->commit))
			return;	/* nothing new */
		if (f->commit > (uint64_t)sb.st_size)
			f->commit = 0;	/* truncated while we were away */
		(void)open_at(f, path, st);
		t->changes++;
		return;
	}
	struct tailfile *f = tf_new(path);
	if (!f) {
		log_error("%s: out of memory", path);
		return;
	}
	f->dev = sb.st_dev;
	f->ino = sb.st_ino;
	f->seen = true;
	f->seen_ms = now;
	/* at the end: files found together are read in the patterns' (sorted) order */
	struct tailfile **tail = &t->files;
	while (*tail)
		tail = &(*tail)->next;
	*tail = f;
	t->changes++;
	if (!open_at(f, path, st))
		return;
	struct tailfile *old = moved_file(t, f->fd, &sb);
	if (old && old != f) {
		/* the same file under another name: carry on where it was */
		f->commit = old->commit;
		f->done = old->done;
		old->seen_ms = 0;	/* forgotten at the end of this scan */
		old->fplen = 0;
		if (f->done && (uint64_t)sb.st_size <= f->commit)
			tf_close(f);
		return;
	}
	if (!t->scanned && t->from_end)
		tf_seek_end(f);
}

static void expand(struct tracker *t, struct lt_stats *st, int64_t now)
{
	for (size_t i = 0; i < t->npatterns; i++) {
		glob_t g;
		int rc = glob(t->patterns[i], 0, NULL, &g);
		if (rc == 0)
			for (size_t k = 0; k < g.gl_pathc; k++)
				found(t, g.gl_pathv[k], st, now);
		else if (rc != GLOB_NOMATCH)
			log_warn("%s: the pattern could not be expanded (%s)", t->patterns[i],
			    rc == GLOB_NOSPACE ? "out of memory" : "read error");
		globfree(&g);
	}
}

/*
 * A file with a position that the patterns no longer find may have been
 * rolled over while log-tail was not running: Sense renames X.txt to
 * X_<stamp>Z.log beside it (until the repository service archives it).
 * Finding it there reads the rows written just before the roll-over.
 */
static void find_rolled(struct tracker *t, struct lt_stats *st, int64_t now)
{
	for (struct tailfile *f = t->files; f; f = f->next) {
		size_t n = strlen(f->path);
		if (f->fd >= 0 || f->seen || f->done || f->bad || n < 5 || strcmp(f->path + n - 4, ".txt") != 0)
			continue;
		/* X.txt -> X_*Z.log, with the glob's special characters in X escaped */
		char *pat = malloc(2 * n + 16);
		if (!pat)
			return;
		size_t k = 0;
		for (size_t i = 0; i + 4 < n; i++) {
			if (strchr("*?[\\", f->path[i]))
				pat[k++] = '\\';
			pat[k++] = f->path[i];
		}
		memcpy(pat + k, "_*Z.log", 8);
		glob_t g;
		if (glob(pat, 0, NULL, &g) == 0)
			for (size_t i = 0; i < g.gl_pathc && f->fd < 0; i++) {
				/* only the file this position belongs to: the others are not ours to read */
				struct stat sb;
				if (stat(g.gl_pathv[i], &sb) != 0 || !S_ISREG(sb.st_mode) || !same_file(f, &sb, g.gl_pathv[i]))
					continue;
				log_info("%s: rolled over while log-tail was away: reading the rest of %s", f->path,
				    g.gl_pathv[i]);
				f->seen = true;
				f->seen_ms = now;
				if (open_at(f, g.gl_pathv[i], st))
					t->changes++;
			}
		globfree(&g);
		free(pat);
	}
}

void tracker_scan(struct tracker *t, struct lt_stats *st)
{
	int64_t now = time_now_ms();

	for (struct tailfile *f = t->files; f; f = f->next)
		f->seen = false;
	expand(t, st, now);
	find_rolled(t, st, now);
	for (struct tailfile **pp = &t->files; *pp;) {
		struct tailfile *f = *pp;
		if (f->fd >= 0 && !f->finished) {
			/* renamed away (roll-over) or deleted: read to its end, then close */
			struct stat sb;
			uint64_t h;
			if (stat(f->path, &sb) != 0 || sb.st_dev != f->dev || sb.st_ino != f->ino) {
				log_info("%s: rolled over or deleted: reading the rest", f->path);
				st->rotated++;
				f->finished = true;
				t->changes++;
			} else if (f->fplen && tf_fingerprint(f->fd, f->fplen, &h) && h != f->fp) {
				/* cut and written again past where we were: its start tells */
				log_info("%s: rewritten: reading it again from the start", f->path);
				st->truncated++;
				tf_restart(f);
				t->changes++;
			}
		}
		if (f->fd < 0 && !f->seen && now - f->seen_ms > t->forget_ms) {
			*pp = f->next;
			tf_free(f);
			t->changes++;
			continue;
		}
		pp = &f->next;
	}
	t->scanned = true;
}

size_t tracker_read(struct tracker *t, struct lt_out *o, size_t max_bytes)
{
	size_t total = 0;

	o->now_ms = time_now_ms();
	/* finished files first: a rolled-over file's rows come before its successor's */
	for (int pass = 0; pass < 2; pass++)
		for (struct tailfile *f = t->files; f; f = f->next) {
			if (f->fd < 0 || f->finished != (pass == 0))
				continue;
			uint64_t before = f->commit;
			ssize_t n = tf_read(f, o, max_bytes);
			if (n > 0)
				total += (size_t)n;
			if (f->commit != before || f->fd < 0)
				t->changes++;
		}
	return total;
}

void tracker_free(struct tracker *t)
{
	while (t->files) {
		struct tailfile *f = t->files;
		t->files = f->next;
		tf_free(f);
	}
}

/* --- directories to watch ------------------------------------------------------- */

static bool add_dir(char ***dirs, size_t *n, const char *d, size_t len)
{
	for (size_t i = 0; i < *n; i++)
		if (strlen((*dirs)[i]) == len && strncmp((*dirs)[i], d, len) == 0)
			return true;
	char **p = realloc(*dirs, (*n + 1) * sizeof *p);
	if (!p)
		return false;
	*dirs = p;
	if (!(p[*n] = strndup(d, len)))
		return false;
	(*n)++;
	return true;
}

size_t tracker_dirs(const struct tracker *t, char ***dirs)
{
	size_t n = 0;

	*dirs = NULL;
	for (size_t i = 0; i < t->npatterns; i++) {
		/* the part before the first component with a wildcard */
		const char *p = t->patterns[i], *w = strpbrk(p, "*?[");
		const char *end = w ? w : p + strlen(p);
		while (end > p && *end != '/')
			end--;
		(void)add_dir(dirs, &n, end > p ? p : (*p == '/' ? "/" : "."), end > p ? (size_t)(end - p) : 1);
	}
	/* and the folders a wildcard in a folder part matches now, so files made in new folders are seen */
	for (size_t i = 0; i < t->npatterns; i++) {
		const char *p = t->patterns[i], *last = strrchr(p, '/');
		for (const char *sl = strchr(p, '/'); sl && sl <= last; sl = strchr(sl + 1, '/')) {
			char *prefix = strndup(p, (size_t)(sl - p));
			glob_t g;
			if (prefix && strpbrk(prefix, "*?[") && glob(prefix, GLOB_ONLYDIR, NULL, &g) == 0) {
				for (size_t k = 0; k < g.gl_pathc; k++)
					(void)add_dir(dirs, &n, g.gl_pathv[k], strlen(g.gl_pathv[k]));
				globfree(&g);
			}
			free(prefix);
		}
	}
	for (const struct tailfile *f = t->files; f; f = f->next) {
		if (f->fd < 0)
			continue;
		const char *slash = strrchr(f->path, '/');
		(void)add_dir(dirs, &n, slash ? f->path : ".", slash ? (size_t)(slash - f->path) : 1);
	}
	return n;
}

/* --- state file ----------------------------------------------------------------- */

#define STATE_MAGIC "senseops-log-tail-state 1\n"
#define STATE_MAX (64 * 1024 * 1024)

/* Paths are written with %XX for bytes that would break the line. */
static size_t escape(char *dst, const char *s)
{
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c <= 0x20 || c == '%' || c == 0x7f)
			o += (size_t)sprintf(dst + o, "%%%02X", c);
		else
			dst[o++] = (char)c;
	}
	dst[o] = '\0';
	return o;
}

static bool unescape(char *s)
{
	char *o = s;

	for (char *p = s; *p; p++) {
		if (*p != '%') {
			*o++ = *p;
			continue;
		}
		unsigned v;
		if (sscanf(p + 1, "%2x", &v) != 1 || !p[1] || !p[2] || v == 0)
			return false;
		*o++ = (char)v;
		p += 2;
	}
	*o = '\0';
	return true;
}

int state_load(struct tracker *t, const char *path)
{
	char *text;
	size_t len;
	struct stat sb;
	int rc = file_slurp(path, STATE_MAX, &text, &len, &sb);

	if (rc == -1 && errno == ENOENT)
		return 1;
	if (rc != 0) {
		log_error("state file %s: %s", path, rc == -2 ? "too big" : strerror(errno));
		return -1;
	}
	int lineno = 1, ret = 0;
	struct tailfile **tail = &t->files;

	while (*tail)
		tail = &(*tail)->next;
	if (len < sizeof STATE_MAGIC - 1 || memcmp(text, STATE_MAGIC, sizeof STATE_MAGIC - 1) != 0) {
		log_error("state file %s: not a log-tail state file", path);
		ret = -1;
		goto out;
	}
	for (char *p = text + sizeof STATE_MAGIC - 1, *nl; *p; p = nl + 1) {
		lineno++;
		if (!(nl = strchr(p, '\n'))) {
			log_error("state file %s:%d: the last line is cut short", path, lineno);
			ret = -1;
			break;
		}
		*nl = '\0';
		unsigned long long dev, ino, commit;
		unsigned fplen;
		uint64_t fp;
		long long seen;
		int done, used = 0;
		if (sscanf(p, "%llu %llu %u %" SCNx64 " %llu %lld %d %n", &dev, &ino, &fplen, &fp, &commit, &seen,
		    &done, &used) != 7 || !used || !p[used] || fplen > TF_FP_MAX || !unescape(p + used)) {
			log_error("state file %s:%d: not a position line", path, lineno);
			ret = -1;
			break;
		}
		struct tailfile *f = tf_new(p + used);
		if (!f) {
			ret = -1;
			break;
		}
		f->dev = (dev_t)dev;
		f->ino = (ino_t)ino;
		f->fplen = fplen;
		f->fp = fp;
		f->commit = commit;
		f->seen_ms = seen;
		f->done = done & 1;
		f->bad = (done & 2) != 0;
		*tail = f;	/* in the file's order, which is the order they were read in */
		tail = &f->next;
	}
out:
	free(text);
	return ret;
}

int state_save(const struct tracker *t, const char *path, bool sync)
{
	size_t cap = sizeof STATE_MAGIC, len = 0;
	for (const struct tailfile *f = t->files; f; f = f->next)
		cap += 128 + 3 * strlen(f->path);
	char *buf = malloc(cap);
	if (!buf) {
		log_error("state file %s: out of memory", path);
		return -1;
	}
	len = (size_t)sprintf(buf, "%s", STATE_MAGIC);
	for (const struct tailfile *f = t->files; f; f = f->next) {
		/* a file never opened has no identity worth keeping */
		if (!f->ino && !f->fplen)
			continue;
		len += (size_t)sprintf(buf + len, "%llu %llu %u %016" PRIx64 " %llu %lld %d ", (unsigned long long)f->dev,
		    (unsigned long long)f->ino, f->fplen, f->fp, (unsigned long long)f->commit, (long long)f->seen_ms,
		    (f->done ? 1 : 0) | (f->bad ? 2 : 0));
		len += escape(buf + len, f->path);
		buf[len++] = '\n';
	}
	int rc = file_write_atomic(path, buf, len, sync);
	if (rc != 0)
		log_error("state file %s: %s", path, strerror(errno));
	free(buf);
	return rc;
}
