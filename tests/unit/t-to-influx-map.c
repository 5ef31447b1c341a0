/*
 * t-to-influx-map: line protocol escaping and the record-to-point mapping
 * per InfluxDB version (output-model.md), line by line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bin/to-influx/lp.h"
#include "../../bin/to-influx/map.h"
#include "tap.h"

static struct map_conf conf(int version)
{
	return (struct map_conf){
		.version = version, .include_active = true, .include_loaded = false, .include_inmem = true,
		.raw_event_tags = true, .log_events = true, .user_events = true, .event_counts = true,
		.rejected_counts = true, .queue_log = true, .queue_user = false, .errors = true, .memory = true,
		.host = true, .m_event_count = "event_count", .m_rejected = "rejected_event_count",
		.m_queue_log = "log_events_queue", .m_queue_user = "user_events_queue",
		.m_errors = "butler_sos_errors", .version_tag = "senseops-0.1.0",
	};
}

static char out_text[1 << 16];

/* Maps one record with version v; the line protocol without timestamps, or "" */
static const char *map1(int v, const char *rec, enum map_result *res)
{
	struct map_conf c = conf(v);
	struct mapper *m = mapper_new(&c);
	struct lp_buf b = { 0 };
	char why[256];
	enum map_result r = map_record(m, rec, strlen(rec), 42, &b, why, sizeof why);
	size_t o = 0;

	if (res)
		*res = r;
	/* drop the " <ts>" at the end of each line */
	for (size_t i = 0; i < b.len && o + 1 < sizeof out_text;) {
		char *nl = memchr(b.p + i, '\n', b.len - i);
		size_t end = (size_t)(nl - b.p), sp = end;
		while (sp > i && b.p[sp - 1] != ' ')
			sp--;
		size_t n = sp > i ? sp - 1 - i : end - i;
		if (o + n + 2 >= sizeof out_text)
			break;
		memcpy(out_text + o, b.p + i, n);
		o += n;
		out_text[o++] = '\n';
		i = end + 1;
	}
	out_text[o] = '\0';
	lp_buf_free(&b);
	mapper_free(m);
	return out_text;
}

/* ok(strstr(hay, needle)) that shows the haystack when it fails */
static void has(const char *hay, const char *needle, const char *desc)
{
	if (!ok(strstr(hay, needle) != NULL, "%s", desc))
		printf("#   in:   %s\n#   want: %s\n", hay, needle);
}

static void test_lp(void)
{
	struct lp_point pt;
	struct lp_buf b = { 0 };

	lp_begin(&pt, "m e,a=s");
	lp_tag(&pt, "t k,=", "v a,l=u\\e");
	lp_tag(&pt, "empty", "");
	lp_tag(&pt, "trail", "x\\\\");
	lp_tag(&pt, "nl", "a\nb\rc");
	lp_str(&pt, "s", "q\"b\\n\nl");
	lp_int(&pt, "i", -5);
	lp_uint(&pt, "u", -5);
	lp_float(&pt, "f", 0.1);
	lp_float(&pt, "nan", 0.0 / 0.0);
	lp_float(&pt, "w", 3);
	lp_bool(&pt, "b", true);
	is_int(lp_encode(&pt, 1234, &b), 1, "a point encodes");
	b.p[b.len] = '\0';
	is_str(b.p, "m\\ e\\,a=s,t\\ k\\,\\==v\\ a\\,l\\=u\\e,trail=x,nl=a\\ b\\ c "
	    "s=\"q\\\"b\\\\n\nl\",i=-5i,u=0u,f=0.1,w=3,b=true 1234\n",
	    "escaping: measurement, tag keys and values, strings; empty tags left out; NaN left out");

	lp_begin(&pt, "m");
	lp_tag(&pt, "t", "1");
	lp_tag(&pt, "t", "2");
	lp_int(&pt, "f", 1);
	lp_int(&pt, "f", 2);
	b.len = 0;
	lp_encode(&pt, 1, &b);
	b.p[b.len] = '\0';
	is_str(b.p, "m,t=2 f=2i 1\n", "a key set twice keeps the last value");

	lp_begin(&pt, "m");
	lp_tag(&pt, "t", "1");
	is_int(lp_encode(&pt, 1, &b), 0, "a point without fields is not written");

	lp_begin(&pt, "m");
	pt.strip_crlf = true;
	lp_tagn(&pt, "t", 1, "<a\\b>\r\n", 7, true);
	lp_str(&pt, "s", "a\r\nb");
	b.len = 0;
	lp_encode(&pt, 1, &b);
	b.p[b.len] = '\0';
	is_str(b.p, "m,t=ab s=\"ab\" 1\n", "v3: cleaned tags, strings without CR and LF");

	lp_begin(&pt, "m");
	static char keys[LP_MAX_TAGS + 1][16];
	for (int i = 0; i < LP_MAX_TAGS + 1; i++) {
		snprintf(keys[i], sizeof keys[i], "t%d", i);
		lp_tagn(&pt, keys[i], strlen(keys[i]), "v", 1, false);
	}
	lp_int(&pt, "f", 1);
	is_int(lp_encode(&pt, 1, &b), 0, "too many tags: refused, not cut");
	lp_buf_free(&b);
}

