/* t-log-tail-layout: Sense log file names, headers by name, rows to records, row starts, odd field counts. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "../../bin/log-tail/layout.h"
#include "categorise.h"
#include "config.h"
#include "log.h"
#include "qixfilter.h"
#include "tap.h"

static struct lt_conf conf;
static struct categorise *cat;
static struct qixfilter *qix;
static char out[1 << 16];
static cJSON *rec;

/* Settings from YAML text (NULL: none). */
static void setup(const char *yaml)
{
	char path[] = "/tmp/t-log-tail-layout.XXXXXX", err[512];
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, yaml ? yaml : "{}\n", strlen(yaml ? yaml : "{}\n")) < 0 || close(fd) != 0)
		abort();
	struct cfg *c = cfg_load(path, err, sizeof err, NULL);
	unlink(path);
	if (!c) {
		printf("# %s\n", err);
		abort();
	}
	categorise_free(cat);
	qixfilter_free(qix);
	memset(&conf, 0, sizeof conf);
	conf.cat = cat = categorise_load(c);
	conf.qix = qix = qixfilter_load(c);
	if (!cat || !qix || ev_tags_load(c, "Butler-SOS.logEvents.tags", &conf.tags) ||
	    userlist_load(c, "Butler-SOS.logTail.excludeUser", &conf.exclude))
		abort();
	for (int i = 0; i <= LT_OTHER; i++)
		conf.source_enable[i] = true;
	conf.source_enable[LT_PROXY] = !strstr(yaml ? yaml : "", "proxy: {enable: false}");
	conf.extra_max = 4000;
	/* the strings stay in use: the cfg lives until the next setup */
	static struct cfg *keep;
	cfg_free(keep);
	keep = c;
}

/* Header text (tabs as \t) for path, then one row: the verdict, the record parsed into rec. */
static enum lt_verdict row(const char *path, const char *header, const char *line, size_t *nf)
{
	static struct lt_layout l;
	const char *why;
	struct jsonw w;
	size_t dummy;

	lt_layout_name(&l, path);
	if (lt_layout_header(&l, header, strlen(header), &why) != 0) {
		fprintf(stderr, "# header refused: %s\n", why);
		return LT_TOO_BIG;
	}
	jsonw_init(&w, out, sizeof out);
	struct lt_tabs t;
	lt_tabs_scan(line, strlen(line), &t);
	*(nf ? nf : &dummy) = t.nfields;
	enum lt_verdict v = lt_row_record(&conf, &l, line, strlen(line), &t, 1000, &w);
	cJSON_Delete(rec);
	rec = NULL;
	if (v == LT_RECORD) {
		out[w.len] = '\0';
		rec = cJSON_Parse(out);
	}
	return v;
}

static const char *s(const char *key)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(rec, key);
	return cJSON_IsString(j) ? j->valuestring : "(absent)";
}

static const char *sub(const char *obj, const char *key)
{
	const cJSON *o = cJSON_GetObjectItemCaseSensitive(rec, obj);
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsString(j) ? j->valuestring : "(absent)";
}

static double num(const char *key)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(rec, key);
	return cJSON_IsNumber(j) ? j->valuedouble : -12345;
}

static void names(void)
{
	struct lt_layout l = { 0 };

	lt_layout_name(&l, "/mnt/log/Proxy/Trace/QSE-NODE1_System_Proxy.txt");
	is_str(l.service, "Proxy", "<host>_<type>_<service>.txt: service");
	is_str(l.log_type, "System", "log type");
	is_str(l.source, "qseow-proxy", "source");
	ok(l.src == LT_PROXY && !l.finished_name, "proxy, still written to");
	is_str(l.subsystem, "System.Proxy", "subsystem when the file has no Logger");

	lt_layout_name(&l, "QSE-NODE1.corp.example.com_QixPerformance_Engine_2024-11-05T11.02.44Z.log");
	ok(l.src == LT_QIXPERF && l.finished_name, "rolled-over .log with an FQDN: qix-perf, finished");
	is_str(l.source, "qseow-qix-perf", "qix-perf source");
	is_str(l.file, "QSE-NODE1.corp.example.com_QixPerformance_Engine.txt", "a rolled-over file is named as it was while active");

	lt_layout_name(&l, "fixtures/Scheduler_AuditActivity.txt");
	ok(l.src == LT_SCHEDULER, "<service>_<type>.txt (the fixtures' order)");
	is_str(l.log_type, "AuditActivity", "its log type");

	lt_layout_name(&l, "/x/Log/Repository/Audit/weird.txt");
	ok(l.src == LT_REPOSITORY, "a name that says nothing: the folder above Audit tells");
	is_str(l.log_type, "", "no log type");

	lt_layout_name(&l, "/x/QSE_System_HubService.txt");
	ok(l.src == LT_OTHER, "a node.js service");
	is_str(l.source, "qseow-hubservice", "source from its name");

	lt_layout_name(&l, "random.txt");
	is_str(l.source, "qseow-unknown", "nothing known: qseow-unknown");
}

