/*
 * send: the HTTP side of to-influx. One write request at a time on a curl
 * multi handle the main loop polls, so reading stdin never waits for
 * InfluxDB; bodies gzipped; the answer sorted into what the caller does
 * next. Also the start-up requests (the credentials check and, for 1.x,
 * creating the database), which may block.
 */
#ifndef SENSEOPS_TO_INFLUX_SEND_H
#define SENSEOPS_TO_INFLUX_SEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <curl/curl.h>

#include "conf.h"

enum send_result {
	SEND_OK,	/* stored */
	SEND_BAD_DATA,	/* refused for its content (400, 413, 422): split the batch */
	SEND_AUTH,	/* 401, 403: credentials or permissions */
	SEND_RETRY,	/* network, TLS, 404, 429, 5xx: the same batch again later */
};

struct sender;

/* NULL with a message in err when curl cannot be set up. */
struct sender *sender_new(const struct conf *k, char *err, size_t errlen);
void sender_free(struct sender *s);

/* The multi handle for the main loop's curl_multi_poll and curl_multi_perform. */
CURLM *sender_multi(struct sender *s);
bool sender_busy(const struct sender *s);

/*
 * A request body, built as records are mapped: line protocol goes in and
 * is compressed at once, so a batch never sits in memory uncompressed.
 */
struct body;
struct body *body_new(bool gzip);
void body_free(struct body *b);
void body_reset(struct body *b);
/* 0, or -1 when memory or zlib failed (the body is then unusable until reset). */
int body_add(struct body *b, const char *lp, size_t n);
int body_finish(struct body *b);
size_t body_raw_len(const struct body *b);

/* Starts writing body b, which must not change until the write finished. 0 or -1. */
int sender_start(struct sender *s, const struct body *b);
/*
 * After curl_multi_perform: true when the write finished, with its result;
 * why gets a one-line reason for anything but SEND_OK (InfluxDB's own
 * error text where it sent one), *retry_after_ms the server's Retry-After
 * (0 when none).
 */
bool sender_poll(struct sender *s, enum send_result *res, char *why, size_t whylen, int64_t *retry_after_ms);
/* Abandons a write in flight (at shutdown). */
void sender_cancel(struct sender *s);

/*
 * Start-up, blocking: checks that InfluxDB answers and takes the
 * credentials; with 1.x creates the database and its retention policy when
 * the database is missing, as Butler SOS does. SEND_OK, SEND_AUTH (wrong
 * credentials), SEND_RETRY (not reachable: the caller goes on and spools)
 * or SEND_BAD_DATA (a request InfluxDB refused), with why.
 */
enum send_result sender_prepare(struct sender *s, char *why, size_t whylen);

/* Bytes sent (after gzip) and requests made, for the statistics. */
void sender_stats(const struct sender *s, uint64_t *requests, uint64_t *bytes_in, uint64_t *bytes_out);

#endif
