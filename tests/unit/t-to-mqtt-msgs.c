/*
 * t-to-mqtt-msgs: one record to Butler SOS's MQTT messages (output-model.md,
 * section 12): health topics and payloads, session lists pretty-printed,
 * log and user events to their topics, other kinds through the topic
 * template, and bad input refused without a crash.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bin/to-mqtt/msgs.h"
#include "tap.h"

/* --- the records and what Butler SOS makes of them (fixtures/expected/mqtt-messages.json) --- */

static const char *HEALTH =
	"{\"kind\":\"health\",\"ts\":\"2026-11-30T20:08:47.394Z\",\"tags\":{\"host\":\"qliksense1.corp.example.com\","
	"\"server_name\":\"sense1\",\"server_description\":\"Central node\",\"server_group\":\"PROD\","
	"\"serverLocation\":\"Europe\"},\"server_host\":\"qliksense1.corp.example.com:4747\","
	"\"version\":\"12.1477.2\",\"started\":\"20240312T061524.000+0100\",\"uptime\":\"993 days,"
	" 14h 53m 23s\",\"mem\":{\"committed\":3342.33984375,\"allocated\":3812.45703125,"
	"\"free\":9124.6953125},\"cpu\":{\"total\":3},\"session\":{\"active\":2,\"total\":5},"
	"\"users\":{\"active\":1,\"total\":3},\"cache\":{\"hits\":1843,\"lookups\":2310,"
	"\"added\":467,\"replaced\":12,\"bytes_added\":18734592},\"apps\":{\"calls\":18237,"
	"\"selections\":412,\"active_docs\":[\"e7af59a0-c243-480d-9571-08727551a66f\"],"
	"\"active_docs_names\":[\"Sales forecast\"],\"active_session_docs_names\":[],"
	"\"loaded_docs\":[\"e7af59a0-c243-480d-9571-08727551a66f\",\"6931136d-c234-4358-a40c-e37153aba7c9\","
	"\"SessionApp_2bb0e4f8-6c1a-4d7e-9f3b-8a5c2d1e0f4b\"],\"loaded_docs_names\":[\"Sales basket analysis\","
	"\"Sales forecast\"],\"loaded_session_docs_names\":[\"SessionApp_2bb0e4f8-6c1a-4d7e-9f3b-8a5c2d1e0f4b\"],"
	"\"in_memory_docs\":[\"e7af59a0-c243-480d-9571-08727551a66f\",\"d7cf16f9-6a95-462a-9ff1-a6d413326de4\","
	"\"6931136d-c234-4358-a40c-e37153aba7c9\",\"SessionApp_2bb0e4f8-6c1a-4d7e-9f3b-8a5c2d1e0f4b\"],"
	"\"in_memory_docs_names\":[\"Budget 2025\",\"Sales basket analysis\",\"Sales forecast\"],"
	"\"in_memory_session_docs_names\":[\"SessionApp_2bb0e4f8-6c1a-4d7e-9f3b-8a5c2d1e0f4b\"]},"
	"\"saturated\":false}";

/* mqtt-messages.json: the health record's messages, in order */
static const char *const HEALTH_MSGS[][2] = {
	{ "/version", "12.1477.2" },
	{ "/started", "20240312T061524.000+0100" },
	{ "/mem/comitted", "3342.33984375" },
	{ "/mem/allocated", "3812.45703125" },
	{ "/mem/free", "9124.6953125" },
	{ "/cpu/total", "3" },
	{ "/session/active", "2" },
	{ "/session/total", "5" },
	{ "/apps/active_docs", "e7af59a0-c243-480d-9571-08727551a66f" },
	{ "/apps/loaded_docs",
	    "e7af59a0-c243-480d-9571-08727551a66f,6931136d-c234-4358-a40c-e37153aba7c9,SessionApp_2bb0e4f8-6c1a-4d7e-9f3b-8a5"
	    "c2d1e0f4b" },
	{ "/apps/in_memory_docs",
	    "e7af59a0-c243-480d-9571-08727551a66f,d7cf16f9-6a95-462a-9ff1-a6d413326de4,6931136d-c234-4358-a40c-e37153aba7c9,"
	    "SessionApp_2bb0e4f8-6c1a-4d7e-9f3b-8a5c2d1e0f4b" },
	{ "/apps/calls", "18237" },
	{ "/apps/selections", "412" },
	{ "/users/active", "1" },
	{ "/users/total", "3" },
	{ "/cache/hits", "1843" },
	{ "/cache/lookups", "2310" },
	{ "/cache/added", "467" },
	{ "/cache/replaced", "12" },
	{ "/cache/bytes_added", "18734592" },
	{ "/saturated", "false" },
	{ "/cache/hit_ratio", "79" },
};

static const char *SESSIONS_ROOT =
	"{\"kind\":\"sessions\",\"ts\":\"2026-11-30T20:08:47.394Z\",\"tags\":{\"host\":\"qliksense1.corp.example.com\","
	"\"server_name\":\"sense1\",\"server_description\":\"Central node\",\"server_group\":\"PROD\","
	"\"serverLocation\":\"Europe\",\"user_session_virtual_proxy\":\"/\",\"user_session_host\":\"qliksense1.corp.examp"
	"le.com:4243\"},\"server_host\":\"qliksense1.corp.example.com:4747\",\"virtual_proxy\":\"/\","
	"\"session_count\":4,\"users\":[\"CORP\\\\anna\",\"CORP\\\\erik\",\"CORP\\\\svc_monitor\"],"
	"\"details\":[{\"session_id\":\"8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11\",\"user_directory\":\"CORP\","
	"\"user_id\":\"anna\"},{\"session_id\":\"3c9a7b12-55e0-4d2b-a0f4-9e8d7c6b5a41\","
	"\"user_directory\":\"CORP\",\"user_id\":\"erik\"},{\"session_id\":\"2e4f6a8b-0c1d-4e3f-a5b7-c9d1e3f5a7b9\","
	"\"user_directory\":\"CORP\",\"user_id\":\"anna\"}],\"unique_user_count\":3,\"session_user_id_list\":\"CORP\\\\an"
	"na,CORP\\\\erik,CORP\\\\svc_monitor\",\"body\":[{\"UserDirectory\":\"CORP\","
	"\"UserId\":\"anna\",\"Attributes\":[{\"email\":\"anna@corp.example.com\"},{\"group\":\"Sales\"},"
	"{\"group\":\"Qlik Users\"}],\"SessionId\":\"8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11\"},"
	"{\"UserDirectory\":\"CORP\",\"UserId\":\"erik\",\"Attributes\":[{\"email\":\"erik@corp.example.com\"},"
	"{\"group\":\"Finance\"}],\"SessionId\":\"3c9a7b12-55e0-4d2b-a0f4-9e8d7c6b5a41\"},"
	"{\"UserDirectory\":\"CORP\",\"UserId\":\"anna\",\"Attributes\":[{\"email\":\"anna@corp.example.com\"},"
	"{\"group\":\"Sales\"},{\"group\":\"Qlik Users\"}],\"SessionId\":\"2e4f6a8b-0c1d-4e3f-a5b7-c9d1e3f5a7b9\"},"
	"{\"UserDirectory\":\"CORP\",\"UserId\":\"svc_monitor\",\"Attributes\":[],\"SessionId\":\"7b1e2d3c-4a5b-4c6d-9e8f"
	"-0a1b2c3d4e5f\"}]}";

