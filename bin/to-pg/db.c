/* db: libpq, the schema, partitions, COPY batches, retention. */
#include "db.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "log.h"
#include "timefmt.h"

#define MAX_DAYS 64	/* partitions one batch may need: days spread over */

struct tbuf {
	char	*p;
	size_t	 len, cap;
	size_t	 rows;
};

struct db {
	struct db_conf	 c;
	PGconn		*conn;
	char		 qschema[260];		/* the schema, quoted */
	bool		 staged[32];		/* temporary staging table made on this connection */
	struct tbuf	 buf[32];		/* the batch, per table */
	int64_t		 days[MAX_DAYS];	/* days the batch touches */
	uint32_t	 day_tables[MAX_DAYS];	/* which tables, a bit each */
	size_t		 ndays;
	/* partitions known to exist: table bit per day, a small cache */
	int64_t		 known_day[256];
	uint32_t	 known_tables[256];
};

/* A name quoted as an SQL identifier: "a""b". */
static void ident(char *out, size_t len, const char *name)
{
	size_t o = 0;

	out[o++] = '"';
	for (; *name && o + 3 < len; name++) {
		if (*name == '"')
			out[o++] = '"';
		out[o++] = *name;
	}
	out[o++] = '"';
	out[o] = '\0';
}

static const char *sqltype(enum coltype t)
{
	switch (t) {
	case CT_BIGINT:
	case CT_COUNT:
		return "bigint";
	case CT_DOUBLE:
		return "double precision";
	case CT_BOOL:
		return "boolean";
	default:
		return "text";
	}
}

static bool has_column(const struct table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->cols[i].name, name) == 0)
			return true;
	return false;
}