static const char *HEALTH =
	"{\"kind\":\"health\",\"ts\":\"2024-03-12T09:00:00.000Z\",\"tags\":{\"host\":\"q1\",\"server_name\":\"s1\","
	"\"server_description\":\"Central node\",\"qs_env\":\"dev\"},\"server_host\":\"q1:4747\",\"version\":\"12.1\","
	"\"started\":\"20240312T061524.000+0100\",\"uptime\":\"0 days, 2h 44m 36s\","
	"\"mem\":{\"committed\":3342.5,\"allocated\":3812.45703125,\"free\":9124.6953125},\"cpu\":{\"total\":3.7},"
	"\"session\":{\"active\":2,\"total\":5},\"users\":{\"active\":-1,\"total\":3},"
	"\"cache\":{\"hits\":1843,\"lookups\":2310,\"added\":467,\"replaced\":12,\"bytes_added\":18734592},"
	"\"apps\":{\"calls\":18237,\"selections\":12,\"active_docs\":[\"a1\"],\"loaded_docs\":[\"a1\",\"a2\"],"
	"\"in_memory_docs\":[\"a1\",\"SessionApp_x\"],\"active_docs_names\":[\"Sales\"],\"active_session_docs_names\":[],"
	"\"in_memory_docs_names\":[\"Sales\"],\"in_memory_session_docs_names\":[\"SessionApp_x\"]},\"saturated\":false}";

static void test_health(void)
{
	const char *v1 = map1(1, HEALTH, NULL);

	ok(strstr(v1, "sense_server,host=q1,server_name=s1,server_description=Central\\ node,qs_env=dev "
	    "version=\"12.1\",started=\"20240312T061524.000+0100\",uptime=\"0 days, 2h 44m 36s\"\n") != NULL,
	    "v1 sense_server: server tags, three strings");
	ok(strstr(v1, " comitted=3342i,allocated=3812i,free=9124i\n") != NULL, "v1 mem: comitted (sic), floored integers");
	ok(strstr(v1, " active_docs_count=1i,active_docs=\"a1\",active_docs_names=\"\\\"Sales\\\"\",active_session_docs_names=\"\","
	    "loaded_docs_count=2i,loaded_docs=\"\",loaded_docs_names=\"\",loaded_session_docs_names=\"\","
	    "in_memory_docs_count=2i,in_memory_docs=\"a1,SessionApp_x\",in_memory_docs_names=\"\\\"Sales\\\"\","
	    "in_memory_session_docs_names=\"\\\"SessionApp_x\\\"\",calls=18237i,selections=12i\n") != NULL,
	    "v1 apps: counts, id lists per includeFields, quoted names");
	ok(strstr(v1, "cpu,host=q1,server_name=s1,server_description=Central\\ node,qs_env=dev total=3i\n") != NULL, "v1 cpu: floored");
	ok(strstr(v1, " active=-1i,total=3i\n") != NULL, "v1 users: integers, negative kept");
	ok(strstr(v1, " saturated=false\n") != NULL, "saturated: a boolean");

	const char *v2 = map1(2, HEALTH, NULL);
	ok(strstr(v2, " comitted=3342.5,allocated=3812.45703125,free=9124.6953125\n") != NULL, "v2 mem: floats");
	has(v2, ",active_docs_names=\"Sales\"", "v2 names: not quoted");
	ok(strstr(v2, "calls=18237u,selections=12u\n") != NULL, "v2 calls: unsigned");
	ok(strstr(v2, " total=3.7\n") != NULL, "v2 cpu: float");
	ok(strstr(v2, " active=0u,total=3u\n") != NULL, "v2 users: unsigned, negative as 0");
	ok(strstr(v2, " hits=1843u,lookups=2310u,added=467i,replaced=12i,bytes_added=18734592i\n") != NULL, "v2 cache: mixed");

	const char *v3 = map1(3, HEALTH, NULL);
	ok(strstr(v3, " total=3i\n") != NULL, "v3 cpu: integer");
	ok(strstr(v3, " active=0i,total=3i\n") != NULL, "v3: negative integers clamped to 0");
	ok(strstr(v3, "calls=18237i,selections=12i\n") != NULL, "v3 calls: integers");
}