static const char *SESSIONS_ROOT_PAYLOAD =
	"[\n  {\n    \"UserDirectory\": \"CORP\",\n    \"UserId\": \"anna\",\n    \"Attributes\": [\n      {\n        \"e"
	"mail\": \"anna@corp.example.com\"\n      },\n      {\n        \"group\": \"Sales\"\n      },"
	"\n      {\n        \"group\": \"Qlik Users\"\n      }\n    ],\n    \"SessionId\": \"8a3b8d5e-1f2c-4f6e-9b7a-2c1d"
	"0e9f4a11\"\n  },\n  {\n    \"UserDirectory\": \"CORP\",\n    \"UserId\": \"erik\","
	"\n    \"Attributes\": [\n      {\n        \"email\": \"erik@corp.example.com\"\n      },"
	"\n      {\n        \"group\": \"Finance\"\n      }\n    ],\n    \"SessionId\": \"3c9a7b12-55e0-4d2b-a0f4-9e8d7c6"
	"b5a41\"\n  },\n  {\n    \"UserDirectory\": \"CORP\",\n    \"UserId\": \"anna\","
	"\n    \"Attributes\": [\n      {\n        \"email\": \"anna@corp.example.com\"\n      },"
	"\n      {\n        \"group\": \"Sales\"\n      },\n      {\n        \"group\": \"Qlik Users\"\n      }\n    ],"
	"\n    \"SessionId\": \"2e4f6a8b-0c1d-4e3f-a5b7-c9d1e3f5a7b9\"\n  },\n  {\n    \"UserDirectory\": \"CORP\","
	"\n    \"UserId\": \"svc_monitor\",\n    \"Attributes\": [],\n    \"SessionId\": \"7b1e2d3c-4a5b-4c6d-9e8f-0a1b2c"
	"3d4e5f\"\n  }\n]";

static const char *SESSIONS_HDR =
	"{\"kind\":\"sessions\",\"ts\":\"2026-11-30T20:08:47.394Z\",\"tags\":{\"host\":\"qliksense1.corp.example.com\","
	"\"server_name\":\"sense1\",\"server_description\":\"Central node\",\"server_group\":\"PROD\","
	"\"serverLocation\":\"Europe\",\"user_session_virtual_proxy\":\"/hdr\",\"user_session_host\":\"qliksense1.corp.ex"
	"ample.com:4243\"},\"server_host\":\"qliksense1.corp.example.com:4747\",\"virtual_proxy\":\"/hdr\","
	"\"session_count\":1,\"users\":[\"CORP\\\\erik\"],\"details\":[{\"session_id\":\"3c9a7b12-55e0-4d2b-a0f4-9e8d7c6b"
	"5a41\",\"user_directory\":\"CORP\",\"user_id\":\"erik\"}],\"unique_user_count\":1,"
	"\"session_user_id_list\":\"CORP\\\\erik\",\"body\":[{\"Attributes\":[{\"email\":\"erik@corp.example.com\"},"
	"{\"group\":\"Finance\"}],\"SessionId\":\"3c9a7b12-55e0-4d2b-a0f4-9e8d7c6b5a41\","
	"\"UserDirectory\":\"CORP\",\"UserId\":\"erik\"}]}";

/* the same list in the order sense-sim answers it: kept as it came (the golden file has the proxy's order) */
static const char *SESSIONS_HDR_PAYLOAD =
	"[\n  {\n    \"Attributes\": [\n      {\n        \"email\": \"erik@corp.example.com\"\n      },"
	"\n      {\n        \"group\": \"Finance\"\n      }\n    ],\n    \"SessionId\": \"3c9a7b12-55e0-4d2b-a0f4-9e8d7c6"
	"b5a41\",\n    \"UserDirectory\": \"CORP\",\n    \"UserId\": \"erik\"\n  }\n]";

static const char *LOG_ENGINE =
	"{\"kind\":\"log_event\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{\"qs_log_category\":\"unknown\","
	"\"qs_env\":\"dev\"},\"source\":\"qseow-engine\",\"log_row\":1452,\"ts_iso\":\"\","
	"\"ts_local\":\"\",\"level\":\"WARN\",\"host\":\"qliksense1.corp.example.com\","
	"\"subsystem\":\"System.Engine.Engine\",\"windows_user\":\"CORP\\\\qlik_svc\","
	"\"message\":\"Document e7af59a0-c243-480d-9571-08727551a66f could not be saved: Access denied\","
	"\"proxy_session_id\":\"8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11\",\"user_directory\":\"CORP\","
	"\"user_id\":\"anna\",\"engine_ts\":\"20240312T094212.815+0100\",\"process_id\":\"2d6f1c8a-9b3e-4f7d-8a21-5c4e3b2"
	"a1f90\",\"engine_exe_version\":\"12.1477.2\",\"server_started\":\"20240312T061524.000+0100\","
	"\"entry_type\":\"Warning\",\"session_id\":\"5f0c2d1e-7a8b-4c9d-8e0f-1a2b3c4d5e6f\","
	"\"app_id\":\"e7af59a0-c243-480d-9571-08727551a66f\",\"user_full\":\"CORP\\\\anna\","
	"\"category\":[{\"name\":\"qs_log_category\",\"value\":\"unknown\"}]}";

static const char *LOG_ENGINE_PAYLOAD =
	"{\"source\":\"qseow-engine\",\"log_row\":1452,\"ts_iso\":\"\",\"ts_local\":\"\","
	"\"level\":\"WARN\",\"host\":\"qliksense1.corp.example.com\",\"subsystem\":\"System.Engine.Engine\","
	"\"windows_user\":\"CORP\\\\qlik_svc\",\"message\":\"Document e7af59a0-c243-480d-9571-08727551a66f could not be s"
	"aved: Access denied\",\"proxy_session_id\":\"8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11\","
	"\"user_directory\":\"CORP\",\"user_id\":\"anna\",\"engine_ts\":\"20240312T094212.815+0100\","
	"\"process_id\":\"2d6f1c8a-9b3e-4f7d-8a21-5c4e3b2a1f90\",\"engine_exe_version\":\"12.1477.2\","
	"\"server_started\":\"20240312T061524.000+0100\",\"entry_type\":\"Warning\",\"session_id\":\"5f0c2d1e-7a8b-4c9d-8"
	"e0f-1a2b3c4d5e6f\",\"app_id\":\"e7af59a0-c243-480d-9571-08727551a66f\",\"user_full\":\"CORP\\\\anna\","
	"\"category\":[{\"name\":\"qs_log_category\",\"value\":\"unknown\"}],\"tags\":{\"qs_env\":\"dev\"}}";

static const char *LOG_RELOAD =
	"{\"kind\":\"log_event\",\"ts\":\"2024-03-12T18:37:44.331Z\",\"tags\":{\"qs_log_category\":\"reload-failed\","
	"\"qs_env\":\"dev\"},\"source\":\"qseow-scheduler\",\"log_row\":14,\"ts_iso\":\"\","
	"\"ts_local\":\"\",\"level\":\"ERROR\",\"host\":\"qliksense1.corp.example.com\","
	"\"subsystem\":\"System.Scheduler.Scheduler.Slave.Tasks.ReloadTask\",\"windows_user\":\"CORP\\\\qlik_svc\","
	"\"message\":\"Message from ReloadProvider: Reload failed in Engine. Check engine or script logs.\","
	"\"exception_message\":\"\",\"user_directory\":\"CORP\",\"user_id\":\"anna\","
	"\"user_full\":\"CORP\\\\anna\",\"task_name\":\"Manually triggered reload of Sales forecast\","
	"\"app_name\":\"Sales forecast\",\"task_id\":\"dec2a02a-1680-44ef-8dc2-e2bfb180af87\","
	"\"app_id\":\"e7af59a0-c243-480d-9571-08727551a66f\",\"execution_id\":\"4831c6a5-34f6-45bb-9d40-73a6e6992670\","
	"\"category\":[{\"name\":\"qs_log_category\",\"value\":\"reload-failed\"}]}";

