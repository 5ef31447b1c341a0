/*
 * to-pg: stores senseops records in PostgreSQL, exactly once, in a table per
 * record kind (tables.h) with Butler SOS-named views over them.
 *
 * One thread: stdin is read into the queue (the spool with --spool, memory
 * otherwise) between batches; a batch of records is taken from the queue,
 * made into COPY rows and written in one transaction together with its
 * queue position, then acknowledged in the queue. Rows are keyed by the
 * record's time and a hash of its text, so a batch written again after a
 * crash or a lost connection adds nothing: exactly once.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "backoff.h"
#include "cli.h"
#include "config.h"
#include "db.h"
#include "log.h"
#include "sig.h"
#include "sinkopt.h"
#include "sinkq.h"
#include "tables.h"
#include "timefmt.h"

#define USAGE "to-pg [-nqvV] [-c file] [--set key=value] [--dry-run] [--init-schema] [--print-schema]\n" \
	"             [--retention days] [--spool dir] [--spool-max-bytes n] [--spool-drop newest|oldest]\n" \
	"             [--queue-max-bytes n] [--password-file file] [--drain-timeout ms] [--schema-version n]\n" \
	"             [--ready-fd fd]"

enum { OPT_DRY_RUN = CLI_OPT_TOOL, OPT_INIT, OPT_PRINT_SCHEMA, OPT_RETENTION, OPT_PASSWORD_FILE, OPT_SCHEMA_VERSION };

#define PG "Butler-SOS.postgresConfig."
#define BATCH_BYTES	(8 * 1024 * 1024)

struct state {
	struct db	*db;
	struct db_conf	 dc;
	char		*password;
	bool		 dry_run;
	long long	 max_batch, flush_ms, retention_days;
	struct rows	*rows;
	struct sinkq	*q;
	struct ndjson_reader in;
	size_t		 limit;		/* records per batch now; smaller while a refused batch is split */
	struct spool_pos split_end;	/* ...until the queue is past where the refused batch ended */
	bool		 splitting;
	struct spool_pos end;		/* of the batch being built */
	size_t		 records, batch_bad;	/* taken into the batch; of them, bad */
	char		 kind[65];	/* of the batch's last record */
	char		 password_from[300];	/* "file X", "environment V", ..., for messages */
	char		*single_copy;	/* a one-record batch: its line, for the rejected table */
	size_t		 single_len;
	int64_t		 next_try, last_send, last_retention;
	struct backoff	 bo;
	uint64_t	 read, written, rows_out, bad, rejected, repaired, counted, last_dropped;
};

static int take(const char *line, size_t n, struct spool_pos after, void *arg)
{
	struct state *s = arg;
	struct row r;
	char why[256];
	enum rows_result rr = rows_build(s->rows, line, n, &r, why, sizeof why);

	if (rr == ROWS_NOMEM)
		return 1;
	if (rr == ROWS_OK && db_batch_add(s->db, &r) != 0)
		return 1;	/* too many days or out of memory: the rest comes in the next batch */
	s->end = after;
	s->records++;
	s->batch_bad += rr == ROWS_BAD;
	snprintf(s->kind, sizeof s->kind, "%s", rr == ROWS_OK ? (r.t->kind ? r.t->kind : "records") : "bad");
	/* kept for the rejected table, should this record (alone in its batch) be refused */
	char *c = s->limit == 1 ? realloc(s->single_copy, n + 1) : NULL;
	if (c) {
		memcpy(c, line, n);
		c[n] = '\0';
		s->single_copy = c;
		s->single_len = n;
	}
	if (after.n > s->counted) {
		s->counted = after.n;
		if (rr == ROWS_BAD) {
			s->bad++;
			log_warn("skipped a bad record: %s", why);
		} else if (r.repaired) {
			s->repaired += r.repaired;
			log_warn("a %s record held %u NUL characters, removed (PostgreSQL refuses them)", s->kind, r.repaired);
		}
	}
	return 0;
}

static size_t smaller(size_t n)
{
	static const size_t steps[] = { 500, 50, 5, 1 };

	for (size_t i = 0; i < sizeof steps / sizeof *steps; i++)
		if (steps[i] < n)
			return steps[i];
	return 1;
}