static const char *SESSIONS =
	"{\"kind\":\"sessions\",\"ts\":\"2024-03-12T09:00:00.000Z\",\"tags\":{\"host\":\"q1\",\"server_name\":\"s1\","
	"\"user_session_virtual_proxy\":\"/hdr\",\"user_session_host\":\"q1:4243\"},\"server_host\":\"q1:4747\","
	"\"virtual_proxy\":\"/hdr\",\"session_count\":3,\"unique_user_count\":2,\"session_user_id_list\":\"CORP\\\\a,CORP\\\\svc\","
	"\"users\":[\"CORP\\\\a\",\"CORP\\\\svc\"],\"details\":[{\"session_id\":\"s-1\",\"user_directory\":\"CORP\",\"user_id\":\"a\"}],"
	"\"body\":[]}";

static void test_sessions(void)
{
	is_str(map1(1, SESSIONS, NULL),
	    "user_session_summary,host=q1,server_name=s1,user_session_virtual_proxy=/hdr,user_session_host=q1:4243 session_count=3i,session_user_id_list=\"CORP\\\\a,CORP\\\\svc\"\n"
	    "user_session_list,host=q1,server_name=s1,user_session_virtual_proxy=/hdr,user_session_host=q1:4243 session_user_id_list=\"CORP\\\\a,CORP\\\\svc\"\n"
	    "user_session_details,host=q1,server_name=s1,user_session_virtual_proxy=/hdr,user_session_host=q1:4243,user_session_id=s-1,user_session_user_directory=CORP,user_session_user_id=a session_id=\"s-1\",user_directory=\"CORP\",user_id=\"a\"\n",
	    "v1 sessions: summary, list without count, a details point per listed session");
	is_str(map1(2, SESSIONS, NULL),
	    "user_session_summary,user_session_virtual_proxy=/hdr,user_session_host=q1:4243 session_count=3u,session_user_id_list=\"CORP\\\\a,CORP\\\\svc\"\n"
	    "user_session_list,user_session_virtual_proxy=/hdr,user_session_host=q1:4243 session_count=3u,session_user_id_list=\"CORP\\\\a,CORP\\\\svc\"\n"
	    "user_session_details,user_session_virtual_proxy=/hdr,user_session_host=q1:4243,user_session_id=s-1,user_session_user_directory=CORP,user_session_user_id=a session_id=\"s-1\",user_directory=\"CORP\",user_id=\"a\"\n",
	    "v2 sessions: session tags only, unsigned count");
}

static const char *QIX =
	"{\"kind\":\"qix_perf\",\"ts\":\"2024-03-12T08:43:01.512Z\",\"tags\":{\"qs_log_category\":\"<x>\",\"qs_env\":\"dev\"},"
	"\"source\":\"qseow-qix-perf\",\"log_row\":201,\"ts_iso\":\"\",\"ts_local\":\"\",\"level\":\"INFO\",\"host\":\"q1\","
	"\"subsystem\":\"\",\"windows_user\":\"\",\"proxy_session_id\":\"\",\"user_directory\":\"CORP\",\"user_id\":\"anna\","
	"\"engine_ts\":\"\",\"session_id\":\"s1\",\"app_id\":\"a1\",\"app_name\":\"<unknown app name>\",\"request_id\":57,"
	"\"method\":\"Global::OpenApp\",\"process_time\":1843.215,\"work_time\":1790.502,\"handle\":-1,\"object_id\":\"<Unknown>\","
	"\"net_ram\":52428800,\"peak_ram\":104857600,\"object_type\":\"\",\"event_activity_source\":\"user\",\"user_full\":\"CORP\\\\anna\","
	"\"category\":[{\"name\":\"qs_log_category\",\"value\":\"<x>\"}]}";