static const char *LOG_RELOAD_PAYLOAD =
	"{\"source\":\"qseow-scheduler\",\"log_row\":14,\"ts_iso\":\"\",\"ts_local\":\"\","
	"\"level\":\"ERROR\",\"host\":\"qliksense1.corp.example.com\",\"subsystem\":\"System.Scheduler.Scheduler.Slave.Ta"
	"sks.ReloadTask\",\"windows_user\":\"CORP\\\\qlik_svc\",\"message\":\"Message from ReloadProvider: Reload failed "
	"in Engine. Check engine or script logs.\",\"exception_message\":\"\",\"user_directory\":\"CORP\","
	"\"user_id\":\"anna\",\"user_full\":\"CORP\\\\anna\",\"task_name\":\"Manually triggered reload of Sales forecast"
	"\",\"app_name\":\"Sales forecast\",\"task_id\":\"dec2a02a-1680-44ef-8dc2-e2bfb180af87\","
	"\"app_id\":\"e7af59a0-c243-480d-9571-08727551a66f\",\"execution_id\":\"4831c6a5-34f6-45bb-9d40-73a6e6992670\","
	"\"category\":[{\"name\":\"qs_log_category\",\"value\":\"reload-failed\"}],\"tags\":{\"qs_env\":\"dev\"}}";

static const char *QIX_PERF =
	"{\"kind\":\"qix_perf\",\"ts\":\"2024-03-12T08:43:01.512Z\",\"tags\":{\"qs_log_category\":\"unknown\","
	"\"qs_env\":\"dev\"},\"source\":\"qseow-qix-perf\",\"log_row\":201,\"ts_iso\":\"20240312T094301.512+0100\","
	"\"ts_local\":\"2024-03-12 09:43:01,512\",\"level\":\"INFO\",\"host\":\"qliksense1.corp.example.com\","
	"\"subsystem\":\"QixPerformance.Engine.Engine\",\"windows_user\":\"CORP\\\\qlik_svc\","
	"\"proxy_session_id\":\"8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11\",\"user_directory\":\"CORP\","
	"\"user_id\":\"anna\",\"engine_ts\":\"20240312T094301.512+0100\",\"session_id\":\"5f0c2d1e-7a8b-4c9d-8e0f-1a2b3c4"
	"d5e6f\",\"app_id\":\"e7af59a0-c243-480d-9571-08727551a66f\",\"app_name\":\"Sales forecast\","
	"\"request_id\":57,\"method\":\"Global::OpenApp\",\"process_time\":1843.215,\"work_time\":1790.502,"
	"\"lock_time\":0.812,\"validate_time\":0,\"traverse_time\":0,\"handle\":-1,\"object_id\":\"<Unknown>\","
	"\"net_ram\":52428800,\"peak_ram\":104857600,\"object_type\":\"<Unknown>\",\"event_activity_source\":\"user\","
	"\"user_full\":\"CORP\\\\anna\",\"category\":[{\"name\":\"qs_log_category\",\"value\":\"unknown\"}]}";

static const char *QIX_PERF_PAYLOAD =
	"{\"source\":\"qseow-qix-perf\",\"log_row\":201,\"ts_iso\":\"20240312T094301.512+0100\","
	"\"ts_local\":\"2024-03-12 09:43:01,512\",\"level\":\"INFO\",\"host\":\"qliksense1.corp.example.com\","
	"\"subsystem\":\"QixPerformance.Engine.Engine\",\"windows_user\":\"CORP\\\\qlik_svc\","
	"\"proxy_session_id\":\"8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11\",\"user_directory\":\"CORP\","
	"\"user_id\":\"anna\",\"engine_ts\":\"20240312T094301.512+0100\",\"session_id\":\"5f0c2d1e-7a8b-4c9d-8e0f-1a2b3c4"
	"d5e6f\",\"app_id\":\"e7af59a0-c243-480d-9571-08727551a66f\",\"app_name\":\"Sales forecast\","
	"\"request_id\":57,\"method\":\"Global::OpenApp\",\"process_time\":1843.215,\"work_time\":1790.502,"
	"\"lock_time\":0.812,\"validate_time\":0,\"traverse_time\":0,\"handle\":-1,\"object_id\":\"<Unknown>\","
	"\"net_ram\":52428800,\"peak_ram\":104857600,\"object_type\":\"<Unknown>\",\"event_activity_source\":\"user\","
	"\"user_full\":\"CORP\\\\anna\",\"category\":[{\"name\":\"qs_log_category\",\"value\":\"unknown\"}],"
	"\"tags\":{\"qs_env\":\"dev\"}}";

static const char *USER_START =
	"{\"kind\":\"user_event\",\"ts\":\"2026-11-30T20:08:47.337Z\",\"tags\":{\"qs_env\":\"dev\"},"
	"\"messageType\":\"qseow-proxy-session\",\"host\":\"qliksense1.corp.example.com\","
	"\"command\":\"Start session\",\"userDir\":\"CORP\",\"userId\":\"anna\",\"userFull\":\"CORP\\\\anna\","
	"\"origin\":\"AppAccess\",\"context\":\"/app/e7af59a0-c243-480d-9571-08727551a66f?reloaduri=https%3a%2f%2fqliksen"
	"se.corp.example.com%2fsense%2fapp%2fe7af59a0-c243-480d-9571-08727551a66f\",\"message\":\"Start session for user "
	"'CORP\\\\anna'\",\"appId\":\"e7af59a0-c243-480d-9571-08727551a66f\",\"appName\":\"Sales forecast\"}";

static const char *USER_START_PAYLOAD =
	"{\"messageType\":\"qseow-proxy-session\",\"host\":\"qliksense1.corp.example.com\","
	"\"command\":\"Start session\",\"userDir\":\"CORP\",\"userId\":\"anna\",\"origin\":\"AppAccess\","
	"\"context\":\"/app/e7af59a0-c243-480d-9571-08727551a66f?reloaduri=https%3a%2f%2fqliksense.corp.example.com%2fsen"
	"se%2fapp%2fe7af59a0-c243-480d-9571-08727551a66f\",\"message\":\"Start session for user 'CORP\\\\anna'\","
	"\"tags\":{\"qs_env\":\"dev\"},\"appId\":\"e7af59a0-c243-480d-9571-08727551a66f\","
	"\"appName\":\"Sales forecast\"}";

static const char *USER_OPEN =
	"{\"kind\":\"user_event\",\"ts\":\"2026-11-30T20:08:47.337Z\",\"tags\":{\"qs_env\":\"dev\"},"
	"\"messageType\":\"qseow-proxy-connection\",\"host\":\"qliksense1.corp.example.com\","
	"\"command\":\"Open connection\",\"userDir\":\"CORP\",\"userId\":\"anna\",\"userFull\":\"CORP\\\\anna\","
	"\"origin\":\"AppAccess\",\"context\":\"/app/e7af59a0-c243-480d-9571-08727551a66f\","
	"\"message\":\"Websocket connection Opened for session '8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11'. UserAgent: 'Mozill"
	"a/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/12"
	"2.0.2365.80'\",\"appId\":\"e7af59a0-c243-480d-9571-08727551a66f\",\"appName\":\"Sales forecast\","
	"\"uaBrowserName\":\"Microsoft Edge\",\"uaBrowserMajorVersion\":\"122\",\"uaOsName\":\"Windows\","
	"\"uaOsVersion\":\"NT 10.0\"}";

static const char *USER_OPEN_PAYLOAD =
	"{\"messageType\":\"qseow-proxy-connection\",\"host\":\"qliksense1.corp.example.com\","
	"\"command\":\"Open connection\",\"userDir\":\"CORP\",\"userId\":\"anna\",\"origin\":\"AppAccess\","
	"\"context\":\"/app/e7af59a0-c243-480d-9571-08727551a66f\",\"message\":\"Websocket connection Opened for session "
	"'8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11'. UserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
	" (KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.80'\",\"tags\":{\"qs_env\":\"dev\"},"
	"\"appId\":\"e7af59a0-c243-480d-9571-08727551a66f\",\"appName\":\"Sales forecast\","
	"\"uaBrowserName\":\"Microsoft Edge\",\"uaBrowserMajorVersion\":\"122\",\"uaOsName\":\"Windows\","
	"\"uaOsVersion\":\"NT 10.0\"}";

