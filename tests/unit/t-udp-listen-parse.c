/* t-udp-listen-parse: every datagram type of the fixtures, field by field, and hostile input. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../bin/udp-listen/event.h"
#include "config.h"
#include "log.h"
#include "record.h"
#include "tap.h"
#include "testutil.h"

static char shared[512];
static struct ev_conf conf;
static char out[512 * 1024];
static struct ev_result res;
static cJSON *rec;

/* Line n (1-based) of a fixture file, without its newline. */
static char *fixture(const char *file, int n)
{
	static char line[70000];
	char path[700];
	FILE *f;

	snprintf(path, sizeof path, "%s/fixtures/%s", shared, file);
	if (!(f = fopen(path, "r")))
		return NULL;
	for (int i = 0; i < n; i++)
		if (!fgets(line, sizeof line, f)) {
			fclose(f);
			return NULL;
		}
	fclose(f);
	line[strcspn(line, "\n")] = '\0';
	return line;
}

/* Parses datagram d; rec holds the record (or NULL). */
static enum ev_verdict parse(bool user, const char *d, size_t n)
{
	struct jsonw w;

	cJSON_Delete(rec);
	rec = NULL;
	jsonw_init(&w, out, sizeof out);
	if (user)
		userevent_parse(&conf, d, n, 1700000000000LL, &w, &res);
	else
		logevent_parse(&conf, d, n, 1700000000000LL, &w, &res);
	if (res.verdict == EV_RECORD) {
		rec = cJSON_ParseWithLength(w.buf, w.len);
		char why[256];
		if (!rec || record_check(rec, why, sizeof why) != 0)
			ok(0, "record is valid: %s", rec ? why : "bad JSON");
	}
	return res.verdict;
}

static enum ev_verdict parse_line(bool user, const char *file, int n)
{
	char *l = fixture(file, n);
	return l ? parse(user, l, strlen(l)) : EV_EMPTY;
}

static const char *s(const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, key);
	return cJSON_IsString(v) ? v->valuestring : v ? "<not a string>" : "<absent>";
}

static double num(const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, key);
	return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

static const char *tag(const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(rec, "tags"), key);
	return cJSON_IsString(v) ? v->valuestring : "<absent>";
}

static void log_events(void)
{
	is_int(parse_line(false, "log-events.txt", 1), EV_RECORD, "engine: a record");
	is_str(s("kind"), "log_event", "engine: kind");
	is_str(s("ts"), "2024-03-12T08:42:12.815Z", "engine: ts from the event's own time");
	is_str(s("source"), "qseow-engine", "engine: source");
	is_int(num("log_row"), 1452, "engine: log_row");
	is_str(s("ts_iso"), "", "engine: compact ts_iso blanked as Butler SOS does");
	is_str(s("windows_user"), "CORP\\qlik_svc", "engine: windows_user");
	is_str(s("proxy_session_id"), "8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11", "engine: proxy_session_id");
	is_str(s("user_full"), "CORP\\anna", "engine: user_full");
	is_str(s("app_id"), "e7af59a0-c243-480d-9571-08727551a66f", "engine: app_id");
	is_str(tag("qs_env"), "dev", "engine: static tag");
	is_str(tag("qs_log_category"), "unknown", "engine: default category as a tag");
	ok(cJSON_GetArraySize(cJSON_GetObjectItem(rec, "category")) == 1, "engine: category list");
	is_str(res.host, "qliksense1.corp.example.com", "engine: counted by host");

	is_int(parse_line(false, "log-events.txt", 2), EV_RECORD, "engine line 2");
	is_str(s("proxy_session_id"), "", "engine: session id 0 is not a UUID");
	is_str(s("user_full"), "", "engine: no user, empty user_full");

	/* the memory warning matches the drop rule: dropped here, counted */
	int found = 0;
	for (int i = 1; i <= 14; i++) {
		char *l = fixture("log-events.txt", i);
		if (l && strstr(l, "low memory limit")) {
			found = 1;
			is_int(parse(false, l, strlen(l)), EV_DROP_RULE, "drop rule drops the memory warning");
			ok(res.counted, "dropped event still counted in event_count");
		}
	}
	ok(found, "memory warning fixture present");

	is_int(parse_line(false, "log-events.txt", 7), EV_RECORD, "proxy line");
	is_str(s("source"), "qseow-proxy", "proxy: source");
	is_str(s("exception_message"), "", "proxy: exception_message present");
	ok(cJSON_GetObjectItem(rec, "result_code") != NULL, "proxy: result_code field");

	/* scheduler: user from the User field */
	for (int i = 1; i <= 14; i++) {
		char *l = fixture("log-events.txt", i);
		if (l && strncmp(l, "/qseow-scheduler/;14;", 21) == 0) {
			is_int(parse(false, l, strlen(l)), EV_RECORD, "scheduler line");
			is_str(s("user_directory"), "CORP", "scheduler: directory split from user_full");
			is_str(s("user_id"), "anna", "scheduler: id split from user_full");
			is_str(s("task_id"), "dec2a02a-1680-44ef-8dc2-e2bfb180af87", "scheduler: task_id");
			is_str(tag("qs_log_category"), "reload-failed", "scheduler: categorised by ew rule");
		}
	}
}