/* The views: Butler SOS's InfluxDB measurements over the tables, in the schema <schema>_butler. */
static void views_sql(const char *s, const char *v, FILE *o)
{
	static const struct { const char *name, *cols; } health[] = {
		{ "sense_server", "version, started, uptime" },
		{ "mem", "mem_committed AS comitted, mem_allocated AS allocated, mem_free AS free" },
		{ "apps", "active_docs AS active_docs_count, loaded_docs AS loaded_docs_count, "
		    "in_memory_docs AS in_memory_docs_count, apps_calls AS calls, apps_selections AS selections, "
		    "extra->'apps' AS apps" },
		{ "cpu", "cpu_total AS total" },
		{ "session", "session_active AS active, session_total AS total" },
		{ "users", "users_active AS active, users_total AS total" },
		{ "cache", "cache_hits AS hits, cache_lookups AS lookups, cache_added AS added, "
		    "cache_replaced AS replaced, cache_bytes_added AS bytes_added" },
		{ "saturated", "saturated" },
	};

	fprintf(o, "CREATE SCHEMA IF NOT EXISTS %s;\n", v);
	for (size_t i = 0; i < sizeof health / sizeof *health; i++)
		fprintf(o, "CREATE OR REPLACE VIEW %s.%s AS SELECT ts AS time, host, server_name, server_description, "
		    "tags, %s FROM %s.health;\n", v, health[i].name, health[i].cols, s);
	fprintf(o, "CREATE OR REPLACE VIEW %s.user_session_summary AS SELECT ts AS time, host, server_name, "
	    "virtual_proxy AS user_session_virtual_proxy, tags->>'user_session_host' AS user_session_host, tags, "
	    "session_count, session_user_id_list FROM %s.sessions;\n", v, s);
	fprintf(o, "CREATE OR REPLACE VIEW %s.user_session_list AS SELECT ts AS time, host, server_name, "
	    "virtual_proxy AS user_session_virtual_proxy, tags->>'user_session_host' AS user_session_host, tags, "
	    "session_count, session_user_id_list FROM %s.sessions;\n", v, s);
	fprintf(o, "CREATE OR REPLACE VIEW %s.log_events_queue AS SELECT ts AS time, tags, queue_size, queue_max_size, "
	    "queue_utilization_pct, messages_received, messages_queued, messages_processed, messages_dropped_total, "
	    "processing_time_avg_ms, backpressure_active, extra FROM %s.queue WHERE queue_type = 'log_events';\n", v, s);
	fprintf(o, "CREATE OR REPLACE VIEW %s.user_events_queue AS SELECT ts AS time, tags, queue_size, queue_max_size, "
	    "queue_utilization_pct, messages_received, messages_queued, messages_processed, messages_dropped_total, "
	    "processing_time_avg_ms, backpressure_active, extra FROM %s.queue WHERE queue_type = 'user_events';\n", v, s);
	fprintf(o, "CREATE OR REPLACE VIEW %s.butler_sos_errors AS SELECT ts AS time, error_type, "
	    "tags->>'server_name' AS server_name, coalesce(extra->>'server_host', tags->>'host') AS host, "
	    "coalesce(error_category, 'unknown') AS error_category, 1 AS error_count, error_code, http_status, "
	    "extra->>'request_url' AS request_url, message, tags FROM %s.error;\n", v, s);
	fprintf(o, "CREATE OR REPLACE VIEW %s.butlersos_memory_usage AS SELECT ts AS time, "
	    "tags->>'butler_sos_instance' AS butler_sos_instance, process, "
	    "round(rss_bytes / 1048576.0, 2) AS process_memory, round(rss_bytes / 1048576.0, 2) AS heap_used, "
	    "round(coalesce((extra->>'rss_peak_bytes')::numeric, rss_bytes) / 1048576.0, 2) AS heap_total, "
	    "0 AS external, tags FROM %s.process;\n", v, s);
	fprintf(o, "CREATE OR REPLACE VIEW %s.user_session_details AS SELECT s.ts AS time, s.host, s.server_name, "
	    "s.virtual_proxy AS user_session_virtual_proxy, d->>'session_id' AS user_session_id, "
	    "d->>'user_directory' AS user_session_user_directory, d->>'user_id' AS user_session_user_id, s.tags "
	    "FROM %s.sessions s, jsonb_array_elements(s.extra->'details') d;\n", v, s);
	fprintf(o, "CREATE OR REPLACE VIEW %s.log_event AS "
	    "SELECT ts AS time, host, level, source, subsystem, log_row, message, exception_message, user_full, "
	    "user_directory, user_id, command, result_code, origin, context, windows_user, app_id, app_name, task_id, "
	    "task_name, execution_id, session_id, proxy_session_id, NULL::text AS method, NULL::text AS object_type, "
	    "NULL::text AS object_id, NULL::double precision AS process_time, NULL::double precision AS work_time, "
	    "NULL::bigint AS net_ram, NULL::bigint AS peak_ram, tags->>'qs_log_category' AS qs_log_category, tags "
	    "FROM %s.log_event UNION ALL "
	    "SELECT ts, host, level, 'qseow-qix-perf', subsystem, log_row, NULL, NULL, extra->>'user_full', "
	    "user_directory, user_id, NULL, NULL, NULL, NULL, NULL, app_id, app_name, NULL, NULL, NULL, session_id, "
	    "proxy_session_id, method, object_type, object_id, process_time, work_time, net_ram, peak_ram, "
	    "tags->>'qs_log_category', tags FROM %s.qix_perf;\n", v, s, s);
	fprintf(o, "CREATE OR REPLACE VIEW %s.user_events AS SELECT ts AS time, host, command AS event_action, "
	    "user_full AS \"userFull\", user_directory AS \"userDirectory\", user_id AS \"userId\", origin, "
	    "app_id AS \"appId\", app_name AS \"appName\", ua_browser_name AS \"uaBrowserName\", "
	    "ua_browser_major_version AS \"uaBrowserMajorVersion\", ua_os_name AS \"uaOsName\", "
	    "ua_os_version AS \"uaOsVersion\", tags FROM %s.user_event;\n", v, s);
	fprintf(o, "CREATE OR REPLACE VIEW %s.event_count AS SELECT ts AS time, event_type, source, host, subsystem, "
	    "counter, tags FROM %s.event_count;\n", v, s);
	fprintf(o, "CREATE OR REPLACE VIEW %s.rejected_event_count AS SELECT ts AS time, source, app_id, app_name, "
	    "method, object_type, app_name IS NOT NULL AND app_name <> '' AS app_name_set, counter, process_time, tags "
	    "FROM %s.rejected_event_count;\n", v, s);
}

