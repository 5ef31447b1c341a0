/*
 * to-mqtt: publishes senseops records to an MQTT broker with Butler SOS's
 * topics and payloads, over TLS with authentication when configured.
 *
 * One thread, one poll loop: stdin, signals and libmosquitto's socket.
 * Every line read goes into the queue (the spool with --spool, memory
 * otherwise); records are taken from it in order and published; a record
 * is acknowledged in the queue once the broker acknowledged every message
 * made of it (QoS 1 and 2) or they were written (QoS 0). When the
 * connection drops, everything not acknowledged is published again after
 * reconnecting: at least once.
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
#include "link.h"
#include "log.h"
#include "msgs.h"
#include "ndjson.h"
#include "sig.h"
#include "sinkopt.h"
#include "sinkq.h"
#include "timefmt.h"

#define USAGE "to-mqtt [-nqvV] [-c file] [--set key=value] [--dry-run] [--spool dir]\n" \
	"               [--spool-max-bytes n] [--spool-drop newest|oldest] [--queue-max-bytes n]\n" \
	"               [--password-file file] [--passphrase-file file] [--topic-template template]\n" \
	"               [--drain-timeout ms] [--ready-fd fd]"

enum {
	OPT_DRY_RUN = CLI_OPT_TOOL,
	OPT_PASSWORD_FILE,
	OPT_PASSPHRASE_FILE,
	OPT_TEMPLATE,
};

#define MIDS		65536		/* MQTT message ids are 16 bits */

/* A record whose messages are in flight, in queue order. */
struct inrec {
	struct spool_pos pos;
	uint32_t	 left;		/* messages not acknowledged yet */
};

enum conn { DOWN, CONNECTING, UP };

struct state {
	struct conf	 k;
	bool		 dry_run;
	struct msgs	*msgs;
	struct sinkq	*q;
	struct ndjson_reader in;
	/* the broker */
	struct link	*link;
	enum conn	 st;
	bool		 ever_connected;
	bool		 tried;		/* the first connection attempt has ended one way or the other */
	int64_t		 next_connect, connect_deadline;
	struct backoff	 bo;
	char		 last_error[256];
	/* in flight */
	struct inrec	*ring;
	size_t		 cap;
	uint64_t	 head, tail;	/* sequence numbers: ring[s % cap] for head <= s < tail */
	uint64_t	*mid_seq;	/* message id -> record sequence + 1; 0 when free */
	long		 inflight;
	/* counts */
	uint64_t	 read, records_done, published, acked, refused, unsendable, bad, off, counted;
	uint64_t	 last_dropped;
	struct spool_pos ack_pos;	/* everything up to here is done */
	bool		 ack_dirty;
	int64_t		 last_ack;
	struct spool_pos poison;	/* the oldest record in flight at the last lost connection */
	int		 poison_drops;
	uint64_t	 poisoned;
};

/* Records at the head whose messages are all acknowledged are done; the queue learns it in flush_ack. */
static void ack_done(struct state *s)
{
	while (s->head < s->tail && s->ring[s->head % s->cap].left == 0) {
		s->ack_pos = s->ring[s->head % s->cap].pos;
		s->ack_dirty = true;
		s->head++;
		s->records_done++;
		s->poison_drops = 0;
	}
}

/*
 * Tells the queue what is done. Never from inside a peek, and for a spool
 * (an fsync'd file each time) at most every ACK_EVERY_MS unless forced.
 */
#define ACK_EVERY_MS 100

static void flush_ack(struct state *s, bool force)
{
	int64_t now = time_mono_ms();

	if (!s->ack_dirty || (!force && sinkq_durable(s->q) && now - s->last_ack < ACK_EVERY_MS))
		return;
	if (sinkq_ack(s->q, s->ack_pos) != 0)
		log_error("cannot acknowledge in the queue: %s", strerror(errno));
	s->ack_dirty = false;
	s->last_ack = now;
}

static void on_published(void *arg, int mid, int reason)
{
	struct state *s = arg;
	uint64_t seq1;

	if (mid < 0 || mid >= MIDS || !(seq1 = s->mid_seq[mid]))
		return;
	s->mid_seq[mid] = 0;
	uint64_t seq = seq1 - 1;
	if (seq < s->head || seq >= s->tail)
		return;
	s->ring[seq % s->cap].left--;
	s->inflight--;
	s->acked++;
	if (reason >= 128) {	/* MQTT 5: the broker took it and refused it */
		s->refused++;
		log_warn("the broker refused a message (MQTT reason %d: %s); not sent again", reason,
		    link_reason(reason));
	}
	ack_done(s);
}

