/*
 * udp: while the simulator serves HTTPS, the log4net appenders of the
 * simulated nodes send their datagrams too: all seven kinds from
 * udp-blast's generator, at --udp-rate a second, to loopback only.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "addr.h"
#include "../udp-blast/gen.h"
#include "log.h"
#include "sim.h"
#include "timefmt.h"

struct dest {
	const char *text;
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;
};

static struct dest dests[2] = { { .fd = -1 }, { .fd = -1 } };	/* [0] log events, [1] user events */
static long long rate;
static pthread_t thread;
static bool started;
static struct sim *sim;
static struct gen *gen;
static unsigned long long sent, errors;

/* ADDR:PORT with an IPv4 literal, or [IPv6]:PORT; nothing is resolved. */
static int parse_dest(const char *arg, struct dest *d, char *err, size_t errlen)
{
	if (addr_numeric(arg, &d->ss, &d->len) != 0) {
		snprintf(err, errlen, "\"%s\" is not IPV4:PORT or [IPV6]:PORT", arg);
		return -1;
	}
	if (!addr_is_loopback(&d->ss)) {
		snprintf(err, errlen, "\"%s\" is not a loopback address", arg);
		return -1;
	}
	d->text = arg;
	return 0;
}

int udp_open(const struct udp_opts *o, char *err, size_t errlen)
{
	const char *args[2] = { o->log, o->user };

	rate = o->rate;
	for (int i = 0; i < 2; i++) {
		struct dest *d = &dests[i];
		if (!args[i])
			continue;
		if (parse_dest(args[i], d, err, errlen) != 0)
			return -1;
		d->fd = socket(d->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
		if (d->fd < 0 || connect(d->fd, (const struct sockaddr *)&d->ss, d->len) != 0) {
			snprintf(err, errlen, "%s: %s", d->text, strerror(errno));
			return -1;
		}
	}
	return 0;
}

static void *udp_main(void *arg)
{
	int types[DG_NTYPES], ntypes = 0;
	struct pollfd p = { .fd = sim->stop_fd, .events = POLLIN };
	int64_t start = time_mono_ms();
	unsigned long long seq = 0;
	char buf[DG_MAX];

	(void)arg;
	for (int t = 0; t < DG_NTYPES; t++)
		if (dests[dg_type_is_user(t)].fd >= 0)
			types[ntypes++] = t;
	for (;;) {
		/* datagram seq (from 0) is due seq/rate seconds after the start: no drift */
		int64_t now = time_mono_ms();
		int64_t due = start + (int64_t)(seq * 1000 / (unsigned long long)rate);
		/* behind schedule the loop never sleeps: look for the stop now and then */
		if ((seq & 255) == 255 && poll(&p, 1, 0) > 0)
			break;
		if (due > now) {
			int r = poll(&p, 1, (int)(due - now));
			if (r > 0 || (r < 0 && errno != EINTR))
				break;
			continue;
		}
		int type = types[seq % (unsigned long long)ntypes];
		struct dest *d = &dests[dg_type_is_user(type)];
		size_t len = gen_datagram(gen, type, seq + 1, time_now_ms(), buf, sizeof buf);
		seq++;
		if (len && send(d->fd, buf, len, 0) == (ssize_t)len) {
			sent++;
		} else {
			/* nothing listening, or a full buffer: count it and go on, as a real appender */
			errors++;
			sim_log(LL_DEBUG, "udp %s: %s", d->text, len ? strerror(errno) : "datagram too long");
		}
	}
	return NULL;
}

int udp_start(struct sim *s, uint64_t seed)
{
	int err;

	if (dests[0].fd < 0 && dests[1].fd < 0)
		return 0;
	sim = s;
	gen = gen_new(seed, time_now_ms());
	if (!gen) {
		errno = ENOMEM;
		return -1;
	}
	err = pthread_create(&thread, NULL, udp_main, NULL);
	if (err) {
		gen_free(gen);
		gen = NULL;
		errno = err;
		return -1;
	}
	started = true;
	sim_log(LL_INFO, "sending log4net datagrams at %lld/s to%s%s%s%s", rate,
	    dests[0].fd >= 0 ? " log " : "", dests[0].fd >= 0 ? dests[0].text : "",
	    dests[1].fd >= 0 ? " user " : "", dests[1].fd >= 0 ? dests[1].text : "");
	return 0;
}

void udp_join(void)
{
	if (started) {
		pthread_join(thread, NULL);
		started = false;
		sim_log(LL_INFO, "udp: %llu datagrams sent, %llu send errors", sent, errors);
	}
	gen_free(gen);
	gen = NULL;
	for (int i = 0; i < 2; i++) {
		if (dests[i].fd >= 0)
			close(dests[i].fd);
		dests[i].fd = -1;
	}
}