static void edge_cases(void)
{
	is_int(parse_line(false, "log-events-edge.txt", 1), EV_RECORD, "edge 1: semicolon in message");
	is_str(s("message"), "Request rejected; reason: header too large", "edge 1: message kept whole");
	is_str(s("exception_message"), "", "edge 1: exception empty");
	is_str(s("user_id"), "jdoe", "edge 1: user_id in place");
	is_str(s("result_code"), "400", "edge 1: result_code in place");
	is_str(s("context"), "/hub/", "edge 1: context in place");

	is_int(parse_line(false, "log-events-edge.txt", 2), EV_RECORD, "edge 2: upper-case type accepted");
	is_str(s("source"), "qseow-repository", "edge 2: source lower case");

	is_int(parse_line(false, "log-events-edge.txt", 3), EV_UNKNOWN_TYPE, "edge 3: unknown type");
	is_str(res.source, "qseow-printing", "edge 3: counted under its type");
	is_str(res.host, "qliksense1.corp.example.com", "edge 3: counted under the real host");
	is_str(res.subsystem, "System.Printing.Printing", "edge 3: and the real subsystem");

	is_int(parse_line(false, "log-events-edge.txt", 4), EV_RECORD, "edge 4: hyphenated engine times");
	is_str(s("ts_iso"), "2024-03-12T12:03:00.000+0100", "edge 4: ts_iso kept");
	is_str(s("ts"), "2024-03-12T11:03:00.000Z", "edge 4: ts from it");

	is_int(parse_line(false, "log-events-edge.txt", 5), EV_RECORD, "edge 5: negative offset");
	is_str(s("ts_iso"), "", "edge 5: ts_iso empty as Butler SOS");
	is_str(s("ts"), "2024-03-12T12:04:00.000Z", "edge 5: but ts is the event's time");

	is_int(parse_line(false, "log-events-edge.txt", 6), EV_RECORD, "edge 6: bad row and task id");
	is_int(num("log_row"), -1, "edge 6: log_row -1");
	is_str(s("task_id"), "", "edge 6: task_id empty");

	is_int(parse_line(false, "log-events-edge.txt", 7), EV_RECORD, "edge 7: truncated proxy event");
	is_str(s("user_directory"), "", "edge 7: missing field empty, not \"undefined\"");
	is_str(s("context"), "", "edge 7: context empty");
	is_str(s("user_full"), "", "edge 7: user_full empty");
}