static void test_qix(void)
{
	const char *v1 = map1(1, QIX, NULL);

	ok(strncmp(v1, "log_event,host=q1,level=INFO,source=qseow-qix-perf,log_row=-1,subsystem=<Unknown>,method=Global::OpenApp,"
	    "object_type=<Unknown>,event_activity_source=user,proxy_session_id=-1,session_id=s1,user_full=CORP\\anna,"
	    "user_directory=CORP,user_id=anna,app_id=a1,app_name=<unknown\\ app\\ name>,object_id=<Unknown>,"
	    "qs_log_category=<x>,qs_env=dev app_id=\"a1\",process_time=1843.215,work_time=1790.502,handle=-1i,"
	    "net_ram=52428800i,peak_ram=104857600i,raw_event=\"{", strlen(v1) > 400 ? 400 : strlen(v1)) == 0,
	    "v1 qix-perf: log_row -1, <Unknown> for empty tags, -1 for empty session ids, times only when sent");
	ok(strstr(v1, "\\\"category\\\":[{\\\"name\\\":\\\"qs_log_category\\\",\\\"value\\\":\\\"<x>\\\"}],\\\"tags\\\":{\\\"qs_env\\\":\\\"dev\\\"}}\"\n") != NULL,
	    "raw_event ends with category and the static tags (not the category tag)");
	const char *v2 = map1(2, QIX, NULL);
	ok(strstr(v2, "log_row=201,") != NULL && strstr(v2, "handle=\"-1\"") != NULL && !strstr(v2, "proxy_session_id="),
	    "v2 qix-perf: the row number, handle as a string, no empty proxy session id");
	const char *v3 = map1(3, QIX, NULL);
	ok(strstr(v3, "subsystem=Unknown,method=Global::OpenApp,object_type=Unknown,") != NULL &&
	    strstr(v3, "app_name=unknown\\ app\\ name,object_id=Unknown,qs_log_category=x,") != NULL &&
	    strstr(v3, "user_full=CORP\\anna,") != NULL && strstr(v3, " app_id_field=\"a1\"") != NULL,
	    "v3 qix-perf: cleaned tags but user_full, app_id_field");
}