/*
 * The schema, one step per version: a database at version n is upgraded by
 * running steps n + 1 and on, each in a transaction with its version row.
 * Steps only add (tables, indexes, views): an upgrade never loses a row.
 *   1: the tables, keyed by (ts, id), partitioned by day
 *   2: the indexes for dashboards, and the views named like Butler SOS's measurements
 */
static void schema_step(const char *schema, int step, FILE *o)
{
	char s[260], v[300], vname[280];

	ident(s, sizeof s, schema);
	snprintf(vname, sizeof vname, "%s_butler", schema);
	ident(v, sizeof v, vname);
	if (step == 1) {
		fprintf(o, "CREATE SCHEMA IF NOT EXISTS %s;\n", s);
		fprintf(o, "CREATE TABLE IF NOT EXISTS %s.schema_version (version integer NOT NULL, "
		    "applied timestamptz NOT NULL DEFAULT now());\n", s);
		fprintf(o, "CREATE TABLE IF NOT EXISTS %s.positions (sink text PRIMARY KEY, seg bigint NOT NULL, "
		    "off bigint NOT NULL, updated timestamptz NOT NULL DEFAULT now());\n", s);
		fprintf(o, "CREATE TABLE IF NOT EXISTS %s.rejected (received timestamptz NOT NULL DEFAULT now(), "
		    "kind text, reason text NOT NULL, line text NOT NULL);\n", s);
	}
	for (size_t i = 0; i < pg_ntables; i++) {
		const struct table *t = &pg_tables[i];
		char tn[80];
		ident(tn, sizeof tn, t->name);
		if (step == 1) {
			fprintf(o, "CREATE TABLE IF NOT EXISTS %s.%s (ts timestamptz NOT NULL, id bigint NOT NULL", s, tn);
			for (size_t j = 0; j < t->ncols; j++)
				fprintf(o, ", %s %s", t->cols[j].name, sqltype(t->cols[j].type));
			fprintf(o, ", tags jsonb NOT NULL, extra jsonb, PRIMARY KEY (ts, id)) PARTITION BY RANGE (ts);\n");
			continue;
		}
		/* time is the primary key's prefix; the dashboards filter by host or server, then time */
		if (has_column(t, "host"))
			fprintf(o, "CREATE INDEX IF NOT EXISTS %s_host_ts ON %s.%s (host, ts);\n", t->name, s, tn);
		if (has_column(t, "server_name"))
			fprintf(o, "CREATE INDEX IF NOT EXISTS %s_server_ts ON %s.%s (server_name, ts);\n", t->name, s, tn);
		if (!t->kind)
			fprintf(o, "CREATE INDEX IF NOT EXISTS %s_kind_ts ON %s.%s (kind, ts);\n", t->name, s, tn);
	}
	if (step == 2)
		views_sql(s, v, o);
}

void db_schema_sql(const char *schema, FILE *o)
{
	for (int step = 1; step <= PG_SCHEMA_VERSION; step++) {
		fprintf(o, "-- version %d\n", step);
		schema_step(schema, step, o);
	}
}

static enum db_result partition(struct db *d, size_t ti, int64_t day, char *why, size_t whylen);

/* --- connection ------------------------------------------------------------------- */

struct db *db_new(const struct db_conf *c)
{
	struct db *d = calloc(1, sizeof *d);

	if (!d)
		return NULL;
	d->c = *c;
	ident(d->qschema, sizeof d->qschema, c->schema);
	return d;
}

void db_close(struct db *d)
{
	if (d->conn)
		PQfinish(d->conn);
	d->conn = NULL;
	memset(d->staged, 0, sizeof d->staged);
}

void db_free(struct db *d)
{
	if (!d)
		return;
	db_close(d);
	for (size_t i = 0; i < pg_ntables; i++)
		free(d->buf[i].p);
	free(d);
}

bool db_connected(const struct db *d)
{
	return d->conn && PQstatus(d->conn) == CONNECTION_OK;
}

/* One statement without parameters (names only, never record contents). */
static enum db_result exec(struct db *d, const char *sql, char *why, size_t whylen)
{
	PGresult *r = PQexec(d->conn, sql);
	ExecStatusType st = PQresultStatus(r);
	enum db_result rc = DB_OK;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		snprintf(why, whylen, "%.*s", (int)strcspn(PQerrorMessage(d->conn), "\n"), PQerrorMessage(d->conn));
		rc = PQstatus(d->conn) == CONNECTION_OK ? DB_REFUSED : DB_DOWN;
	}
	PQclear(r);
	return rc;
}