static const char *EVENT_COUNT =
	"{\"kind\":\"event_count\",\"ts\":\"2026-11-30T20:08:47.337Z\",\"tags\":{\"qs_env\":\"dev\"},"
	"\"event_type\":\"log\",\"source\":\"qseow-engine\",\"host\":\"qliksense1.corp.example.com\","
	"\"subsystem\":\"System.Engine.Engine\",\"counter\":2}";

static const char *QUEUE =
	"{\"kind\":\"queue\",\"ts\":\"2026-11-30T20:08:47.337Z\",\"tags\":{\"qs_env\":\"dev\"},"
	"\"queue_type\":\"log_events\",\"queue_size\":27,\"queue_max_size\":400,\"queue_utilization_pct\":6.75,"
	"\"queue_peak_size\":27,\"queue_running\":0,\"messages_received\":28,\"messages_queued\":23,"
	"\"messages_processed\":28,\"messages_failed\":0,\"messages_dropped_total\":0,"
	"\"messages_dropped_rate_limit\":0,\"messages_dropped_queue_full\":0,\"messages_dropped_size\":0,"
	"\"messages_dropped_source\":0,\"messages_dropped_socket\":0,\"messages_empty\":0,"
	"\"messages_unknown_type\":1,\"messages_source_disabled\":0,\"messages_qix_monitor_off\":0,"
	"\"messages_qix_rejected\":3,\"messages_dropped_rule\":1,\"messages_excluded_user\":0,"
	"\"processing_time_avg_ms\":0.008387892857142858,\"processing_time_p95_ms\":0.043136,"
	"\"processing_time_max_ms\":0.062199,\"rate_limit_current\":0,\"backpressure_active\":0,"
	"\"receive_buffer_bytes\":16777216}";

/* --- helpers ------------------------------------------------------------------------------ */

static struct msgs *B;
static char why[256];

/* to-mqtt's defaults (conf.c), everything on */
static struct msgs_conf conf(void)
{
	return (struct msgs_conf){
		.base = "butler-sos/", .log_events = true, .log_base = "qliksense/logevent",
		.log_to_base = true, .log_to_subsystems = true, .user_events = true,
		.everything = { true, "qliksense/userevent" },
		.start = { true, "qliksense/userevent/session/start" },
		.stop = { true, "qliksense/userevent/session/stop" },
		.open = { true, "qliksense/userevent/connection/open" },
		.close = { true, "qliksense/userevent/connection/close" },
		.other = "senseops/{kind}/{host}",
	};
}

/* Builds the messages of rec (n bytes) with c; they stay in B until the next call. */
static enum msgs_result runn(const struct msgs_conf *c, const char *rec, size_t n)
{
	msgs_free(B);
	if (!(B = msgs_new(c))) {
		printf("Bail out! out of memory\n");
		exit(1);
	}
	return msgs_build(B, rec, n, why, sizeof why);
}

static enum msgs_result run(const struct msgs_conf *c, const char *rec)
{
	return runn(c, rec, strlen(rec));
}

static size_t count(void)
{
	return msgs_count(B);
}

static const char *topic(size_t i)
{
	const struct msg *m = msgs_get(B, i);

	return m ? m->topic : NULL;
}

static char *pl;		/* payload()'s copy */
static size_t plcap;

/* message i's payload, NUL-terminated (NULL when there is no message i) */
static const char *payload(size_t i)
{
	const struct msg *m = msgs_get(B, i);

	if (!m)
		return NULL;
	if (!pl || m->len + 1 > plcap) {
		size_t want = m->len + 1 > 4096 ? m->len + 1 : 4096;
		char *q = realloc(pl, want);
		if (!q) {
			printf("Bail out! out of memory\n");
			exit(1);
		}
		pl = q;
		plcap = want;
	}
	memcpy(pl, m->payload, m->len);
	pl[m->len] = '\0';
	return pl;
}

/* every topic, one a line */
static const char *topics(void)
{
	static char out[1 << 14];
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < count(); i++) {
		int k = snprintf(out + o, sizeof out - o, "%s\n", topic(i));
		if (k < 0 || (size_t)k >= sizeof out - o)
			break;
		o += (size_t)k;
	}
	return out;
}

/* ok(strstr(hay, needle)) that shows the haystack when it fails */
static void has(const char *hay, const char *needle, const char *desc)
{
	if (!ok(hay && strstr(hay, needle) != NULL, "%s", desc))
		printf("#   in:   %s\n#   want: %s\n", hay ? hay : "(null)", needle);
}

static void hasnt(const char *hay, const char *needle, const char *desc)
{
	if (!ok(hay && strstr(hay, needle) == NULL, "%s", desc))
		printf("#   in:   %s\n#   not:  %s\n", hay ? hay : "(null)", needle);
}

/* all the messages are of class cls */
static bool all_of(enum msg_class cls)
{
	for (size_t i = 0; i < count(); i++)
		if (msgs_get(B, i)->cls != cls)
			return false;
	return count() > 0;
}

/* a growing text for the large records */
struct text {
	char	*p;
	size_t	 len, cap;
};

__attribute__((format(printf, 2, 3)))
static void tprintf(struct text *t, const char *fmt, ...)
{
	va_list ap;

	for (;;) {
		va_start(ap, fmt);
		int k = vsnprintf(t->p ? t->p + t->len : NULL, t->p ? t->cap - t->len : 0, fmt, ap);
		va_end(ap);
		if (k < 0) {
			printf("Bail out! vsnprintf\n");
			exit(1);
		}
		if (t->p && (size_t)k < t->cap - t->len) {
			t->len += (size_t)k;
			return;
		}
		size_t cap = t->cap ? t->cap * 2 : 4096;
		while (cap < t->len + (size_t)k + 1)
			cap *= 2;
		char *p = realloc(t->p, cap);
		if (!p) {
			printf("Bail out! out of memory\n");
			exit(1);
		}
		t->p = p;
		t->cap = cap;
	}
}

/* --- health ------------------------------------------------------------------------------- */

