/*
 * sense-sim: a Qlik Sense simulator for tests. Any number of simulated
 * Sense nodes, each on its own HTTPS port, that demand and verify a client
 * certificate as Sense does and answer the engine health check, the proxy
 * session API and the QRS app list with realistic, changing data; faults
 * on request. --make-certs writes the test PKI it needs.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "fileio.h"
#include "log.h"
#include "sig.h"
#include "sim.h"
#include "timefmt.h"

#define USAGE "sense-sim --make-certs dir\n" \
	"       sense-sim [-qvV] --certs dir [--servers n] [--port base] [--listen addr]\n" \
	"                 [--ports-file file] [--latency ms] [--apps n] [--fault spec] ...\n" \
	"                 [--respond path=file] ... [--server-cert default|other]\n" \
	"                 [--log-requests file] [--seed n]\n" \
	"                 [--udp-log addr:port] [--udp-user addr:port] [--udp-rate n] [--ready-fd fd]"

#define THREAD_STACK (512 * 1024)
#define STOP_GRACE_MS 800	/* threads get this long to go after SIGTERM */

enum {
	OPT_MAKE_CERTS = CLI_OPT_TOOL,
	OPT_CERTS,
	OPT_SERVERS,
	OPT_PORT,
	OPT_LISTEN,
	OPT_PORTS_FILE,
	OPT_LATENCY,
	OPT_APPS,
	OPT_FAULT,
	OPT_SERVER_CERT,
	OPT_LOG_REQUESTS,
	OPT_SEED,
	OPT_UDP_LOG,
	OPT_UDP_USER,
	OPT_UDP_RATE,
	OPT_RESPOND,
};

struct settings {
	const char *make_certs, *certs, *listen, *ports_file, *log_requests;
	int servers, port, apps;
	bool other_cert, have_seed;
	unsigned long long seed;
	struct udp_opts udp;
};

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;

void sim_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_get_level())
		return;
	va_start(ap, fmt);
	pthread_mutex_lock(&log_mu);
	log_vmsg(level, fmt, ap);
	pthread_mutex_unlock(&log_mu);
	va_end(ap);
}

/* --respond PATH=FILE: PATH is checked and FILE read now, so a bad one fails the start. */
static void respond_add(const struct cli *cli, struct sim *s, const char *arg)
{
	const char *eq = strchr(arg, '=');
	struct respond *r;
	struct stat sb;
	size_t n;
	int rc;

	if (s->nresponds == MAX_RESPONDS)
		cli_usage_error(cli, "--respond: at most %d", MAX_RESPONDS);
	if (!eq || eq == arg || eq[1] == '\0')
		cli_usage_error(cli, "--respond \"%s\": not PATH=FILE", arg);
	r = &s->responds[s->nresponds];
	n = (size_t)(eq - arg);
	if (n >= sizeof r->path)
		cli_usage_error(cli, "--respond: PATH longer than %zu bytes", sizeof r->path - 1);
	memcpy(r->path, arg, n);
	r->path[n] = '\0';
	if (route(r->path) == EP_OTHER)
		cli_usage_error(cli, "--respond \"%s\": not a path sense-sim serves (/engine/healthcheck, "
		    "/qps/session, /qps/PREFIX/session, /qrs/app)", r->path);
	/* "/engine/healthcheck/" is the same endpoint: one spelling, for the duplicate check and the lookup */
	if (r->path[n - 1] == '/')
		r->path[n - 1] = '\0';
	for (int i = 0; i < s->nresponds; i++)
		if (strcmp(s->responds[i].path, r->path) == 0)
			cli_usage_error(cli, "--respond: %s given twice", r->path);
	r->file = eq + 1;
	rc = file_slurp(r->file, RESPOND_MAX, &r->body, &r->len, &sb);
	if (rc == -2)
		cli_usage_error(cli, "--respond %s: %s holds more than %d bytes", r->path, r->file, RESPOND_MAX);
	if (rc != 0)
		die(EX_NOINPUT, "--respond %s: %s: %s", r->path, r->file, strerror(errno));
	s->nresponds++;
}