static int schema_version(struct db *d)
{
	char sql[400];
	PGresult *r;
	int v = 0;

	snprintf(sql, sizeof sql, "SELECT coalesce(max(version), 0) FROM %s.schema_version", d->qschema);
	r = PQexec(d->conn, sql);
	if (PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		v = atoi(PQgetvalue(r, 0, 0));
	PQclear(r);
	return v;
}

/* The server's notices ("already exists, skipping") are for debugging, not for stderr. */
static void notice(void *arg, const char *message)
{
	(void)arg;
	log_debug("PostgreSQL: %.*s", (int)strcspn(message, "\n"), message);
}

enum db_result db_open(struct db *d, char *why, size_t whylen)
{
	const char *keys[16], *vals[16];
	char timeout[16];
	int n = 0;

	db_close(d);
	snprintf(timeout, sizeof timeout, "%d", d->c.connect_timeout);
#define KV(k, v) do { const char *v_ = (v); if (v_) { keys[n] = (k); vals[n] = v_; n++; } } while (0)
	KV("dbname", d->c.conninfo);	/* expanded: a connection string or service=... */
	KV("host", d->c.conninfo ? NULL : d->c.host);
	KV("port", d->c.conninfo ? NULL : d->c.port);
	KV("dbname", d->c.conninfo ? NULL : d->c.dbname);
	KV("user", d->c.conninfo ? NULL : d->c.user);
	KV("password", d->c.password);
	KV("sslmode", d->c.sslmode);
	KV("sslrootcert", d->c.sslrootcert);
	KV("sslcert", d->c.sslcert);
	KV("sslkey", d->c.sslkey);
	KV("connect_timeout", timeout);
	KV("application_name", "senseops-to-pg");
#undef KV
	keys[n] = vals[n] = NULL;
	d->conn = PQconnectdbParams(keys, vals, 1);
	if (!d->conn) {
		snprintf(why, whylen, "out of memory");
		return DB_DOWN;
	}
	if (PQstatus(d->conn) != CONNECTION_OK) {
		const char *m = PQerrorMessage(d->conn);
		snprintf(why, whylen, "%.*s", (int)strcspn(m, "\n"), m);
		bool auth = PQconnectionNeedsPassword(d->conn) || strstr(m, "password authentication failed") ||
		    strstr(m, "no password supplied") || strstr(m, "role \"");
		db_close(d);
		return auth ? DB_AUTH : DB_DOWN;
	}
	PQsetNoticeProcessor(d->conn, notice, NULL);
	/* the schema, created or upgraded in one transaction: all of it or nothing */
	int v = schema_version(d);
	if (v > PG_SCHEMA_VERSION) {	/* written by a newer to-pg: leave it alone */
		snprintf(why, whylen, "schema %s is at version %d, newer than this to-pg (%d)", d->c.schema, v, PG_SCHEMA_VERSION);
		return DB_FATAL;
	}
	int target = d->c.schema_target > 0 ? d->c.schema_target : PG_SCHEMA_VERSION;
	for (int step = v + 1; step <= target; step++) {
		char *sql = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&sql, &len);
		if (!f) {
			snprintf(why, whylen, "out of memory");
			return DB_FATAL;
		}
		fprintf(f, "BEGIN;\n");
		schema_step(d->c.schema, step, f);
		fprintf(f, "INSERT INTO %s.schema_version (version) VALUES (%d);\nCOMMIT;\n", d->qschema, step);
		fclose(f);
		enum db_result r = exec(d, sql, why, whylen);
		free(sql);
		if (r != DB_OK) {
			char ignore[8];
			exec(d, "ROLLBACK", ignore, sizeof ignore);
			return r == DB_DOWN ? DB_DOWN : DB_FATAL;
		}
		log_info("schema %s: version %d%s", d->c.schema, step, v ? " (upgraded)" : "");
	}
	/* partitions ahead of time, so inserts rarely wait for DDL */
	int64_t today = time_now_ms() / 86400000;
	for (size_t ti = 0; ti < pg_ntables; ti++)
		for (int64_t day = today - 1; day <= today + d->c.partitions_ahead; day++) {
			enum db_result r = partition(d, ti, day, why, whylen);
			if (r != DB_OK)
				return r == DB_DOWN ? DB_DOWN : DB_FATAL;
		}
	return DB_OK;
}

