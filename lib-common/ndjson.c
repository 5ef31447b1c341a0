/* ndjson: bounded line reader and batching line writer. */
#include "ndjson.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "utf8.h"

int ndjson_reader_init(struct ndjson_reader *r, int fd, size_t max_line, const char *name)
{
	memset(r, 0, sizeof *r);
	r->fd = fd;
	r->max_line = max_line ? max_line : NDJSON_MAX_LINE_DEFAULT;
	r->name = name ? name : "input";
	/* room for the longest line, its newline (or CR LF) and a NUL */
	r->cap = r->max_line + 3;
	r->buf = malloc(r->cap);
	return r->buf ? 0 : -1;
}

void ndjson_reader_free(struct ndjson_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Checks a complete line; returns true to hand it out. */
static bool line_ok(struct ndjson_reader *r, char *s, size_t *n)
{
	r->st.lines++;
	if (*n > 0 && s[*n - 1] == '\r')
		s[--*n] = '\0';
	if (*n > r->max_line) {
		r->st.too_long++;
		log_warn("%s: line %llu: longer than %zu bytes, skipped", r->name, r->st.lines, r->max_line);
		return false;
	}
	if (*n == 0) {
		r->st.empty++;
		return false;
	}
	if (memchr(s, '\0', *n)) {
		r->st.nul_bytes++;
		log_warn("%s: line %llu: contains a NUL byte, skipped", r->name, r->st.lines);
		return false;
	}
	if (!utf8_valid(s, *n)) {
		r->st.bad_utf8++;
		log_warn("%s: line %llu: invalid UTF-8, skipped", r->name, r->st.lines);
		return false;
	}
	r->st.records++;
	return true;
}

int ndjson_read_line(struct ndjson_reader *r, char **line, size_t *len)
{
	for (;;) {
		char *start = r->buf + r->off;
		char *nl = memchr(start, '\n', r->len - r->off);

		if (nl) {
			size_t n = (size_t)(nl - start);
			*nl = '\0';
			r->off += n + 1;
			if (r->skipping) {
				/* the tail of a line already counted as too long */
				r->skipping = false;
				continue;
			}
			if (!line_ok(r, start, &n))
				continue;
			*line = start;
			*len = n;
			return NDJSON_LINE;
		}
		if (r->skipping) {
			r->off = r->len = 0;
		} else if (r->len - r->off > r->max_line + 1) {
			/* +1 allows a CR before the newline still to come */
			r->st.lines++;
			r->st.too_long++;
			log_warn("%s: line %llu: longer than %zu bytes, skipped", r->name, r->st.lines,
			    r->max_line);
			r->skipping = true;
			r->off = r->len = 0;
		} else if (r->off > 0) {
			memmove(r->buf, r->buf + r->off, r->len - r->off);
			r->len -= r->off;
			r->off = 0;
		}
		if (r->eof) {
			size_t n = r->len - r->off;
			start = r->buf + r->off;
			r->off = r->len = 0;
			if (n == 0 || r->skipping)
				return NDJSON_EOF;
			/* a last line without a newline is still a line */
			start[n] = '\0';
			if (!line_ok(r, start, &n))
				return NDJSON_EOF;
			*line = start;
			*len = n;
			return NDJSON_LINE;
		}
		ssize_t got = read(r->fd, r->buf + r->len, r->cap - 1 - r->len);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == EWOULDBLOCK)
				return NDJSON_AGAIN;
			return NDJSON_ERR;
		}
		if (got == 0)
			r->eof = true;
		r->len += (size_t)got;
	}
}

int ndjson_read_record(struct ndjson_reader *r, cJSON **rec)
{
	char *line;
	size_t n;
	int rc;

	while ((rc = ndjson_read_line(r, &line, &n)) == NDJSON_LINE) {
		const char *end = NULL;
		cJSON *j = cJSON_ParseWithLengthOpts(line, n, &end, 0);
		if (j && cJSON_IsObject(j) && end == line + n) {
			*rec = j;
			return NDJSON_LINE;
		}
		cJSON_Delete(j);
		r->st.records--;
		r->st.bad_json++;
		log_warn("%s: line %llu: not a JSON object, skipped", r->name, r->st.lines);
	}
	return rc;
}

int ndjson_writer_init(struct ndjson_writer *w, int fd, size_t cap)
{
	memset(w, 0, sizeof *w);
	w->fd = fd;
	w->cap = cap ? cap : 64 * 1024;
	w->buf = malloc(w->cap);
	return w->buf ? 0 : -1;
}

void ndjson_writer_free(struct ndjson_writer *w)
{
	free(w->buf);
	w->buf = NULL;
}

static int write_all(struct ndjson_writer *w, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(w->fd, p, n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			w->state = errno == EPIPE ? NDJSON_WPIPE : NDJSON_WERR;
			return w->state;
		}
		p += k;
		n -= (size_t)k;
	}
	return NDJSON_WOK;
}

int ndjson_flush(struct ndjson_writer *w)
{
	if (w->state != NDJSON_WOK)
		return w->state;
	int rc = write_all(w, w->buf, w->len);
	w->len = 0;
	return rc;
}

int ndjson_write_line(struct ndjson_writer *w, const char *s, size_t n)
{
	if (w->state != NDJSON_WOK)
		return w->state;
	if (w->len + n + 1 > w->cap && ndjson_flush(w) != NDJSON_WOK)
		return w->state;
	if (n + 1 > w->cap) {
		/* larger than the batch buffer: two writes, still one line */
		if (write_all(w, s, n) != NDJSON_WOK || write_all(w, "\n", 1) != NDJSON_WOK)
			return w->state;
	} else {
		memcpy(w->buf + w->len, s, n);
		w->buf[w->len + n] = '\n';
		w->len += n + 1;
	}
	w->records++;
	return NDJSON_WOK;
}

char *ndjson_reserve(struct ndjson_writer *w, size_t want, size_t *room)
{
	*room = 0;
	if (w->state != NDJSON_WOK)
		return w->buf;
	if (w->len + want + 1 > w->cap && ndjson_flush(w) != NDJSON_WOK)
		return w->buf;
	*room = w->cap - w->len - 1;	/* the newline always fits */
	return w->buf + w->len;
}

void ndjson_commit(struct ndjson_writer *w, size_t n)
{
	w->buf[w->len + n] = '\n';
	w->len += n + 1;
	w->records++;
}

int ndjson_write_record(struct ndjson_writer *w, const cJSON *rec)
{
	char *s = cJSON_PrintUnformatted(rec);
	if (!s) {
		errno = ENOMEM;
		return NDJSON_WERR;
	}
	int rc = ndjson_write_line(w, s, strlen(s));
	free(s);
	return rc;
}
