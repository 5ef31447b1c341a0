/* record: envelope construction and validation. */
#include "record.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "schema.h"
#include "timefmt.h"

cJSON *record_new(const char *kind, int64_t ts_ms)
{
	char ts[TIME_RFC3339_LEN];
	cJSON *rec = cJSON_CreateObject();

	if (!rec)
		return NULL;
	if (!cJSON_AddStringToObject(rec, "kind", kind) ||
	    !cJSON_AddStringToObject(rec, "ts", time_format_rfc3339(ts_ms, ts)) ||
	    !cJSON_AddObjectToObject(rec, "tags")) {
		cJSON_Delete(rec);
		return NULL;
	}
	return rec;
}

int record_tag(cJSON *rec, const char *key, const char *value)
{
	cJSON *tags = cJSON_GetObjectItemCaseSensitive(rec, "tags");

	if (!cJSON_IsObject(tags))
		return -1;
	cJSON_DeleteItemFromObjectCaseSensitive(tags, key);
	if (!value || !*value)
		return 0;
	return cJSON_AddStringToObject(tags, key, value) ? 0 : -1;
}

const char *record_kind(const cJSON *rec)
{
	const cJSON *k = cJSON_GetObjectItemCaseSensitive(rec, "kind");
	return cJSON_IsString(k) ? k->valuestring : NULL;
}

int record_ts(const cJSON *rec, int64_t *ms)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(rec, "ts");
	if (!cJSON_IsString(t) || time_parse_rfc3339(t->valuestring, ms) != 0)
		return -1;
	return 0;
}

int record_str(cJSON *rec, const char *key, const char *value)
{
	return cJSON_AddStringToObject(rec, key, value) ? 0 : -1;
}

int record_num(cJSON *rec, const char *key, double value)
{
	return cJSON_AddNumberToObject(rec, key, value) ? 0 : -1;
}

int record_bool(cJSON *rec, const char *key, int value)
{
	return cJSON_AddBoolToObject(rec, key, value) ? 0 : -1;
}

static int kind_ok(const char *k)
{
	if (!*k || strlen(k) > 64)
		return 0;
	for (; *k; k++)
		if (!((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9') || *k == '_'))
			return 0;
	return 1;
}

int record_check(const cJSON *rec, char *why, size_t len)
{
	const cJSON *kind, *ts, *tags, *t;
	int64_t ms;

	if (!cJSON_IsObject(rec)) {
		snprintf(why, len, "not a JSON object");
		return -1;
	}
	kind = cJSON_GetObjectItemCaseSensitive(rec, "kind");
	if (!cJSON_IsString(kind) || !kind_ok(kind->valuestring)) {
		snprintf(why, len, "kind: missing or not a lower-case name");
		return -1;
	}
	ts = cJSON_GetObjectItemCaseSensitive(rec, "ts");
	if (!cJSON_IsString(ts) || time_parse_rfc3339(ts->valuestring, &ms) != 0) {
		snprintf(why, len, "ts: missing or not RFC 3339");
		return -1;
	}
	/* at least millisecond precision, UTC */
	const char *s = ts->valuestring;
	size_t sl = strlen(s);
	if (sl < 24 || s[19] != '.' || s[sl - 1] != 'Z') {
		snprintf(why, len, "ts: \"%s\" is not UTC with milliseconds", s);
		return -1;
	}
	tags = cJSON_GetObjectItemCaseSensitive(rec, "tags");
	if (!cJSON_IsObject(tags)) {
		snprintf(why, len, "tags: missing or not an object");
		return -1;
	}
	cJSON_ArrayForEach(t, tags) {
		if (!cJSON_IsString(t)) {
			snprintf(why, len, "tags.%s: not a string", t->string);
			return -1;
		}
	}
	return schema_check(kind->valuestring, rec, why, len);
}