static void parse_args(struct cli *cli, struct settings *st, struct sim *s, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "make-certs", required_argument, NULL, OPT_MAKE_CERTS },
		{ "certs", required_argument, NULL, OPT_CERTS },
		{ "servers", required_argument, NULL, OPT_SERVERS },
		{ "port", required_argument, NULL, OPT_PORT },
		{ "listen", required_argument, NULL, OPT_LISTEN },
		{ "ports-file", required_argument, NULL, OPT_PORTS_FILE },
		{ "latency", required_argument, NULL, OPT_LATENCY },
		{ "apps", required_argument, NULL, OPT_APPS },
		{ "fault", required_argument, NULL, OPT_FAULT },
		{ "server-cert", required_argument, NULL, OPT_SERVER_CERT },
		{ "log-requests", required_argument, NULL, OPT_LOG_REQUESTS },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "udp-log", required_argument, NULL, OPT_UDP_LOG },
		{ "udp-user", required_argument, NULL, OPT_UDP_USER },
		{ "udp-rate", required_argument, NULL, OPT_UDP_RATE },
		{ "respond", required_argument, NULL, OPT_RESPOND },
		{ NULL, 0, NULL, 0 },
	};
	const char *faults[MAX_FAULTS];
	int nfaults = 0, opt;
	char err[512];

	while ((opt = cli_next(cli, argc, argv, longopts)) != -1) {
		switch (opt) {
		case OPT_MAKE_CERTS:
			st->make_certs = optarg;
			break;
		case OPT_CERTS:
			st->certs = optarg;
			break;
		case OPT_SERVERS:
			st->servers = (int)cli_int(cli, "--servers", optarg, 1, MAX_SERVERS);
			break;
		case OPT_PORT:
			st->port = (int)cli_int(cli, "--port", optarg, 0, 65535);
			break;
		case OPT_LISTEN:
			st->listen = optarg;
			break;
		case OPT_PORTS_FILE:
			st->ports_file = optarg;
			break;
		case OPT_LATENCY:
			s->latency_ms = (int)cli_int(cli, "--latency", optarg, 0, MAX_LATENCY_MS);
			break;
		case OPT_APPS:
			st->apps = (int)cli_int(cli, "--apps", optarg, 0, MAX_APPS);
			break;
		case OPT_FAULT:
			if (nfaults == MAX_FAULTS)
				cli_usage_error(cli, "--fault: at most %d", MAX_FAULTS);
			/* checked once --servers is known */
			faults[nfaults++] = optarg;
			break;
		case OPT_SERVER_CERT:
			if (strcmp(optarg, "other") == 0)
				st->other_cert = true;
			else if (strcmp(optarg, "default") == 0)
				st->other_cert = false;
			else
				cli_usage_error(cli, "--server-cert: \"%s\" is not default or other", optarg);
			break;
		case OPT_LOG_REQUESTS:
			st->log_requests = optarg;
			break;
		case OPT_SEED:
			st->seed = (unsigned long long)cli_int(cli, "--seed", optarg, 0, 0x7fffffffffffffffLL);
			st->have_seed = true;
			break;
		case OPT_UDP_LOG:
			st->udp.log = optarg;
			break;
		case OPT_UDP_USER:
			st->udp.user = optarg;
			break;
		case OPT_UDP_RATE:
			st->udp.rate = cli_int(cli, "--udp-rate", optarg, 1, 1000000);
			break;
		case OPT_RESPOND:
			respond_add(cli, s, optarg);
			break;
		default:
			cli_usage_error(cli, "unknown option");
		}
	}
	cli_no_operands(cli, argc, argv);
	if (st->make_certs) {
		if (st->certs)
			cli_usage_error(cli, "--make-certs and --certs do not go together");
		return;
	}
	if (!st->certs)
		cli_usage_error(cli, "give --certs DIR (sense-sim --make-certs DIR writes one)");
	if (st->port && st->port + st->servers - 1 > 65535)
		cli_usage_error(cli, "--port %d: %d servers do not fit below port 65536", st->port, st->servers);
	for (int i = 0; i < nfaults; i++) {
		if (fault_parse(faults[i], st->servers, &s->faults[i], err, sizeof err) != 0)
			cli_usage_error(cli, "--fault %s", err);
	}
	s->nfaults = nfaults;
	if ((st->udp.log || st->udp.user) && udp_open(&st->udp, err, sizeof err) != 0)
		cli_usage_error(cli, "--udp-log/--udp-user: %s", err);
	if (!st->udp.log && !st->udp.user && st->udp.rate)
		cli_usage_error(cli, "--udp-rate needs --udp-log or --udp-user");
	if (!st->udp.rate)
		st->udp.rate = 10;
}

