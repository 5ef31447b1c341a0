/* t-ndjson: the bounded line reader and the batching writer. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "ndjson.h"
#include "tap.h"

/* A pipe whose read end holds data (written by a child so size is unbounded). */
static int feed(const char *data, size_t n)
{
	int p[2];

	if (pipe(p) != 0)
		abort();
	pid_t pid = fork();
	if (pid < 0)
		abort();
	if (pid == 0) {
		close(p[0]);
		/* dribble in small pieces to exercise partial reads */
		for (size_t off = 0; off < n;) {
			size_t k = n - off < 7 ? n - off : 7;
			if (write(p[1], data + off, k) != (ssize_t)k)
				_exit(1);
			off += k;
		}
		_exit(0);
	}
	close(p[1]);
	return p[0];
}

static int next(struct ndjson_reader *r, char **l)
{
	size_t n;
	return ndjson_read_line(r, l, &n);
}

static void test_lines(void)
{
	static const char in[] = "one\r\ntwo\n\nthree\xff\n{\"a\":1}\nfo\0ur\nlast";
	struct ndjson_reader r;
	char *l;
	int fd = feed(in, sizeof in - 1);

	ok(ndjson_reader_init(&r, fd, 64, "t") == 0, "reader init");
	ok(next(&r, &l) == NDJSON_LINE && strcmp(l, "one") == 0, "CRLF stripped");
	ok(next(&r, &l) == NDJSON_LINE && strcmp(l, "two") == 0, "LF line");
	ok(next(&r, &l) == NDJSON_LINE && strcmp(l, "{\"a\":1}") == 0,
	    "blank line and invalid UTF-8 line skipped");
	ok(next(&r, &l) == NDJSON_LINE && strcmp(l, "last") == 0, "NUL line skipped; last line without newline kept");
	ok(next(&r, &l) == NDJSON_EOF, "EOF");
	is_int(r.st.bad_utf8, 1, "one invalid UTF-8 line counted");
	is_int(r.st.nul_bytes, 1, "one NUL line counted");
	is_int(r.st.empty, 1, "one empty line counted");
	is_int(r.st.records, 4, "four lines returned");
	ndjson_reader_free(&r);
	close(fd);
}

static void test_long_lines(void)
{
	/* limit 16: exactly 16 passes, 17 is skipped whole, the tail never leaks */
	const char *in = "0123456789abcdef\n0123456789abcdefX-tail-must-not-appear\nok\n"
	    "0123456789abcdef\r\n";
	struct ndjson_reader r;
	char *l;
	int fd = feed(in, strlen(in));

	ndjson_reader_init(&r, fd, 16, "t");
	ok(next(&r, &l) == NDJSON_LINE && strlen(l) == 16, "line at the limit passes");
	ok(next(&r, &l) == NDJSON_LINE && strcmp(l, "ok") == 0, "over-long line skipped whole");
	ok(next(&r, &l) == NDJSON_LINE && strlen(l) == 16, "line at the limit with CRLF passes");
	ok(next(&r, &l) == NDJSON_EOF, "EOF after long lines");
	is_int(r.st.too_long, 1, "one over-long line counted");
	ndjson_reader_free(&r);
	close(fd);

	/* a huge line, far over the buffer, ends the stream: nothing returned */
	size_t big = 100000;
	char *huge = malloc(big + 4);
	memset(huge, 'x', big);
	memcpy(huge + big, "\ny\n", 4);
	fd = feed(huge, big + 3);
	ndjson_reader_init(&r, fd, 1000, "t");
	ok(next(&r, &l) == NDJSON_LINE && strcmp(l, "y") == 0, "100 kB line skipped, next line read");
	is_int(r.st.too_long, 1, "huge line counted once");
	ndjson_reader_free(&r);
	close(fd);
	free(huge);
}

