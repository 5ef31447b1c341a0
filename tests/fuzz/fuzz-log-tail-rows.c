/*
 * fuzz-log-tail-rows: any bytes as a Sense log file (the first byte picks
 * its name: which service and log type) read through tailfile, as log-tail
 * reads it. Every line written must be a JSON object that passes the
 * record checks of senseops-records(7), and the position must never pass
 * the end of the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../bin/log-tail/tailfile.h"
#include "categorise.h"
#include "config.h"
#include "fuzz.h"
#include "log.h"
#include "qixfilter.h"
#include "record.h"

static const char *const names[] = {
	"QSE-NODE1_System_Proxy.txt", "QSE-NODE1_QixPerformance_Engine.txt", "QSE-NODE1_Service_Repository.txt",
	"QSE-NODE1_System_Scheduler.txt", "QSE-NODE1_AuditActivity_Engine_2024-11-05T11.02.44Z.log",
	"Printing_System.txt", "nothing.txt", "QSE-NODE1_Session_Engine.txt",
};

static void check_output(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END);
	if (end <= 0)
		return;
	char *buf = malloc((size_t)end + 1);
	if (!buf || pread(fd, buf, (size_t)end, 0) != end)
		abort();
	buf[end] = '\0';
	for (char *p = buf, *nl; *p; p = nl + 1) {
		if (!(nl = strchr(p, '\n')))
			abort();	/* whole lines only */
		*nl = '\0';
		cJSON *rec = cJSON_Parse(p);
		char why[256];
		if (!rec || record_check(rec, why, sizeof why) != 0) {
			fprintf(stderr, "bad record (%s): %s\n", rec ? why : "not JSON", p);
			abort();
		}
		cJSON_Delete(rec);
	}
	free(buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lt_conf conf;
	static struct cfg *cfg;
	static char dir[64];
	char path[160];

	if (!cfg) {
		log_set_level(-1);
		if (!(cfg = cfg_new()) ||
		    cfg_set(cfg, "Butler-SOS.logEvents.enginePerformanceMonitor.enable", "true") ||
		    cfg_set(cfg, "Butler-SOS.logEvents.enginePerformanceMonitor.monitorFilter.allApps.enable", "true"))
			abort();
		if (!(conf.cat = categorise_load(cfg)) || !(conf.qix = qixfilter_load(cfg)))
			abort();
		for (int i = 0; i <= LT_OTHER; i++)
			conf.source_enable[i] = true;
		conf.extra_max = 4000;
		snprintf(dir, sizeof dir, "/tmp/fuzz-log-tail.%d", (int)getpid());
		if (mkdir(dir, 0700) != 0 && errno != EEXIST)
			abort();
	}
	if (size == 0)
		return 0;
	snprintf(path, sizeof path, "%s/%s", dir, names[data[0] % (sizeof names / sizeof *names)]);
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1) || close(fd) != 0)
		abort();

	int out = memfd_create("out", 0);
	struct ndjson_writer w;
	struct lt_stats st = { 0 };
	if (out < 0 || ndjson_writer_init(&w, out, 4096) != 0)
		abort();
	struct lt_out o = { &conf, &w, &st, 4096, 0 };
	struct tailfile *f = tf_new(path);
	if (!f || tf_open(f) != 0)
		abort();
	f->finished = data[0] & 0x80;	/* half the runs as a rolled-over file */
	while (tf_read(f, &o, 1000) > 0)
		;
	if (f->commit > size - 1)
		abort();
	if (ndjson_flush(&w) != NDJSON_WOK)
		abort();
	check_output(out);
	ndjson_writer_free(&w);
	tf_free(f);
	close(out);
	unlink(path);
	return 0;
}
