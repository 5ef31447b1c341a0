/*
 * udp-listen: receives the log events and user events that Qlik Sense's
 * log4net UDP appenders send (ports 9996 and 9997, as Butler SOS does) and
 * writes one record per event to standard output. Receiving never waits
 * for standard output: a bounded queue sits between them, and every
 * datagram that does not become a record is counted by reason.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "addr.h"
#include "appnames.h"
#include "categorise.h"
#include "cli.h"
#include "config.h"
#include "listener.h"
#include "log.h"
#include "qixfilter.h"
#include "report.h"
#include "sig.h"
#include "timefmt.h"
#include "timer.h"

#define USAGE "udp-listen [-nqvV] [-c file] [--log-listen addr:port | off]\n" \
	"                  [--user-listen addr:port | off] [--app-names file]\n" \
	"                  [--set key=value]... [--print-config] [--ready-fd fd]"

enum { OPT_LOG_LISTEN = CLI_OPT_TOOL, OPT_USER_LISTEN, OPT_APP_NAMES };

#define MAX_SOURCES 256
#define APPNAMES_CHECK_MS 10000
#define STOP_FLUSH_MS 4000	/* SIGTERM: done within 5 s */

struct sock_conf {
	const char *prefix;		/* Butler-SOS.logEvents.udpServerConfig */
	const char *port_key;
	bool enabled;
	char host[256], port[16];
	long long max_size, max_bytes, bp_pct, max_msg, rcvbuf, rl_max, rl_src, metrics_ms, refresh_s;
	bool rl_enable, validate;
	char where[300];		/* "FILE:LINE" of serverHost, for messages */
	const char *allowed[MAX_SOURCES];
	size_t nallowed;
	struct ev_tags metric_tags;
};

struct settings {
	const char *log_listen, *user_listen, *app_names;
	struct sock_conf sock[2];	/* 0 log events, 1 user events */
	struct ev_conf ev;
	bool count_events, count_rejects;
	long long counts_ms;
	struct ev_tags count_tags, reject_tags;
	struct categorise *cat;
	struct qixfilter *qix;
};

/* --- configuration --------------------------------------------------- */

static char keybuf[512];

static const char *key(const char *a, const char *b)
{
	snprintf(keybuf, sizeof keybuf, "%s.%s", a, b);
	return keybuf;
}

/* Configuration errors found while reading: one line, then 78. */
#define cfg_fail(c, node, path, ...) \
	(cfg_node_err((c), (node), (path), __VA_ARGS__), die(EX_CONFIG, "%s", cfg_error(c)))

static void tags_load(struct cfg *c, const char *path, struct ev_tags *t)
{
	if (ev_tags_load(c, path, t))
		die(EX_CONFIG, "%s", cfg_error(c));
}

/* "addr:port", "[v6addr]:port" or "off". */
static int parse_listen(const char *arg, struct sock_conf *sc)
{
	unsigned port;

	if (strcmp(arg, "off") == 0) {
		sc->enabled = false;
		return 0;
	}
	if (addr_split(arg, sc->host, sizeof sc->host, &port) != 0)
		return -1;
	snprintf(sc->port, sizeof sc->port, "%u", port);
	sc->enabled = true;
	snprintf(sc->where, sizeof sc->where, "command line");
	return 0;
}