/* Listening sockets for every server, before readiness: a port in use fails the start. */
static void listen_all(struct sim *s, const struct settings *st)
{
	struct sockaddr_storage ss;
	socklen_t sl;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, st->listen, &((struct sockaddr_in *)&ss)->sin_addr) == 1) {
		ss.ss_family = AF_INET;
		sl = sizeof(struct sockaddr_in);
	} else if (inet_pton(AF_INET6, st->listen, &((struct sockaddr_in6 *)&ss)->sin6_addr) == 1) {
		ss.ss_family = AF_INET6;
		sl = sizeof(struct sockaddr_in6);
	} else {
		die(EX_USAGE, "--listen: \"%s\" is not an IPv4 or IPv6 address", st->listen);
	}
	for (int i = 0; i < s->nservers; i++) {
		struct server *srv = &s->servers[i];
		int one = 1, port = st->port ? st->port + i : 0;

		if (ss.ss_family == AF_INET)
			((struct sockaddr_in *)&ss)->sin_port = htons((uint16_t)port);
		else
			((struct sockaddr_in6 *)&ss)->sin6_port = htons((uint16_t)port);
		srv->fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (srv->fd < 0)
			die(EX_OSERR, "socket: %s", strerror(errno));
		/* a restarted simulator gets its ports back at once */
		setsockopt(srv->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
		if (bind(srv->fd, (struct sockaddr *)&ss, sl) != 0)
			die(EX_UNAVAILABLE, "server %d: bind %s port %d: %s", i, st->listen, port, strerror(errno));
		if (listen(srv->fd, 1024) != 0)
			die(EX_UNAVAILABLE, "server %d: listen: %s", i, strerror(errno));
		struct sockaddr_storage got = { 0 };
		socklen_t gl = sizeof got;
		if (getsockname(srv->fd, (struct sockaddr *)&got, &gl) != 0)
			die(EX_OSERR, "getsockname: %s", strerror(errno));
		in_port_t np = 0;
		if (got.ss_family == AF_INET)
			np = ((struct sockaddr_in *)&got)->sin_port;
		else if (got.ss_family == AF_INET6)
			np = ((struct sockaddr_in6 *)&got)->sin6_port;
		srv->port = ntohs(np);
	}
}

/* "<index> <port>" per line, renamed into place so a reader never sees a partial list. */
static void write_ports(const struct sim *s, const char *path)
{
	char tmp[4096];
	FILE *fp;
	int fd;

	if ((size_t)snprintf(tmp, sizeof tmp, "%s.%ld.tmp", path, (long)getpid()) >= sizeof tmp)
		die(EX_USAGE, "--ports-file: path too long");
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || !(fp = fdopen(fd, "w")))
		die(EX_CANTCREAT, "%s: %s", tmp, strerror(errno));
	for (int i = 0; i < s->nservers; i++)
		fprintf(fp, "%d %d\n", i, s->servers[i].port);
	if (fclose(fp) != 0 || rename(tmp, path) != 0) {
		int e = errno;
		unlink(tmp);
		die(EX_CANTCREAT, "%s: %s", path, strerror(e));
	}
}

