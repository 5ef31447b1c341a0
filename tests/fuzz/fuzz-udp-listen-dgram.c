/*
 * fuzz-udp-listen-dgram: any bytes as a log-event and as a user-event
 * datagram; every record produced must be valid JSON and a valid record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../bin/udp-listen/event.h"
#include "config.h"
#include "fuzz.h"
#include "log.h"
#include "record.h"

static char out[512 * 1024];

/* Rules and filters of every kind, so the fuzzer reaches them too. */
static const char yaml[] =
    "Butler-SOS:\n"
    "  logEvents:\n"
    "    categorise:\n"
    "      enable: true\n"
    "      rules:\n"
    "        - description: a\n"
    "          logLevel: [WARN, ERROR, INFO]\n"
    "          action: categorise\n"
    "          category: [{name: c, value: a}]\n"
    "          filter: [{type: sw, value: Fa}, {type: ew, value: d}, {type: so, value: x}]\n"
    "        - description: d\n"
    "          logLevel: [WARN]\n"
    "          action: drop\n"
    "          filter: [{type: so, value: memory}]\n"
    "      ruleDefault: {enable: true, category: [{name: c, value: unknown}]}\n"
    "    enginePerformanceMonitor:\n"
    "      enable: true\n"
    "      monitorFilter:\n"
    "        allApps:\n"
    "          enable: true\n"
    "          appExclude: [{appId: d7cf16f9-6a95-462a-9ff1-a6d413326de4}]\n"
    "          objectType: {allObjectTypes: true, allObjectTypesExclude: [table]}\n"
    "          method: {allMethods: true, allMethodsExclude: [Doc::GetAppLayout]}\n"
    "        appSpecific:\n"
    "          enable: true\n"
    "          app:\n"
    "            - include: [{appName: x}]\n"
    "              objectType: {allObjectTypes: false, someObjectTypesInclude: [linechart]}\n"
    "              appObject: {allAppObjects: false, someAppObjectsInclude: [a, {objectId: b}]}\n"
    "              method: {allMethods: true}\n";

static void setup(struct ev_conf *conf)
{
	char path[64], err[256];
	int code, fd = memfd_create("fuzz-cfg", MFD_CLOEXEC);
	static struct cfg *c;	/* reachable: not a leak */

	if (fd < 0 || write(fd, yaml, sizeof yaml - 1) != (ssize_t)(sizeof yaml - 1))
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	if (!(c = cfg_load(path, err, sizeof err, &code)))
		abort();
	conf->cat = categorise_load(c);
	conf->qix = qixfilter_load(c);
	if (!conf->cat || !conf->qix)
		abort();
	/* kept for the life of the process, as in udp-listen */
	close(fd);
}

static void check(const struct jsonw *w, const struct ev_result *r)
{
	char why[256];

	if (r->verdict != EV_RECORD)
		return;
	cJSON *rec = cJSON_ParseWithLength(w->buf, w->len);
	if (!rec || record_check(rec, why, sizeof why) != 0)
		abort();
	cJSON_Delete(rec);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ev_conf conf;
	struct jsonw w;
	struct ev_result r;

	log_set_level(-1);
	if (!conf.cat)
		setup(&conf);
	for (int i = 0; i < LS_COUNT; i++)
		conf.source_enable[i] = true;
	conf.log_tags.n = 1;
	conf.log_tags.name[0] = "qs_env";
	conf.log_tags.value[0] = "fuzz";
	if (size > 65536)
		size = 65536;
	jsonw_init(&w, out, sizeof out);
	logevent_parse(&conf, (const char *)data, size, 0, &w, &r);
	check(&w, &r);
	jsonw_init(&w, out, sizeof out);
	userevent_parse(&conf, (const char *)data, size, 0, &w, &r);
	check(&w, &r);
	return 0;
}