static bool starts(const struct lt_layout *l, const char *line)
{
	struct lt_tabs t;

	lt_tabs_scan(line, strlen(line), &t);
	return lt_row_start(l, line, strlen(line), &t);
}

static void tabs(void)
{
	struct lt_tabs t;
	char line[600];

	lt_tabs_scan("", 0, &t);
	ok(t.nfields == 1 && t.n == 0, "an empty line: one field");
	lt_tabs_scan("a\tbb\t\tccc\t", 10, &t);
	ok(t.nfields == 5 && t.n == 4 && t.pos[0] == 1 && t.pos[1] == 4 && t.pos[2] == 5 && t.pos[3] == 9,
	    "tabs found where they are, empty fields too");
	/* every offset within and across the eight-byte steps */
	for (int len = 1; len < 40; len++)
		for (int at = 0; at < len; at++) {
			memset(line, at % 2 ? 'x' : 0x89, (size_t)len);
			line[at] = '\t';
			lt_tabs_scan(line, (size_t)len, &t);
			if (t.nfields != 2 || t.pos[0] != (size_t)at) {
				ok(0, "a tab at %d of %d", at, len);
				return;
			}
		}
	ok(1, "a single tab at every offset of lines up to 40 bytes (0x89 bytes around it)");
	memset(line, '\t', 300);
	lt_tabs_scan(line, 300, &t);
	ok(t.nfields == 301 && t.n == LT_MAX_COLS, "300 tabs: all counted, %d recorded", LT_MAX_COLS);
}

static void headers(void)
{
	struct lt_layout l = { 0 };
	const char *why = NULL;

	lt_layout_name(&l, "A_System_Proxy.txt");
	ok(lt_layout_header(&l, "a,b,c", 5, &why) != 0, "a CSV header is refused");
	ok(why && strstr(why, "Sequence#"), "why: %s", why ? why : "");
	ok(lt_layout_header(&l, "Sequence#\tLevel\tMessage", 23, &why) != 0, "no Timestamp: refused");
	char big[128 * 4 + 64] = "Sequence#\tTimestamp";
	for (int i = 0; i < 130; i++)
		strcat(big, "\tc");
	ok(lt_layout_header(&l, big, strlen(big), &why) != 0, "130 columns: refused");
	const char *h = "sequence#\tMESSAGE\tTimestamp\tHostName";
	ok(lt_layout_header(&l, h, strlen(h), &why) == 0, "names matched ignoring case");
	ok(l.i_ts == 2 && l.i_msg == 1 && l.ncols == 4, "Timestamp and Message found by name");
	ok(starts(&l, "12\tmsg\t20241105T080215.012+0100\th"), "a row start");
	ok(!starts(&l, "12\tmsg\t20241105T080215.012\th"), "a timestamp without offset: no row start");
	ok(!starts(&l, "x12\tmsg\t20241105T080215.012+0100"), "a non-numeric Sequence#: no row start");
	ok(!starts(&l, "at Foo.Bar()"), "a stack trace line: no row start");
	ok(starts(&l, "7\tm\t20241105T080215.012-0500"), "a negative offset starts a row");
	ok(starts(&l, "7\tm\t2024-11-05T08:02:15.012+0100"), "a hyphenated timestamp starts a row");
	ok(starts(&l, "7\tm\t2024-11-05 08:02:15,012"), "log4net's local timestamp starts a row");
	ok(!starts(&l, "7\tm\t2024-11-05 08:02:15"), "a timestamp without milliseconds does not");
	lt_layout_free(&l);
}

#define PROXY_H "Sequence#\tTimestamp\tLevel\tHostname\tLogger\tThread\tId\tServiceUser\tMessage\tException\tStackTrace\t" \
	"ProxySessionId\tUserDirectory\tUserId\tCommand\tResult\tOrigin\tContext\tId2"