static void test_health(void)
{
	struct msgs_conf c = conf();
	char want[256];

	is_int(run(&c, HEALTH), MSGS_OK, "health: built");
	is_str(msgs_kind(B), "health", "health: the kind");
	is_int(count(), 22, "health: 22 messages");
	for (size_t i = 0; i < 22 && i < count(); i++) {
		snprintf(want, sizeof want, "butler-sos/qliksense1.corp.example.com%s", HEALTH_MSGS[i][0]);
		is_str(topic(i), want, "health topic %zu: %s (Butler SOS's order; host without port)", i, HEALTH_MSGS[i][0]);
		is_str(payload(i), HEALTH_MSGS[i][1], "health payload %zu: %s", i, HEALTH_MSGS[i][1]);
	}
	ok(all_of(MC_HEALTH), "health: every message of class health");

	c.base = "sos";
	run(&c, HEALTH);
	is_str(topic(0), "sosqliksense1.corp.example.com/version", "a base topic without a trailing / is used as it is");
	c.base = "";
	run(&c, HEALTH);
	is_str(topic(0), "qliksense1.corp.example.com/version", "an empty base topic: the host first");
	c = conf();

	/* the numbers as JavaScript prints them, lists, the ratio */
	is_int(run(&c, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"server_host\":\"q1:4747\","
	    "\"mem\":{\"committed\":1e3,\"allocated\":3.70,\"free\":-0},\"cpu\":{\"total\":0.1},"
	    "\"session\":{\"active\":1E2,\"total\":12.0},\"cache\":{\"hits\":2,\"lookups\":3},"
	    "\"apps\":{\"active_docs\":[],\"loaded_docs\":[\"a\\\"b\",\"\\u00e9\",\"c\"],\"in_memory_docs\":[\"x\"]},"
	    "\"saturated\":true}"), MSGS_OK, "health: a record of its own");
	is_str(topics(),
	    "butler-sos/q1/mem/comitted\nbutler-sos/q1/mem/allocated\nbutler-sos/q1/mem/free\nbutler-sos/q1/cpu/total\n"
	    "butler-sos/q1/session/active\nbutler-sos/q1/session/total\nbutler-sos/q1/apps/active_docs\n"
	    "butler-sos/q1/apps/loaded_docs\nbutler-sos/q1/apps/in_memory_docs\nbutler-sos/q1/cache/hits\n"
	    "butler-sos/q1/cache/lookups\nbutler-sos/q1/saturated\nbutler-sos/q1/cache/hit_ratio\n",
	    "health: only the topics of the fields there are; the host tag, not server_host");
	is_str(payload(0), "1000", "1e3 as 1000");
	is_str(payload(1), "3.7", "3.70 as 3.7");
	is_str(payload(2), "0", "-0 as 0");
	is_str(payload(3), "0.1", "0.1 as 0.1");
	is_str(payload(4), "100", "1E2 as 100");
	is_str(payload(5), "12", "12.0 as 12");
	is_str(payload(6), "", "an empty id list: an empty payload");
	is_str(payload(7), "a\"b,\xc3\xa9,c", "ids comma-joined, escapes decoded");
	is_str(payload(8), "x", "one id, no comma");
	is_str(payload(11), "true", "saturated true");
	is_str(payload(12), "66", "hit ratio: floor(2 / 3 * 100)");

	run(&c, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"cache\":{\"hits\":5,\"lookups\":0}}");
	is_str(topics(), "butler-sos/q1/cache/hits\nbutler-sos/q1/cache/lookups\n", "no hit ratio without lookups");
	run(&c, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"cache\":{\"hits\":0,\"lookups\":7}}");
	is_str(payload(2), "0", "no hits: ratio 0");
	run(&c, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"cache\":{\"hits\":7,\"lookups\":7}}");
	is_str(payload(2), "100", "every lookup a hit: ratio 100");
	run(&c, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"version\":\"v\\\\1\",\"mem\":{\"free\":\"9\"}}");
	is_str(topics(), "butler-sos/q1/version\n", "a number field that is not a number: no topic");
	is_str(payload(0), "v\\1", "a string payload decoded");

	is_int(run(&c, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"server_name\":\"s\"},\"version\":\"1\"}"), MSGS_BAD,
	    "health without a host tag: bad");
	is_int(count(), 0, "... and no messages");
	has(why, "health", "... and why says which kind");
	is_int(run(&c, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":\"\"},\"version\":\"1\"}"), MSGS_BAD,
	    "health with an empty host tag: bad");
	is_int(run(&c, "{\"kind\":\"health\",\"ts\":\"t\",\"version\":\"1\"}"), MSGS_BAD, "health without tags: bad");
	is_int(run(&c, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":1},\"version\":\"1\"}"), MSGS_BAD,
	    "health with a host that is not a string: bad");
	is_int(run(&c, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"}}"), MSGS_OK, "health without data: ok");
	is_int(count(), 0, "... and no messages");

	/* a host past the topic's room; a long host that still fits */
	struct text t = { 0 };
	tprintf(&t, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":\"");
	for (int i = 0; i < 1100; i++)
		tprintf(&t, "h");
	tprintf(&t, "\"},\"version\":\"1\"}");
	is_int(run(&c, t.p), MSGS_BAD, "a host of 1100 bytes: bad, not cut");
	t.len = 0;
	tprintf(&t, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":\"");
	for (int i = 0; i < 900; i++)
		tprintf(&t, "h");
	const char *rest = strstr(HEALTH, "\"server_host\"");
	tprintf(&t, "\"},%s", rest);
	is_int(run(&c, t.p), MSGS_OK, "a host of 900 bytes: the 22 messages");
	is_int(count(), 22, "... all of them");
	ok(count() == 22 && strlen(topic(21)) == 11 + 900 + 16, "... the last one's topic whole");

	/* a list with thousands of ids */
	t.len = 0;
	tprintf(&t, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"apps\":{\"in_memory_docs\":[");
	for (int i = 0; i < 5000; i++)
		tprintf(&t, "%s\"app-%04d\"", i ? "," : "", i);
	tprintf(&t, "]}}");
	struct text w = { 0 };
	for (int i = 0; i < 5000; i++)
		tprintf(&w, "%sapp-%04d", i ? "," : "", i);
	is_int(run(&c, t.p), MSGS_OK, "5000 ids: built");
	is_str(payload(0), w.p, "5000 ids comma-joined");
	free(t.p);
	free(w.p);

	/* MQTT wildcards in the host never make a wildcard topic */
	run(&c, "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":\"a+b#c\\u0000d\"},\"version\":\"1\"}");
	is_str(topic(0), "butler-sos/a_b_c_d/version", "health: +, # and NUL in the host become _");
}

/* --- sessions ----------------------------------------------------------------------------- */

static void test_sessions(void)
{
	struct msgs_conf c = conf();

	is_int(run(&c, SESSIONS_ROOT), MSGS_OK, "sessions /: built");
	is_int(count(), 1, "sessions /: one message");
	is_str(topic(0), "butler-sos/qliksense1.corp.example.com/usersession/", "sessions /: .../usersession/");
	is_str(payload(0), SESSIONS_ROOT_PAYLOAD, "sessions /: the proxy's list as JSON.stringify(list, null, 2)");
	ok(all_of(MC_SESSIONS), "sessions: class sessions");
	is_int(run(&c, SESSIONS_HDR), MSGS_OK, "sessions /hdr: built");
	is_str(topic(0), "butler-sos/qliksense1.corp.example.com/usersession/hdr", "sessions /hdr: .../usersession/hdr");
	is_str(payload(0), SESSIONS_HDR_PAYLOAD, "sessions /hdr: the list with its keys in the order they came");

	run(&c, "{\"kind\":\"sessions\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"virtual_proxy\":\"/\",\"body\":[]}");
	is_str(payload(0), "[]", "an empty list: []");
	/* expected: node -e 'console.log(JSON.stringify(body, null, 2))' */
	run(&c, "{\"kind\":\"sessions\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"virtual_proxy\":\"/\",\"body\":"
	    "[{\"a\":{\"b\":[1,{}],\"c\":[],\"d\":{}},\"s\":\"back\\\\slash \\\"q\\\" \xc3\xa9 \\u0001 \\u2028 tab\\t\","
	    "\"n\":null,\"t\":true,\"f\":false,\"x\":-1.5}]}");
	is_str(payload(0), "[\n  {\n    \"a\": {\n      \"b\": [\n        1,\n        {}\n      ],\n      \"c\": [],\n"
	    "      \"d\": {}\n    },\n    \"s\": \"back\\\\slash \\\"q\\\" \xc3\xa9 \\u0001 \xe2\x80\xa8 tab\\t\",\n"
	    "    \"n\": null,\n    \"t\": true,\n    \"f\": false,\n    \"x\": -1.5\n  }\n]",
	    "nested objects and arrays, empty ones, escapes, non-ASCII, literals: as JSON.stringify(x, null, 2)");
	run(&c, "{\"kind\":\"sessions\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"virtual_proxy\":\"/\",\"body\":"
	    "[{\"\\u0055ser\":\"\\ud83d\\ude00\"}]}");
	is_str(payload(0), "[\n  {\n    \"User\": \"\xf0\x9f\x98\x80\"\n  }\n]",
	    "escaped keys and surrogate pairs written plainly");

	is_int(run(&c, "{\"kind\":\"sessions\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"body\":[]}"), MSGS_BAD,
	    "sessions without a virtual proxy: bad");
	is_int(run(&c, "{\"kind\":\"sessions\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"virtual_proxy\":\"/\"}"), MSGS_BAD,
	    "sessions without a body: bad");
	is_int(run(&c, "{\"kind\":\"sessions\",\"ts\":\"t\",\"tags\":{},\"virtual_proxy\":\"/\",\"body\":[]}"), MSGS_BAD,
	    "sessions without a host tag: bad");
	is_int(count(), 0, "... and no messages");

	run(&c, "{\"kind\":\"sessions\",\"ts\":\"t\",\"tags\":{\"host\":\"q#1\"},\"virtual_proxy\":\"/a+b\",\"body\":[]}");
	is_str(topic(0), "butler-sos/q_1/usersession/a_b", "sessions: + and # in the host and the proxy become _");

	/* 5000 sessions: thousands of tokens */
	struct text t = { 0 }, w = { 0 };
	tprintf(&t, "{\"kind\":\"sessions\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"virtual_proxy\":\"/\",\"body\":[");
	tprintf(&w, "[");
	for (int i = 0; i < 5000; i++) {
		tprintf(&t, "%s{\"UserDirectory\":\"CORP\",\"UserId\":\"u%04d\",\"Attributes\":[{\"group\":\"g\"}],"
		    "\"SessionId\":\"s%04d\"}", i ? "," : "", i, i);
		tprintf(&w, "%s\n  {\n    \"UserDirectory\": \"CORP\",\n    \"UserId\": \"u%04d\",\n    \"Attributes\": [\n"
		    "      {\n        \"group\": \"g\"\n      }\n    ],\n    \"SessionId\": \"s%04d\"\n  }", i ? "," : "", i, i);
	}
	tprintf(&t, "]}");
	tprintf(&w, "\n]");
	is_int(run(&c, t.p), MSGS_OK, "5000 sessions: built");
	is_int(count(), 1, "5000 sessions: one message");
	ok(payload(0) && strcmp(payload(0), w.p) == 0, "5000 sessions: the whole list pretty-printed");

	/* a body nested deep that pretty-prints to many times its size: refused, not retried for ever */
	t.len = 0;
	tprintf(&t, "{\"kind\":\"sessions\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\"},\"virtual_proxy\":\"/\",\"body\":");
	for (int i = 0; i < 60; i++)
		tprintf(&t, "[");
	for (int i = 0; i < 3000; i++)
		tprintf(&t, "%s0", i ? "," : "");
	for (int i = 0; i < 60; i++)
		tprintf(&t, "]");
	tprintf(&t, "}");
	is_int(run(&c, t.p), MSGS_BAD, "a body 60 deep: bad (too large to publish), not out of memory");
	is_int(count(), 0, "... and no messages");
	has(why, "sessions", "... why names the kind");
	free(t.p);
	free(w.p);
}

