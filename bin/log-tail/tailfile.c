/* tailfile: reading one log file into rows. */
#include "tailfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hash.h"
#include "log.h"
#include "utf8.h"

#define CHUNK (256 * 1024)
#define REC_MAX (2 * 1024 * 1024)

struct tailfile *tf_new(const char *path)
{
	struct tailfile *f = calloc(1, sizeof *f);

	if (!f || !(f->path = strdup(path))) {
		free(f);
		return NULL;
	}
	f->fd = -1;
	return f;
}

void tf_close(struct tailfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
	free(f->buf);
	free(f->pend);
	f->buf = f->pend = NULL;
	f->len = f->cap = f->pend_len = f->pend_cap = 0;
	f->pending = f->skipping = f->header = false;
	lt_layout_free(&f->lay);
}

void tf_free(struct tailfile *f)
{
	if (!f)
		return;
	tf_close(f);
	free(f->path);
	free(f);
}

bool tf_fingerprint(int fd, uint32_t n, uint64_t *fp)
{
	char buf[TF_FP_MAX];

	if (n > sizeof buf)
		return false;
	if (pread(fd, buf, n, 0) != (ssize_t)n)
		return false;
	*fp = hash64(buf, n);
	return true;
}

int tf_open(struct tailfile *f)
{
	struct stat st;
	int fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int e = S_ISREG(st.st_mode) ? errno : EINVAL;
		close(fd);
		errno = e;
		return -1;
	}
	f->fd = fd;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->base = f->commit;
	f->len = 0;
	f->header = f->pending = f->skipping = f->done = false;
	lt_layout_name(&f->lay, f->path);
	f->finished = f->lay.finished_name;
	if (!f->fplen) {
		f->fplen = (uint32_t)(st.st_size < TF_FP_MAX ? st.st_size : TF_FP_MAX);
		if (!tf_fingerprint(fd, f->fplen, &f->fp))
			f->fplen = 0;
	}
	return 0;
}

void tf_restart(struct tailfile *f)
{
	f->commit = f->base = 0;
	f->len = 0;
	f->header = f->pending = f->skipping = false;
	f->fplen = 0;
	lt_layout_free(&f->lay);
}

void tf_seek_end(struct tailfile *f)
{
	char buf[4096];
	struct stat st;

	if (f->fd < 0 || fstat(f->fd, &st) != 0)
		return;
	/* back from the end to the last line feed: a partly written row is read whole */
	off_t end = st.st_size;
	while (end > 0) {
		off_t from = end > (off_t)sizeof buf ? end - (off_t)sizeof buf : 0;
		ssize_t n = pread(f->fd, buf, (size_t)(end - from), from);
		if (n <= 0)
			return;
		const char *nl = memrchr(buf, '\n', (size_t)n);
		if (nl) {
			f->commit = f->base = (uint64_t)from + (uint64_t)(nl - buf) + 1;
			return;
		}
		end = from;
	}
}

/* --- rows out ------------------------------------------------------------------- */

static char *rec;		/* one record */
static char *fixed;		/* a row repaired to valid UTF-8 */
static size_t fixed_cap;

static struct lt_tabs tabs;	/* of the line in hand */

/* Writes one row out; t holds its tabs, or NULL to find them here. */
static void emit(struct tailfile *f, struct lt_out *o, const char *row, size_t n, const struct lt_tabs *t)
{
	struct lt_stats *st = o->st;

	st->rows++;
	/* NUL bytes go, invalid UTF-8 becomes U+FFFD: the row is kept */
	if (memchr(row, '\0', n) || !utf8_valid(row, n)) {
		if (fixed_cap < 3 * n + 4) {
			free(fixed);
			fixed_cap = 3 * n + 4;
			if (!(fixed = malloc(fixed_cap))) {
				fixed_cap = 0;
				log_error("%s: out of memory repairing a row: skipped", f->path);
				return;
			}
		}
		size_t k = 0;
		bool nul = false;
		for (size_t i = 0; i < n; i++) {
			if (row[i] == '\0')
				nul = true;
			else
				fixed[k++] = row[i];
		}
		st->nul_rows += nul;
		if (!utf8_valid(fixed, k)) {
			st->bad_utf8_rows++;
			char *tmp = fixed + k;	/* repair into the room after the copy */
			size_t m = utf8_repair(tmp, fixed, k);
			memmove(fixed, tmp, m);
			k = m;
		}
		row = fixed;
		n = k;
		t = NULL;
	}
	if (!t) {
		lt_tabs_scan(row, n, &tabs);
		t = &tabs;
	}
	/* the record is built where it is written out; only a huge one needs a buffer of its own */
	size_t room;
	char *p = ndjson_reserve(o->w, 64 * 1024, &room);
	struct jsonw w;
	jsonw_init(&w, p, room);
	enum lt_verdict v = lt_row_record(o->conf, &f->lay, row, n, t, o->now_ms, &w);
	if (v == LT_RECORD) {
		ndjson_commit(o->w, w.len);
		st->records++;
	} else if (v == LT_TOO_BIG && o->w->state == NDJSON_WOK) {
		if (!rec && !(rec = malloc(REC_MAX))) {
			log_error("out of memory");
			return;
		}
		jsonw_init(&w, rec, REC_MAX);
		v = lt_row_record(o->conf, &f->lay, row, n, t, o->now_ms, &w);
		if (v == LT_RECORD && ndjson_write_line(o->w, w.buf, w.len) == NDJSON_WOK)
			st->records++;
	}
	st->short_rows += t->nfields < f->lay.ncols;
	st->long_rows += t->nfields > f->lay.ncols;
	switch (v) {
	case LT_RECORD: break;
	case LT_DISABLED: st->disabled++; break;
	case LT_QIX_OFF: st->qix_off++; break;
	case LT_QIX_REJECTED: st->qix_rejected++; break;
	case LT_DROP_RULE: st->dropped++; break;
	case LT_EXCLUDED_USER: st->excluded++; break;
	case LT_TOO_BIG:
		st->too_big++;
		log_warn("%s: a row's record is over %d bytes: skipped", f->path, REC_MAX);
		break;
	}
}

