/* schema: field tables per record kind; keep in step with man/senseops-records.7. */
#include "schema.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct schema_field host_fields[] = {
	{ "hostname", 's', true },
	{ "host_id", 's', false },
	{ "os_name", 's', false },
	{ "os_version", 's', false },
	{ "os_id", 's', false },
	{ "os_pretty_name", 's', false },
	{ "kernel", 's', true },
	{ "kernel_version", 's', false },
	{ "arch", 's', true },
	{ "cpu_model", 's', false },
	{ "cpu_cores", 'i', true },
	{ "cpu_physical_cores", 'i', false },
	{ "cpu_mhz", 'n', false },
	{ "mem_total_bytes", 'i', true },
	{ "mem_available_bytes", 'i', false },
	{ "mem_free_bytes", 'i', false },
	{ "swap_total_bytes", 'i', false },
	{ "swap_free_bytes", 'i', false },
	{ "uptime_seconds", 'n', true },
	{ "boot_time", 's', false },
	{ "load_1", 'n', false },
	{ "load_5", 'n', false },
	{ "load_15", 'n', false },
	{ "interfaces", 'a', true },
	{ "filesystems", 'a', true },
	{ NULL, 0, false },
};

static const struct schema_field process_fields[] = {
	{ "pid", 'i', true },
	{ "name", 's', true },
	{ "cmdline", 's', false },
	{ "state", 's', false },
	{ "ppid", 'i', false },
	{ "rss_bytes", 'i', true },
	{ "rss_peak_bytes", 'i', false },
	{ "vm_size_bytes", 'i', false },
	{ "threads", 'i', true },
	{ "cpu_user_seconds", 'n', true },
	{ "cpu_system_seconds", 'n', true },
	{ "cpu_seconds", 'n', true },
	{ "start_time", 's', false },
	{ "uptime_seconds", 'n', false },
	{ "open_fds", 'i', false },
	{ NULL, 0, false },
};

static const struct schema_field error_fields[] = {
	{ "tool", 's', true },
	{ "error_type", 's', true },
	{ "message", 's', true },
	{ "server", 's', false },
	{ "endpoint", 's', false },
	/*
	 * Butler SOS's error tracker fields (butler_sos_errors). sense-poll
	 * always writes error_category; optional until every source does
	 * (sysinfo's PROCESS_NOT_FOUND records do not yet).
	 */
	{ "server_host", 's', false },
	{ "error_category", 's', false },
	{ "error_code", 's', false },
	{ "http_status", 'i', false },
	{ "request_url", 's', false },
	{ "request_timeout_ms", 'i', false },
	{ "remote_address", 's', false },
	{ "remote_port", 'i', false },
	{ "syscall", 's', false },
	{ NULL, 0, false },
};

/* Fields every log event has; the rest depend on the source (senseops-records(7)). */
static const struct schema_field log_event_fields[] = {
	{ "source", 's', true },
	{ "log_row", 'i', true },
	{ "ts_iso", 's', true },
	{ "ts_local", 's', true },
	{ "level", 's', true },
	{ "host", 's', true },
	{ "subsystem", 's', true },
	{ "windows_user", 's', true },
	{ "message", 's', true },
	{ "exception_message", 's', false },
	{ "user_directory", 's', true },
	{ "user_id", 's', true },
	{ "user_full", 's', true },
	{ "app_id", 's', false },
	{ "app_name", 's', false },
	{ "category", 'a', false },
	{ NULL, 0, false },
};

static const struct schema_field qix_perf_fields[] = {
	{ "source", 's', true },
	{ "log_row", 'i', true },
	{ "level", 's', true },
	{ "host", 's', true },
	{ "subsystem", 's', true },
	{ "proxy_session_id", 's', true },
	{ "user_directory", 's', true },
	{ "user_id", 's', true },
	{ "user_full", 's', true },
	{ "session_id", 's', true },
	{ "app_id", 's', true },
	{ "app_name", 's', true },
	{ "request_id", 'i', true },
	{ "method", 's', true },
	{ "process_time", 'n', false },
	{ "work_time", 'n', false },
	{ "lock_time", 'n', false },
	{ "validate_time", 'n', false },
	{ "traverse_time", 'n', false },
	{ "handle", 'i', true },
	{ "object_id", 's', true },
	{ "net_ram", 'i', true },
	{ "peak_ram", 'i', true },
	{ "object_type", 's', true },
	{ "event_activity_source", 's', true },
	{ "category", 'a', false },
	{ NULL, 0, false },
};