/* --- log events ---------------------------------------------------------------------------- */

static void test_log_events(void)
{
	struct msgs_conf c = conf();

	is_int(run(&c, LOG_ENGINE), MSGS_OK, "log event: built");
	is_str(topics(), "qliksense/logevent\nqliksense/logevent/system/engine/engine\n",
	    "log event: the base topic, then the subsystem's parts in lower case");
	is_str(payload(0), LOG_ENGINE_PAYLOAD, "log event: the event without kind, ts and tags, then tags without categories");
	is_str(payload(1), LOG_ENGINE_PAYLOAD, "log event: the same payload on the subsystem topic");
	ok(all_of(MC_LOG), "log event: class logEvents");
	is_int(run(&c, LOG_RELOAD), MSGS_OK, "reload failed: built");
	is_str(topics(), "qliksense/logevent\nqliksense/logevent/system/scheduler/scheduler/slave/tasks/reloadtask\n",
	    "reload failed: the scheduler's topics");
	is_str(payload(0), LOG_RELOAD_PAYLOAD, "reload failed: the payload");
	is_int(run(&c, QIX_PERF), MSGS_OK, "qix_perf: built");
	is_str(topics(), "qliksense/logevent\nqliksense/logevent/qixperformance/engine/engine\n", "qix_perf: log event topics");
	is_str(payload(0), QIX_PERF_PAYLOAD, "qix_perf: the payload, numbers as written");
	is_str(msgs_kind(B), "qix_perf", "qix_perf: the kind");

	c.log_base = "qliksense/logevent/";
	run(&c, LOG_ENGINE);
	is_str(topics(), "qliksense/logevent/\nqliksense/logevent/system/engine/engine\n",
	    "a base topic's trailing / is not doubled");
	c = conf();
	c.log_to_base = false;
	run(&c, LOG_ENGINE);
	is_str(topics(), "qliksense/logevent/system/engine/engine\n", "postTo.baseTopic false: the subsystem topic only");
	c = conf();
	c.log_to_subsystems = false;
	run(&c, LOG_ENGINE);
	is_str(topics(), "qliksense/logevent\n", "postTo.subsystemTopics false: the base topic only");
	c.log_to_base = false;
	is_int(run(&c, LOG_ENGINE), MSGS_OK, "both off: ok");
	is_int(count(), 0, "both off: no messages");
	c = conf();
	c.log_events = false;
	is_int(run(&c, LOG_ENGINE), MSGS_OFF, "log events off: off");
	is_int(count(), 0, "log events off: no messages");
	is_int(run(&c, QIX_PERF), MSGS_OFF, "log events off: qix_perf off too");
	c = conf();

	/* payload: the record's order, the envelope left out, tags minus categories */
	run(&c, "{\"source\":\"s\",\"kind\":\"log_event\",\"a\":1,\"tags\":{\"qs_log_category\":\"x\",\"qs_env\":\"dev\","
	    "\"other\":\"y\"},\"ts\":\"t\",\"subsystem\":\"\",\"category\":[{\"name\":\"qs_log_category\",\"value\":\"x\"}],"
	    "\"b\":[1.50,\"\\u00e9\\n\"]}");
	is_str(payload(0), "{\"source\":\"s\",\"a\":1,\"subsystem\":\"\",\"category\":[{\"name\":\"qs_log_category\","
	    "\"value\":\"x\"}],\"b\":[1.5,\"\xc3\xa9\\n\"],\"tags\":{\"qs_env\":\"dev\",\"other\":\"y\"}}",
	    "log payload: in order without kind, ts and tags; tags after, without category tags");
	is_str(topics(), "qliksense/logevent\n", "an empty subsystem: no subsystem topic");
	run(&c, "{\"kind\":\"log_event\",\"ts\":\"t\",\"tags\":{\"c\":\"v\"},\"source\":\"s\",\"category\":[{\"name\":\"c\","
	    "\"value\":\"v\"}]}");
	is_str(payload(0), "{\"source\":\"s\",\"category\":[{\"name\":\"c\",\"value\":\"v\"}],\"tags\":{}}",
	    "only category tags: tags {}");
	is_str(topics(), "qliksense/logevent\n", "no subsystem: no subsystem topic");
	run(&c, "{\"kind\":\"log_event\",\"ts\":\"t\",\"source\":\"s\"}");
	is_str(payload(0), "{\"source\":\"s\",\"tags\":{}}", "no tags at all: tags {}");
	run(&c, "{\"kind\":\"log_event\",\"ts\":\"t\",\"subsystem\":\"Ab+C.#D.\\u00c9x\\u0000\"}");
	is_str(topic(1), "qliksense/logevent/ab_c/_d/\xc3\x89x_", "subsystem: + # and NUL become _, only ASCII lower-cased");
	run(&c, "{\"kind\":\"log_event\",\"ts\":\"t\",\"subsystem\":\"A..B.\"}");
	is_str(topic(1), "qliksense/logevent/a//b/", "subsystem: empty parts kept as Butler SOS keeps them");
	c.log_to_base = false;
	run(&c, "{\"kind\":\"log_event\",\"ts\":\"t\",\"subsystem\":\"\"}");
	is_int(count(), 0, "only subsystem topics and an empty subsystem: no messages");
}

/* --- user events --------------------------------------------------------------------------- */