static void ack(struct state *s)
{
	if (sinkq_ack(s->q, s->end) != 0)
		log_error("cannot acknowledge in the queue: %s", strerror(errno));
	s->written += s->records - s->batch_bad;
}

static void connect_db(struct state *s, bool first)
{
	char why[512];

	switch (db_open(s->db, why, sizeof why)) {
	case DB_OK:
		backoff_reset(&s->bo);
		log_info("connected to PostgreSQL, schema %s", s->dc.schema);
		return;
	case DB_AUTH:
		if (first)
			die(EX_NOPERM, "PostgreSQL refused the credentials%s%s: %s", s->password_from[0] ? " (password from " : "",
			    s->password_from[0] ? s->password_from : "", why);
		break;
	case DB_FATAL:
		die(EX_CONFIG, "cannot set the schema up: %s", why);
	default:
		break;
	}
	int64_t delay = backoff_next(&s->bo);
	log_warn("PostgreSQL not reachable (%s); retrying in %lld ms%s", why, (long long)delay,
	    sinkq_durable(s->q) ? ", records kept in the spool" : "");
	s->next_try = time_mono_ms() + delay;
}

/* Takes, writes (or prints) one batch when one is due. */
static void maybe_write(struct state *s, int64_t now, bool draining)
{
	uint64_t pending, pb, dr, db;
	char why[512];

	sinkq_stats(s->q, &pending, &pb, &dr, &db);
	if (pending == 0 || now < s->next_try)
		return;
	if (pending < s->limit && !draining && now - s->last_send < s->flush_ms)
		return;
	if (!s->dry_run && !db_connected(s->db)) {
		connect_db(s, false);
		if (!db_connected(s->db))
			return;
	}
	db_batch_reset(s->db);
	s->records = s->batch_bad = 0;
	if (sinkq_peek(s->q, s->limit, BATCH_BYTES, take, s) <= 0)
		return;
	s->last_send = now;
	size_t rows = db_batch_rows(s->db);
	if (s->dry_run) {
		db_batch_print(s->db, stdout);
		s->rows_out += rows;
		ack(s);
		return;
	}
	if (sinkq_sync(s->q) != 0)
		log_error("cannot sync the spool: %s", strerror(errno));
	switch (db_batch_commit(s->db, s->end.seg, s->end.off, why, sizeof why)) {
	case DB_OK:
		s->rows_out += rows;
		ack(s);
		if (!s->splitting || s->end.seg > s->split_end.seg ||
		    (s->end.seg == s->split_end.seg && s->end.off >= s->split_end.off)) {
			s->splitting = false;
			s->limit = (size_t)s->max_batch;
		}
		return;
	case DB_REFUSED:
		if (s->records > 1) {
			if (!s->splitting) {
				s->split_end = s->end;
				s->splitting = true;
			}
			s->limit = smaller(s->records);
			log_info("PostgreSQL refused a batch of %zu records (%s); trying %zu at a time", s->records, why,
			    s->limit);
			sinkq_rewind(s->q);
			return;
		}
		/* one record the database will never take: it goes to the rejected table, with the reason */
		log_warn("PostgreSQL refused a %s record (%s): moved to the rejected table", s->kind, why);
		if (db_reject(s->db, s->kind, why, s->single_copy ? s->single_copy : "", s->single_len, why,
		    sizeof why) != DB_OK)
			log_error("cannot store the refused record either (%s); dropped", why);
		s->rejected++;
		ack(s);
		s->written--;
		if (!s->splitting || s->end.seg > s->split_end.seg ||
		    (s->end.seg == s->split_end.seg && s->end.off >= s->split_end.off)) {
			s->splitting = false;
			s->limit = (size_t)s->max_batch;
		}
		return;
	default:
		sinkq_rewind(s->q);
		db_close(s->db);
		int64_t delay = backoff_next(&s->bo);
		log_warn("write to PostgreSQL failed (%s); retrying in %lld ms%s", why, (long long)delay,
		    sinkq_durable(s->q) ? ", records kept in the spool" : "");
		s->next_try = now + delay;
		return;
	}
}