static void on_connected(void *arg, int rc, const char *why)
{
	struct state *s = arg;

	s->tried = true;
	if (rc == 0) {
		s->st = UP;
		s->ever_connected = true;
		backoff_reset(&s->bo);
		log_info("connected to %s:%d as %s (MQTT %s, QoS %d)", s->k.link.host, s->k.link.port,
		    s->k.link.client_id, s->k.link.protocol == 5 ? "5" : "3.1.1", s->k.qos);
		return;
	}
	/* refused credentials at the start are a configuration error, not an outage */
	bool auth = rc == 4 || rc == 5 || rc == 134 || rc == 135 || rc == 140;
	if (auth && !s->ever_connected)
		die(EX_NOPERM, "the broker %s:%d refused the connection: %s%s%s%s", s->k.link.host, s->k.link.port, why,
		    s->k.password_from[0] ? " (password from " : "", s->k.password_from, s->k.password_from[0] ? ")" : "");
	snprintf(s->last_error, sizeof s->last_error, "refused: %s", why);
	s->st = DOWN;	/* the loop notices and reconnects */
}

/* Throws the connection away; what was in flight goes back to the queue. */
/*
 * A record the broker drops the connection over (a packet over its limit
 * with MQTT 3.1.1, where it cannot say so otherwise) would come first
 * again after every reconnect and stop the stream: after POISON_DROPS
 * connections lost in a row while it was the oldest in flight, it is
 * given up, counted and logged.
 */
#define POISON_DROPS 5

static void poison_check(struct state *s)
{
	if (s->head >= s->tail) {
		s->poison_drops = 0;
		return;
	}
	struct spool_pos oldest = s->ring[s->head % s->cap].pos;
	if (s->poison_drops && oldest.seg == s->poison.seg && oldest.off == s->poison.off) {
		if (++s->poison_drops >= POISON_DROPS) {
			log_error("the broker dropped the connection %d times with the same record first in flight; "
			    "giving that record up", POISON_DROPS);
			s->poisoned++;
			s->poison_drops = 0;
			s->ack_pos = oldest;
			s->ack_dirty = true;
			flush_ack(s, true);
		}
		return;
	}
	s->poison = oldest;
	s->poison_drops = 1;
}

static void drop(struct state *s, const char *why)
{
	int64_t delay = backoff_next(&s->bo);

	s->tried = true;
	poison_check(s);
	if (s->link)
		log_warn("MQTT broker %s:%d: %s; reconnecting in %lld ms%s", s->k.link.host, s->k.link.port, why,
		    (long long)delay, sinkq_durable(s->q) ? ", records kept in the spool" : "");
	flush_ack(s, true);
	link_free(s->link);
	s->link = NULL;
	s->st = DOWN;
	s->next_connect = time_mono_ms() + delay;
	memset(s->mid_seq, 0, MIDS * sizeof *s->mid_seq);
	s->head = s->tail = 0;
	s->inflight = 0;
	sinkq_rewind(s->q);
}

static void connect_now(struct state *s, int64_t now)
{
	char err[512];
	const struct link_events ev = { .connected = on_connected, .published = on_published, .arg = s };

	if (!(s->link = link_new(&s->k.link, &ev, err, sizeof err)))
		die(EX_CONFIG, "%s", err);
	if (link_connect(s->link, err, sizeof err) != 0) {
		drop(s, err);
		return;
	}
	s->st = CONNECTING;
	s->connect_deadline = now + s->k.connect_ms;
}