static int sock_load(struct cfg *c, struct sock_conf *sc, long long def_port)
{
	const char *p = sc->prefix, *host;
	long long port;

	if (cfg_string(c, key(p, "serverHost"), "127.0.0.1", &host) ||
	    cfg_int(c, key(p, sc->port_key), def_port, 1, 65535, &port) ||
	    cfg_int(c, key(p, "messageQueue.maxSize"), 200, 1, 10000000, &sc->max_size) ||
	    cfg_int(c, key(p, "messageQueue.maxBytes"), 4 << 20, 64 << 10, 1LL << 32, &sc->max_bytes) ||
	    cfg_int(c, key(p, "messageQueue.backpressureThreshold"), 80, 1, 100, &sc->bp_pct) ||
	    cfg_bool(c, key(p, "rateLimit.enable"), false, &sc->rl_enable) ||
	    cfg_int(c, key(p, "rateLimit.maxMessagesPerMinute"), 600, 1, 1LL << 40, &sc->rl_max) ||
	    cfg_int(c, key(p, "rateLimit.maxMessagesPerMinutePerSource"), 0, 0, 1LL << 40, &sc->rl_src) ||
	    cfg_int(c, key(p, "maxMessageSize"), 65507, 1, 65535, &sc->max_msg) ||
	    cfg_int(c, key(p, "receiveBufferSize"), 8 << 20, 0, 1 << 30, &sc->rcvbuf) ||
	    cfg_bool(c, key(p, "enableSourceValidation"), false, &sc->validate) ||
	    cfg_int(c, key(p, "allowedSourcesRefresh"), 300, 1, 86400 * 7, &sc->refresh_s) ||
	    cfg_int(c, key(p, "queueMetrics.influxdb.writeFrequency"), 20000, 1000, 86400000, &sc->metrics_ms))
		return -1;
	if (strlen(host) >= sizeof sc->host)
		cfg_fail(c, cfg_get(c, key(p, "serverHost")), key(p, "serverHost"), "too long");
	snprintf(sc->host, sizeof sc->host, "%s", host);
	cfg_where(c, cfg_get(c, key(p, "serverHost")), sc->where, sizeof sc->where);
	snprintf(sc->port, sizeof sc->port, "%lld", port);
	if (cfg_strings(c, key(p, "allowedSources"), sc->allowed, MAX_SOURCES, &sc->nallowed))
		die(EX_CONFIG, "%s", cfg_error(c));
	/* Butler SOS turns validation off when the list is empty: fail closed instead */
	if (sc->validate && sc->nallowed == 0)
		cfg_fail(c, cfg_get(c, key(p, "enableSourceValidation")), key(p, "enableSourceValidation"),
		    "true, but allowedSources is empty");
	tags_load(c, key(p, "queueMetrics.influxdb.tags"), &sc->metric_tags);
	return 0;
}

static int read_config(struct cfg *c, struct settings *s)
{
	static const char *const src[LS_COUNT] = { "engine", "proxy", "repository", "scheduler", "qixPerf" };
	bool any = false, user;

	for (int i = 0; i < LS_COUNT; i++) {
		char k[128];
		snprintf(k, sizeof k, "Butler-SOS.logEvents.source.%s.enable", src[i]);
		if (cfg_bool(c, k, true, &s->ev.source_enable[i]))
			return -1;
		any |= s->ev.source_enable[i];
	}
	if (cfg_bool(c, "Butler-SOS.userEvents.enable", true, &user) ||
	    cfg_bool(c, "Butler-SOS.logEvents.enginePerformanceMonitor.appNameLookup.enable", false,
		&s->ev.appname_lookup) ||
	    cfg_bool(c, "Butler-SOS.qlikSenseEvents.eventCount.enable", false, &s->count_events) ||
	    cfg_bool(c, "Butler-SOS.qlikSenseEvents.rejectedEventCount.enable", false, &s->count_rejects) ||
	    cfg_int(c, "Butler-SOS.qlikSenseEvents.influxdb.writeFrequency", 20000, 1000, 86400000, &s->counts_ms))
		return -1;
	bool track;
	if (cfg_bool(c, "Butler-SOS.logEvents.enginePerformanceMonitor.trackRejectedEvents.enable", false, &track))
		return -1;
	s->count_rejects = s->count_rejects && track;
	s->sock[0].enabled = any;
	s->sock[1].enabled = user;
	if (sock_load(c, &s->sock[0], 9996) || sock_load(c, &s->sock[1], 9997))
		return -1;
	tags_load(c, "Butler-SOS.logEvents.tags", &s->ev.log_tags);
	tags_load(c, "Butler-SOS.userEvents.tags", &s->ev.user_tags);
	tags_load(c, "Butler-SOS.qlikSenseEvents.eventCount.influxdb.tags", &s->count_tags);
	tags_load(c, "Butler-SOS.logEvents.enginePerformanceMonitor.trackRejectedEvents.tags", &s->reject_tags);
	if (userlist_load(c, "Butler-SOS.userEvents.excludeUser", &s->ev.exclude))
		return -1;
	if (!(s->cat = categorise_load(c)) || !(s->qix = qixfilter_load(c)))
		return -1;
	s->ev.cat = s->cat;
	s->ev.qix = s->qix;
	return 0;
}

