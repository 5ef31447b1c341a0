/*
 * db: to-pg's PostgreSQL session through libpq: connecting (TLS as
 * configured), creating and upgrading the schema, daily partitions made
 * ahead and on demand, batches written through COPY in one transaction
 * each, and retention by dropping whole partitions.
 *
 * A batch is COPYed into a temporary staging table per target, then
 * INSERT ... SELECT ... ON CONFLICT (ts, id) DO NOTHING into the target,
 * and the queue position of its last record is written in the same
 * transaction: a batch written twice (after a crash, a lost connection, a
 * restart) adds no row. No SQL is ever assembled from record contents:
 * values only travel as COPY data or bound parameters; names (schema,
 * tables) come from the configuration and are quoted as identifiers.
 */
#ifndef SENSEOPS_TO_PG_DB_H
#define SENSEOPS_TO_PG_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tables.h"

#define PG_SCHEMA_VERSION 2

struct db_conf {
	const char	*conninfo;	/* a libpq connection string or "service=..."; NULL: the keys below */
	const char	*host, *port, *dbname, *user, *password;
	const char	*sslmode, *sslrootcert, *sslcert, *sslkey;
	const char	*schema;
	int		 connect_timeout;	/* s */
	int		 partitions_ahead;	/* days */
	int		 schema_target;		/* 0: the latest; else set up only that far (tests, staged upgrades) */
};

enum db_result {
	DB_OK,
	DB_AUTH,	/* credentials refused */
	DB_DOWN,	/* not reachable, or the connection broke: try again later */
	DB_REFUSED,	/* the server refused the data (a row it will never take) */
	DB_FATAL,	/* the schema cannot be set up */
};

struct db;

struct db *db_new(const struct db_conf *c);
void db_free(struct db *d);
bool db_connected(const struct db *d);
/* Connects and sets the schema up (creating or upgrading it). */
enum db_result db_open(struct db *d, char *why, size_t whylen);
void db_close(struct db *d);

/*
 * A batch: rows added one by one (kept in COPY text per table), then
 * written in one transaction together with the queue position.
 */
void db_batch_reset(struct db *d);
int db_batch_add(struct db *d, const struct row *r);
size_t db_batch_rows(const struct db *d);
enum db_result db_batch_commit(struct db *d, uint64_t seg, uint64_t off, char *why, size_t whylen);
/* A record the database refused, with the reason, into the rejected table (bound parameters). */
enum db_result db_reject(struct db *d, const char *kind, const char *reason, const char *line, size_t n,
    char *why, size_t whylen);
/* Prints what db_batch_commit would send: the SQL and COPY data. */
void db_batch_print(const struct db *d, FILE *out);

/* Drops partitions wholly older than days; returns how many, -1 on error. */
int db_retention(struct db *d, int days, char *why, size_t whylen);
/* The whole schema as SQL (for --print-schema and the documentation). */
void db_schema_sql(const char *schema, FILE *out);

#endif
