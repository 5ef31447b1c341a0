/*
 * fuzz-to-influx-map: any bytes as a record line, mapped for InfluxDB 1.x,
 * 2.x and 3.x; every line produced must be one well-formed line of line
 * protocol (measurement, fields, a timestamp, no raw newline outside a
 * string field).
 */
#include <stdlib.h>
#include <string.h>

#include "../../bin/to-influx/lp.h"
#include "../../bin/to-influx/map.h"
#include "fuzz.h"

/* Each line: no unescaped newline outside quotes, an even number of unescaped quotes, ends in digits. */
static void check(const char *p, size_t n)
{
	size_t i = 0;

	while (i < n) {
		bool inq = false;
		size_t start = i;
		for (; i < n; i++) {
			if (p[i] == '\\' && i + 1 < n) {
				i++;
				continue;
			}
			if (p[i] == '"')
				inq = !inq;
			else if (p[i] == '\n' && !inq)
				break;
		}
		if (i == n || inq || i == start)
			abort();
		if (p[i - 1] < '0' || p[i - 1] > '9')
			abort();
		i++;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mapper *m[3];
	static struct lp_buf b;
	char why[256];

	if (!m[0]) {
		for (int v = 0; v < 3; v++) {
			struct map_conf c = {
				.version = v + 1, .include_active = true, .include_loaded = true, .include_inmem = v != 1,
				.raw_event_tags = v != 2, .log_events = true, .user_events = true, .event_counts = true,
				.rejected_counts = true, .queue_log = true, .queue_user = true, .errors = true,
				.memory = true, .host = true, .m_event_count = "event_count",
				.m_rejected = "rejected_event_count", .m_queue_log = "log_events_queue",
				.m_queue_user = "user_events_queue", .m_errors = "butler_sos_errors",
				.version_tag = "senseops-fuzz",
			};
			if (!(m[v] = mapper_new(&c)))
				abort();
		}
	}
	for (int v = 0; v < 3; v++) {
		b.len = 0;
		enum map_result r = map_record(m[v], (const char *)data, size, size, &b, why, sizeof why);
		if (r != MAP_OK && b.len != 0)
			abort();
		check(b.p, b.len);
	}
	return 0;
}
