/*
 * sysinfo: host facts and process metrics as senseops records, read from
 * /proc, /sys and system calls only. It never runs a command, and forbids
 * itself to with a seccomp filter.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "host.h"
#include "log.h"
#include "ndjson.h"
#include "proc.h"
#include "record.h"
#include "sig.h"
#include "timefmt.h"
#include "timer.h"

#define USAGE "sysinfo [-nqvV] [-c file] [--once | --interval seconds] [--count n]\n" \
	"               [--pid pid]... [--name name]... [--no-host] [--tag key=value]...\n" \
	"               [--root dir] [--set key=value]... [--print-config] [--ready-fd fd]"

#define MAX_TARGETS 64
#define MAX_TAGS 32
#define MAX_MATCHES 256

enum {
	OPT_ONCE = CLI_OPT_TOOL,
	OPT_INTERVAL,
	OPT_COUNT,
	OPT_PID,
	OPT_NAME,
	OPT_NO_HOST,
	OPT_TAG,
	OPT_ROOT,
};

struct settings {
	bool once;
	long long interval_s;	/* 0: once */
	long long count;	/* 0: unlimited */
	bool host;
	const char *root;
	pid_t pids[MAX_TARGETS];
	int npids;
	const char *names[MAX_TARGETS];
	int nnames;
	const char *tag_keys[MAX_TAGS], *tag_vals[MAX_TAGS];
	int ntags;
	const char *instance;	/* uptimeMonitor.storeInInfluxdb.instanceTag */
};

static struct ndjson_writer out;
static char hostname[256];

static void add_tags(cJSON *rec, const struct settings *s)
{
	record_tag(rec, "host", hostname);
	if (s->instance)
		record_tag(rec, "butler_sos_instance", s->instance);
	for (int i = 0; i < s->ntags; i++)
		record_tag(rec, s->tag_keys[i], s->tag_vals[i]);
}

/* Writes rec and frees it; returns the writer state. */
static int emit(cJSON *rec)
{
	int rc = ndjson_write_record(&out, rec);
	cJSON_Delete(rec);
	return rc;
}

static int emit_error(const struct settings *s, int64_t now, const char *type, const char *msg)
{
	cJSON *rec = record_new("error", now);

	if (!rec || record_str(rec, "tool", "sysinfo") || record_str(rec, "error_type", type) ||
	    record_str(rec, "message", msg)) {
		cJSON_Delete(rec);
		return NDJSON_WERR;
	}
	add_tags(rec, s);
	return emit(rec);
}

/* One process record; *missing is set when the process is gone. */
static int emit_process(const struct settings *s, int64_t now, pid_t pid, bool *missing)
{
	cJSON *rec = record_new("process", now);
	int rc;

	if (!rec)
		return NDJSON_WERR;
	rc = proc_collect(rec, s->root, pid);
	if (rc != 0) {
		char msg[128];
		snprintf(msg, sizeof msg, "process %d: %s", (int)pid,
		    rc == -1 ? "not running" : strerror(errno));
		log_warn("%s", msg);
		cJSON_Delete(rec);
		*missing = true;
		return emit_error(s, now, "PROCESS_NOT_FOUND", msg);
	}
	add_tags(rec, s);
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(rec, "name");
	if (cJSON_IsString(name))
		record_tag(rec, "process", name->valuestring);
	return emit(rec);
}

/* One sample: the host record, then each watched process. Returns the
 * writer state; *missing is set when a watched process was not found. */
static int sample(const struct settings *s, bool *missing)
{
	int64_t now = time_now_ms();
	int rc = NDJSON_WOK;

	if (s->host) {
		cJSON *rec = record_new("host", now);
		if (!rec || host_collect(rec, s->root) != 0) {
			cJSON_Delete(rec);
			return NDJSON_WERR;
		}
		add_tags(rec, s);
		rc = emit(rec);
	}
	for (int i = 0; i < s->npids && rc == NDJSON_WOK; i++)
		rc = emit_process(s, now, s->pids[i], missing);
	for (int i = 0; i < s->nnames && rc == NDJSON_WOK; i++) {
		pid_t pids[MAX_MATCHES];
		int n = proc_find_by_name(s->root, s->names[i], pids, MAX_MATCHES, 0);
		if (n <= 0) {
			char msg[300];
			snprintf(msg, sizeof msg, "no process named \"%s\"", s->names[i]);
			log_warn("%s", msg);
			*missing = true;
			rc = emit_error(s, now, "PROCESS_NOT_FOUND", msg);
			continue;
		}
		if (n > MAX_MATCHES) {
			log_warn("%d processes named \"%s\"; reporting the first %d", n, s->names[i], MAX_MATCHES);
			n = MAX_MATCHES;
		}
		for (int j = 0; j < n && rc == NDJSON_WOK; j++) {
			bool gone = false;
			/* a match that exited since the scan is not an error */
			cJSON *rec = record_new("process", now);
			if (!rec)
				return NDJSON_WERR;
			if (proc_collect(rec, s->root, pids[j]) != 0) {
				cJSON_Delete(rec);
				gone = true;
			}
			if (!gone) {
				add_tags(rec, s);
				record_tag(rec, "process", s->names[i]);
				rc = emit(rec);
			}
		}
	}
	if (rc == NDJSON_WOK)
		rc = ndjson_flush(&out);
	return rc;
}