static void proxy_rows(void)
{
	size_t nf;

	setup(NULL);
	ok(row("QSE_System_Proxy.txt", PROXY_H,
	    "88101\t20241105T063001.099+0100\tWARN\tqse-node1\tSystem.Proxy.Proxy.Core.QPSMain\t1\t0dde\tCORP\\svc\t"
	    "Proxy starting\tboom\tat X()\t0\tCORP\tjdoe\tStart\t0\tAppAccess\t/hub/\t0dde", &nf) == LT_RECORD,
	    "a proxy row");
	is_int(nf, 19, "19 fields");
	is_str(s("kind"), "log_event", "kind");
	is_str(s("ts"), "2024-11-05T05:30:01.099Z", "ts: the row's own time in UTC");
	is_str(s("source"), "qseow-proxy", "source");
	is_int(num("log_row"), 88101, "log_row from Sequence#");
	is_str(s("ts_iso"), "20241105T063001.099+0100", "ts_iso as written");
	is_str(s("ts_local"), "2024-11-05 06:30:01,099", "ts_local as log4net's %%date");
	is_str(s("level"), "WARN", "level");
	is_str(s("host"), "qse-node1", "host");
	is_str(s("subsystem"), "System.Proxy.Proxy.Core.QPSMain", "subsystem from Logger");
	is_str(s("windows_user"), "CORP\\svc", "windows_user");
	is_str(s("message"), "Proxy starting", "message");
	is_str(s("exception_message"), "boom", "exception_message");
	is_str(s("user_full"), "CORP\\jdoe", "user_full made of directory and id");
	is_str(s("command"), "Start", "command");
	is_str(s("result_code"), "0", "result_code");
	is_str(s("origin"), "AppAccess", "origin");
	is_str(s("context"), "/hub/", "context");
	is_str(sub("extra", "StackTrace"), "at X()", "StackTrace in extra");
	is_str(sub("extra", "Thread"), "1", "Thread in extra");
	is_str(sub("extra", "ProxySessionId"), "0", "a column the proxy's UDP event lacks: extra");
	is_str(sub("tags", "log_type"), "System", "log_type tag");
	is_str(sub("tags", "log_file"), "QSE_System_Proxy.txt", "log_file tag");
	ok(!cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(rec, "extra"), "Timestamp"),
	    "mapped columns are not repeated in extra");

	/* a raw tab in the message: the surplus stays in the message */
	ok(row("QSE_System_Proxy.txt", PROXY_H,
	    "2\t20241105T063001.099+0100\tINFO\th\tL\t1\tid\tu\tpart one\tpart two\t\t\tat X()\t0\tCORP\tjdoe\tC\t0\tO\tX\tid", &nf)
	    == LT_RECORD, "a row with two raw tabs");
	is_int(nf, 21, "21 fields counted");
	is_str(s("message"), "part one\tpart two\t", "the message keeps its tabs");
	is_str(s("context"), "X", "the columns after it read from the right");
	is_str(sub("extra", "Id2"), "id", "down to the last one");

	ok(row("QSE_System_Proxy.txt", PROXY_H, "3\t20241105T063001.099+0100\tERROR\th\tL\t1\tid\tu\tshort", &nf) == LT_RECORD,
	    "a short row is kept");
	is_int(nf, 9, "9 fields counted");
	is_str(s("command"), "", "missing columns are empty");
	is_str(s("message"), "short", "the ones there are read");

	ok(row("QSE_System_Proxy.txt", PROXY_H, "4\tnot a time\tINFO\th\tL\t1\tid\tu\tm\tline one\nline two", &nf) == LT_RECORD,
	    "a bad timestamp and a joined line break");
	is_str(s("ts"), "1970-01-01T00:00:01.000Z", "ts: the time of reading when the row's does not parse");
	is_str(s("ts_iso"), "", "ts_iso empty");
	is_str(s("exception_message"), "line one\nline two", "the line feed stays in text");

	ok(row("QSE_System_Proxy.txt", PROXY_H, "6\t2024-11-05T06:30:01.099-0500\tINFO\th\tL\t1\tid\tu\tm", &nf) == LT_RECORD,
	    "a hyphenated timestamp with a negative offset");
	is_str(s("ts"), "2024-11-05T11:30:01.099Z", "ts in UTC");
	is_str(s("ts_iso"), "2024-11-05T06:30:01.099-0500", "ts_iso as written");
	is_str(s("ts_local"), "2024-11-05 06:30:01,099", "ts_local made of it");
	ok(row("QSE_System_Proxy.txt", PROXY_H, "7\t2024-11-05 06:30:01,099\tINFO\th\tL\t1\tid\tu\tm", &nf) == LT_RECORD,
	    "a local timestamp without an offset");
	is_str(s("ts"), "1970-01-01T00:00:01.000Z", "ts: the time of reading (the server's zone is not known)");
	is_str(s("ts_iso"), "", "ts_iso empty");
	is_str(s("ts_local"), "2024-11-05 06:30:01,099", "ts_local as written");

	/* a huge value is capped as Butler SOS caps it */
	char big[8000];
	int k = snprintf(big, sizeof big, "5\t20241105T063001.099+0100\tINFO\th\tL\t1\tid\tu\t");
	memset(big + k, 'm', 3000);
	big[k + 3000] = '\0';
	ok(row("QSE_System_Proxy.txt", PROXY_H, big, &nf) == LT_RECORD, "a 3000-character message");
	is_int(strlen(s("message")), 1000, "capped at 1000 characters");
}