static void test_log_events(void)
{
	const char *rec = "{\"kind\":\"log_event\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{\"qs_env\":\"dev\"},"
	    "\"source\":\"qseow-scheduler\",\"log_row\":14,\"ts_iso\":\"\",\"ts_local\":\"\",\"level\":\"ERROR\",\"host\":\"q1\","
	    "\"subsystem\":\"\",\"windows_user\":\"\",\"message\":\"m\\u00e9\\t\",\"exception_message\":\"\",\"user_directory\":\"\","
	    "\"user_id\":\"\",\"user_full\":\"\",\"task_name\":\"T\",\"app_name\":\"A\",\"task_id\":\"<t>\",\"app_id\":\"a\","
	    "\"execution_id\":\"e\"}";

	is_str(map1(1, rec, NULL),
	    "log_event,host=q1,level=ERROR,source=qseow-scheduler,log_row=14,task_id=<t>,task_name=T,qs_env=dev "
	    "message=\"mé\t\",exception_message=\"\",app_name=\"A\",app_id=\"a\",execution_id=\"e\",raw_event=\"{\\\"source\\\":"
	    "\\\"qseow-scheduler\\\",\\\"log_row\\\":14,\\\"ts_iso\\\":\\\"\\\",\\\"ts_local\\\":\\\"\\\",\\\"level\\\":\\\"ERROR\\\","
	    "\\\"host\\\":\\\"q1\\\",\\\"subsystem\\\":\\\"\\\",\\\"windows_user\\\":\\\"\\\",\\\"message\\\":\\\"mé\\\\t\\\","
	    "\\\"exception_message\\\":\\\"\\\",\\\"user_directory\\\":\\\"\\\",\\\"user_id\\\":\\\"\\\",\\\"user_full\\\":\\\"\\\","
	    "\\\"task_name\\\":\\\"T\\\",\\\"app_name\\\":\\\"A\\\",\\\"task_id\\\":\\\"<t>\\\",\\\"app_id\\\":\\\"a\\\","
	    "\\\"execution_id\\\":\\\"e\\\",\\\"tags\\\":{\\\"qs_env\\\":\\\"dev\\\"}}\"\n",
	    "v1 scheduler: empty subsystem kept, conditional tags, raw_event re-escaped as JSON.stringify does");
	const char *v3 = map1(3, rec, NULL);
	ok(strstr(v3, "subsystem=n/a,task_id=t,") != NULL && strstr(v3, "app_name_field=\"A\",app_id_field=\"a\"") != NULL &&
	    strstr(v3, "message=\"mé\t\",") != NULL, "v3 scheduler: n/a subsystem, cleaned task_id, _field names");

	const char *engine = "{\"kind\":\"log_event\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{},\"source\":\"qseow-engine\","
	    "\"log_row\":1,\"level\":\"WARN\",\"host\":\"q1\",\"subsystem\":\"S\",\"message\":\"m\",\"session_id\":\"\","
	    "\"windows_user\":\"CORP\\\\svc\",\"app_id\":\"\"}";
	ok(strstr(map1(1, engine, NULL), " message=\"m\",session_id=\"\",raw_event=") != NULL, "v1 engine: message, session_id");
	ok(strstr(map1(2, engine, NULL), " message=\"m\",exception_message=\"\",command=\"\",result_code_field=\"\",origin=\"\","
	    "context=\"\",session_id=\"\",raw_event=") != NULL, "v2 engine: the proxy's fields, empty");
	ok(strstr(map1(2, engine, NULL), "windows_user=CORP\\svc") != NULL, "windows_user for engine events");
}

static void test_user_events(void)
{
	const char *rec = "{\"kind\":\"user_event\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{\"qs_env\":\"<d>\"},"
	    "\"messageType\":\"qseow-proxy-connection\",\"host\":\"q1\",\"command\":\"Open connection\",\"userDir\":\"CORP\","
	    "\"userId\":\"anna\",\"userFull\":\"CORP\\\\anna\",\"origin\":\"AppAccess\",\"context\":\"/\",\"message\":\"m\","
	    "\"appId\":\"a1\",\"appName\":\"<unknown app name>\",\"uaBrowserName\":\"Firefox\",\"uaBrowserMajorVersion\":\"123\"}";
	enum map_result r;

	is_str(map1(1, rec, NULL),
	    "user_events,host=q1,event_action=Open\\ connection,userFull=CORP\\anna,userDirectory=CORP,userId=anna,"
	    "origin=AppAccess,appId=a1,appName=<unknown\\ app\\ name>,uaBrowserName=Firefox,uaBrowserMajorVersion=123,"
	    "qs_env=<d> userFull=\"CORP\\\\anna\",userId=\"anna\",appId=\"a1\",appName=\"<unknown app name>\"\n", "v1 user event");
	ok(strstr(map1(2, rec, NULL), "appId_field=\"a1\",appName_field=\"<unknown app name>\"\n") != NULL, "v2: _field for the app");
	const char *v3 = map1(3, rec, NULL);
	ok(strstr(v3, "appName=unknown\\ app\\ name,") != NULL && strstr(v3, "qs_env=d ") != NULL &&
	    strstr(v3, " userFull_field=\"CORP\\\\anna\",userId_field=\"anna\",appId_field") != NULL,
	    "v3: cleaned tags, _field for user and app");
	map1(1, "{\"kind\":\"user_event\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{},\"host\":\"q1\",\"command\":\"x\","
	    "\"userDir\":\"CORP\",\"userId\":\"anna\",\"origin\":\"\"}", &r);
	is_int(r, MAP_INCOMPLETE, "a user event without origin is not stored");
}

