/* sig: signalfd-based signal handling; no code runs in signal context. */
#include "sig.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <unistd.h>

static int sfd = -1;
static bool stopping;

int sig_init(void)
{
	sigset_t set;
	struct sigaction sa = { .sa_handler = SIG_IGN };

	if (sigaction(SIGPIPE, &sa, NULL) != 0)
		return -1;
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	sfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	return sfd;
}

int sig_fd(void)
{
	return sfd;
}

bool sig_stopping(void)
{
	return stopping;
}

int sig_read(void)
{
	struct signalfd_siginfo si;
	int what = SIG_NONE;

	if (sfd < 0)
		return SIG_NONE;
	for (;;) {
		ssize_t n = read(sfd, &si, sizeof si);
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof si)
			break;
		if (si.ssi_signo == SIGHUP) {
			if (what == SIG_NONE)
				what = SIG_RELOAD;
		} else {
			stopping = true;
			what = SIG_STOP;
		}
	}
	return stopping ? SIG_STOP : what;
}

int sig_wait(int64_t timeout_ms)
{
	struct pollfd p = { .fd = sfd, .events = POLLIN };

	if (timeout_ms < 0)
		timeout_ms = 0;
	if (timeout_ms > 1000 * 1000 * 1000)
		timeout_ms = 1000 * 1000 * 1000;
	if (poll(&p, sfd >= 0 ? 1 : 0, (int)timeout_ms) < 0 && errno != EINTR)
		return SIG_NONE;
	return sig_read();
}