/* The peek callback: one queued record, published. */
static int publish_one(const char *line, size_t n, struct spool_pos after, void *arg)
{
	struct state *s = arg;
	char why[256];
	enum msgs_result r = msgs_build(s->msgs, line, n, why, sizeof why);
	size_t count = r == MSGS_OK ? msgs_count(s->msgs) : 0;

	if (r == MSGS_NOMEM)
		return 1;
	if (!s->dry_run && count && s->inflight > 0 && s->inflight + (long)count > s->k.window)
		return 1;	/* the window is full: it comes again */
	if (after.n > s->counted) {
		s->counted = after.n;
		if (r == MSGS_BAD) {
			s->bad++;
			log_warn("skipped a bad record: %s", why);
		} else if (r == MSGS_OFF) {
			s->off++;
		}
	}
	if (s->dry_run) {
		for (size_t i = 0; i < count; i++) {
			const struct msg *m = msgs_get(s->msgs, i);
			/* one line per message: topic, a tab, the payload as a JSON string */
			printf("%s\t", m->topic);
			putchar('"');
			for (size_t j = 0; j < m->len; j++) {
				unsigned char c = (unsigned char)m->payload[j];
				if (c == '"' || c == '\\')
					printf("\\%c", c);
				else if (c < 0x20)
					printf("\\u%04x", c);
				else
					putchar(c);
			}
			printf("\"\n");
		}
		s->published += count;
		s->records_done++;
		s->ack_pos = after;
		s->ack_dirty = true;
		return 0;
	}
	uint64_t seq = s->tail++;
	struct inrec *rec = &s->ring[seq % s->cap];
	rec->pos = after;
	rec->left = 0;
	for (size_t i = 0; i < count; i++) {
		const struct msg *m = msgs_get(s->msgs, i);
		int mid = 0;
		int rc = link_publish(s->link, m->topic, m->payload, m->len, s->k.qos, s->k.retain[m->cls], &mid,
		    why, sizeof why);
		if (rc < 0) {
			snprintf(s->last_error, sizeof s->last_error, "%s", why);
			return 1;	/* the loop drops the connection */
		}
		if (rc > 0) {
			s->unsendable++;
			log_warn("a message to %s cannot be sent: %s; skipped", m->topic, why);
			continue;
		}
		s->published++;
		if (s->k.qos == 0) {	/* fire and forget: done once libmosquitto has it */
			s->acked++;
			continue;
		}
		s->mid_seq[mid & (MIDS - 1)] = seq + 1;
		rec->left++;
		s->inflight++;
	}
	ack_done(s);
	return 0;
}

static void publish_more(struct state *s)
{
	/* QoS 0 has no acknowledgements to wait for: wait for the socket instead, so memory stays bounded */
	while ((s->dry_run || (s->st == UP && s->inflight < s->k.window && s->tail - s->head < s->cap &&
	    !(s->k.qos == 0 && link_want_write(s->link)))) && !s->last_error[0]) {
		int r = sinkq_peek(s->q, 1, SIZE_MAX, publish_one, s);
		if (r < 0)
			log_error("cannot read the spool: %s", strerror(errno));
		if (r <= 0)
			return;
	}
}