static void test_records(void)
{
	const char *in = "{\"kind\":\"x\"}\n[1,2]\nnot json\n{\"a\":1} trailing\n{\"b\":2}\n";
	struct ndjson_reader r;
	cJSON *rec;
	int fd = feed(in, strlen(in));

	ndjson_reader_init(&r, fd, 0, "t");
	ok(ndjson_read_record(&r, &rec) == NDJSON_LINE && cJSON_GetObjectItem(rec, "kind"), "object read");
	cJSON_Delete(rec);
	ok(ndjson_read_record(&r, &rec) == NDJSON_LINE && cJSON_GetObjectItem(rec, "b"),
	    "array, garbage and trailing text skipped");
	cJSON_Delete(rec);
	ok(ndjson_read_record(&r, &rec) == NDJSON_EOF, "EOF");
	is_int(r.st.bad_json, 3, "three bad JSON lines counted");
	is_int(r.st.records, 2, "two records");
	ndjson_reader_free(&r);
	close(fd);
}

static void test_nonblocking(void)
{
	struct ndjson_reader r;
	char *l;
	int p[2];

	if (pipe(p) != 0)
		abort();
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	ndjson_reader_init(&r, p[0], 0, "t");
	ok(write(p[1], "part", 4) == 4, "half a line written");
	ok(next(&r, &l) == NDJSON_AGAIN, "no complete line yet: AGAIN, nothing split");
	ok(write(p[1], "ial\n", 4) == 4, "rest written");
	ok(next(&r, &l) == NDJSON_LINE && strcmp(l, "partial") == 0, "line completed across reads");
	close(p[1]);
	ok(next(&r, &l) == NDJSON_EOF, "EOF after writer closed");
	ndjson_reader_free(&r);
	close(p[0]);
}

static void test_writer(void)
{
	struct ndjson_writer w;
	char buf[256];
	int p[2];

	if (pipe(p) != 0)
		abort();
	ndjson_writer_init(&w, p[1], 32);
	cJSON *o = cJSON_Parse("{\"kind\":\"t\",\"v\":1}");
	ok(ndjson_write_record(&w, o) == NDJSON_WOK, "record queued");
	cJSON_Delete(o);
	ok(ndjson_write_line(&w, "0123456789012345678901234567890123456789", 40) == NDJSON_WOK,
	    "line larger than the buffer written");
	ok(ndjson_flush(&w) == NDJSON_WOK, "flush");
	ssize_t n = read(p[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	is_str(buf, "{\"kind\":\"t\",\"v\":1}\n0123456789012345678901234567890123456789\n", "lines in order");
	is_int(w.records, 2, "two records counted");
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	ok(ndjson_write_line(&w, "x", 1) == NDJSON_WOK, "queued while the reader is gone");
	ok(ndjson_flush(&w) == NDJSON_WPIPE, "EPIPE reported as WPIPE");
	ok(ndjson_write_line(&w, "y", 1) == NDJSON_WPIPE, "state is sticky");
	ndjson_writer_free(&w);
	close(p[1]);
}

static void test_reserve(void)
{
	struct ndjson_writer w;
	char buf[256];
	size_t room;
	int p[2];

	if (pipe(p) != 0)
		abort();
	ndjson_writer_init(&w, p[1], 32);
	char *at = ndjson_reserve(&w, 10, &room);
	is_int(room, 31, "an empty buffer: all of it but the newline");
	memcpy(at, "first", 5);
	ndjson_commit(&w, 5);
	at = ndjson_reserve(&w, 30, &room);
	is_int(room, 31, "asking for more than is free flushes first");
	memcpy(at, "second", 6);
	ndjson_commit(&w, 6);
	ok(ndjson_flush(&w) == NDJSON_WOK, "flush");
	ssize_t n = read(p[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	is_str(buf, "first\nsecond\n", "lines written in place, in order");
	is_int(w.records, 2, "counted");
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	memcpy(ndjson_reserve(&w, 1, &room), "x", 1);
	ndjson_commit(&w, 1);
	ok(ndjson_flush(&w) == NDJSON_WPIPE, "the reader gone");
	(void)ndjson_reserve(&w, 1, &room);
	is_int(room, 0, "no room after a write error");
	ndjson_writer_free(&w);
	close(p[1]);
}

int main(void)
{
	log_init("t-ndjson");
	log_set_level(LL_ERROR);
	test_lines();
	test_long_lines();
	test_records();
	test_nonblocking();
	test_writer();
	test_reserve();
	return done_testing();
}
