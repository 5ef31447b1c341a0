/* t-udp-listen-parts: rate limits, sender filter, counters and the output queue. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../bin/udp-listen/outq.h"
#include "../../bin/udp-listen/ratelimit.h"
#include "../../bin/udp-listen/srcfilter.h"
#include "../../bin/udp-listen/tally.h"
#include "appnames.h"
#include "log.h"
#include "tap.h"

static struct sockaddr_storage addr(const char *a)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof ss);
	if (strchr(a, ':')) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)(void *)&ss;
		s6->sin6_family = AF_INET6;
		inet_pton(AF_INET6, a, &s6->sin6_addr);
	} else {
		struct sockaddr_in *s4 = (struct sockaddr_in *)(void *)&ss;
		s4->sin_family = AF_INET;
		inet_pton(AF_INET, a, &s4->sin_addr);
	}
	return ss;
}

static void test_ratelimit(void)
{
	static struct ratelimit r;
	struct sockaddr_storage a = addr("10.0.0.1"), b = addr("10.0.0.2");
	int pass = 0;

	ratelimit_init(&r, true, 5, 0);
	for (int i = 0; i < 8; i++)
		pass += ratelimit_admit(&r, &a, 1000) == RL_PASS;
	is_int(pass, 5, "total: 5 per minute");
	is_int(ratelimit_admit(&r, &a, 61000), RL_PASS, "a new window after a minute");
	ok(ratelimit_current(&r, 62000) > 0, "current rate reported");
	ratelimit_init(&r, true, 100, 2);
	pass = 0;
	for (int i = 0; i < 5; i++)
		pass += ratelimit_admit(&r, &a, 1000) == RL_PASS;
	is_int(pass, 2, "per source: 2 per minute");
	is_int(ratelimit_admit(&r, &b, 1000), RL_PASS, "another source has its own budget");
	ratelimit_init(&r, false, 1, 1);
	is_int(ratelimit_admit(&r, &a, 0) + ratelimit_admit(&r, &a, 0), RL_PASS, "disabled: everything passes");
	/* many senders: the table stays bounded and still limits */
	ratelimit_init(&r, true, 0, 1);
	for (int i = 0; i < 5000; i++) {
		char ip[32];
		snprintf(ip, sizeof ip, "10.%d.%d.1", i / 256, i % 256);
		struct sockaddr_storage x = addr(ip);
		ratelimit_admit(&r, &x, 1000);
	}
	ok(ratelimit_admit(&r, &a, 1000) == RL_PASS && ratelimit_admit(&r, &a, 1000) == RL_SOURCE,
	    "5000 senders later a sender is still limited");
}

static void test_srcfilter(void)
{
	const char *list[] = { "192.0.2.0/24", "2001:db8::/32", "10.1.2.3", "localhost" };
	char err[256];
	struct srcfilter *f = srcfilter_new(list, 4, 1000, err, sizeof err);

	ok(f != NULL, "filter built");
	struct sockaddr_storage a = addr("192.0.2.77"), b = addr("192.0.3.1"), c = addr("2001:db8::5"),
	    d = addr("10.1.2.3"), e = addr("::ffff:10.1.2.3"), g = addr("127.0.0.1");
	ok(srcfilter_allows(f, &a), "inside a CIDR range");
	ok(!srcfilter_allows(f, &b), "outside it");
	ok(srcfilter_allows(f, &c), "IPv6 range");
	ok(srcfilter_allows(f, &d), "exact address");
	ok(srcfilter_allows(f, &e), "IPv4-mapped IPv6 compared as IPv4");
	ok(!srcfilter_allows(f, &g), "a name not resolved yet matches nothing");
	for (int i = 0; i < 200 && !srcfilter_allows(f, &g); i++) {
		srcfilter_tick(f, i * 10LL);
		usleep(20000);
	}
	ok(srcfilter_allows(f, &g), "localhost resolved in the background");
	srcfilter_free(f);
	const char *bad[] = { "300.1.1.1/8" };
	ok(!srcfilter_new(bad, 1, 1000, err, sizeof err) && strstr(err, "300.1.1.1/8"), "bad entry named: %s", err);
	const char *badp[] = { "10.0.0.0/33" };
	ok(!srcfilter_new(badp, 1, 1000, err, sizeof err), "prefix over 32 refused");
}