/* Qlik's compact form of the engine start: 20240312T061524.000+0000 */
static void format_started(char *out, size_t cap, int64_t ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char base[24];

	gmtime_r(&t, &tm);
	strftime(base, sizeof base, "%Y%m%dT%H%M%S", &tm);
	snprintf(out, cap, "%s.%03d+0000", base, (int)(ms % 1000));
}

/* More descriptors than the default 1024: up to 1000 listeners and 1024 connections. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			log_debug("RLIMIT_NOFILE: %s", strerror(errno));
	}
}

static void spawn(struct sim *s, struct server *srv, int fd, const pthread_attr_t *attr)
{
	struct conn_start *st = malloc(sizeof *st);
	pthread_t t;
	int one = 1, err;

	/* the head and a small body go out in separate writes: no Nagle delay between */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
	if (!st) {
		close(fd);
		return;
	}
	*st = (struct conn_start){ .sim = s, .srv = srv, .fd = fd };
	atomic_fetch_add(&s->nconns, 1);
	err = pthread_create(&t, attr, conn_main, st);
	if (err) {
		sim_log(LL_WARN, "server %d: cannot start a thread: %s", srv->index, strerror(err));
		atomic_fetch_sub(&s->nconns, 1);
		close(fd);
		free(st);
	}
}

/* Accepts on every listener until SIGTERM or SIGINT; a thread per connection. */
static void serve(struct sim *s)
{
	struct pollfd *p = calloc((size_t)s->nservers + 1, sizeof *p);
	pthread_attr_t attr;

	if (!p)
		die(EX_OSERR, "out of memory");
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	p[0] = (struct pollfd){ .fd = sig_fd(), .events = POLLIN };
	for (int i = 0; i < s->nservers; i++)
		p[i + 1] = (struct pollfd){ .fd = s->servers[i].fd, .events = POLLIN };

	for (;;) {
		/* at the bound, new connections wait in the backlog */
		bool full = atomic_load(&s->nconns) >= MAX_CONNS;
		int r = poll(p, full ? 1 : (nfds_t)s->nservers + 1, full ? 20 : -1);

		if (r < 0 && errno != EINTR)
			die(EX_OSERR, "poll: %s", strerror(errno));
		if (r > 0 && p[0].revents) {
			int what = sig_read();
			if (what == SIG_STOP)
				break;
			if (what == SIG_RELOAD)
				sim_log(LL_INFO, "SIGHUP: nothing to reopen");
		}
		if (r <= 0 || full)
			continue;
		for (int i = 0; i < s->nservers; i++) {
			if (!(p[i + 1].revents & POLLIN))
				continue;
			while (atomic_load(&s->nconns) < MAX_CONNS) {
				int fd = accept4(p[i + 1].fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
				if (fd < 0) {
					if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
						sim_log(LL_WARN, "accept: %s", strerror(errno));
						sig_wait(100);
					}
					break;
				}
				spawn(s, &s->servers[i], fd, &attr);
			}
		}
	}
	pthread_attr_destroy(&attr);
	free(p);
}

/* Closes the stop pipe and gives the connection threads a moment; true when all are gone. */
static bool stop_threads(struct sim *s, int stop_wr)
{
	struct timespec dl;

	close(stop_wr);
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_nsec += STOP_GRACE_MS * 1000000L;
	dl.tv_sec += dl.tv_nsec / 1000000000L;
	dl.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&s->conns_mu);
	while (atomic_load(&s->nconns) > 0)
		if (pthread_cond_timedwait(&s->conns_cv, &s->conns_mu, &dl) == ETIMEDOUT)
			break;
	pthread_mutex_unlock(&s->conns_mu);
	return atomic_load(&s->nconns) == 0;
}