/* --- partitions ----------------------------------------------------------------- */

static void day_text(int64_t day, char *out, size_t len)
{
	time_t t = (time_t)(day * 86400);
	struct tm tm;

	gmtime_r(&t, &tm);
	/* rows only come from the years 1000 to 9999 (tables.c): always eight digits */
	snprintf(out, len, "%04u%02u%02u", (unsigned)(tm.tm_year + 1900) % 10000u, (unsigned)(tm.tm_mon + 1) % 100u,
	    (unsigned)tm.tm_mday % 100u);
}

static bool known(struct db *d, size_t ti, int64_t day)
{
	size_t h = (size_t)day & 255;

	return d->known_day[h] == day && (d->known_tables[h] & (1u << ti));
}

static void remember(struct db *d, size_t ti, int64_t day)
{
	size_t h = (size_t)day & 255;

	if (d->known_day[h] != day) {
		d->known_day[h] = day;
		d->known_tables[h] = 0;
	}
	d->known_tables[h] |= 1u << ti;
}

static enum db_result partition(struct db *d, size_t ti, int64_t day, char *why, size_t whylen)
{
	char sql[1024], part[96], qpart[100], qt[80], from[16], to[16];
	enum db_result r;

	if (known(d, ti, day))
		return DB_OK;
	day_text(day, from, sizeof from);
	day_text(day + 1, to, sizeof to);
	snprintf(part, sizeof part, "%s_%s", pg_tables[ti].name, from);
	ident(qpart, sizeof qpart, part);
	ident(qt, sizeof qt, pg_tables[ti].name);
	snprintf(sql, sizeof sql, "CREATE TABLE IF NOT EXISTS %s.%s PARTITION OF %s.%s FOR VALUES FROM "
	    "('%.4s-%.2s-%.2s 00:00:00+00') TO ('%.4s-%.2s-%.2s 00:00:00+00')", d->qschema, qpart, d->qschema, qt,
	    from, from + 4, from + 6, to, to + 4, to + 6);
	if ((r = exec(d, sql, why, whylen)) == DB_OK)
		remember(d, ti, day);
	return r;
}

/* --- batches ---------------------------------------------------------------------- */

void db_batch_reset(struct db *d)
{
	for (size_t i = 0; i < pg_ntables; i++)
		d->buf[i].len = d->buf[i].rows = 0;
	d->ndays = 0;
}

size_t db_batch_rows(const struct db *d)
{
	size_t n = 0;

	for (size_t i = 0; i < pg_ntables; i++)
		n += d->buf[i].rows;
	return n;
}

int db_batch_add(struct db *d, const struct row *r)
{
	size_t ti = (size_t)(r->t - pg_tables);
	struct tbuf *b = &d->buf[ti];
	size_t i;

	for (i = 0; i < d->ndays && d->days[i] != r->day; i++)
		;
	if (i == d->ndays) {
		if (d->ndays == MAX_DAYS)
			return -1;	/* the caller writes what it has first */
		d->days[d->ndays] = r->day;
		d->day_tables[d->ndays++] = 0;
	}
	d->day_tables[i] |= 1u << ti;
	if (b->cap - b->len < r->len) {
		size_t cap = b->cap ? b->cap : 64 * 1024;
		while (cap - b->len < r->len)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p)
			return -1;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, r->text, r->len);
	b->len += r->len;
	b->rows++;
	return 0;
}

/* A rollback also drops the staging tables made in that transaction. */
static void rollback(struct db *d)
{
	char ignore[8];

	if (PQstatus(d->conn) == CONNECTION_OK)
		exec(d, "ROLLBACK", ignore, sizeof ignore);
	memset(d->staged, 0, sizeof d->staged);
}

/* SQLSTATE of the last failure: 23505 is a unique violation (a row written before) */
static bool duplicate(PGconn *conn, PGresult *res)
{
	const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

	(void)conn;
	return state && strcmp(state, "23505") == 0;
}

