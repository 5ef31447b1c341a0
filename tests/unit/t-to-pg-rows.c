/* t-to-pg-rows: records as COPY text rows: columns, escaping, NUL repair, extra, the catch-all table. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bin/to-pg/tables.h"
#include "hash.h"
#include "tap.h"

static char text[1 << 16];

static enum rows_result build(const char *line, struct row *r)
{
	static struct rows *rows;
	char why[256];

	if (!rows)
		rows = rows_new();
	enum rows_result rc = rows_build(rows, line, strlen(line), r, why, sizeof why);
	if (rc == ROWS_OK) {
		size_t n = r->len < sizeof text ? r->len : sizeof text - 1;
		memcpy(text, r->text, n);
		text[n] = '\0';
	} else {
		text[0] = '\0';
	}
	return rc;
}

/* The n-th tab-separated column of text (0: ts), NUL-terminated in buf. */
static const char *col(int n, char *buf, size_t len)
{
	const char *p = text;

	for (int i = 0; i < n && p; i++) {
		p = strchr(p, '\t');
		if (p)
			p++;
	}
	if (!p)
		return "";
	size_t k = strcspn(p, "\t\n");
	snprintf(buf, len, "%.*s", (int)k, p);
	return buf;
}

int main(void)
{
	struct row r;
	char b[4096], id[32];

	const char *ev = "{\"kind\":\"log_event\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{\"qs_env\":\"dev\",\"x'y\":\"a\\tb\"},"
	    "\"source\":\"qseow-proxy\",\"log_row\":3021,\"level\":\"WARN\",\"host\":\"q1\",\"subsystem\":\"S\","
	    "\"message\":\"a \\\"quoted\\\" back\\\\slash\\ttab\\nline\\u0000nul\",\"ts_iso\":\"x\",\"user_directory\":\"CORP\"}";
	is_int(build(ev, &r), ROWS_OK, "a log event makes a row");
	is_str(r.t->name, "log_event", "into log_event");
	is_int(r.day, 19794, "its day: 2024-03-12 is day 19794");
	is_str(col(0, b, sizeof b), "2024-03-12T08:42:12.815Z", "ts");
	snprintf(id, sizeof id, "%lld", (long long)hash64(ev, strlen(ev)));
	is_str(col(1, b, sizeof b), id, "id: the hash of the line");
	is_str(col(2, b, sizeof b), "q1", "host");
	is_str(col(6, b, sizeof b), "3021", "log_row as a bigint");
	is_str(col(7, b, sizeof b), "a \"quoted\" back\\\\slash\\ttab\\nlinenul",
	    "message: COPY escapes for backslash, tab, newline; NUL removed");
	is_int(r.repaired, 1, "the NUL is counted");
	is_str(col(8, b, sizeof b), "\\N", "a field the record lacks is NULL");
	is_str(col(9, b, sizeof b), "CORP", "user_directory");
	int ncols = (int)r.t->ncols;
	is_str(col(2 + ncols, b, sizeof b), "{\"qs_env\":\"dev\",\"x'y\":\"a\\\\tb\"}", "tags as JSON, a quote in a key kept");
	is_str(col(3 + ncols, b, sizeof b), "{\"ts_iso\":\"x\"}", "extra: the members without a column");

	is_int(build("{\"kind\":\"health\",\"ts\":\"2024-03-12T09:00:00.000Z\",\"tags\":{\"host\":\"q1\"},\"mem\":{\"committed\":3342.5,"
	    "\"allocated\":1e308},\"session\":{\"active\":1e300},\"apps\":{\"active_docs\":[\"a\",\"b\"]},\"saturated\":true}", &r),
	    ROWS_OK, "a health record");
	is_str(col(2, b, sizeof b), "q1", "host from the tags");
	is_str(col(9, b, sizeof b), "3342.5", "mem_committed");
	is_str(col(10, b, sizeof b), "1e+308", "a huge double stays a double");
	is_str(col(13, b, sizeof b), "\\N", "a number no bigint holds is NULL (and stays in extra)");
	ok(strstr(text, "\"session\":{\"active\":1e+300}") != NULL, "...the whole object is in extra");
	is_str(col(24, b, sizeof b), "2", "active_docs: the number of ids");
	is_str(col(27, b, sizeof b), "t", "saturated");

	is_int(build("{\"kind\":\"nosuch\",\"ts\":\"2024-03-12T09:00:00.000Z\",\"tags\":{},\"a\":[1,{\"b\":null}]}", &r), ROWS_OK,
	    "an unknown kind");
	is_str(r.t->name, "records", "goes to records");
	is_str(col(2, b, sizeof b), "nosuch", "with its kind");
	is_str(col(4, b, sizeof b), "{\"a\":[1,{\"b\":null}]}", "and its body in extra");

	is_int(build("{\"kind\":\"event_count\",\"ts\":\"2024-03-12T09:00:00.000Z\",\"tags\":{\"p\":\"C:\\\\u0000x\"},"
	    "\"counter\":1.5,\"source\":9007199254740993}", &r), ROWS_OK, "an event count with odd values");
	is_int(r.repaired, 0, "a backslash followed by the text u0000 is not a NUL");
	ok(strstr(text, "\"p\":\"C:\\\\\\\\u0000x\"") != NULL, "...and stays as it is");
	is_str(col(6, b, sizeof b), "\\N", "1.5 does not fit a bigint column");
	ok(strstr(text, "\"counter\":1.5") != NULL, "...so it stays in extra");
	is_str(col(3, b, sizeof b), "\\N", "a number in a text column: NULL");
	ok(strstr(text, "\"source\":9007199254740993") != NULL, "...and kept in extra, exactly");
	is_int(build("{\"kind\":\"x\",\"ts\":\"0999-12-31T23:59:59.999Z\",\"tags\":{}}", &r), ROWS_BAD,
	    "a year before 1000: bad (partitions are named by four-digit years)");
	is_int(build("{\"kind\":\"health\",\"tags\":{}}", &r), ROWS_BAD, "no ts: bad");
	is_int(build("{\"kind\":\"health\",\"ts\":\"yesterday\",\"tags\":{}}", &r), ROWS_BAD, "a bad ts: bad");
	is_int(build("{\"ts\":\"2024-03-12T09:00:00.000Z\"}", &r), ROWS_BAD, "no kind: bad");
	is_int(build("[1]", &r), ROWS_BAD, "not an object: bad");
	is_int(build("{\"kind\":\"x\",\"ts\":\"1969-12-31T23:59:59.999Z\",\"tags\":{}}", &r), ROWS_OK, "before 1970");
	is_int(r.day, -1, "...is day -1");
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