static void parse_args(struct cli *cli, struct settings *s, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "log-listen", required_argument, NULL, OPT_LOG_LISTEN },
		{ "user-listen", required_argument, NULL, OPT_USER_LISTEN },
		{ "app-names", required_argument, NULL, OPT_APP_NAMES },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = cli_next(cli, argc, argv, longopts)) != -1) {
		switch (opt) {
		case OPT_LOG_LISTEN:
			s->log_listen = optarg;
			break;
		case OPT_USER_LISTEN:
			s->user_listen = optarg;
			break;
		case OPT_APP_NAMES:
			s->app_names = optarg;
			break;
		default:
			cli_usage_error(cli, "unknown option");
		}
	}
	cli_no_operands(cli, argc, argv);
}

/* --- running ---------------------------------------------------------- */

static struct listener lis[2];
static int nlis;

static void bind_all(struct settings *s)
{
	char err[512];

	for (int i = 0; i < 2; i++) {
		struct sock_conf *sc = &s->sock[i];
		if (!sc->enabled)
			continue;
		struct listener *l = &lis[nlis];
		memset(l, 0, sizeof *l);
		l->fd = -1;
		l->user = i == 1;
		l->queue_type = i == 1 ? "user_events" : "log_events";
		l->max_msg = (size_t)sc->max_msg;
		l->backpressure_pct = (int)sc->bp_pct;
		ratelimit_init(&l->rl, sc->rl_enable, sc->rl_max, sc->rl_src);
		if (sc->validate) {
			l->src = srcfilter_new(sc->allowed, sc->nallowed, sc->refresh_s * 1000, err, sizeof err);
			if (!l->src)
				die(EX_CONFIG, "%s.allowedSources: %s", sc->prefix, err);
		}
		int rc = listener_bind(l, sc->host, sc->port, (int)sc->rcvbuf, err, sizeof err);
		if (rc == -2)
			die(EX_CONFIG, "%s: %s.serverHost: %s", sc->where, sc->prefix, err);
		if (rc != 0)
			die(EX_UNAVAILABLE, "%s", err);
		log_info("%s: listening on %s, receive buffer %d bytes%s", l->queue_type, l->addr, l->rcvbuf,
		    sc->validate ? ", sender validation on" : "");
		if (sc->rcvbuf > 0 && l->rcvbuf < sc->rcvbuf)
			log_warn("%s: asked for a %lld-byte receive buffer, the kernel granted %d "
			    "(raise net.core.rmem_max)", l->queue_type, sc->rcvbuf, l->rcvbuf);
		nlis++;
	}
	if (nlis == 0)
		die(EX_CONFIG, "nothing to listen on: every log event source and userEvents are off");
}