/*
 * A table's rows of the batch. Straight into the table first (fast); when
 * that finds a row already there (a batch written again after a crash), the
 * caller starts over with dedupe: into a staging table, then only the rows
 * not there yet.
 */
static enum db_result copy_into(struct db *d, size_t ti, bool dedupe, bool *dup, char *why, size_t whylen)
{
	char sql[700], stage[80], qt[80], target[400];
	const struct tbuf *b = &d->buf[ti];
	enum db_result r;
	PGresult *res;

	snprintf(stage, sizeof stage, "\"senseops_stage_%s\"", pg_tables[ti].name);
	ident(qt, sizeof qt, pg_tables[ti].name);
	snprintf(target, sizeof target, "%s.%s", d->qschema, qt);
	if (dedupe && !d->staged[ti]) {
		snprintf(sql, sizeof sql, "CREATE TEMPORARY TABLE IF NOT EXISTS %s (LIKE %s) ON COMMIT DELETE ROWS",
		    stage, target);
		if ((r = exec(d, sql, why, whylen)) != DB_OK)
			return r;
		d->staged[ti] = true;
	}
	snprintf(sql, sizeof sql, "COPY %s FROM STDIN", dedupe ? stage : target);
	res = PQexec(d->conn, sql);
	if (PQresultStatus(res) != PGRES_COPY_IN) {
		PQclear(res);
		snprintf(why, whylen, "%.*s", (int)strcspn(PQerrorMessage(d->conn), "\n"), PQerrorMessage(d->conn));
		return PQstatus(d->conn) == CONNECTION_OK ? DB_REFUSED : DB_DOWN;
	}
	PQclear(res);
	for (size_t off = 0; off < b->len;) {
		size_t n = b->len - off > (1 << 20) ? (1 << 20) : b->len - off;
		if (PQputCopyData(d->conn, b->p + off, (int)n) != 1)
			break;
		off += n;
	}
	if (PQputCopyEnd(d->conn, NULL) != 1) {
		snprintf(why, whylen, "%.*s", (int)strcspn(PQerrorMessage(d->conn), "\n"), PQerrorMessage(d->conn));
		return DB_DOWN;
	}
	res = PQgetResult(d->conn);
	ExecStatusType st = PQresultStatus(res);
	bool is_dup = st != PGRES_COMMAND_OK && duplicate(d->conn, res);
	PQclear(res);
	while ((res = PQgetResult(d->conn)))
		PQclear(res);
	if (st != PGRES_COMMAND_OK) {
		snprintf(why, whylen, "%.*s", (int)strcspn(PQerrorMessage(d->conn), "\n"), PQerrorMessage(d->conn));
		*dup = is_dup;
		return PQstatus(d->conn) == CONNECTION_OK ? DB_REFUSED : DB_DOWN;
	}
	if (!dedupe)
		return DB_OK;
	/* a row already there (the same record written before) is left as it is */
	snprintf(sql, sizeof sql, "INSERT INTO %s SELECT * FROM %s ON CONFLICT (ts, id) DO NOTHING", target, stage);
	return exec(d, sql, why, whylen);
}

enum db_result db_batch_commit(struct db *d, uint64_t seg, uint64_t off, char *why, size_t whylen)
{
	enum db_result r;
	char sql[400], s1[24], s2[24];
	const char *params[2] = { s1, s2 };