static bool pend_set(struct tailfile *f, const char *s, size_t n, bool append)
{
	size_t need = (append ? f->pend_len + 1 : 0) + n;

	if (need > f->pend_cap) {
		size_t cap = need < 4096 ? 4096 : need * 2;
		char *p = realloc(f->pend, cap);
		if (!p)
			return false;
		f->pend = p;
		f->pend_cap = cap;
	}
	if (append)
		f->pend[f->pend_len++] = '\n';
	else
		f->pend_len = 0;
	memcpy(f->pend + f->pend_len, s, n);
	f->pend_len += n;
	return true;
}

/* One physical line [start, end) of the file, without its line feed. */
static void line(struct tailfile *f, struct lt_out *o, const char *s, size_t n, uint64_t start, uint64_t end)
{
	const char *why = "the header is not UTF-8 text";

	if (n && s[n - 1] == '\r')
		n--;
	if (!f->header) {
		if (start == 0 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
			s += 3, n -= 3;
		if (n > o->max_line)
			why = "the header is over --max-line";
		if (n > o->max_line || memchr(s, '\0', n) || !utf8_valid(s, n) ||
		    lt_layout_header(&f->lay, s, n, &why) != 0) {
			log_warn("%s: not a Qlik Sense log file (%s): skipped", f->path, why);
			o->st->not_sense++;
			f->bad = true;
			return;
		}
		f->header = true;
		if (f->commit < end)
			f->commit = end;
		return;
	}
	if (n > o->max_line) {
		o->st->too_long++;
		log_warn("%s: a line at offset %llu is over %zu bytes: skipped", f->path, (unsigned long long)start,
		    o->max_line);
		if (!f->pending)
			f->commit = end;
		return;
	}
	lt_tabs_scan(s, n, &tabs);
	bool starts = lt_row_start(&f->lay, s, n, &tabs);
	if (f->pending) {
		if (!starts) {
			if (f->pend_len + 1 + n > o->max_line || !pend_set(f, s, n, true)) {
				o->st->too_long++;
				log_warn("%s: a row at offset %llu is over %zu bytes: skipped", f->path,
				    (unsigned long long)f->commit, o->max_line);
				f->pending = false;
				f->commit = end;
				return;
			}
			lt_tabs_scan(f->pend, f->pend_len, &tabs);
			if (tabs.nfields >= f->lay.ncols) {
				emit(f, o, f->pend, f->pend_len, &tabs);
				f->pending = false;
				f->commit = end;
			}
			return;
		}
		/* a new row begins: the one before is as complete as it gets */
		emit(f, o, f->pend, f->pend_len, NULL);
		lt_tabs_scan(s, n, &tabs);
		f->pending = false;
		f->commit = start;
	}
	if (!starts) {
		if (n)
			o->st->orphan_lines++;
		f->commit = end;
		return;
	}
	if (tabs.nfields >= f->lay.ncols) {
		emit(f, o, s, n, &tabs);
		f->commit = end;
	} else if (pend_set(f, s, n, false)) {
		f->pending = true;	/* commit stays at its start */
	} else {
		log_error("%s: out of memory: a row skipped", f->path);
		f->commit = end;
	}
}

/* Splits buf into lines; keeps the unfinished last one. */
static void lines(struct tailfile *f, struct lt_out *o)
{
	size_t pos = 0;

	while (pos < f->len && !f->bad) {
		const char *nl = memchr(f->buf + pos, '\n', f->len - pos);
		if (!nl)
			break;
		size_t n = (size_t)(nl - (f->buf + pos));
		uint64_t start = f->base + pos, end = start + n + 1;
		if (f->skipping) {
			f->skipping = false;	/* the end of an overlong line */
			if (!f->pending)
				f->commit = end;
		} else {
			line(f, o, f->buf + pos, n, start, end);
		}
		pos += n + 1;
	}
	memmove(f->buf, f->buf + pos, f->len - pos);
	f->len -= pos;
	f->base += pos;
	if (f->len > o->max_line && !f->skipping) {
		o->st->too_long++;
		log_warn("%s: a line at offset %llu is over %zu bytes: skipped", f->path,
		    (unsigned long long)f->base, o->max_line);
		f->skipping = true;
	}
	if (f->skipping) {
		f->base += f->len;
		f->len = 0;
	}
}

/* At the end of a file nothing more is written to: its last line and row count. */
static void finish(struct tailfile *f, struct lt_out *o)
{
	if (f->len && !f->skipping && !f->bad)
		line(f, o, f->buf, f->len, f->base, f->base + f->len);
	if (f->pending && !f->bad)
		emit(f, o, f->pend, f->pend_len, NULL);
	f->base += f->len;
	f->len = 0;
	f->pending = false;
	f->commit = f->base;
	tf_close(f);
	f->done = true;
}

/*
 * Reads what follows the buffered bytes, with room for a chunk more. On a
 * failure (logged) the file is closed, to be tried again by the next scan.
 */
static ssize_t read_more(struct tailfile *f)
{
	ssize_t n;

	if (f->cap - f->len < CHUNK) {
		size_t cap = f->len + CHUNK;
		char *p = realloc(f->buf, cap);
		if (!p) {
			log_warn("%s: out of memory", f->path);
			tf_close(f);
			return -1;
		}
		f->buf = p;
		f->cap = cap;
	}
	do
		n = pread(f->fd, f->buf + f->len, f->cap - f->len, (off_t)(f->base + f->len));
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		log_warn("%s: %s", f->path, strerror(errno));
		tf_close(f);
	}
	return n;
}

