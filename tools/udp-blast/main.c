/*
 * udp-blast: a load generator for udp-listen. Sends realistic Qlik Sense
 * log4net datagrams of all seven kinds, numbered 1..count so a receiver can
 * prove that none was lost, at a steady rate paced by the monotonic clock
 * and in bursts of one sendmmsg(2) each. Loopback only unless told.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "cli.h"
#include "gen.h"
#include "log.h"
#include "sig.h"
#include "timefmt.h"

#define USAGE "udp-blast [-qvV] [--log addr:port] [--user addr:port] [--rate n] [--count n]\n" \
	"                 [--duration seconds] [--types list] [--seed n] [--burst n] [--allow-remote]"

#define MAX_BURST 1024		/* UIO_MAXIOV: the most sendmmsg(2) takes at once */
#define MAX_TYPES 64		/* entries in --types; repeats weigh a type */
#define MAX_COUNT 1000000000000LL
#define MAX_RATE 10000000LL
#define MAX_DURATION_MS (7LL * 86400 * 1000)
#define NS 1000000000LL

/* transient errors: retried with a growing pause for this long, then given up */
#define STUCK_LIMIT_NS (5 * NS)
#define RETRY_PAUSE_MAX_US 10000
/* this many hard errors in a row without one datagram getting out ends the run */
#define HARD_ERROR_LIMIT 64

enum {
	OPT_LOG = CLI_OPT_TOOL,
	OPT_USER,
	OPT_RATE,
	OPT_COUNT,
	OPT_DURATION,
	OPT_TYPES,
	OPT_SEED,
	OPT_BURST,
	OPT_ALLOW_REMOTE,
};

struct dest {
	const char *text;	/* as given, for messages */
	struct sockaddr_storage ss;
	socklen_t len;
	int fd;
};

struct batch {
	const struct dest *d;
	unsigned n;
	struct mmsghdr m[MAX_BURST];
	struct iovec iov[MAX_BURST];
};

struct settings {
	struct dest log, user;
	bool have_log, have_user, allow_remote, have_seed;
	long long rate, count, duration_ms;
	unsigned long long seed;
	int burst;
	int types[MAX_TYPES];
	int ntypes;
};

struct run {
	int64_t start_ns, end_ns;	/* end_ns 0: no --duration */
	unsigned long long sent, errors, given_up;
	int hard_in_row;
	bool aborted;
};

static char bufs[MAX_BURST][DG_MAX];
static struct batch batches[2];

static int64_t mono_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (int64_t)t.tv_sec * NS + t.tv_nsec;
}

/* ADDR:PORT with an IPv4 literal, or [IPv6]:PORT. No names: nothing is resolved. */
static void parse_dest(const struct cli *cli, const char *opt, const char *arg, struct dest *d)
{
	if (addr_numeric(arg, &d->ss, &d->len) != 0)
		cli_usage_error(cli, "%s: \"%s\" is not IPV4:PORT or [IPV6]:PORT", opt, arg);
	d->text = arg;
	d->fd = -1;
}

/* "1.5" seconds to ms; at most three decimals. */
static long long parse_duration(const struct cli *cli, const char *arg)
{
	long long ms = 0;
	const char *p = arg;
	int decimals = -1;

	for (; *p; p++) {
		if (*p == '.' && decimals < 0) {
			decimals = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || decimals >= 3 || ms > MAX_DURATION_MS)
			break;
		ms = ms * 10 + (*p - '0');
		if (decimals >= 0)
			decimals++;
	}
	for (int d = decimals < 0 ? 0 : decimals; d < 3; d++)
		ms *= 10;
	if (*p || p == arg || decimals == 0 || ms <= 0 || ms > MAX_DURATION_MS)
		cli_usage_error(cli, "--duration: \"%s\" is not a number of seconds in (0, %lld], "
		    "with at most three decimals", arg, MAX_DURATION_MS / 1000);
	return ms;
}

static void parse_types(const struct cli *cli, struct settings *s, const char *arg)
{
	const char *p = arg;

	s->ntypes = 0;
	for (;;) {
		size_t n = strcspn(p, ",");
		int t = dg_type_parse(p, n);
		if (t < 0)
			cli_usage_error(cli, "--types: \"%.*s\" is not one of engine, proxy, repository, "
			    "scheduler, qixperf, session, connection", (int)n, p);
		if (s->ntypes == MAX_TYPES)
			cli_usage_error(cli, "--types: at most %d entries", MAX_TYPES);
		s->types[s->ntypes++] = t;
		if (!p[n])
			break;
		p += n + 1;
	}
}