static void test_others(void)
{
	enum map_result r;

	is_str(map1(1, "{\"kind\":\"event_count\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{\"qs_env\":\"dev\"},"
	    "\"event_type\":\"user\",\"source\":\"s\",\"host\":\"h\",\"subsystem\":\"AppAccess\",\"counter\":4}", NULL),
	    "event_count,event_type=user,source=s,host=h,subsystem=AppAccess,qs_env=dev counter=4\n", "v1 event_count: float counter");
	is_str(map1(3, "{\"kind\":\"rejected_event_count\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{},"
	    "\"source\":\"qseow-qix-perf\",\"app_id\":\"a\",\"app_name\":\"\",\"method\":\"M\",\"object_type\":\"<Unknown>\","
	    "\"counter\":2,\"process_time\":12.5}", NULL),
	    "rejected_event_count,source=qseow-qix-perf,app_id=a,method=M,object_type=<Unknown>,app_name_set=false "
	    "process_time=12.5,counter=2i\n", "v3 rejected_event_count: app_name_set=false without a name");
	const char *q = map1(2, "{\"kind\":\"queue\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{},\"queue_type\":\"log_events\","
	    "\"queue_size\":3,\"queue_utilization_pct\":1.5,\"messages_dropped_rule\":2}", NULL);
	is_str(q, "log_events_queue,queue_type=log_events queue_size=3i,queue_utilization_pct=1.5,messages_dropped_rule=2i\n",
	    "v2 queue: Butler SOS's fields and senseops's own counters");
	map1(2, "{\"kind\":\"queue\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{},\"queue_type\":\"user_events\"}", &r);
	is_int(r, MAP_OFF, "a queue whose metrics are off is not stored");
	is_str(map1(2, "{\"kind\":\"error\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{\"host\":\"q2\",\"server_name\":\"s2\"},"
	    "\"tool\":\"sense-poll\",\"error_type\":\"HEALTH_API\",\"message\":\"m\",\"server_host\":\"q2:4747\","
	    "\"http_status\":503}", NULL),
	    "butler_sos_errors,error_type=HEALTH_API,server_name=s2,host=q2:4747 error_category=\"unknown\",error_count=1i,"
	    "http_status=503i\n", "v2 error: host with port, category unknown when not given");
	is_str(map1(1, "{\"kind\":\"process\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{\"process\":\"udp-listen\","
	    "\"butler_sos_instance\":\"DEV\"},\"pid\":1,\"name\":\"udp-listen\",\"rss_bytes\":3145728,\"threads\":1}", NULL),
	    "butlersos_memory_usage,butler_sos_instance=DEV,version=udp-listen\\ senseops-0.1.0 heap_used=3,heap_total=3,"
	    "external=0,process_memory=3\n", "process: butlersos_memory_usage per program, MB");
	map1(1, "{\"kind\":\"nope\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{}}", &r);
	is_int(r, MAP_UNKNOWN, "an unknown kind");
	map1(1, "{\"kind\":\"health\",\"ts\":\"2024-13-12T08:42:12.815Z\",\"tags\":{}}", &r);
	is_int(r, MAP_BAD, "a bad ts");
	map1(1, "{\"ts\":\"2024-03-12T08:42:12.815Z\"}", &r);
	is_int(r, MAP_BAD, "no kind");
	map1(1, "{\"kind\":\"health\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{}", &r);
	is_int(r, MAP_BAD, "bad JSON");
	map1(1, "[]", &r);
	is_int(r, MAP_BAD, "not an object");
}

static void test_timestamps(void)
{
	struct map_conf c = conf(1);
	struct mapper *m = mapper_new(&c);
	struct lp_buf a = { 0 }, b = { 0 };
	char why[128];
	const char *rec = "{\"kind\":\"event_count\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{},\"counter\":1}";

	map_record(m, rec, strlen(rec), 1000007, &a, why, sizeof why);
	map_record(m, rec, strlen(rec), 1000007, &b, why, sizeof why);
	ok(a.len == b.len && memcmp(a.p, b.p, a.len) == 0, "the same line gives the same point, timestamp included");
	ok(a.len > 20 && memcmp(a.p + a.len - 21, " 1710232932815000007\n", 21) == 0,
	    "the timestamp: the record's ms, the line's identity below the ms");
	lp_buf_free(&a);
	lp_buf_free(&b);
	mapper_free(m);
}

int main(void)
{
	test_lp();
	test_health();
	test_sessions();
	test_qix();
	test_log_events();
	test_user_events();
	test_others();
	test_timestamps();
	printf("1..%d\n", tap_n);
	return tap_failed != 0;
}