static int run(struct state *s, int64_t drain_ms)
{
	struct sink_loop l = { .doing = "writing", .done = "written", .drain_ms = drain_ms };

	s->last_send = time_mono_ms();
	for (;;) {
		int64_t now = time_mono_ms();
		uint64_t pending;

		sink_loop_begin(&l, &s->in, s->q, &s->read, now);
		bool draining = l.draining;
		maybe_write(s, now, draining);
		if (!s->dry_run && s->retention_days > 0 && db_connected(s->db) && now - s->last_retention > 3600000) {
			char why[512];
			s->last_retention = now;
			if (db_retention(s->db, (int)s->retention_days, why, sizeof why) < 0)
				log_error("retention: %s", why);
		}
		int rc = sink_loop_end(&l, s->q, &s->last_dropped, now, true, &pending);
		if (rc >= 0)
			return rc;
		int64_t t = pending ? (s->next_try > now ? s->next_try - now : s->last_send + s->flush_ms - now) : 1000;
		if (draining && pending && s->next_try <= now)
			t = 0;
		if (t < 0)
			t = 0;
		if (t > 1000)
			t = 1000;
		struct pollfd p[2] = { { .fd = sig_fd(), .events = POLLIN }, { .fd = s->in.fd, .events = POLLIN } };
		if (poll(p, !l.stopping && !l.in_eof ? 2 : 1, (int)t) < 0 && errno != EINTR)
			die(EX_OSERR, "poll: %s", strerror(errno));
	}
}