static void parse_args(struct cli *cli, struct settings *s, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "log", required_argument, NULL, OPT_LOG },
		{ "user", required_argument, NULL, OPT_USER },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "duration", required_argument, NULL, OPT_DURATION },
		{ "types", required_argument, NULL, OPT_TYPES },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "burst", required_argument, NULL, OPT_BURST },
		{ "allow-remote", no_argument, NULL, OPT_ALLOW_REMOTE },
		{ NULL, 0, NULL, 0 },
	};
	const char *types = NULL;
	int opt;

	while ((opt = cli_next(cli, argc, argv, longopts)) != -1) {
		switch (opt) {
		case OPT_LOG:
			parse_dest(cli, "--log", optarg, &s->log);
			s->have_log = true;
			break;
		case OPT_USER:
			parse_dest(cli, "--user", optarg, &s->user);
			s->have_user = true;
			break;
		case OPT_RATE:
			s->rate = cli_int(cli, "--rate", optarg, 0, MAX_RATE);
			break;
		case OPT_COUNT:
			s->count = cli_int(cli, "--count", optarg, 1, MAX_COUNT);
			break;
		case OPT_DURATION:
			s->duration_ms = parse_duration(cli, optarg);
			break;
		case OPT_TYPES:
			types = optarg;
			break;
		case OPT_SEED:
			s->seed = (unsigned long long)cli_int(cli, "--seed", optarg, 0, 0x7fffffffffffffffLL);
			s->have_seed = true;
			break;
		case OPT_BURST:
			s->burst = (int)cli_int(cli, "--burst", optarg, 1, MAX_BURST);
			break;
		case OPT_ALLOW_REMOTE:
			s->allow_remote = true;
			break;
		default:
			cli_usage_error(cli, "unknown option");
		}
	}
	cli_no_operands(cli, argc, argv);
	if (!s->have_log && !s->have_user)
		cli_usage_error(cli, "nowhere to send: give --log, --user or both");
	/* this workplace forbids traffic off the machine unless asked for */
	if (!s->allow_remote) {
		if (s->have_log && !addr_is_loopback(&s->log.ss))
			cli_usage_error(cli, "--log %s is not a loopback address (add --allow-remote)", s->log.text);
		if (s->have_user && !addr_is_loopback(&s->user.ss))
			cli_usage_error(cli, "--user %s is not a loopback address (add --allow-remote)", s->user.text);
	}
	if (types) {
		parse_types(cli, s, types);
		for (int i = 0; i < s->ntypes; i++) {
			bool user = dg_type_is_user(s->types[i]);
			if (user ? !s->have_user : !s->have_log)
				cli_usage_error(cli, "--types %s needs %s", dg_type_name(s->types[i]),
				    user ? "--user" : "--log");
		}
	} else {
		for (int t = 0; t < DG_NTYPES; t++)
			if (dg_type_is_user(t) ? s->have_user : s->have_log)
				s->types[s->ntypes++] = t;
	}
}