static void test_user_events(void)
{
	struct msgs_conf c = conf();

	is_int(run(&c, USER_START), MSGS_OK, "user event: built");
	is_str(topics(), "qliksense/userevent\nqliksense/userevent/session/start\n", "Start session: everything and session/start");
	is_str(payload(0), USER_START_PAYLOAD, "Start session: Butler SOS's payload");
	is_str(payload(1), USER_START_PAYLOAD, "Start session: the same payload on both");
	hasnt(payload(0), "userFull", "userFull is not in the payload");
	ok(all_of(MC_USER), "user event: class userEvents");
	run(&c, USER_OPEN);
	is_str(topics(), "qliksense/userevent\nqliksense/userevent/connection/open\n", "Open connection: connection/open");
	is_str(payload(0), USER_OPEN_PAYLOAD, "Open connection: the user agent's fields after tags");

	static const struct { const char *cmd, *topics; } by[] = {
		{ "Stop session", "qliksense/userevent\nqliksense/userevent/session/stop\n" },
		{ "Close connection", "qliksense/userevent\nqliksense/userevent/connection/close\n" },
		{ "Restart session", "qliksense/userevent\n" },
		{ "start session", "qliksense/userevent\n" },
		{ "", "qliksense/userevent\n" },
	};
	char rec[512];
	for (size_t i = 0; i < sizeof by / sizeof *by; i++) {
		snprintf(rec, sizeof rec, "{\"kind\":\"user_event\",\"ts\":\"t\",\"command\":\"%s\"}", by[i].cmd);
		run(&c, rec);
		is_str(topics(), by[i].topics, "command \"%s\": its topics", by[i].cmd);
	}
	run(&c, "{\"kind\":\"user_event\",\"ts\":\"t\",\"command\":1}");
	is_str(topics(), "qliksense/userevent\n", "a command that is not a string: everything only");

	c.everything.enable = false;
	run(&c, USER_START);
	is_str(topics(), "qliksense/userevent/session/start\n", "everything off: the command's topic only");
	c.start.enable = false;
	is_int(run(&c, USER_START), MSGS_OK, "everything and start off: ok");
	is_int(count(), 0, "everything and start off: no messages");
	c = conf();
	c.open.topic = "";
	run(&c, USER_OPEN);
	is_str(topics(), "qliksense/userevent\n", "an empty topic is not published to");
	c = conf();
	c.user_events = false;
	is_int(run(&c, USER_START), MSGS_OFF, "user events off: off");
	is_int(count(), 0, "user events off: no messages");
	c = conf();

	/* the keys in Butler SOS's order whatever the record's; optional ones only when set */
	run(&c, "{\"uaOsVersion\":\"10\",\"kind\":\"user_event\",\"appName\":null,\"message\":\"m\",\"context\":\"c\","
	    "\"origin\":\"o\",\"userFull\":\"D\\\\u\",\"userId\":\"u\",\"userDir\":\"D\",\"command\":\"Start session\","
	    "\"host\":\"h\",\"messageType\":\"t\",\"ts\":\"t\",\"tags\":{\"qs_env\":\"dev\",\"a\":\"b\"},\"appId\":\"\","
	    "\"uaBrowserName\":\"Firefox\",\"uaBrowserMajorVersion\":\"123\",\"extra\":1}");
	is_str(payload(0), "{\"messageType\":\"t\",\"host\":\"h\",\"command\":\"Start session\",\"userDir\":\"D\","
	    "\"userId\":\"u\",\"origin\":\"o\",\"context\":\"c\",\"message\":\"m\",\"tags\":{\"qs_env\":\"dev\",\"a\":\"b\"},"
	    "\"uaBrowserName\":\"Firefox\",\"uaBrowserMajorVersion\":\"123\",\"uaOsVersion\":\"10\"}",
	    "user payload: fixed key order; empty and null optional keys, userFull and others left out");
	run(&c, "{\"kind\":\"user_event\",\"ts\":\"t\",\"command\":\"Open connection\"}");
	is_str(payload(0), "{\"messageType\":\"\",\"host\":\"\",\"command\":\"Open connection\",\"userDir\":\"\","
	    "\"userId\":\"\",\"origin\":\"\",\"context\":\"\",\"message\":\"\",\"tags\":{}}",
	    "user payload: missing keys as \"\", no tags as {}");
	run(&c, "{\"kind\":\"user_event\",\"ts\":\"t\",\"message\":\"Start session for user 'CORP\\\\anna' \\\"q\\\"\","
	    "\"appName\":\"\\u00c5rsbudget\"}");
	has(payload(0), "\"message\":\"Start session for user 'CORP\\\\anna' \\\"q\\\"\"", "user payload: escapes kept");
	has(payload(0), "\"appName\":\"\xc3\x85rsbudget\"}", "user payload: non-ASCII as UTF-8");
}

/* --- other kinds: the topic template -------------------------------------------------------- */

struct kv {
	const char *name, *value;
};

static const char *tag_cb(void *arg, const char *name, size_t namelen, size_t *vlen)
{
	for (const struct kv *t = arg; t->name; t++)
		if (strlen(t->name) == namelen && memcmp(t->name, name, namelen) == 0) {
			*vlen = strlen(t->value);
			return t->value;
		}
	return NULL;
}

static void test_expand(void)
{
	struct kv tags[] = { { "env", "dev" }, { "path", "a/b+c#d" }, { "empty", "" }, { NULL, NULL } };
	char out[64];

	is_int(msgs_expand("senseops/{kind}/{host}", "event_count", "q1", 2, tag_cb, tags, out, sizeof out), 0, "expand: ok");
	is_str(out, "senseops/event_count/q1", "expand: {kind} and {host}");
	msgs_expand("senseops/{kind}/{host}", "queue", "", 0, tag_cb, tags, out, sizeof out);
	is_str(out, "senseops/queue/unknown", "expand: no host: unknown");
	msgs_expand("x/{host}", "k", "q1:4747", 2, NULL, NULL, out, sizeof out);
	is_str(out, "x/q1", "expand: the host's length counts, not its NUL");
	msgs_expand("{tag:env}/{tag:path}/{tag:empty}/{tag:none}", "k", "", 0, tag_cb, tags, out, sizeof out);
	is_str(out, "dev/a_b_c_d/unknown/unknown", "expand: {tag:NAME}; / + # in a value become _; empty or absent: unknown");
	msgs_expand("{tag:env}", "k", "", 0, NULL, NULL, out, sizeof out);
	is_str(out, "unknown", "expand: no tag function: unknown");
	msgs_expand("{kind}/{host}", "a/b+c#", "h/+#\0x", 6, NULL, NULL, out, sizeof out);
	is_str(out, "a_b_c_/h____x", "expand: / + # NUL in kind and host become _");
	msgs_expand("a/{tag:x/{kind}/{nope}/{host", "k", "h", 1, NULL, NULL, out, sizeof out);
	is_str(out, "a/unknown/{nope}/{host", "expand: unknown and unfinished placeholders as written");
	msgs_expand("a/{tag:x", "k", "h", 1, NULL, NULL, out, sizeof out);
	is_str(out, "a/{tag:x", "expand: {tag: without } as written");
	is_int(msgs_expand("", "k", "h", 1, NULL, NULL, out, sizeof out), -1, "expand: an empty topic: -1");
	is_int(msgs_expand("{kind}", "", "h", 1, NULL, NULL, out, sizeof out), -1, "expand: expands to nothing: -1");
	is_int(msgs_expand("0123456789", "k", "h", 1, NULL, NULL, out, 10), -1, "expand: one byte too long: -1");
	is_int(msgs_expand("012345678", "k", "h", 1, NULL, NULL, out, 10), 0, "expand: just fits");
	is_str(out, "012345678", "expand: just fits, whole");
	is_int(msgs_expand("{host}", "k", "0123456789", 10, NULL, NULL, out, 10), -1, "expand: a value too long: -1");
}