static int conf_load(struct cfg *c, struct state *s, const char *password_file)
{
	struct db_conf *d = &s->dc;
	long long port, timeout, ahead;
	const char *from = NULL;
	bool enable;

	if (cfg_bool(c, PG "enable", true, &enable) ||
	    cfg_string(c, PG "conninfo", NULL, &d->conninfo) ||
	    cfg_string(c, PG "host", "localhost", &d->host) ||
	    cfg_int(c, PG "port", 5432, 1, 65535, &port) ||
	    cfg_string(c, PG "database", "senseops", &d->dbname) ||
	    cfg_string(c, PG "user", "senseops", &d->user) ||
	    cfg_string(c, PG "schema", "senseops", &d->schema) ||
	    cfg_string(c, PG "sslmode", "verify-full", &d->sslmode) ||
	    cfg_string(c, PG "sslRootCert", NULL, &d->sslrootcert) ||
	    cfg_string(c, PG "sslCert", NULL, &d->sslcert) ||
	    cfg_string(c, PG "sslKey", NULL, &d->sslkey) ||
	    cfg_int(c, PG "connectTimeout", 5, 1, 600, &timeout) ||
	    cfg_int(c, PG "maxBatchSize", 5000, 1, 100000, &s->max_batch) ||
	    cfg_int(c, PG "flushInterval", 1000, 10, 3600000, &s->flush_ms) ||
	    cfg_int(c, PG "partitionsAhead", 3, 0, 366, &ahead) ||
	    cfg_int(c, PG "retentionDays", 0, 0, 36500, &s->retention_days))
		return -1;
	if (!enable)
		return cfg_set_err(c, PG "enable is false: nothing to do");
	if (!*d->schema || strlen(d->schema) > 40)
		return cfg_node_err(c, cfg_get(c, PG "schema"), PG "schema", "must be 1 to 40 characters");
	static const char *const modes[] = { "disable", "allow", "prefer", "require", "verify-ca", "verify-full" };
	bool known = false;
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
		known |= strcmp(d->sslmode, modes[i]) == 0;
	if (!known)
		return cfg_node_err(c, cfg_get(c, PG "sslmode"), PG "sslmode", "\"%s\" is not a libpq sslmode", d->sslmode);
	static char portbuf[8];
	snprintf(portbuf, sizeof portbuf, "%lld", port);
	d->port = portbuf;
	d->connect_timeout = (int)timeout;
	d->partitions_ahead = (int)ahead;
	if (cfg_secret(c, PG "password", password_file, "SENSEOPS_PG_PASSWORD", &s->password, &from))
		return -1;
	if (from)
		snprintf(s->password_from, sizeof s->password_from, "%s)", from);
	d->password = s->password;	/* absent: libpq's PGPASSFILE or ~/.pgpass */
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		SINK_LONGOPTS,
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "init-schema", no_argument, NULL, OPT_INIT },
		{ "print-schema", no_argument, NULL, OPT_PRINT_SCHEMA },
		{ "retention", required_argument, NULL, OPT_RETENTION },
		{ "password-file", required_argument, NULL, OPT_PASSWORD_FILE },
		{ "schema-version", required_argument, NULL, OPT_SCHEMA_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli;
	struct state s = { 0 };
	struct sink_opts sink;
	const char *password_file = NULL;
	bool init_only = false, print_schema = false;
	long long retention = -1;
	int schema_target = 0;
	struct cfg *c;
	int opt;

	sink_opts_init(&sink);
	cli_init(&cli, "to-pg", USAGE);
	while ((opt = cli_next(&cli, argc, argv, longopts)) != -1) {
		switch (opt) {
		case OPT_DRY_RUN:
			s.dry_run = true;
			break;
		case OPT_INIT:
			init_only = true;
			break;
		case OPT_PRINT_SCHEMA:
			print_schema = true;
			break;
		case OPT_RETENTION:
			retention = cli_int(&cli, "--retention", optarg, 1, 36500);
			break;
		case OPT_PASSWORD_FILE:
			password_file = optarg;
			break;
		case OPT_SCHEMA_VERSION:
			schema_target = (int)cli_int(&cli, "--schema-version", optarg, 1, PG_SCHEMA_VERSION);
			break;
		default:
			if (!sink_option(&cli, &sink, opt, optarg))
				cli_usage_error(&cli, "unknown option");
		}
	}
	cli_no_operands(&cli, argc, argv);
	c = cli_load_config(&cli);
	cli_config_done(&cli, c, conf_load(c, &s, password_file));
	if (retention > 0)
		s.retention_days = retention;
	s.dc.schema_target = schema_target;
	if (print_schema) {
		db_schema_sql(s.dc.schema, stdout);
		cfg_secret_free(s.password);
		cfg_free(c);
		return EX_OK;
	}
	bool tcp = s.dc.conninfo || (s.dc.host && s.dc.host[0] != '/');
	if (!s.dry_run && tcp && strcmp(s.dc.sslmode, "verify-full") != 0)
		log_warn("postgresConfig.sslmode is %s: the server's certificate%s is NOT verified", s.dc.sslmode,
		    strcmp(s.dc.sslmode, "verify-ca") == 0 ? "'s host name" : "");
	if (!(s.db = db_new(&s.dc)) || !(s.rows = rows_new()))
		die(EX_OSERR, "out of memory");
	s.q = sink_queue_open(&sink);
	sink_stdin(&s.in);
	s.limit = (size_t)s.max_batch;
	backoff_init(&s.bo, 500, 30000);
	if (!s.dry_run) {
		connect_db(&s, true);
		if (init_only) {
			int rc = EX_OK;
			char why[512];
			if (!db_connected(s.db)) {
				log_error("PostgreSQL not reachable: the schema was not set up");
				rc = EX_UNAVAILABLE;
			} else if (s.retention_days > 0 && db_retention(s.db, (int)s.retention_days, why, sizeof why) < 0) {
				log_error("retention: %s", why);
				rc = EX_UNAVAILABLE;
			}
			db_free(s.db);
			rows_free(s.rows);
			sinkq_close(s.q);
			ndjson_reader_free(&s.in);
			cfg_secret_free(s.password);
			cfg_free(c);
			return rc;
		}
	}
	cli_running(&cli);
	s.last_retention = time_mono_ms() - 3600001;	/* retention at start, then hourly */
	int rc = run(&s, sink.drain_ms);

	uint64_t pending, pb, dr, db;
	sinkq_stats(s.q, &pending, &pb, &dr, &db);
	log_info("read %" PRIu64 " records; wrote %" PRIu64 " rows of %" PRIu64 " records; bad %" PRIu64
	    ", rejected %" PRIu64 ", NUL characters removed %" PRIu64 ", dropped %" PRIu64 ", pending %" PRIu64,
	    s.read, s.rows_out, s.written, s.bad, s.rejected, s.repaired, dr, pending);
	fflush(stdout);
	db_free(s.db);
	rows_free(s.rows);
	sinkq_close(s.q);
	ndjson_reader_free(&s.in);
	free(s.single_copy);
	cfg_secret_free(s.password);
	cfg_free(c);
	return rc;
}