static void qix_perf(void)
{
	static const enum ev_verdict want[] = { EV_RECORD, EV_QIX_REJECTED, EV_RECORD, EV_QIX_REJECTED,
	    EV_QIX_REJECTED, EV_RECORD, EV_RECORD };

	for (int i = 1; i <= 7; i++)
		is_int(parse_line(false, "qix-perf.txt", i), want[i - 1], "qix-perf line %d verdict", i);
	is_int(parse_line(false, "qix-perf.txt", 1), EV_RECORD, "qix line 1");
	is_str(s("kind"), "qix_perf", "qix: kind");
	is_str(s("app_name"), "Sales forecast", "qix: app name looked up");
	is_int(num("request_id"), 57, "qix: request_id");
	ok(num("process_time") > 1843.2149 && num("process_time") < 1843.2151, "qix: process_time float");
	is_int(num("handle"), -1, "qix: handle");
	is_int(num("net_ram"), 52428800, "qix: net_ram");
	is_str(s("object_type"), "<Unknown>", "qix: object_type raw");
	is_str(s("event_activity_source"), "user", "qix: user activity");
	is_int(parse_line(false, "qix-perf.txt", 5), EV_QIX_REJECTED, "qix line 5 rejected");
	is_str(res.app_name, "Budget 2025", "qix reject key: app name");
	ok(res.process_time > 2511.9 && res.process_time < 2511.91, "qix reject: process time");
	ok(!res.counted, "qix reject: not in event_count");
	is_int(parse_line(false, "qix-perf.txt", 7), EV_RECORD, "qix line 7");
	is_str(s("proxy_session_id"), "", "qix: hashed session id is not a UUID");
	is_str(s("event_activity_source"), "user", "qix: hashed session id still user");
}

static void user_events(void)
{
	is_int(parse_line(true, "user-events.txt", 1), EV_RECORD, "session start");
	is_str(s("kind"), "user_event", "user: kind");
	is_str(s("messageType"), "qseow-proxy-session", "user: messageType");
	is_str(s("command"), "Start session", "user: command");
	is_str(s("userFull"), "CORP\\anna", "user: userFull");
	is_str(s("appId"), "e7af59a0-c243-480d-9571-08727551a66f", "user: appId from context");
	is_str(s("appName"), "Sales forecast", "user: appName");
	is_str(res.subsystem, "AppAccess", "user: counted by origin");
	int seen_ua = 0;
	for (int i = 1; i <= 8; i++) {
		char *l = fixture("user-events.txt", i);
		if (l && strstr(l, "Edg/122")) {
			parse(true, l, strlen(l));
			is_str(s("uaBrowserName"), "Microsoft Edge", "user: UA browser");
			is_str(s("uaBrowserMajorVersion"), "122", "user: UA major");
			is_str(s("uaOsName"), "Windows", "user: UA OS");
			is_str(s("uaOsVersion"), "NT 10.0", "user: UA OS version");
			ok(strchr(s("message"), ';') != NULL, "user: message keeps its semicolons");
			seen_ua = 1;
			break;
		}
	}
	ok(seen_ua, "fixture with an Edge user agent");

	is_int(parse_line(true, "user-events-edge.txt", 1), EV_UNKNOWN_TYPE, "user edge 1: unknown type");
	is_str(res.source, "Unknown", "user edge 1: counted as Unknown");
	is_int(parse_line(true, "user-events-edge.txt", 2), EV_RECORD, "user edge 2");
	ok(!cJSON_GetObjectItem(rec, "appId"), "user edge 2: no appId for a bad GUID");
	ok(!cJSON_GetObjectItem(rec, "uaBrowserName"), "user edge 2: empty UA gives no UA keys");
	is_int(parse_line(true, "user-events-edge.txt", 3), EV_RECORD, "user edge 3: upper case type");
	is_str(s("messageType"), "qseow-proxy-session", "user edge 3: lower-cased");
	is_int(parse_line(true, "user-events-edge.txt", 4), EV_RECORD, "user edge 4: 5 fields");
	is_str(s("origin"), "", "user edge 4: origin empty");
	is_str(s("context"), "", "user edge 4: context empty, not \"undefined\"");
	is_str(s("message"), "", "user edge 4: message empty");
	is_str(res.subsystem, "Unknown", "user edge 4: counted though origin is empty");

	const char *ex = "/qseow-proxy-session/;h;Start session;CORP;svc_monitor;AppAccess;/hub/;x";
	is_int(parse(true, ex, strlen(ex)), EV_EXCLUDED_USER, "excludeUser drops the event");
	ok(res.counted, "excluded user still counted");
}