static void test_others(void)
{
	struct msgs_conf c = conf();

	is_int(run(&c, EVENT_COUNT), MSGS_OK, "event_count: built");
	is_int(count(), 1, "event_count: one message");
	is_str(topic(0), "senseops/event_count/unknown", "event_count: the template; no host tag: unknown");
	is_str(payload(0), EVENT_COUNT, "event_count: the whole line as it came");
	ok(all_of(MC_OTHER), "event_count: class other");
	is_int(run(&c, QUEUE), MSGS_OK, "queue: built");
	is_str(topic(0), "senseops/queue/unknown", "queue: the template");
	is_str(payload(0), QUEUE, "queue: the whole line");

	const char *err = "{\"kind\":\"error\",\"ts\":\"t\",\"tags\":{\"host\":\"q1\",\"env\":\"a/b\"},\"msg\":\"x\"}  ";
	is_int(runn(&c, err, strlen(err)), MSGS_OK, "error: built");
	is_str(topic(0), "senseops/error/q1", "error: the host tag");
	ok(msgs_get(B, 0)->len == strlen(err) && memcmp(msgs_get(B, 0)->payload, err, strlen(err)) == 0,
	    "error: the payload byte for byte, trailing blanks and all");
	c.other = "x/{kind}/{host}/{tag:env}/{tag:none}";
	run(&c, err);
	is_str(topic(0), "x/error/q1/a_b/unknown", "template with tags: / in a value becomes _, an absent tag unknown");
	c.other = "senseops/{kind}/{host}";
	run(&c, "{\"kind\":\"frobnicate/+#\",\"ts\":\"t\",\"tags\":{\"host\":\"h+1\"}}");
	is_str(topic(0), "senseops/frobnicate___/h_1", "an unknown kind: published, wildcards in kind and host become _");
	is_str(msgs_kind(B), "frobnicate/+#", "msgs_kind: as the record has it");
	c.other = NULL;
	is_int(run(&c, EVENT_COUNT), MSGS_OFF, "no template: off");
	is_int(count(), 0, "no template: no messages");
	is_int(run(&c, err), MSGS_OFF, "no template: error records off");
	c = conf();

	struct text t = { 0 };
	tprintf(&t, "{\"kind\":\"error\",\"ts\":\"t\",\"tags\":{\"host\":\"");
	for (int i = 0; i < 2000; i++)
		tprintf(&t, "h");
	tprintf(&t, "\"}}");
	is_int(run(&c, t.p), MSGS_BAD, "a topic over 1 KiB: bad");
	is_int(count(), 0, "... and no messages");
	free(t.p);
}

/* --- bad input ------------------------------------------------------------------------------ */

static void test_bad(void)
{
	struct msgs_conf c = conf();
	static const struct { const char *rec, *desc; } bad[] = {
		{ "", "an empty line" },
		{ "not json", "not JSON" },
		{ "{\"kind\":\"health\",\"ts\":\"t\"", "cut short" },
		{ "[{\"kind\":\"health\",\"ts\":\"t\"}]", "a JSON array" },
		{ "\"health\"", "a JSON string" },
		{ "{}", "an empty object" },
		{ "{\"ts\":\"t\",\"tags\":{\"host\":\"q1\"}}", "no kind" },
		{ "{\"kind\":\"health\",\"tags\":{\"host\":\"q1\"},\"version\":\"1\"}", "no ts" },
		{ "{\"kind\":\"\",\"ts\":\"t\"}", "an empty kind" },
		{ "{\"kind\":7,\"ts\":\"t\"}", "a kind that is not a string" },
		{ "{\"kind\":null,\"ts\":\"t\"}", "a null kind" },
		{ "{\"kind\":\"kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk\",\"ts\":\"t\"}", "a kind of 65 bytes" },
		{ "{\"k\\ind\":\"health\",\"ts\":\"t\"}", "a key with a bad escape" },
		{ "{\"kind\\u0000\":\"health\",\"ts\":\"t\"}", "an escaped key that is not kind" },
		{ "{\"kind\":\"health\",\"ts\":\"t\",\"tags\":{\"host\":\"\\ud800\"}}", "a lone surrogate" },
		{ "{\"kind\":\"health\",\"ts\":\"t\"} {}", "two values" },
		{ "{\"kind\":\"health\",\"ts\":\"t\",}", "a trailing comma" },
	};

	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		strcpy(why, "stale");
		enum msgs_result r = run(&c, bad[i].rec);
		is_int(r, MSGS_BAD, "%s: bad", bad[i].desc);
		ok(count() == 0 && why[0] && strcmp(why, "stale") != 0, "%s: no messages, a reason (%s)", bad[i].desc, why);
	}
	/* a NUL inside the line */
	is_int(runn(&c, "{\"kind\":\"queue\",\"ts\":\"t\"}\0", 27), MSGS_BAD, "a NUL after the object: bad");
	is_int(runn(&c, "{\"kind\":\"qu\0eue\",\"ts\":\"t\"}", 26), MSGS_BAD, "a raw NUL in a string: bad");

	/* the key escaped: the same key after decoding */
	is_int(run(&c, "{\"\\u006bind\":\"queue\",\"ts\":\"t\"}"), MSGS_OK, "an escaped kind key is the kind key");
	is_str(msgs_kind(B), "queue", "... the kind read");
	is_int(run(&c, "{\"kind\":\"qu\\u0065ue\",\"ts\":\"t\"}"), MSGS_OK, "an escaped kind value decoded");
	is_str(topic(0), "senseops/queue/unknown", "... into the topic");

	/* one builder, many records: nothing left over from the last one */
	msgs_free(B);
	B = NULL;
	struct msgs *b = msgs_new(&c);
	char w[128];
	ok(b != NULL, "a builder");
	is_str(msgs_kind(b), "", "no kind before the first record");
	is_int(msgs_build(b, HEALTH, strlen(HEALTH), w, sizeof w), MSGS_OK, "reuse: health");
	is_int(msgs_count(b), 22, "reuse: 22 messages");
	is_int(msgs_build(b, "[1]", 3, w, sizeof w), MSGS_BAD, "reuse: then bad");
	is_int(msgs_count(b), 0, "reuse: no messages left");
	is_str(msgs_kind(b), "", "reuse: no kind left");
	ok(msgs_get(b, 0) == NULL, "reuse: msgs_get past the end: NULL");
	is_int(msgs_build(b, LOG_ENGINE, strlen(LOG_ENGINE), w, sizeof w), MSGS_OK, "reuse: a log event");
	is_int(msgs_count(b), 2, "reuse: its two messages");
	is_str(w, "", "reuse: why cleared");
	is_int(msgs_build(b, SESSIONS_ROOT, strlen(SESSIONS_ROOT), w, sizeof w), MSGS_OK, "reuse: sessions");
	ok(msgs_count(b) == 1 && msgs_get(b, 0)->len == strlen(SESSIONS_ROOT_PAYLOAD) &&
	    memcmp(msgs_get(b, 0)->payload, SESSIONS_ROOT_PAYLOAD, strlen(SESSIONS_ROOT_PAYLOAD)) == 0,
	    "reuse: sessions payload whole after a shorter record");
	msgs_free(b);
	msgs_free(NULL);
	ok(1, "msgs_free(NULL) is harmless");

	/* every record kind of a stream, one after another, with a short why buffer */
	b = msgs_new(&c);
	const char *recs[] = { HEALTH, SESSIONS_ROOT, SESSIONS_HDR, LOG_ENGINE, LOG_RELOAD, QIX_PERF, USER_START,
	    USER_OPEN, EVENT_COUNT, QUEUE };
	size_t total = 0;
	bool all_ok = true;
	for (size_t i = 0; i < sizeof recs / sizeof *recs; i++) {
		char tiny[4];
		all_ok &= msgs_build(b, recs[i], strlen(recs[i]), tiny, sizeof tiny) == MSGS_OK;
		total += msgs_count(b);
	}
	ok(all_ok, "a stream of every kind: all built");
	is_int(total, 22 + 1 + 1 + 2 + 2 + 2 + 2 + 2 + 1 + 1, "a stream of every kind: the messages expected");
	char tiny[8];
	is_int(msgs_build(b, "nope", 4, tiny, sizeof tiny), MSGS_BAD, "a short why buffer: bad");
	ok(strlen(tiny) < sizeof tiny, "a short why buffer: cut, terminated");
	msgs_free(b);
}

int main(void)
{
	test_health();
	test_sessions();
	test_log_events();
	test_user_events();
	test_expand();
	test_others();
	test_bad();
	msgs_free(B);
	free(pl);
	return done_testing();
}
