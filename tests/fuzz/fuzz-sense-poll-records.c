/*
 * fuzz-sense-poll-records: any bytes as a health check, a proxy session
 * list and a QRS app list response; every record made must be valid.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../bin/sense-poll/records.h"
#include "fuzz.h"
#include "log.h"
#include "record.h"

static void check(cJSON *rec)
{
	char why[256];

	if (rec && record_check(rec, why, sizeof why) != 0)
		abort();
	cJSON_Delete(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct conf k;
	static struct server s;
	static struct vproxy vp = { "/hdr" };
	static struct appnames *names;
	char why[512];

	log_set_level(-1);
	if (!names) {
		names = appnames_new(NULL);
		k.include_active = k.include_loaded = k.include_inmem = true;
		k.exclude.n = 1;
		k.exclude.dir[0] = "CORP";
		k.exclude.id[0] = "svc_monitor";
		s.host = "sense1.example:4747";
		snprintf(s.host_noport, sizeof s.host_noport, "sense1.example");
		s.name = "sense1";
		s.description = "fuzz";
		s.session_host = "sense1.example:4243";
	}
	cJSON *body = cJSON_ParseWithLength((const char *)data, size);
	if (!body)
		return 0;
	if (cJSON_IsArray(body))
		(void)appnames_set(names, body);
	check(health_record(&k, &s, body, names, 1700000000000LL, why, sizeof why));
	check(sessions_record(&k, &s, &vp, body, 1700000000000LL, why, sizeof why));
	cJSON_Delete(body);
	return 0;
}