static void other_sources(void)
{
	setup(NULL);
	const char *eh = "Sequence#\tTimestamp\tLevel\tHostname\tLogger\tThread\tId\tServiceUser\tMessage\tProxySessionId\t"
	    "ActiveUserDirectory\tActiveUserId\tEngineTimestamp\tProcessId\tExe Version\tServer Started\tEntry Type\tSessionId\tAppId\tId2";
	ok(row("Engine_System.txt", eh, "1\t20241105T063012.044+0100\tINFO\tn1\tSystem.Engine.Engine\t4120\tid\tsvc\tstarted\t0\t"
	    "CORP\tanna\t20241105T063012.044+0100\t89a2688b-12c1-46e0-9998-5f15ff002d4d\t14.187.4\tS\tNormal\t\t"
	    "E7AF59A0-C243-480D-9571-08727551A66F\tid", NULL) == LT_RECORD, "an engine row");
	is_str(s("source"), "qseow-engine", "engine source");
	is_str(s("user_directory"), "CORP", "ActiveUserDirectory read as user_directory");
	is_str(s("process_id"), "89a2688b-12c1-46e0-9998-5f15ff002d4d", "process_id");
	is_str(s("engine_exe_version"), "14.187.4", "Exe Version");
	is_str(s("app_id"), "", "an upper-case app id fails Butler SOS's UUID rule, as over UDP");

	const char *qh = "Sequence#\tTimestamp\tLevel\tHostname\tLogger\tProxySessionId\tActiveUserDirectory\tActiveUserId\t"
	    "CServerId\tDocId\tRequestId\tMethod\tProcessTime\tWorkTime\tHandle\tObjectId\tNetRAM\tPeakRAM\tObjectType";
	const char *qrow = "9\t20241105T080215.007+0100\tINFO\tn1\tQixPerformance.Engine.Engine\t0\tCORP\tjdoe\t"
	    "21e8ac68-43e4-4caf-8181-a8cc369147eb\te7af59a0-c243-480d-9571-08727551a66f\t4\tDoc::GetAppLayout\t3.5\tx\t"
	    "-1\tobj1\t100\t200\tsheet";
	ok(row("Engine_QixPerformance.txt", qh, qrow, NULL) == LT_QIX_OFF, "qix-perf with the monitor off: LT_QIX_OFF");
	setup("Butler-SOS:\n  logEvents:\n    enginePerformanceMonitor:\n      enable: true\n"
	    "      monitorFilter:\n        allApps:\n          enable: true\n");
	ok(row("Engine_QixPerformance.txt", qh, qrow, NULL) == LT_RECORD, "on: a qix_perf record");
	is_str(s("kind"), "qix_perf", "kind qix_perf");
	is_str(s("session_id"), "21e8ac68-43e4-4caf-8181-a8cc369147eb", "session_id from CServerId");
	is_str(s("app_id"), "e7af59a0-c243-480d-9571-08727551a66f", "app_id from DocId");
	is_int(num("request_id"), 4, "request_id");
	ok(num("process_time") == 3.5, "process_time a number");
	ok(!cJSON_GetObjectItemCaseSensitive(rec, "work_time"), "a non-number time is left out");
	is_int(num("net_ram"), 100, "net_ram");
	is_int(num("handle"), -1, "handle");
	is_str(s("event_activity_source"), "non-user", "ProxySessionId 0: non-user");
	setup("Butler-SOS:\n  logEvents:\n    enginePerformanceMonitor:\n      enable: true\n"
	    "      monitorFilter:\n        allApps:\n          enable: true\n"
	    "          objectType: {allObjectTypes: false, allObjectTypesExclude: []}\n");
	ok(row("Engine_QixPerformance.txt", qh, qrow, NULL) == LT_QIX_REJECTED, "the monitor filters apply");

	setup(NULL);
	const char *sh = "Sequence#\tTimestamp\tLevel\tHostname\tLogger\tMessage\tUserDirectory\tUserId\tUser\tTaskName\tTaskId";
	ok(row("Scheduler_System.txt", sh, "1\t20241105T081200.003+0100\tINFO\th\tL\tExecution State Change to Started\t\t\t"
	    "INTERNAL\\sa_scheduler\tReload\t6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d", NULL) == LT_RECORD, "a scheduler row");
	is_str(s("user_directory"), "INTERNAL", "directory split from User");
	is_str(s("user_id"), "sa_scheduler", "id split from User");
	is_str(s("task_id"), "6a7b8c9d-0e1f-4a2b-9c3d-4e5f6a7b8c9d", "task_id");
	is_str(s("execution_id"), "", "a column the file lacks: empty");

	const char *ah = "Sequence#\tProductVersion\tTimestamp\tHostname\tId\tDescription\tUserDirectory\tUserId\tCommand\tResult\tMessage\tId2";
	ok(row("X_AuditActivity_Repository.txt", ah, "5\t30.31.4\t20241105T080214.300+0100\tn1\tid\tCommand=Open app;Result=0\t"
	    "CORP\tjdoe\tOpen app\t0\tApp opened\tid", NULL) == LT_RECORD, "an audit row (no level, no logger)");
	is_str(s("level"), "INFO", "level INFO when the log has none");
	is_str(s("subsystem"), "AuditActivity.Repository", "subsystem from the file's type and service");
	is_str(sub("extra", "Description"), "Command=Open app;Result=0", "Description kept, ';' and all");

	const char *dup = "Sequence#\tTimestamp\tMessage\tNote\tnote";
	ok(row("A_System_Proxy.txt", dup, "1\t20241105T080214.300+0100\tm\ta\tb", NULL) == LT_RECORD, "duplicate column names");
	is_str(sub("extra", "Note"), "a", "the first under its name");
	is_str(sub("extra", "note#4"), "b", "the second under name#index");
}

