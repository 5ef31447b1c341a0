/*
 * to-influx: stores senseops records in InfluxDB 1.x, 2.x or 3.x with the
 * measurements, tags and fields Butler SOS writes, so its dashboards work.
 *
 * One thread, one loop: stdin is read whenever it has data and every line
 * goes into the queue (the spool with --spool, memory otherwise) before
 * anything else happens to it; batches are taken from the queue, mapped to
 * line protocol and written, one request at a time, and acknowledged in
 * the queue only when InfluxDB has stored them.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "backoff.h"
#include "cli.h"
#include "conf.h"
#include "hash.h"
#include "log.h"
#include "lp.h"
#include "map.h"
#include "ndjson.h"
#include "send.h"
#include "sig.h"
#include "sinkopt.h"
#include "sinkq.h"
#include "timefmt.h"

#define USAGE "to-influx [-nqvV] [-c file] [--set key=value] [--dry-run] [--spool dir]\n" \
	"                 [--spool-max-bytes n] [--spool-drop newest|oldest] [--queue-max-bytes n]\n" \
	"                 [--password-file file] [--token-file file] [--drain-timeout ms]\n" \
	"                 [--ready-fd fd]"

enum {
	OPT_DRY_RUN = CLI_OPT_TOOL,
	OPT_PASSWORD_FILE,
	OPT_TOKEN_FILE,
};

#define BATCH_BYTES	(4 * 1024 * 1024)	/* records per request, at most, in bytes */
#define PRINT_BYTES	(256 * 1024)		/* --dry-run: line protocol printed in pieces this big */

/* Records taken from the queue for one request, and the request's body. */
struct batch {
	struct body	*body;
	struct spool_pos end;			/* acknowledge up to here once stored */
	size_t		 records, points;
	bool		 ready;			/* built, not yet sent */
	char		 kind[65];		/* of its last record, for messages */
};

struct state {
	struct conf	 k;
	bool		 dry_run;
	struct mapper	*map;
	struct sinkq	*q;
	struct sender	*snd;
	struct ndjson_reader in;
	struct lp_buf	 lp;			/* one record's points (a batch's, printing) */
	/*
	 * Two batches: one in flight, the next built meanwhile, so mapping and
	 * compressing overlap with InfluxDB's work.
	 */
	struct batch	 b[2];
	int		 cur;			/* b[cur] is in flight when in_flight */
	bool		 in_flight;
	struct batch	*building;
	size_t		 limit;			/* records per batch now; smaller while a refused batch is split */
	int64_t		 next_try;		/* monotonic ms: no write before this */
	int64_t		 last_send;
	struct backoff	 bo;
	/* counts, for the log at exit */
	uint64_t	 read, points, records_sent, refused, unknown, off, incomplete, bad;
	uint64_t	 append_errors;
	uint64_t	 last_dropped;
	uint64_t	 counted;		/* queue serial up to which records were counted */
};

