/*
 * fuzz-to-mqtt-msgs: any bytes as a record line, made into MQTT messages
 * with three configurations (to-mqtt's defaults; a base topic without a
 * trailing / and subsystem topics only; every user topic and the template
 * off). Every message must have a topic MQTT can publish to: not empty,
 * NUL-terminated, without wildcards, and valid UTF-8 when the line is (the
 * NDJSON reader guarantees that much); and a payload. A record that is not
 * made into messages leaves none behind, and no record's content makes
 * MSGS_NOMEM (to-mqtt retries those: one would hold up every record after it).
 */
#include <stdlib.h>
#include <string.h>

#include "../../bin/to-mqtt/msgs.h"
#include "fuzz.h"
#include "utf8.h"

#define NCONF 3

static volatile unsigned char sink;

static const struct msgs_conf confs[NCONF] = {
	{
		.base = "butler-sos/", .log_events = true, .log_base = "qliksense/logevent",
		.log_to_base = true, .log_to_subsystems = true, .user_events = true,
		.everything = { true, "qliksense/userevent" },
		.start = { true, "qliksense/userevent/session/start" },
		.stop = { true, "qliksense/userevent/session/stop" },
		.open = { true, "qliksense/userevent/connection/open" },
		.close = { true, "qliksense/userevent/connection/close" },
		.other = "senseops/{kind}/{host}",
	},
	{
		.base = "sos", .log_events = true, .log_base = "log/", .log_to_base = false,
		.log_to_subsystems = true, .user_events = true,
		.everything = { false, "ue" }, .start = { true, "ue/start" }, .stop = { true, "" },
		.open = { true, "ue/open" }, .close = { false, "ue/close" },
		.other = "x/{tag:qs_env}/{kind}/{host}/{tag:server_name}",
	},
	{
		.base = "b/", .log_events = false, .log_base = "l", .user_events = false,
		.everything = { false, NULL }, .start = { false, NULL }, .stop = { false, NULL },
		.open = { false, NULL }, .close = { false, NULL },
		.other = NULL,
	},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct msgs *b[NCONF];
	const char *line = (const char *)data;
	bool utf8 = utf8_valid(line, size);
	char why[256];

	if (!b[0])
		for (int i = 0; i < NCONF; i++)
			if (!(b[i] = msgs_new(&confs[i])))
				abort();
	for (int i = 0; i < NCONF; i++) {
		enum msgs_result r = msgs_build(b[i], line, size, why, sizeof why);
		size_t n = msgs_count(b[i]);
		if (r != MSGS_OK && n != 0)
			abort();
		if (r == MSGS_NOMEM)	/* to-mqtt retries those: a record's content must never make one */
			abort();
		if (n > MSGS_MAX || msgs_get(b[i], n) != NULL)
			abort();
		if (r == MSGS_BAD && !why[0])
			abort();
		if (strlen(msgs_kind(b[i])) > 64)
			abort();
		for (size_t j = 0; j < n; j++) {
			const struct msg *m = msgs_get(b[i], j);
			if (!m || !m->topic || !m->payload || m->cls >= MC_COUNT)
				abort();
			size_t tn = strlen(m->topic);
			if (tn == 0 || memchr(m->topic, '+', tn) || memchr(m->topic, '#', tn))
				abort();
			if (utf8 && !utf8_valid(m->topic, tn))
				abort();
			if (m->len)	/* the payload's ends readable (ASan checks) */
				sink = (unsigned char)(m->payload[0] ^ m->payload[m->len - 1]);
		}
	}
	return 0;
}