static void hostile(void)
{
	static char big[70000];

	is_int(parse(false, "", 0), EV_EMPTY, "empty datagram");
	is_int(parse(false, "x", 1), EV_UNKNOWN_TYPE, "one byte");
	is_int(parse(true, "   ", 3), EV_EMPTY, "blanks");
	memset(big, ';', 65536);
	is_int(parse(false, big, 65536), EV_UNKNOWN_TYPE, "64 KiB of semicolons");
	memcpy(big, "/qseow-proxy/", 13);
	is_int(parse(false, big, 65536), EV_RECORD, "proxy type then 64 KiB of semicolons");
	ok(strlen(s("message")) <= 1000 * 4, "message capped");
	is_int(parse(true, big, 65536), EV_UNKNOWN_TYPE, "semicolons on the user port");
	memcpy(big, "/qseow-proxy-session/", 21);
	is_int(parse(true, big, 65536), EV_RECORD, "user type then 64 KiB of semicolons");
	ok(strlen(s("message")) <= 4000, "user message capped");

	const char nul[] = "/qseow-proxy/;1;x;x;WARN;h\0st;sub;u;mes\0sage;;;;;;;";
	is_int(parse(false, nul, sizeof nul - 1), EV_RECORD, "NUL bytes");
	is_str(s("host"), "hst", "NUL removed like any control character");
	is_str(s("message"), "message", "NUL removed from the message");

	const char bad[] = "/qseow-proxy/;1;x;x;WARN;h\xff\xfe;sub;u;caf\xc3;;;;;;;";
	is_int(parse(false, bad, sizeof bad - 1), EV_RECORD, "invalid UTF-8");
	is_str(s("host"), "h\xef\xbf\xbd\xef\xbf\xbd", "invalid bytes become U+FFFD");

	srand(42);
	int crashes = 0;
	for (int i = 0; i < 2000; i++) {
		size_t n = (size_t)(rand() % 3000);
		for (size_t j = 0; j < n; j++)
			big[j] = (char)(rand() % 256);
		if (i % 3 == 0 && n > 20)
			memcpy(big, i % 2 ? "/qseow-qix-perf/;" : "/qseow-engine/;", i % 2 ? 17 : 15);
		parse(i % 5 == 0, big, n);
		crashes += res.verdict == EV_TOO_BIG;
	}
	is_int(crashes, 0, "2000 random datagrams: no failures");
}

int main(void)
{
	char err[512], path[700];
	int code;

	log_set_level(LL_ERROR);
	snprintf(shared, sizeof shared, "%s", shared_dir());
	snprintf(path, sizeof path, "%s/fixtures/expected/butler-sos-config-used.yaml", shared);
	struct cfg *c = cfg_load(path, err, sizeof err, &code);
	if (!c) {
		printf("1..0 # SKIP no fixtures: %s\n", err);
		return 0;
	}
	for (int i = 0; i < LS_COUNT; i++)
		conf.source_enable[i] = true;
	conf.appname_lookup = true;
	conf.log_tags.n = conf.user_tags.n = 1;
	conf.log_tags.name[0] = conf.user_tags.name[0] = "qs_env";
	conf.log_tags.value[0] = conf.user_tags.value[0] = "dev";
	conf.exclude.n = 1;
	conf.exclude.dir[0] = "CORP";
	conf.exclude.id[0] = "svc_monitor";
	struct categorise *cat = categorise_load(c);
	struct qixfilter *qix = qixfilter_load(c);
	conf.cat = cat;
	conf.qix = qix;
	ok(cat && qix, "filters from the fixture config");

	char names[] = "/tmp/t-udp-names.XXXXXX";
	int fd = mkstemp(names);
	const char *apps = "{\"id\":\"e7af59a0-c243-480d-9571-08727551a66f\",\"name\":\"Sales forecast\"}\n"
	    "{\"id\":\"d7cf16f9-6a95-462a-9ff1-a6d413326de4\",\"name\":\"Budget 2025\"}\n"
	    "{\"id\":\"6931136d-c234-4358-a40c-e37153aba7c9\",\"name\":\"Sales basket analysis\"}\n";
	ok(fd >= 0 && write(fd, apps, strlen(apps)) == (ssize_t)strlen(apps), "app names file");
	close(fd);
	struct appnames *an = appnames_new(names);
	ok(appnames_refresh(an) == 1 && appnames_count(an) == 3, "app names loaded");
	conf.names = an;

	log_events();
	edge_cases();
	qix_perf();
	user_events();
	hostile();

	cJSON_Delete(rec);
	appnames_free(an);
	unlink(names);
	categorise_free(cat);
	qixfilter_free(qix);
	cfg_free(c);
	return done_testing();
}