static void parse_tag(struct cli *cli, struct settings *s, char *arg)
{
	char *eq = strchr(arg, '=');

	if (!eq || eq == arg || !eq[1])
		cli_usage_error(cli, "--tag: expected key=value, got \"%s\"", arg);
	if (s->ntags == MAX_TAGS)
		cli_usage_error(cli, "--tag: at most %d", MAX_TAGS);
	*eq = '\0';
	s->tag_keys[s->ntags] = arg;
	s->tag_vals[s->ntags++] = eq + 1;
}

static void parse_args(struct cli *cli, struct settings *s, int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "interval", required_argument, NULL, OPT_INTERVAL },
		{ "count", required_argument, NULL, OPT_COUNT },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "no-host", no_argument, NULL, OPT_NO_HOST },
		{ "tag", required_argument, NULL, OPT_TAG },
		{ "root", required_argument, NULL, OPT_ROOT },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	while ((opt = cli_next(cli, argc, argv, longopts)) != -1) {
		switch (opt) {
		case OPT_ONCE:
			s->once = true;
			break;
		case OPT_INTERVAL:
			s->interval_s = cli_int(cli, "--interval", optarg, 1, 86400 * 7);
			break;
		case OPT_COUNT:
			s->count = cli_int(cli, "--count", optarg, 1, 1LL << 40);
			break;
		case OPT_PID:
			if (s->npids == MAX_TARGETS)
				cli_usage_error(cli, "--pid: at most %d", MAX_TARGETS);
			s->pids[s->npids++] = (pid_t)cli_int(cli, "--pid", optarg, 1, 0x3fffffff);
			break;
		case OPT_NAME:
			if (s->nnames == MAX_TARGETS)
				cli_usage_error(cli, "--name: at most %d", MAX_TARGETS);
			if (!*optarg || strlen(optarg) > 255 || strchr(optarg, '/'))
				cli_usage_error(cli, "--name: \"%s\" is not a process name", optarg);
			s->names[s->nnames++] = optarg;
			break;
		case OPT_NO_HOST:
			s->host = false;
			break;
		case OPT_TAG:
			parse_tag(cli, s, optarg);
			break;
		case OPT_ROOT:
			s->root = optarg;
			break;
		default:
			cli_usage_error(cli, "unknown option");
		}
	}
	cli_no_operands(cli, argc, argv);
	if (s->once && s->interval_s)
		cli_usage_error(cli, "--once and --interval exclude each other");
	if (!s->host && s->npids == 0 && s->nnames == 0)
		cli_usage_error(cli, "--no-host leaves nothing to report: add --pid or --name");
}

/* Reads the keys sysinfo honours; 0 or -1 with cfg_error set. */
static int read_config(struct cfg *c, struct settings *s, bool *enabled)
{
	if (cfg_bool(c, "Butler-SOS.systemInfo.enable", true, enabled) != 0)
		return -1;
	if (cfg_string(c, "Butler-SOS.uptimeMonitor.storeInInfluxdb.instanceTag", NULL, &s->instance) != 0)
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct cli cli;
	struct settings s = { .host = true, .root = "" };
	struct timer tick;
	struct cfg *c;
	bool enabled, missing = false;
	long long done = 0;
	int rc = NDJSON_WOK;

	cli_init(&cli, "sysinfo", USAGE);
	parse_args(&cli, &s, argc, argv);
	c = cli_load_config(&cli);
	cli_config_done(&cli, c, read_config(c, &s, &enabled));
	if (!enabled)
		die(EX_CONFIG, "%s: Butler-SOS.systemInfo.enable is false: refusing to gather "
		    "system information", cfg_path(c));

	if (gethostname(hostname, sizeof hostname) != 0)
		die(EX_OSERR, "gethostname: %s", strerror(errno));
	hostname[sizeof hostname - 1] = '\0';
	if (ndjson_writer_init(&out, STDOUT_FILENO, 0) != 0)
		die(EX_OSERR, "out of memory");
	cli_running(&cli);

	timer_start(&tick, s.interval_s * 1000, time_mono_ms());
	while (!sig_stopping()) {
		if (timer_fire(&tick, time_mono_ms())) {
			rc = sample(&s, &missing);
			if (rc != NDJSON_WOK)
				break;
			done++;
			if (s.interval_s == 0 || (s.count && done >= s.count))
				break;
		}
		if (sig_wait(timer_left(&tick, time_mono_ms())) == SIG_RELOAD)
			log_info("SIGHUP: nothing to reopen");
	}

	ndjson_writer_free(&out);
	cfg_free(c);
	if (rc == NDJSON_WPIPE) {
		log_debug("stdout closed by the reader; stopping");
		return EX_OK;
	}
	if (rc != NDJSON_WOK) {
		log_error("writing records: %s", strerror(errno));
		return EX_IOERR;
	}
	if (sig_stopping())
		log_info("stopped by signal after %lld samples", done);
	/* made for cron: a one-shot run says whether every target was found */
	return s.interval_s == 0 && missing ? EX_UNAVAILABLE : EX_OK;
}
