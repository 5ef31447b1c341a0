/* t-loop: interval timer, backoff, signals, readiness, log and the exec sandbox. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backoff.h"
#include "log.h"
#include "ready.h"
#include "sandbox.h"
#include "sig.h"
#include "tap.h"
#include "timer.h"

static void test_timer(void)
{
	struct timer t;

	timer_start(&t, 1000, 5000);
	ok(timer_fire(&t, 5000), "first tick due at start");
	ok(!timer_fire(&t, 5999), "not due before the interval");
	is_int(timer_left(&t, 5400), 600, "time left");
	ok(timer_fire(&t, 6000), "due at the interval");
	ok(timer_fire(&t, 9500), "late tick fires once");
	is_int(t.next, 10000, "missed ticks skipped, schedule kept");
	ok(!timer_fire(&t, 9999), "no burst after a late tick");
}

static void test_backoff(void)
{
	struct backoff b;
	int in_range = 1;

	backoff_init(&b, 100, 1000);
	for (int i = 0; i < 200; i++) {
		int64_t d = backoff_next(&b);
		int64_t hi = i < 4 ? 100LL << i : 1000;
		if (d < 50 || d > hi)
			in_range = 0;
	}
	ok(in_range, "delays within [base/2, min(cap, base*2^n)]");
	backoff_reset(&b);
	int64_t d = backoff_next(&b);
	ok(d >= 50 && d <= 100, "reset starts over");
}

static void test_signals(void)
{
	ok(sig_init() >= 0, "signalfd set up");
	ok(sig_read() == SIG_NONE, "no signal pending");
	raise(SIGHUP);
	ok(sig_wait(1000) == SIG_RELOAD, "SIGHUP read as reload");
	ok(!sig_stopping(), "not stopping after HUP");
	raise(SIGTERM);
	ok(sig_wait(1000) == SIG_STOP && sig_stopping(), "SIGTERM read as stop");
	ok(raise(SIGPIPE) == 0, "SIGPIPE ignored");
}

static void test_ready(void)
{
	int p[2];
	char c = 0;

	ok(ready_check(1) == -1, "stdout refused as a ready fd");
	ok(ready_check(-1) == 0, "no ready fd is fine");
	if (pipe(p) != 0)
		abort();
	ok(ready_check(p[0]) == -1, "read end refused");
	ok(ready_check(p[1]) == 0, "write end accepted");
	ok(ready_notify(p[1]) == 0, "notified");
	ok(read(p[0], &c, 1) == 1 && c == '\n', "one newline");
	ok(read(p[0], &c, 1) == 0, "then closed");
	close(p[0]);
}

static void test_log(void)
{
	char buf[8192];
	int p[2], saved = dup(2);

	if (pipe(p) != 0)
		abort();
	dup2(p[1], 2);
	log_init("/path/to/t-loop");
	log_set_level(LL_INFO);
	log_set_ratelimit(3, 60000);
	for (int i = 0; i < 10; i++)
		log_warn("repeated %d", i);
	log_debug("hidden");
	log_info("quote \"me\"\nplease");
	dup2(saved, 2);
	close(p[1]);
	ssize_t n = read(p[0], buf, sizeof buf - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(p[0]);
	int lines = 0;
	for (char *s = buf; (s = strchr(s, '\n')); s++)
		lines++;
	is_int(lines, 4, "three repeated lines pass the limit, plus one other");
	ok(strstr(buf, "level=warn tool=t-loop msg=\"repeated 0\"") != NULL, "logfmt line");
	ok(strstr(buf, "repeated 3") == NULL, "fourth repeat suppressed");
	ok(strstr(buf, "msg=\"quote \\\"me\\\"\\nplease\"") != NULL, "quotes and newline escaped");
	ok(strstr(buf, "hidden") == NULL, "debug hidden at info");
	ok(strncmp(buf, "ts=", 3) == 0, "line starts with ts=");
	is_int(log_level_parse("verbose"), LL_DEBUG, "Butler SOS level verbose");
	is_int(log_level_parse("silly"), LL_DEBUG, "Butler SOS level silly");
	is_int(log_level_parse("loud"), -1, "unknown level");
}

static void test_sandbox(void)
{
	int st;
	pid_t pid = fork();

	if (pid == 0) {
		char arg0[] = "/bin/true";
		char *argv[] = { arg0, NULL };
		if (sandbox_no_exec() != 0)
			_exit(2);
		execv("/bin/true", argv);
		_exit(errno == EPERM ? 0 : 3);
	}
	waitpid(pid, &st, 0);
	ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec refused with EPERM under the sandbox");
}

int main(void)
{
	test_timer();
	test_backoff();
	test_ready();
	test_log();
	test_sandbox();
	test_signals();
	return done_testing();
}