static void open_dest(struct dest *d, bool allow_remote)
{
	int sndbuf = 4 << 20;
	struct timeval tmo = { .tv_sec = 1 };

	if (!addr_is_loopback(&d->ss) && allow_remote)
		log_warn("sending to %s, which is not a loopback address (--allow-remote)", d->text);
	d->fd = socket(d->ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (d->fd < 0)
		die(EX_UNAVAILABLE, "%s: socket: %s", d->text, strerror(errno));
	/* room for whole bursts; the kernel caps it at wmem_max */
	if (setsockopt(d->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf) != 0)
		log_debug("%s: SO_SNDBUF: %s", d->text, strerror(errno));
	/* a send that blocks for a second comes back as EAGAIN and is retried */
	if (setsockopt(d->fd, SOL_SOCKET, SO_SNDTIMEO, &tmo, sizeof tmo) != 0)
		log_debug("%s: SO_SNDTIMEO: %s", d->text, strerror(errno));
	/* connected: the route is looked up once, and refusals come back to us */
	if (connect(d->fd, (const struct sockaddr *)&d->ss, d->len) != 0)
		die(EX_UNAVAILABLE, "%s: connect: %s", d->text, strerror(errno));
}

static bool must_stop(const struct run *r)
{
	if (sig_read() == SIG_STOP)
		return true;
	return r->end_ns && mono_ns() >= r->end_ns;
}

static void pause_us(long us)
{
	struct timespec t = { .tv_sec = us / 1000000, .tv_nsec = us % 1000000 * 1000 };

	nanosleep(&t, NULL);
}

/*
 * Sends a batch, retrying what the kernel could not take yet: a full
 * buffer (ENOBUFS, EAGAIN) or an ICMP port unreachable reported by an
 * earlier datagram (ECONNREFUSED: the datagram at hand was not sent).
 * Other errors lose the datagram they hit.
 */
static void send_batch(struct batch *b, struct run *r)
{
	unsigned i = 0;
	int tries = 0;
	int64_t stuck_since = 0;

	while (i < b->n) {
		int k = sendmmsg(b->d->fd, b->m + i, b->n - i, 0);
		if (k > 0) {
			i += (unsigned)k;
			r->sent += (unsigned)k;
			r->hard_in_row = 0;
			tries = 0;
			stuck_since = 0;
			continue;
		}
		if (k == 0)
			errno = EAGAIN;
		if (errno == EINTR)
			continue;
		r->errors++;
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS || errno == ECONNREFUSED) {
			int err = errno;
			if (err == ECONNREFUSED)
				log_warn("%s: connection refused: is anything listening there?", b->d->text);
			else if (tries > 0)
				pause_us(tries * 100 < RETRY_PAUSE_MAX_US ? tries * 100 : RETRY_PAUSE_MAX_US);
			tries++;
			if (!stuck_since)
				stuck_since = mono_ns();
			if (mono_ns() - stuck_since < STUCK_LIMIT_NS && !must_stop(r))
				continue;
			log_error("%s: %s: giving up %u datagrams", b->d->text, strerror(err), b->n - i);
			r->given_up += b->n - i;
			return;
		}
		log_error("%s: sendmmsg: %s", b->d->text, strerror(errno));
		r->given_up++;
		i++;
		if (++r->hard_in_row >= HARD_ERROR_LIMIT) {
			log_error("%s: %d send errors in a row: stopping", b->d->text, HARD_ERROR_LIMIT);
			r->given_up += b->n - i;
			r->aborted = true;
			return;
		}
	}
}

/* When datagram i (from 0) is due: start + i/rate seconds, without overflow. */
static int64_t deadline(const struct run *r, long long rate, long long i)
{
	return r->start_ns + i / rate * NS + i % rate * NS / rate;
}

/* How many datagrams are due by now: those with a deadline <= now. */
static long long due_by(const struct run *r, long long rate, int64_t now)
{
	int64_t el = now - r->start_ns;

	return el / NS * rate + el % NS * rate / NS + 1;
}

/* Sleeps until the absolute monotonic time t, or until a signal. */
static void sleep_until(int64_t t)
{
	struct pollfd p = { .fd = sig_fd(), .events = POLLIN };
	int64_t left = t - mono_ns();
	struct timespec ts;

	if (left <= 0)
		return;
	ts.tv_sec = left / NS;
	ts.tv_nsec = left % NS;
	if (ppoll(&p, p.fd >= 0 ? 1 : 0, &ts, NULL) > 0)
		sig_read();
}

