/* t-record: the envelope, tags, and validation against the schema. */
#include <string.h>

#include "record.h"
#include "schema.h"
#include "tap.h"

static int check(const char *json, char *why, size_t len)
{
	cJSON *j = cJSON_Parse(json);
	int rc = record_check(j, why, len);
	cJSON_Delete(j);
	return rc;
}

int main(void)
{
	char why[256];
	int64_t ms;
	cJSON *r = record_new("error", 1710234000123LL);

	ok(r != NULL, "record_new");
	is_str(record_kind(r), "error", "kind");
	ok(record_ts(r, &ms) == 0 && ms == 1710234000123LL, "ts round trip");
	is_str(cJSON_GetObjectItem(r, "ts")->valuestring, "2024-03-12T09:00:00.123Z", "ts text");
	ok(record_tag(r, "host", "a") == 0 && record_tag(r, "host", "b") == 0, "tag set twice");
	is_str(cJSON_GetObjectItem(cJSON_GetObjectItem(r, "tags"), "host")->valuestring, "b", "tag replaced");
	ok(record_tag(r, "host", "") == 0 && !cJSON_GetObjectItem(cJSON_GetObjectItem(r, "tags"), "host"),
	    "empty value removes the tag");
	ok(record_check(r, why, sizeof why) == -1 && strstr(why, "tool"), "error without tool fails: %s", why);
	record_str(r, "tool", "t");
	record_str(r, "error_type", "X");
	record_str(r, "message", "m");
	ok(record_check(r, why, sizeof why) == 0, "complete error record passes");
	cJSON_Delete(r);

	ok(check("{\"kind\":\"x\",\"ts\":\"2024-03-12T09:00:00.123Z\",\"tags\":{}}", why, sizeof why) == 0,
	    "unknown kind with a good envelope passes");
	ok(check("{\"ts\":\"2024-03-12T09:00:00.123Z\",\"tags\":{}}", why, sizeof why) == -1, "no kind");
	ok(check("{\"kind\":\"Bad Kind\",\"ts\":\"2024-03-12T09:00:00.123Z\",\"tags\":{}}", why, sizeof why) == -1,
	    "kind with space and capitals");
	ok(check("{\"kind\":\"x\",\"ts\":\"2024-03-12T09:00:00Z\",\"tags\":{}}", why, sizeof why) == -1,
	    "ts without ms");
	ok(check("{\"kind\":\"x\",\"ts\":\"2024-03-12T10:00:00.000+01:00\",\"tags\":{}}", why, sizeof why) == -1,
	    "ts not UTC");
	ok(check("{\"kind\":\"x\",\"ts\":\"2024-03-12T09:00:00.123Z\"}", why, sizeof why) == -1, "no tags");
	ok(check("{\"kind\":\"x\",\"ts\":\"2024-03-12T09:00:00.123Z\",\"tags\":{\"a\":1}}", why, sizeof why) == -1,
	    "numeric tag value");
	ok(check("[]", why, sizeof why) == -1, "array");
	ok(check("{\"kind\":\"process\",\"ts\":\"2024-03-12T09:00:00.123Z\",\"tags\":{},\"pid\":1.5,"
	    "\"name\":\"a\",\"rss_bytes\":1,\"threads\":1,\"cpu_user_seconds\":0,\"cpu_system_seconds\":0,"
	    "\"cpu_seconds\":0}", why, sizeof why) == -1 && strstr(why, "pid"), "fractional pid: %s", why);
	ok(check("{\"kind\":\"process\",\"ts\":\"2024-03-12T09:00:00.123Z\",\"tags\":{},\"pid\":1,"
	    "\"name\":\"a\",\"rss_bytes\":1,\"threads\":1,\"cpu_user_seconds\":0,\"cpu_system_seconds\":0,"
	    "\"cpu_seconds\":0.25}", why, sizeof why) == 0, "minimal process record passes");
	ok(schema_find("host") && !schema_find("nope"), "schema lookup");
	return done_testing();
}