static void filters(void)
{
	const char *yaml =
	    "Butler-SOS:\n"
	    "  logEvents:\n"
	    "    source:\n"
	    "      proxy: {enable: false}\n"
	    "    tags:\n"
	    "      - {name: env, value: prod}\n"
	    "    categorise:\n"
	    "      enable: true\n"
	    "      rules:\n"
	    "        - {description: d, logLevel: [WARN], action: categorise, category: [{name: cat, value: warn}],\n"
	    "           filter: [{type: sw, value: Disk}]}\n"
	    "        - {description: x, logLevel: [INFO], action: drop, filter: [{type: so, value: noise}]}\n"
	    "  logTail:\n"
	    "    excludeUser:\n"
	    "      - {directory: CORP, userId: robot}\n";
	const char *h = "Sequence#\tTimestamp\tLevel\tHostname\tMessage\tUserDirectory\tUserId";

	setup(yaml);
	ok(row("A_System_Proxy.txt", h, "1\t20241105T080214.300+0100\tWARN\th\tDisk full\tCORP\tjdoe", NULL) == LT_DISABLED,
	    "a proxy row with the proxy source off");
	ok(row("A_System_Repository.txt", h, "1\t20241105T080214.300+0100\tWARN\th\tDisk full\tCORP\tjdoe", NULL) == LT_RECORD,
	    "a repository row");
	is_str(sub("tags", "env"), "prod", "logEvents.tags");
	is_str(sub("tags", "cat"), "warn", "category pair as a tag");
	ok(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(rec, "category")), "category list");
	ok(row("A_System_Repository.txt", h, "1\t20241105T080214.300+0100\tINFO\th\tsome noise\tCORP\tjdoe", NULL) ==
	    LT_DROP_RULE, "a drop rule drops");
	ok(row("A_System_Repository.txt", h, "1\t20241105T080214.300+0100\tINFO\th\tm\tCORP\trobot", NULL) ==
	    LT_EXCLUDED_USER, "an excluded user");
}

int main(void)
{
	log_set_level(-1);
	names();
	tabs();
	headers();
	proxy_rows();
	other_sources();
	filters();
	cJSON_Delete(rec);
	return done_testing();
}