int main(int argc, char **argv)
{
	static struct sim s;
	struct settings st = { .servers = 1, .listen = "127.0.0.1" };
	struct cli cli;
	struct cfg *c;
	char err[1024];
	int pipefd[2];

	cli_init(&cli, "sense-sim", USAGE);
	parse_args(&cli, &st, &s, argc, argv);
	/* no keys of its own, but -c, -n and --print-config work as everywhere */
	c = cli_load_config(&cli);
	cli_config_done(&cli, c, 0);
	cfg_free(c);
	if (st.make_certs)
		return certs_make(st.make_certs);

	if (!st.have_seed) {
		struct timespec t;
		clock_gettime(CLOCK_REALTIME, &t);
		st.seed = ((unsigned long long)t.tv_sec * 1000000000ULL + (unsigned long long)t.tv_nsec) ^
		    (unsigned long long)getpid() << 32;
		st.seed &= 0x7fffffffffffffffULL;
	}
	s.log_fd = -1;
	s.stop_fd = -1;
	pthread_mutex_init(&s.log_mu, NULL);
	pthread_mutex_init(&s.conns_mu, NULL);
	pthread_cond_init(&s.conns_cv, NULL);
	format_started(s.started, sizeof s.started, time_now_ms());
	raise_fd_limit();

	s.ctx = certs_server_ctx(st.certs, st.other_cert, err, sizeof err);
	if (!s.ctx)
		die(EX_NOINPUT, "%s", err);
	for (int i = 0; i < s.nfaults; i++)
		if (fault_arm(&s.faults[i], st.servers) != 0)
			die(EX_OSERR, "out of memory");
	if (apps_init(&s, st.apps, st.seed) != 0)
		die(EX_OSERR, "out of memory for %d apps", st.apps);
	s.nservers = st.servers;
	s.servers = calloc((size_t)s.nservers, sizeof *s.servers);
	if (!s.servers)
		die(EX_OSERR, "out of memory");
	for (int i = 0; i < s.nservers; i++)
		server_init(&s.servers[i], i, st.seed, &s);
	listen_all(&s, &st);
	if (st.log_requests) {
		s.log_fd = open(st.log_requests, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (s.log_fd < 0)
			die(EX_CANTCREAT, "%s: %s", st.log_requests, strerror(errno));
	}
	if (pipe2(pipefd, O_CLOEXEC) != 0)
		die(EX_OSERR, "pipe: %s", strerror(errno));
	s.stop_fd = pipefd[0];
	if (st.ports_file)
		write_ports(&s, st.ports_file);

	/* signals blocked from here on: every thread started later inherits that */
	cli_running(&cli);
	for (int i = 0; i < s.nservers; i++)
		log_info("server %d listening on %s port %d", i, st.listen, s.servers[i].port);
	log_info("%d servers, %d apps, latency %d ms, %d faults, %s server certificate, seed %llu",
	    s.nservers, s.napps, s.latency_ms, s.nfaults, st.other_cert ? "the other CA's" : "the test CA's",
	    st.seed);
	for (int i = 0; i < s.nresponds; i++)
		log_info("%s: the %zu bytes of %s", s.responds[i].path, s.responds[i].len, s.responds[i].file);
	if (udp_start(&s, st.seed) != 0)
		die(EX_OSERR, "udp: %s", strerror(errno));

	serve(&s);

	bool clean = stop_threads(&s, pipefd[1]);
	udp_join();
	sim_log(LL_INFO, "stopped after %llu requests", (unsigned long long)atomic_load(&s.requests));
	if (!clean) {
		/* a thread still holds them: leave them to exit(3) */
		sim_log(LL_WARN, "%d connections did not close in time", atomic_load(&s.nconns));
		return EX_OK;
	}
	for (int i = 0; i < s.nservers; i++) {
		close(s.servers[i].fd);
		pthread_mutex_destroy(&s.servers[i].mu);
	}
	for (int i = 0; i < s.nfaults; i++)
		fault_free(&s.faults[i]);
	for (int i = 0; i < s.nresponds; i++)
		free(s.responds[i].body);
	free(s.servers);
	apps_free(&s);
	SSL_CTX_free(s.ctx);
	close(s.stop_fd);
	if (s.log_fd >= 0)
		close(s.log_fd);
	return EX_OK;
}