static int run(struct state *s, int64_t drain_ms)
{
	struct sink_loop l = { .doing = "publishing", .done = "published", .drain_ms = drain_ms };
	int64_t last_misc = 0;

	for (;;) {
		int64_t now = time_mono_ms();
		uint64_t pending;

		sink_loop_begin(&l, &s->in, s->q, &s->read, now);
		bool draining = l.draining;

		if (!s->dry_run) {
			if (s->st == DOWN && s->link) {	/* refused: throw it away */
				char why[300];
				snprintf(why, sizeof why, "%s", s->last_error[0] ? s->last_error : "refused");
				s->last_error[0] = '\0';
				drop(s, why);
			}
			if (s->st == CONNECTING && now >= s->connect_deadline)
				drop(s, "connect timed out");
			if (!s->link && now >= s->next_connect)
				connect_now(s, now);
		}
		publish_more(s);
		if (s->last_error[0] && s->link) {
			char why[300];
			snprintf(why, sizeof why, "%s", s->last_error);
			s->last_error[0] = '\0';
			drop(s, why);
		}
		flush_ack(s, draining);
		/* even without input: the credentials are checked once before leaving */
		int rc = sink_loop_end(&l, s->q, &s->last_dropped, now, s->dry_run || s->tried, &pending);
		if (rc >= 0)
			return rc;

		struct pollfd p[3];
		int np = 0, lfd = s->link ? link_fd(s->link) : -1;
		p[np++] = (struct pollfd){ .fd = sig_fd(), .events = POLLIN };
		int in_i = -1, l_i = -1;
		if (!l.stopping && !l.in_eof) {
			in_i = np;
			p[np++] = (struct pollfd){ .fd = s->in.fd, .events = POLLIN };
		}
		if (lfd >= 0) {
			l_i = np;
			p[np++] = (struct pollfd){ .fd = lfd, .events = (short)(POLLIN | (link_want_write(s->link) ? POLLOUT : 0)) };
		}
		int64_t t = 1000;
		if (!s->link && !s->dry_run)
			t = s->next_connect - now;
		if (s->dry_run && pending)
			t = 0;
		if (t < 0)
			t = 0;
		if (t > 1000)
			t = 1000;
		(void)in_i;
		if (poll(p, (nfds_t)np, (int)t) < 0 && errno != EINTR)
			die(EX_OSERR, "poll: %s", strerror(errno));
		if (s->link && l_i >= 0) {
			char why[300];
			bool rd = p[l_i].revents & (POLLIN | POLLHUP | POLLERR), wr = p[l_i].revents & POLLOUT;
			now = time_mono_ms();
			if (rd || wr || now - last_misc >= 1000) {
				last_misc = now;
				if (link_io(s->link, rd, wr, why, sizeof why) != 0)
					drop(s, s->last_error[0] ? s->last_error : why);
			}
		}
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		SINK_LONGOPTS,
		{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
		{ "passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE },
		{ "topic-template", required_argument, NULL, OPT_TEMPLATE },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli;
	struct state s = { 0 };
	struct sink_opts sink;
	const char *password_file = NULL, *passphrase_file = NULL, *tmpl = NULL;
	struct cfg *c;
	int opt;

	sink_opts_init(&sink);

	cli_init(&cli, "to-mqtt", USAGE);
	while ((opt = cli_next(&cli, argc, argv, longopts)) != -1) {
		switch (opt) {
		case OPT_DRY_RUN:
			s.dry_run = true;
			break;
		case OPT_PASSWORD_FILE:
			password_file = optarg;
			break;
		case OPT_PASSPHRASE_FILE:
			passphrase_file = optarg;
			break;
		case OPT_TEMPLATE:
			tmpl = optarg;
			break;
		default:
			if (!sink_option(&cli, &sink, opt, optarg))
				cli_usage_error(&cli, "unknown option");
		}
	}
	cli_no_operands(&cli, argc, argv);
	c = cli_load_config(&cli);
	cli_config_done(&cli, c, conf_load(c, &s.k, password_file, passphrase_file, tmpl));
	if (!s.k.enable && !s.dry_run)
		die(EX_CONFIG, "%s: Butler-SOS.mqttConfig.enable is false: nothing to do", cfg_path(c));
	if (!s.dry_run) {
		if (!s.k.link.tls && !s.k.link.username)
			log_warn("MQTT to %s:%d without TLS and without credentials: anyone on the network can read and "
			    "publish; set mqttConfig.tls and mqttConfig.username", s.k.link.host, s.k.link.port);
		else if (!s.k.link.tls)
			log_warn("MQTT to %s:%d without TLS: the password and the data cross the network in clear",
			    s.k.link.host, s.k.link.port);
		else if (!s.k.link.verify)
			log_warn("mqttConfig.tls.rejectUnauthorized is false: the broker's certificate is NOT verified");
	}

	s.q = sink_queue_open(&sink);
	s.cap = (size_t)s.k.window + 1;
	if (!(s.msgs = msgs_new(&s.k.msgs)) || !(s.ring = calloc(s.cap, sizeof *s.ring)) ||
	    !(s.mid_seq = calloc(MIDS, sizeof *s.mid_seq)))
		die(EX_OSERR, "out of memory");
	sink_stdin(&s.in);
	backoff_init(&s.bo, 500, 30000);
	link_lib_init();
	cli_running(&cli);
	log_info("publishing to %s:%d%s, %s queue", s.k.link.host, s.k.link.port,
	    s.dry_run ? " (dry run: to stdout)" : "", sink.spool ? "spool" : "memory");

	int rc = run(&s, sink.drain_ms);

	uint64_t pending, pb, dr, db;
	sinkq_stats(s.q, &pending, &pb, &dr, &db);
	log_info("read %" PRIu64 " records; published %" PRIu64 " messages of %" PRIu64 " records, %" PRIu64
	    " acknowledged; refused by the broker %" PRIu64 ", unsendable %" PRIu64 ", given up %" PRIu64 ", bad %" PRIu64
	    ", not published by configuration %" PRIu64 ", dropped %" PRIu64 ", pending %" PRIu64,
	    s.read, s.published, s.records_done, s.acked, s.refused, s.unsendable, s.poisoned, s.bad, s.off, dr, pending);
	fflush(stdout);
	if (s.st == UP)
		link_close(s.link);
	link_free(s.link);
	link_lib_cleanup();
	sinkq_close(s.q);
	msgs_free(s.msgs);
	free(s.ring);
	free(s.mid_seq);
	ndjson_reader_free(&s.in);
	conf_free(&s.k);
	cfg_free(c);
	return rc;
}