int main(int argc, char **argv)
{
	struct cli cli;
	struct settings s = { 0 };
	struct outq q;
	struct cfg *c;
	struct timer metrics_tick[2], counts_tick, names_tick;
	struct sink sink = { 0 };

	s.sock[0].prefix = "Butler-SOS.logEvents.udpServerConfig";
	s.sock[0].port_key = "portLogEvents";
	s.sock[1].prefix = "Butler-SOS.userEvents.udpServerConfig";
	s.sock[1].port_key = "portUserActivityEvents";
	cli_init(&cli, "udp-listen", USAGE);
	parse_args(&cli, &s, argc, argv);
	c = cli_load_config(&cli);
	cli_config_done(&cli, c, read_config(c, &s));
	if (s.log_listen && parse_listen(s.log_listen, &s.sock[0]) != 0)
		cli_usage_error(&cli, "--log-listen: expected addr:port, [addr]:port or off");
	if (s.user_listen && parse_listen(s.user_listen, &s.sock[1]) != 0)
		cli_usage_error(&cli, "--user-listen: expected addr:port, [addr]:port or off");

	struct appnames *names = appnames_new(s.app_names);
	if (!names)
		die(EX_OSERR, "out of memory");
	if (s.app_names)
		(void)appnames_refresh(names);
	s.ev.names = names;

	size_t max_count = 0, max_bytes = 0;
	for (int i = 0; i < 2; i++)
		if (s.sock[i].enabled) {
			max_count += (size_t)s.sock[i].max_size;
			max_bytes += (size_t)s.sock[i].max_bytes;
		}
	if (outq_init(&q, STDOUT_FILENO, max_count ? max_count : 1, max_bytes ? max_bytes : 1 << 20) != 0)
		die(EX_OSERR, "out of memory");
	sink.conf = &s.ev;
	sink.q = &q;
	if (s.count_events && !(sink.counts = tally_new(4096)))
		die(EX_OSERR, "out of memory");
	if (s.count_rejects && !(sink.rejects = tally_new(4096)))
		die(EX_OSERR, "out of memory");

	bind_all(&s);
	cli_running(&cli);

	int64_t now = time_mono_ms();
	for (int i = 0; i < nlis; i++) {
		timer_start(&metrics_tick[i], s.sock[lis[i].user].metrics_ms, now);
		metrics_tick[i].next += metrics_tick[i].interval;	/* first report after one interval */
	}
	timer_start(&counts_tick, s.counts_ms, now + s.counts_ms);
	timer_start(&names_tick, APPNAMES_CHECK_MS, now + APPNAMES_CHECK_MS);

	int rc = OUTQ_OK;
	while (!sig_stopping() && rc == OUTQ_OK) {
		struct pollfd p[4];
		int np = 0;
		for (int i = 0; i < nlis; i++)
			p[np++] = (struct pollfd){ .fd = lis[i].fd, .events = POLLIN };
		p[np++] = (struct pollfd){ .fd = sig_fd(), .events = POLLIN };
		if (!outq_empty(&q))
			p[np++] = (struct pollfd){ .fd = STDOUT_FILENO, .events = POLLOUT };

		now = time_mono_ms();
		int64_t wait = timer_left(&counts_tick, now);
		for (int i = 0; i < nlis; i++)
			if (timer_left(&metrics_tick[i], now) < wait)
				wait = timer_left(&metrics_tick[i], now);
		if (lis[0].src || (nlis > 1 && lis[1].src))
			wait = wait > 1000 ? 1000 : wait;	/* collect name resolutions */
		if (poll(p, (nfds_t)np, (int)(wait > 60000 ? 60000 : wait)) < 0 && errno != EINTR)
			die(EX_OSERR, "poll: %s", strerror(errno));

		for (int i = 0; i < nlis; i++)
			if (p[i].revents & POLLIN)
				listener_receive(&lis[i], &sink);
		if (sig_read() == SIG_RELOAD && s.app_names)
			(void)appnames_refresh(names);

		now = time_mono_ms();
		int64_t wall = time_now_ms();
		for (int i = 0; i < nlis; i++) {
			srcfilter_tick(lis[i].src, now);
			if (timer_fire(&metrics_tick[i], now))
				report_queue(&q, &lis[i], &s.sock[lis[i].user].metric_tags, wall);
		}
		if (timer_fire(&counts_tick, now)) {
			if (sink.counts)
				report_counts(&q, sink.counts, &s.count_tags, wall);
			if (sink.rejects)
				report_rejects(&q, sink.rejects, &s.reject_tags, wall);
		}
		if (timer_fire(&names_tick, now) && s.app_names)
			(void)appnames_refresh(names);
		rc = outq_flush(&q, 0);
	}

	/* stop: what already arrived is handled, what was counted is reported,
	 * and everything queued is written */
	int64_t deadline = time_mono_ms() + STOP_FLUSH_MS;
	for (int i = 0; i < nlis; i++)
		while (rc == OUTQ_OK && time_mono_ms() < deadline && listener_receive(&lis[i], &sink) > 0)
			rc = outq_flush(&q, deadline);
	int64_t wall = time_now_ms();
	if (sink.counts)
		report_counts(&q, sink.counts, &s.count_tags, wall);
	if (sink.rejects)
		report_rejects(&q, sink.rejects, &s.reject_tags, wall);
	for (int i = 0; i < nlis; i++)
		report_queue(&q, &lis[i], &s.sock[lis[i].user].metric_tags, wall);
	if (rc == OUTQ_OK)
		rc = outq_flush(&q, deadline);
	if (rc == OUTQ_OK && !outq_empty(&q))
		log_error("standard output did not drain within %d ms: %zu records lost", STOP_FLUSH_MS, q.count);

	for (int i = 0; i < nlis; i++)
		listener_close(&lis[i]);
	tally_free(sink.counts);
	tally_free(sink.rejects);
	appnames_free(names);
	categorise_free(s.cat);
	qixfilter_free(s.qix);
	outq_free(&q);
	cfg_free(c);
	if (rc == OUTQ_PIPE) {
		log_info("standard output closed by the reader; stopping");
		return EX_OK;
	}
	if (rc != OUTQ_OK) {
		log_error("writing records: %s", strerror(errno));
		return EX_IOERR;
	}
	return EX_OK;
}