static const struct schema_field user_event_fields[] = {
	{ "messageType", 's', true },
	{ "host", 's', true },
	{ "command", 's', true },
	{ "userDir", 's', true },
	{ "userId", 's', true },
	{ "userFull", 's', true },
	{ "origin", 's', true },
	{ "context", 's', true },
	{ "message", 's', true },
	{ "appId", 's', false },
	{ "appName", 's', false },
	{ "uaBrowserName", 's', false },
	{ "uaBrowserMajorVersion", 's', false },
	{ "uaOsName", 's', false },
	{ "uaOsVersion", 's', false },
	{ NULL, 0, false },
};

static const struct schema_field event_count_fields[] = {
	{ "event_type", 's', true },
	{ "source", 's', true },
	{ "host", 's', true },
	{ "subsystem", 's', true },
	{ "counter", 'i', true },
	{ NULL, 0, false },
};

static const struct schema_field rejected_event_count_fields[] = {
	{ "source", 's', true },
	{ "app_id", 's', true },
	{ "app_name", 's', true },
	{ "method", 's', true },
	{ "object_type", 's', true },
	{ "counter", 'i', true },
	{ "process_time", 'n', true },
	{ NULL, 0, false },
};

static const struct schema_field queue_fields[] = {
	{ "queue_type", 's', true },
	{ "queue_size", 'i', true },
	{ "queue_max_size", 'i', true },
	{ "queue_utilization_pct", 'n', true },
	{ "queue_running", 'i', true },
	{ "messages_received", 'i', true },
	{ "messages_queued", 'i', true },
	{ "messages_processed", 'i', true },
	{ "messages_failed", 'i', true },
	{ "messages_dropped_total", 'i', true },
	{ "messages_dropped_rate_limit", 'i', true },
	{ "messages_dropped_queue_full", 'i', true },
	{ "messages_dropped_size", 'i', true },
	{ "processing_time_avg_ms", 'n', true },
	{ "processing_time_p95_ms", 'n', true },
	{ "processing_time_max_ms", 'n', true },
	{ "rate_limit_current", 'i', true },
	{ "backpressure_active", 'i', true },
	{ NULL, 0, false },
};

static const struct schema_field health_fields[] = {
	{ "server_host", 's', true },
	{ "version", 's', true },
	{ "started", 's', true },
	{ "uptime", 's', true },
	{ "mem", 'o', true },
	{ "cpu", 'o', true },
	{ "session", 'o', true },
	{ "apps", 'o', true },
	{ "users", 'o', true },
	{ "cache", 'o', true },
	{ "saturated", 'b', true },
	{ NULL, 0, false },
};

static const struct schema_field sessions_fields[] = {
	{ "server_host", 's', true },
	{ "virtual_proxy", 's', true },
	{ "session_count", 'i', true },
	{ "unique_user_count", 'i', true },
	{ "session_user_id_list", 's', true },
	{ "users", 'a', true },
	{ "details", 'a', true },
	{ "body", 'a', true },
	{ NULL, 0, false },
};

static const struct schema_kind kinds[] = {
	{ "health", health_fields },
	{ "sessions", sessions_fields },
	{ "log_event", log_event_fields },
	{ "qix_perf", qix_perf_fields },
	{ "user_event", user_event_fields },
	{ "event_count", event_count_fields },
	{ "rejected_event_count", rejected_event_count_fields },
	{ "queue", queue_fields },
	{ "host", host_fields },
	{ "process", process_fields },
	{ "error", error_fields },
};

const struct schema_kind *schema_find(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

static bool type_ok(const cJSON *v, char type)
{
	switch (type) {
	case 's':
		return cJSON_IsString(v);
	case 'i':
		/* integers must survive a double: |v| <= 2^53 and whole */
		return cJSON_IsNumber(v) && v->valuedouble == floor(v->valuedouble) &&
		    fabs(v->valuedouble) <= 9007199254740992.0;
	case 'n':
		return cJSON_IsNumber(v);
	case 'b':
		return cJSON_IsBool(v);
	case 'a':
		return cJSON_IsArray(v);
	case 'o':
		return cJSON_IsObject(v);
	default:
		return false;
	}
}

static const char *type_name(char type)
{
	switch (type) {
	case 's': return "a string";
	case 'i': return "an integer";
	case 'n': return "a number";
	case 'b': return "a boolean";
	case 'a': return "an array";
	case 'o': return "an object";
	default: return "?";
	}
}

int schema_check(const char *kind, const cJSON *rec, char *why, size_t len)
{
	const struct schema_kind *k = schema_find(kind);

	if (!k)
		return 0;
	for (const struct schema_field *f = k->fields; f->name; f++) {
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(rec, f->name);
		if (!v || cJSON_IsNull(v)) {
			if (f->required) {
				snprintf(why, len, "%s: required field %s is missing", kind, f->name);
				return -1;
			}
			continue;
		}
		if (!type_ok(v, f->type)) {
			snprintf(why, len, "%s: field %s is not %s", kind, f->name, type_name(f->type));
			return -1;
		}
	}
	return 0;
}