static void blast(const struct settings *s, struct gen *g, struct run *r)
{
	long long next = 0;	/* datagrams 0..next-1 are done; seq = index + 1 */
	/* at most about a wake-up a millisecond, and never more than a burst */
	long long step = s->rate / 1000;
	int64_t wall0 = time_now_ms();

	if (step < 1)
		step = 1;
	if (step > s->burst)
		step = s->burst;
	batches[0].d = &s->log;
	batches[1].d = &s->user;
	r->start_ns = mono_ns();
	r->end_ns = s->duration_ms ? r->start_ns + s->duration_ms * 1000000 : 0;

	while (next < s->count && !sig_stopping() && !r->aborted) {
		int64_t now = mono_ns();
		long long n;

		if (r->end_ns && now >= r->end_ns)
			break;
		if (s->rate == 0) {
			n = s->count - next;
		} else {
			long long due = due_by(r, s->rate, now);
			if (due > s->count)
				due = s->count;
			if (due <= next) {
				long long target = next + step < s->count ? next + step : s->count;
				int64_t wake = deadline(r, s->rate, target - 1);
				if (r->end_ns && wake > r->end_ns)
					wake = r->end_ns;
				sleep_until(wake);
				continue;
			}
			n = due - next;
		}
		if (n > s->burst)
			n = s->burst;

		int64_t wall = wall0 + (now - r->start_ns) / 1000000;
		batches[0].n = batches[1].n = 0;
		for (long long k = 0; k < n; k++) {
			long long seq = next + k + 1;
			int type = s->types[(seq - 1) % s->ntypes];
			struct batch *b = &batches[dg_type_is_user(type)];
			size_t len = gen_datagram(g, type, (uint64_t)seq, wall, bufs[k], DG_MAX);

			if (len == 0) {
				/* cannot happen with the built-in texts; count it rather than send a stump */
				log_error("datagram %lld (%s) does not fit in %d bytes", seq, dg_type_name(type), DG_MAX);
				r->given_up++;
				continue;
			}
			b->iov[b->n] = (struct iovec){ .iov_base = bufs[k], .iov_len = len };
			b->m[b->n] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &b->iov[b->n], .msg_iovlen = 1 } };
			b->n++;
		}
		for (int i = 0; i < 2; i++)
			if (batches[i].n)
				send_batch(&batches[i], r);
		next += n;
		if (s->rate == 0)
			sig_read();
	}
}

int main(int argc, char **argv)
{
	struct cli cli;
	struct settings s = { .count = 1000, .rate = 1000, .burst = 64 };
	struct run r = { 0 };
	struct cfg *c;
	struct gen *g;
	char types[MAX_TYPES * 12] = "";
	double secs;

	cli_init(&cli, "udp-blast", USAGE);
	parse_args(&cli, &s, argc, argv);
	/* no keys of its own, but -c, -n and --print-config work as everywhere */
	c = cli_load_config(&cli);
	cli_config_done(&cli, c, 0);

	if (!s.have_seed) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		s.seed = ((unsigned long long)t.tv_sec * NS + (unsigned long long)t.tv_nsec) ^
		    (unsigned long long)getpid() << 32;
		s.seed &= 0x7fffffffffffffffULL;
	}
	if (s.have_log)
		open_dest(&s.log, s.allow_remote);
	if (s.have_user)
		open_dest(&s.user, s.allow_remote);
	cli_running(&cli);
	g = gen_new(s.seed, time_now_ms());
	if (!g)
		die(EX_OSERR, "out of memory");

	for (int i = 0; i < s.ntypes; i++) {
		size_t l = strlen(types);
		snprintf(types + l, sizeof types - l, "%s%s", i ? "," : "", dg_type_name(s.types[i]));
	}
	char rate[32] = "as fast as possible";
	if (s.rate)
		snprintf(rate, sizeof rate, "at %lld/s", s.rate);
	log_info("sending %lld datagrams (%s) to%s%s%s%s %s in bursts of up to %d, seed %llu",
	    s.count, types, s.have_log ? " log " : "", s.have_log ? s.log.text : "",
	    s.have_user ? " user " : "", s.have_user ? s.user.text : "",
	    rate, s.burst, s.seed);

	blast(&s, g, &r);

	secs = (double)(mono_ns() - r.start_ns) / 1e9;
	if (sig_stopping())
		log_info("stopped by signal");
	if (r.given_up)
		log_warn("%llu datagrams could not be sent", r.given_up);
	printf("sent %llu datagrams in %.3f s (%.0f/s), send errors %llu\n",
	    r.sent, secs, secs > 0 ? (double)r.sent / secs : 0.0, r.errors);
	gen_free(g);
	cfg_free(c);
	if (s.have_log)
		close(s.log.fd);
	if (s.have_user)
		close(s.user.fd);
	if (fflush(stdout) != 0)
		return EX_IOERR;
	return r.sent ? EX_OK : EX_UNAVAILABLE;
}
