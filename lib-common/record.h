/*
 * record: the senseops record envelope, {"kind":..,"ts":..,"tags":{..},...},
 * and its validation against the documented format (senseops-records(7)).
 */
#ifndef SENSEOPS_RECORD_H
#define SENSEOPS_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>

/* A new record of kind at ts_ms (ms since the epoch) with empty tags; NULL on ENOMEM. */
cJSON *record_new(const char *kind, int64_t ts_ms);
/* Sets tag key to value (replacing it); an empty or NULL value removes it. */
int record_tag(cJSON *rec, const char *key, const char *value);
const char *record_kind(const cJSON *rec);
/* The record's time in ms since the epoch; -1 when ts is missing or bad. */
int record_ts(const cJSON *rec, int64_t *ms);

/* Adds a field; each returns -1 on ENOMEM. */
int record_str(cJSON *rec, const char *key, const char *value);
int record_num(cJSON *rec, const char *key, double value);
int record_bool(cJSON *rec, const char *key, int value);

/*
 * Checks the envelope and, for kinds in the schema, the kind's fields.
 * Returns 0, or -1 with a one-line reason in why.
 */
int record_check(const cJSON *rec, char *why, size_t len);

#endif