	if (!db_connected(d)) {
		snprintf(why, whylen, "not connected");
		return DB_DOWN;
	}
	for (size_t i = 0; i < d->ndays; i++)
		for (size_t ti = 0; ti < pg_ntables; ti++)
			if ((d->day_tables[i] & (1u << ti)) && (r = partition(d, ti, d->days[i], why, whylen)) != DB_OK)
				return r;
	bool dedupe = false, dup = false;
again:
	if ((r = exec(d, "BEGIN", why, whylen)) != DB_OK)
		return r;
	for (size_t ti = 0; ti < pg_ntables; ti++)
		if (d->buf[ti].rows && (r = copy_into(d, ti, dedupe, &dup, why, whylen)) != DB_OK) {
			if (dup && !dedupe) {	/* written before: once more, keeping only the new rows */
				rollback(d);
				dedupe = true;
				dup = false;
				goto again;
			}
			goto fail;
		}
	/* where the queue stands, in the same transaction as the rows */
	snprintf(s1, sizeof s1, "%" PRIu64, seg);
	snprintf(s2, sizeof s2, "%" PRIu64, off);
	snprintf(sql, sizeof sql, "INSERT INTO %s.positions (sink, seg, off) VALUES ('to-pg', $1, $2) "
	    "ON CONFLICT (sink) DO UPDATE SET seg = $1, off = $2, updated = now()", d->qschema);
	PGresult *res = PQexecParams(d->conn, sql, 2, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		snprintf(why, whylen, "%.*s", (int)strcspn(PQerrorMessage(d->conn), "\n"), PQerrorMessage(d->conn));
		r = PQstatus(d->conn) == CONNECTION_OK ? DB_REFUSED : DB_DOWN;
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if ((r = exec(d, "COMMIT", why, whylen)) != DB_OK) {
		rollback(d);
		return r;
	}
	return DB_OK;
fail:
	rollback(d);
	return r;
}

enum db_result db_reject(struct db *d, const char *kind, const char *reason, const char *line, size_t n,
    char *why, size_t whylen)
{
	char sql[600], *copy = malloc(n + 1);
	const char *params[3] = { kind, reason, copy };
	enum db_result r = DB_OK;

	if (!copy)
		return DB_DOWN;
	memcpy(copy, line, n);
	copy[n] = '\0';
	snprintf(sql, sizeof sql, "INSERT INTO %s.rejected (kind, reason, line) VALUES ($1, $2, $3)", d->qschema);
	PGresult *res = PQexecParams(d->conn, sql, 3, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		snprintf(why, whylen, "%.*s", (int)strcspn(PQerrorMessage(d->conn), "\n"), PQerrorMessage(d->conn));
		r = PQstatus(d->conn) == CONNECTION_OK ? DB_REFUSED : DB_DOWN;
	}
	PQclear(res);
	free(copy);
	return r;
}

void db_batch_print(const struct db *d, FILE *out)
{
	for (size_t ti = 0; ti < pg_ntables; ti++) {
		if (!d->buf[ti].rows)
			continue;
		fprintf(out, "COPY %s.\"%s\" FROM STDIN;\n", d->qschema, pg_tables[ti].name);
		fwrite(d->buf[ti].p, 1, d->buf[ti].len, out);
		fprintf(out, "\\.\n");
	}
}

/* --- retention ---------------------------------------------------------------------- */

int db_retention(struct db *d, int days, char *why, size_t whylen)
{
	const char *sql = "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
	    "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
	    "WHERE n.nspname = $1 AND p.relname = $2";
	int64_t today = time_now_ms() / 86400000, dropped = 0;
	char cutoff[16];

	day_text(today - days, cutoff, sizeof cutoff);
	for (size_t ti = 0; ti < pg_ntables; ti++) {
		const char *params[2] = { d->c.schema, pg_tables[ti].name };
		PGresult *r = PQexecParams(d->conn, sql, 2, NULL, params, NULL, NULL, 0);
		if (PQresultStatus(r) != PGRES_TUPLES_OK) {
			snprintf(why, whylen, "%.*s", (int)strcspn(PQerrorMessage(d->conn), "\n"), PQerrorMessage(d->conn));
			PQclear(r);
			return -1;
		}
		size_t prefix = strlen(pg_tables[ti].name) + 1;
		for (int i = 0; i < PQntuples(r); i++) {
			const char *name = PQgetvalue(r, i, 0);
			/* <table>_YYYYMMDD holds that day; it expires once the whole day is older than the cutoff */
			if (strlen(name) != prefix + 8 || strspn(name + prefix, "0123456789") != 8 ||
			    strcmp(name + prefix, cutoff) >= 0)
				continue;
			char q[100], drop[400];
			ident(q, sizeof q, name);
			snprintf(drop, sizeof drop, "DROP TABLE %s.%s", d->qschema, q);
			if (exec(d, drop, why, whylen) != DB_OK) {
				PQclear(r);
				return -1;
			}
			log_info("retention: dropped partition %s", name);
			dropped++;
		}
		PQclear(r);
	}
	/* forget the cache: a dropped day may come back */
	memset(d->known_day, 0, sizeof d->known_day);
	memset(d->known_tables, 0, sizeof d->known_tables);
	return (int)dropped;
}