static void write_stdout(struct state *st)
{
	size_t off = 0;

	while (off < st->lp.len) {
		ssize_t w = write(STDOUT_FILENO, st->lp.p + off, st->lp.len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			die(errno == EPIPE ? EX_OK : EX_IOERR, "stdout: %s", strerror(errno));
		off += (size_t)w;
	}
	st->lp.len = st->lp.lines = 0;
}

/* The peek callback: one queued line to line protocol, into the batch being built. */
static int take(const char *line, size_t n, struct spool_pos after, void *arg)
{
	struct state *st = arg;
	struct batch *b = st->building;
	char why[256];
	size_t before = st->lp.lines;
	enum map_result r = map_record(st->map, line, n, hash64(line, n), &st->lp, why, sizeof why);

	if (r == MAP_NOMEM)
		return 1;	/* stop here; it comes again */
	b->points += st->lp.lines - before;
	if (st->dry_run) {
		if (st->lp.len >= PRINT_BYTES)
			write_stdout(st);
	} else if (st->lp.len) {
		if (body_add(b->body, st->lp.p, st->lp.len) != 0)
			return 1;
		st->lp.len = 0;
	}
	const char *kind = map_last_kind(st->map);
	size_t kn = strlen(kind);
	memcpy(b->kind, kind, kn < sizeof b->kind ? kn + 1 : sizeof b->kind);
	b->end = after;
	b->records++;
	/* a batch split or retried maps its records again: count and log them once */
	if (after.n <= st->counted)
		return 0;
	st->counted = after.n;
	switch (r) {
	case MAP_OK:
	case MAP_NOMEM:
		break;
	case MAP_OFF:
		st->off++;
		break;
	case MAP_UNKNOWN:
		st->unknown++;
		log_info("skipped: %s", why);
		break;
	case MAP_INCOMPLETE:
		st->incomplete++;
		log_warn("skipped a user event without host, command, user or origin (Butler SOS does not store those)");
		break;
	case MAP_BAD:
		st->bad++;
		log_warn("skipped a bad record: %s", why);
		break;
	}
	return 0;
}

/* Butler SOS's batch sizes when a write is refused: maxBatchSize, 500, 250, 100, 10, 1. */
static size_t smaller(size_t n)
{
	static const size_t steps[] = { 500, 250, 100, 10, 1 };

	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
		if (steps[i] < n)
			return steps[i];
	return 1;
}

static void ack(struct state *st, struct batch *b)
{
	if (sinkq_ack(st->q, b->end) != 0)
		log_error("cannot acknowledge in the queue: %s", strerror(errno));
	st->records_sent += b->records;
	st->points += b->points;
	b->records = b->points = 0;
	b->ready = false;
}

/* Builds the next batch from the queue into b; false when nothing was taken. */
static bool build(struct state *st, struct batch *b)
{
	st->lp.len = st->lp.lines = 0;
	b->records = b->points = 0;
	b->ready = false;
	if (b->body)
		body_reset(b->body);
	st->building = b;
	if (sinkq_peek(st->q, st->limit, BATCH_BYTES, take, st) < 0) {
		log_error("cannot read the spool: %s", strerror(errno));
		return false;
	}
	if (st->dry_run)
		write_stdout(st);
	else if (b->records && body_finish(b->body) != 0) {
		log_error("cannot build a request: out of memory");
		sinkq_rewind(st->q);
		b->records = 0;
	}
	return b->records > 0;
}

/* Nothing acknowledged that a power loss could take back; then the write. */
static void start(struct state *st, int i, int64_t now)
{
	struct batch *b = &st->b[i];

	b->ready = false;
	if (b->points == 0) {	/* only records that make no points: done */
		ack(st, b);
		return;
	}
	if (sinkq_sync(st->q) != 0)
		log_error("cannot sync the spool: %s", strerror(errno));
	if (sender_start(st->snd, b->body) != 0) {
		log_error("cannot start a write");
		sinkq_rewind(st->q);
		st->b[0].ready = st->b[1].ready = false;
		st->next_try = now + backoff_next(&st->bo);
		return;
	}
	st->cur = i;
	st->in_flight = true;
}

/* Records in the queue not yet taken into a batch. */
static uint64_t untaken(const struct state *st)
{
	uint64_t pending, pb, dr, db, taken = 0;

	sinkq_stats(st->q, &pending, &pb, &dr, &db);
	for (int i = 0; i < 2; i++)
		if (st->b[i].ready || (st->in_flight && i == st->cur))
			taken += st->b[i].records;
	return pending > taken ? pending - taken : 0;
}

/* Builds, prints or sends batches that are due. */
static void maybe_send(struct state *st, int64_t now, bool draining)
{
	if (now < st->next_try)
		return;
	if (!st->in_flight && !st->dry_run) {
		for (int i = 0; i < 2; i++)
			if (st->b[i].ready) {
				start(st, i, now);
				return;
			}
	}
	for (;;) {
		uint64_t left = untaken(st);
		if (left == 0 || (left < st->limit && !draining && now - st->last_send < st->k.flush_ms))
			return;
		int free_slot = st->in_flight ? 1 - st->cur : 0;
		if (st->b[free_slot].ready)
			return;		/* both busy: one in flight, one waiting */
		if (!build(st, &st->b[free_slot]))
			return;
		st->last_send = now;
		if (st->dry_run) {	/* printed: done, and the next batch right away */
			ack(st, &st->b[free_slot]);
			continue;
		}
		if (st->in_flight) {
			st->b[free_slot].ready = true;
			return;
		}
		start(st, free_slot, now);
		if (st->in_flight)
			continue;	/* and build the next one meanwhile */
		return;
	}
}

/* A refused or failed write: both batches go back to the queue. */
static void rewind_all(struct state *st)
{
	sinkq_rewind(st->q);
	st->in_flight = false;
	st->b[0].ready = st->b[1].ready = false;
}

static void finished(struct state *st, enum send_result r, const char *why, int64_t retry_ms)
{
	int64_t now = time_mono_ms(), delay;
	struct batch *b = &st->b[st->cur];

	switch (r) {
	case SEND_OK:
		log_debug("wrote %zu points of %zu records", b->points, b->records);
		st->in_flight = false;
		ack(st, b);
		backoff_reset(&st->bo);
		st->limit = (size_t)st->k.max_batch;
		return;
	case SEND_BAD_DATA:
		if (b->records > 1) {
			st->limit = smaller(b->records);
			log_info("InfluxDB refused a batch of %zu records (%s); trying %zu at a time",
			    b->records, why, st->limit);
			rewind_all(st);
			return;
		}
		/* one record: its points are what InfluxDB refuses */
		log_warn("InfluxDB refused the points of a %s record, dropped: %s", b->kind, why);
		st->refused++;
		st->in_flight = false;
		b->points = 0;
		ack(st, b);
		st->records_sent--;
		/* the batch built meanwhile was built with the small limit: build it again */
		rewind_all(st);
		st->limit = (size_t)st->k.max_batch;
		return;
	case SEND_AUTH:
	case SEND_RETRY:
		/* InfluxDB 1.x came up after we did, or lost its database: set it up again */
		if (st->k.version == 1 && strncmp(why, "HTTP 404", 8) == 0) {
			char err[600];
			if (sender_prepare(st->snd, err, sizeof err) == SEND_OK) {
				rewind_all(st);
				return;
			}
			log_warn("cannot create the database: %s", err);
		}
		delay = backoff_next(&st->bo);
		if (retry_ms > delay)
			delay = retry_ms;
		log_warn("write to InfluxDB failed (%s); retrying in %lld ms%s", why, (long long)delay,
		    sinkq_durable(st->q) ? ", records kept in the spool" : "");
		rewind_all(st);
		st->next_try = now + delay;
		return;
	}
}

/* Waits for stdin, a signal or curl, at most timeout ms. */
static void wait_events(struct state *st, int64_t timeout, bool read_more)
{
	struct curl_waitfd extra[2] = {
		{ .fd = read_more ? st->in.fd : -1, .events = CURL_WAIT_POLLIN },
		{ .fd = sig_fd(), .events = CURL_WAIT_POLLIN },
	};
	int numfds, running;

	if (timeout < 0)
		timeout = 0;
	if (timeout > 1000)
		timeout = 1000;
	if (st->snd) {
		curl_multi_poll(sender_multi(st->snd), read_more ? extra : extra + 1, read_more ? 2 : 1,
		    (int)timeout, &numfds);
		curl_multi_perform(sender_multi(st->snd), &running);
	} else {
		struct pollfd p[2] = { { .fd = sig_fd(), .events = POLLIN }, { .fd = st->in.fd, .events = POLLIN } };
		poll(p, read_more ? 2 : 1, (int)timeout);
	}
}

static int run(struct state *st, int64_t drain_ms)
{
	struct sink_loop l = { .doing = "flushing", .done = "written", .drain_ms = drain_ms };
	char why[600];

	st->last_send = time_mono_ms();
	for (;;) {
		int64_t now = time_mono_ms();
		uint64_t pending;

		sink_loop_begin(&l, &st->in, st->q, &st->read, now);
		bool draining = l.draining;
		maybe_send(st, now, draining);
		if (st->in_flight) {
			enum send_result r;
			int64_t ra;
			if (sender_poll(st->snd, &r, why, sizeof why, &ra)) {
				finished(st, r, why, ra);
				maybe_send(st, time_mono_ms(), draining);
			}
		}
		int rc = sink_loop_end(&l, st->q, &st->last_dropped, now, !st->in_flight, &pending);
		if (rc >= 0) {
			if (st->in_flight)	/* the deadline passed with a batch on the wire */
				sender_cancel(st->snd);
			return rc;
		}
		/* how long until something is due */
		int64_t t = st->in_flight ? 1000 : 0;
		if (!st->in_flight) {
			int64_t flush_at = st->last_send + st->k.flush_ms;
			t = (pending == 0 ? 1000 : (st->next_try > flush_at ? st->next_try : flush_at) - now);
			if (draining && pending)
				t = st->next_try - now;
		}
		wait_events(st, t, !l.stopping && !l.in_eof);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		SINK_LONGOPTS,
		{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
		{ "token-file", required_argument, NULL, OPT_TOKEN_FILE },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli;
	struct state st = { 0 };
	struct sink_opts sink;
	const char *password_file = NULL, *token_file = NULL;
	char err[600];
	struct cfg *c;
	int opt;

	sink_opts_init(&sink);

	cli_init(&cli, "to-influx", USAGE);
	while ((opt = cli_next(&cli, argc, argv, longopts)) != -1) {
		switch (opt) {
		case OPT_DRY_RUN:
			st.dry_run = true;
			break;
		case OPT_PASSWORD_FILE:
			password_file = optarg;
			break;
		case OPT_TOKEN_FILE:
			token_file = optarg;
			break;
		default:
			if (!sink_option(&cli, &sink, opt, optarg))
				cli_usage_error(&cli, "unknown option");
		}
	}
	cli_no_operands(&cli, argc, argv);
	c = cli_load_config(&cli);
	cli_config_done(&cli, c, conf_load(c, &st.k, password_file, token_file));
	if (!st.k.enable && !st.dry_run)
		die(EX_CONFIG, "%s: Butler-SOS.influxdbConfig.enable is false: nothing to do", cfg_path(c));
	if (st.k.https && !st.k.verify)
		log_warn("influxdbConfig.tls.rejectUnauthorized is false: InfluxDB's certificate is NOT verified");
	if (!st.k.https && !st.dry_run && (st.k.password || st.k.token))
		log_warn("credentials for InfluxDB go over plain HTTP to %s: set influxdbConfig.tls.enable", st.k.host);

	st.q = sink_queue_open(&sink);
	if (!(st.map = mapper_new(&st.k.map)))
		die(EX_OSERR, "out of memory");
	sink_stdin(&st.in);
	st.limit = (size_t)st.k.max_batch;
	backoff_init(&st.bo, 1000, 60000);
	if (!st.dry_run && (!(st.b[0].body = body_new(st.k.gzip)) || !(st.b[1].body = body_new(st.k.gzip))))
		die(EX_OSERR, "out of memory");

	if (!st.dry_run) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
			die(EX_OSERR, "cannot initialise libcurl");
		if (!(st.snd = sender_new(&st.k, err, sizeof err)))
			die(EX_OSERR, "%s", err);
		switch (sender_prepare(st.snd, err, sizeof err)) {
		case SEND_OK:
			break;
		case SEND_AUTH:
			die(EX_NOPERM, "InfluxDB at %s:%lld refused the credentials%s%s: %s", st.k.host, st.k.port,
			    st.k.secret_from ? " from " : "", st.k.secret_from ? st.k.secret_from : "", err);
		case SEND_BAD_DATA:
			die(EX_CONFIG, "InfluxDB at %s:%lld refused to set up the database: %s", st.k.host, st.k.port, err);
		case SEND_RETRY:
			log_warn("InfluxDB at %s:%lld not reachable (%s): queueing and retrying", st.k.host, st.k.port, err);
			break;
		}
	}
	cli_running(&cli);
	log_info("writing to InfluxDB %d.x at %s:%lld%s, batches of %lld, %s queue", st.k.version, st.k.host,
	    st.k.port, st.dry_run ? " (dry run: to stdout)" : "", st.k.max_batch, sink.spool ? "spool" : "memory");

	int rc = run(&st, sink.drain_ms);

	uint64_t req = 0, bin = 0, bout = 0, pending, pb, dr, db;
	if (st.snd)
		sender_stats(st.snd, &req, &bin, &bout);
	sinkq_stats(st.q, &pending, &pb, &dr, &db);
	log_info("read %" PRIu64 " records; wrote %" PRIu64 " points of %" PRIu64 " records in %" PRIu64
	    " requests (%" PRIu64 " bytes, %" PRIu64 " sent); refused %" PRIu64 ", bad %" PRIu64 ", unknown kind %"
	    PRIu64 ", not stored by configuration %" PRIu64 ", incomplete %" PRIu64 ", dropped %" PRIu64
	    ", pending %" PRIu64, st.read, st.points, st.records_sent, req, bin, bout, st.refused, st.bad,
	    st.unknown, st.off, st.incomplete, dr, pending);
	sender_free(st.snd);
	body_free(st.b[0].body);
	body_free(st.b[1].body);
	sinkq_close(st.q);
	mapper_free(st.map);
	lp_buf_free(&st.lp);
	ndjson_reader_free(&st.in);
	conf_free(&st.k);
	cfg_free(c);
	return rc;
}
