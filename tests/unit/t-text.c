/* t-text: UTF-8 validation and repair, bounded file and line readers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "tap.h"
#include "utf8.h"

static void test_utf8(void)
{
	char s[64];

	ok(utf8_valid("plain ascii", 11), "ASCII");
	ok(utf8_valid("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14), "2, 3 and 4 byte sequences");
	ok(!utf8_valid("\xc0\xaf", 2), "overlong slash refused");
	ok(!utf8_valid("\xed\xa0\x80", 3), "surrogate refused");
	ok(!utf8_valid("\xf4\x90\x80\x80", 4), "above U+10FFFF refused");
	ok(!utf8_valid("\xe2\x82", 2), "truncated sequence refused");
	ok(!utf8_valid("\xff", 1), "0xff refused");
	ok(utf8_valid("a\0b", 3), "NUL is valid UTF-8 (callers reject it separately)");
	is_int(utf8_seq_len((const unsigned char *)"\xe2\x82\xac", 3), 3, "sequence length");
	is_int(utf8_seq_len((const unsigned char *)"\xe2\x82\xac", 2), 0, "sequence cut by avail");

	strcpy(s, "ok\x01tab\there\xff caf\xc3\xa9 \xc2\x85");
	utf8_sanitize(s, true);
	is_str(s, "ok?tab?here? caf\xc3\xa9 ?", "controls, C1 and bad bytes become ?");
	strcpy(s, "keep\ttabs\xe2\x82");
	utf8_sanitize(s, false);
	is_str(s, "keep\ttabs??", "without controls: only bad bytes replaced");
}

static void test_files(void)
{
	char path[] = "/tmp/t-text.XXXXXX", buf[8];
	int fd = mkstemp(path);
	struct lines l;
	char *big = malloc(LINES_MAX + 10);

	ok(fd >= 0, "temp file");
	memset(big, 'x', LINES_MAX + 9);
	big[LINES_MAX + 9] = '\n';
	ok(write(fd, "first\nsecond\n", 13) == 13 && write(fd, big, LINES_MAX + 10) == LINES_MAX + 10 &&
	    write(fd, "last", 4) == 4, "content written");
	close(fd);
	free(big);

	is_int(file_read(path, buf, sizeof buf), 7, "file_read stops at the buffer size");
	is_str(buf, "first\ns", "and NUL-terminates");
	ok(file_read("/nonexistent/x", buf, sizeof buf) == -1, "missing file: -1");

	ok(lines_open(&l, path, 1 << 20) == 0, "lines_open");
	ok(lines_next(&l) == 1 && strcmp(l.line, "first") == 0, "first line");
	ok(lines_next(&l) == 1 && strcmp(l.line, "second") == 0, "second line");
	ok(lines_next(&l) == 1 && strlen(l.line) == LINES_MAX - 1, "long line cut at LINES_MAX");
	ok(lines_next(&l) == 1 && strcmp(l.line, "last") == 0, "last line without newline");
	ok(lines_next(&l) == 0, "end");
	lines_close(&l);

	ok(lines_open(&l, path, 8) == 0, "byte cap of 8");
	ok(lines_next(&l) == 1 && strcmp(l.line, "first") == 0, "line within the cap");
	ok(lines_next(&l) == 0, "line cut by the cap is dropped");
	lines_close(&l);

	char *all;
	size_t len;
	struct stat st;
	ok(file_slurp(path, 1 << 20, &all, &len, &st) == 0 && len == (size_t)st.st_size &&
	    all[len] == '\0' && strncmp(all, "first\n", 6) == 0, "file_slurp reads the whole file");
	free(all);
	ok(file_slurp(path, 100, &all, &len, &st) == -2 && all == NULL, "file_slurp refuses a file over max");
	ok(file_slurp("/tmp", 100, &all, &len, &st) == -1 && errno == EISDIR, "file_slurp refuses a directory");
	unlink(path);
}

int main(void)
{
	test_utf8();
	test_files();
	return done_testing();
}