ssize_t tf_read(struct tailfile *f, struct lt_out *o, size_t max_bytes)
{
	size_t total = 0;

	if (f->fd < 0 || f->bad)
		return 0;
	if (!f->header) {
		/* the header first, from the start, wherever reading resumes */
		uint64_t resume = f->commit;
		f->base = 0;
		f->len = 0;
		f->commit = 0;
		for (;;) {
			ssize_t n = read_more(f);
			if (n < 0) {
				f->commit = resume;	/* tried again from there by the next scan */
				return -1;
			}
			const char *nl = memchr(f->buf, '\n', f->len + (size_t)n);
			f->len += (size_t)n;
			if (nl) {
				line(f, o, f->buf, (size_t)(nl - f->buf), 0, (uint64_t)(nl - f->buf) + 1);
				break;
			}
			if (f->len > o->max_line) {
				line(f, o, f->buf, f->len, 0, f->len);	/* no line end in sight: not a header */
				break;
			}
			if (n == 0) {
				/* no complete header yet: wait, unless nothing more will come */
				if (f->finished) {
					if (f->len)
						line(f, o, f->buf, f->len, 0, f->len);
					f->len = 0;
					f->commit = 0;
					tf_close(f);
					f->done = true;
					return 0;
				}
				f->len = 0;
				f->commit = resume;
				return 0;
			}
		}
		if (f->bad) {
			tf_close(f);	/* the entry stays, so the file is not tried again */
			return 0;
		}
		if (resume > f->commit)
			f->commit = resume;
		f->base = f->commit;
		f->len = 0;
	}
	while (total < max_bytes) {
		ssize_t n = read_more(f);
		if (n < 0)
			return -1;
		if (n == 0) {
			struct stat st;
			if (fstat(f->fd, &st) == 0 && (uint64_t)st.st_size < f->base + f->len) {
				log_info("%s: truncated: reading it again from the start", f->path);
				o->st->truncated++;
				tf_restart(f);
				return (ssize_t)total + 1;	/* progress: read again */
			}
			if (f->finished) {
				finish(f, o);
			} else if (f->pending && !f->len && o->now_ms - ((int64_t)st.st_mtim.tv_sec * 1000 +
			    st.st_mtim.tv_nsec / 1000000) >= TF_QUIET_MS) {
				/* no continuation came: the short row is as complete as it gets */
				emit(f, o, f->pend, f->pend_len, NULL);
				f->pending = false;
				f->commit = f->base;
			} else if (f->cap > CHUNK / 4 && f->len < CHUNK / 4) {
				/* idle until more is written: keep only what a partial line needs */
				size_t cap = f->len > 4096 ? f->len : 4096;
				char *p = realloc(f->buf, cap);
				if (p) {
					f->buf = p;
					f->cap = cap;
				}
			}
			break;
		}
		f->len += (size_t)n;
		total += (size_t)n;
		lines(f, o);
		if (f->bad)
			break;
	}
	/* a file first seen short gets its full fingerprint once it has grown */
	if (f->fd >= 0 && f->fplen < TF_FP_MAX && f->base + f->len > f->fplen) {
		uint64_t have = f->base + f->len;
		uint32_t n = (uint32_t)(have < TF_FP_MAX ? have : TF_FP_MAX);
		if (tf_fingerprint(f->fd, n, &f->fp))
			f->fplen = n;
	}
	return (ssize_t)total;
}