static void test_tally(void)
{
	struct tally *t = tally_new(3);
	const char *k1[TALLY_PARTS] = { "log", "a", "h", "s" }, *k2[TALLY_PARTS] = { "log", "b", "h", "s" };

	tally_add(t, k1, 1.5);
	tally_add(t, k1, 2);
	tally_add(t, k2, 0);
	is_int(tally_size(t), 2, "two keys");
	ok(tally_entry(t, 0)->count == 2 && tally_entry(t, 0)->sum == 3.5, "count and sum");
	for (int i = 0; i < 100; i++) {
		char s[16];
		snprintf(s, sizeof s, "x%d", i);
		const char *k[TALLY_PARTS] = { "log", s, "h", "s" };
		tally_add(t, k, 0);
	}
	is_int(tally_size(t), 4, "bounded: 3 keys plus the overflow key");
	is_str(tally_entry(t, 3)->part[1], TALLY_OVERFLOW, "overflow key");
	is_int(tally_entry(t, 3)->count, 99, "overflow counts the rest");
	tally_clear(t);
	is_int(tally_size(t), 0, "cleared");
	tally_free(t);
}

static void test_outq(void)
{
	struct outq q;
	int p[2];
	char buf[4096];

	if (pipe(p) != 0)
		return;
	ok(outq_init(&q, p[1], 3, 64 * 1024) == 0, "queue");
	ok(outq_push(&q, "a", 1, false) && outq_push(&q, "b", 1, false) && outq_push(&q, "c", 1, false), "3 fit");
	ok(!outq_has_room(&q) && !outq_push(&q, "d", 1, false), "the 4th does not");
	ok(outq_push(&q, "own", 3, true), "the tool's own record may exceed the count");
	is_int(outq_flush(&q, 0), OUTQ_OK, "flushed");
	is_int(q.count, 0, "nothing pending");
	ssize_t n = read(p[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	is_str(buf, "a\nb\nc\nown\n", "lines in order");
	/* a reader that does not read: the pipe fills, the queue holds, nothing blocks */
	char line[1000];
	memset(line, 'x', sizeof line);
	q.max_count = 1000000;
	int pushed = 0;
	while (outq_push(&q, line, sizeof line, false)) {
		pushed++;
		(void)outq_flush(&q, 0);
	}
	ok(pushed > 64, "pushed %d lines of 1000 bytes before the byte bound", pushed);
	ok(q.count > 0, "the rest waits in the queue");
	close(p[0]);
	ok(outq_flush(&q, 0) == OUTQ_PIPE, "reader gone: PIPE");
	outq_free(&q);
	close(p[1]);
}

static void test_appnames(void)
{
	char path[] = "/tmp/t-appnames.XXXXXX";
	int fd = mkstemp(path);
	const char *a = "{\"id\":\"E7AF59A0-C243-480D-9571-08727551A66F\",\"name\":\"Sales\"}\nnot json\n"
	    "{\"id\":\"x\"}\n{\"id\":\"d7cf16f9-6a95-462a-9ff1-a6d413326de4\",\"name\":\"Budget\"}\n";

	ok(fd >= 0 && write(fd, a, strlen(a)) == (ssize_t)strlen(a), "names file");
	close(fd);
	struct appnames *n = appnames_new(path);
	is_int(appnames_refresh(n), 1, "loaded");
	is_int(appnames_count(n), 2, "bad lines skipped");
	is_str(appnames_get(n, "e7af59a0-c243-480d-9571-08727551a66f", 36), "Sales", "case-insensitive id");
	is_int(appnames_refresh(n), 0, "unchanged file not reloaded");
	fd = open(path, O_WRONLY | O_APPEND);
	ok(write(fd, "{\"id\":\"11111111-2222-4333-8444-555555555555\",\"name\":\"New\"}\n", 59) == 59, "appended");
	close(fd);
	is_int(appnames_refresh(n), 1, "changed file reloaded");
	is_str(appnames_get(n, "11111111-2222-4333-8444-555555555555", 36), "New", "new name");
	unlink(path);
	is_int(appnames_refresh(n), -1, "missing file: -1");
	is_str(appnames_get(n, "11111111-2222-4333-8444-555555555555", 36), "New", "old names kept");
	appnames_free(n);
}

int main(void)
{
	log_set_level(-1);
	signal(SIGPIPE, SIG_IGN);	/* as udp-listen does: a gone reader is EPIPE */
	test_ratelimit();
	test_srcfilter();
	test_tally();
	test_outq();
	test_appnames();
	return done_testing();
}
