/*
 * log-tail: follows Qlik Sense log files on disk and writes each row as the
 * log_event or qix_perf record udp-listen makes of the same event, once,
 * across roll-over, restarts and network shares. See log-tail(1).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fcntl.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "log.h"
#include "sig.h"
#include "timefmt.h"
#include "tracker.h"

#define USAGE "log-tail [-nqvV] [-c file] [--glob pattern]... [--state file]\n" \
	"                [--from-beginning | --from-end] [--once] [--watch auto | inotify | poll]\n" \
	"                [--poll-interval ms] [--max-line bytes] [--app-names file]\n" \
	"                [--set key=value]... [--print-config] [--ready-fd fd] [path ...]"

enum {
	OPT_GLOB = CLI_OPT_TOOL, OPT_STATE, OPT_FROM_BEGINNING, OPT_FROM_END, OPT_ONCE, OPT_WATCH,
	OPT_POLL, OPT_MAX_LINE, OPT_APP_NAMES,
};

#define LT "Butler-SOS.logTail."
#define MAX_PATTERNS 512
#define ROUND_BYTES (4u << 20)		/* per file and round: files take turns */
#define SAFETY_SCAN_MS 10000		/* with inotify, a full scan this often all the same */
#define SYNC_MS 1000			/* the state file is fsync'd at most this often */
#define STATS_MS 60000
#define APPNAMES_CHECK_MS 10000

enum watch_mode { WATCH_AUTO, WATCH_INOTIFY, WATCH_POLL };

struct settings {
	const char *patterns[MAX_PATTERNS];
	char *owned[MAX_PATTERNS];	/* patterns made here */
	size_t npatterns;
	const char *state, *app_names, *watch_arg;
	int start_at;			/* -1 unset, 0 beginning, 1 end */
	bool once;
	long long poll_ms, max_line, extra_max, forget_days;
	enum watch_mode watch;
	struct lt_conf conf;
	struct categorise *cat;
	struct qixfilter *qix;
};

static void add_pattern(struct settings *s, const struct cli *cli, const char *p, char *owned)
{
	if (s->npatterns == MAX_PATTERNS)
		cli_usage_error(cli, "at most %d paths and patterns", MAX_PATTERNS);
	s->patterns[s->npatterns] = p;
	s->owned[s->npatterns++] = owned;
}

/* DIR/ + the pattern below it */
static char *below(const char *dir, const char *sl, const char *pat)
{
	char *p;

	if (asprintf(&p, "%s%s%s", dir, sl, pat) < 0)
		die(EX_OSERR, "out of memory");
	return p;
}

/* A folder stands for the .txt logs in it and up to two levels below (Service/Trace/...). */
static void add_path(struct settings *s, const struct cli *cli, const char *path)
{
	struct stat st;
	size_t n = strlen(path);

	if (n == 0)
		cli_usage_error(cli, "an empty path");
	/* one that does not exist yet may become either: a file, or a folder */
	bool exists = stat(path, &st) == 0, missing = !exists && !strpbrk(path, "*?[");
	if (missing || (exists && S_ISDIR(st.st_mode))) {
		const char *sl = path[n - 1] == '/' ? "" : "/";
		static const char *const pats[] = { "*.txt", "*/*.txt", "*/*/*.txt" };
		for (size_t i = 0; i < 3; i++) {
			char *p = below(path, sl, pats[i]);
			add_pattern(s, cli, p, p);
		}
		if (!missing)
			return;
	}
	add_pattern(s, cli, path, NULL);
}

static void parse_args(struct cli *cli, struct settings *s, int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_LONGOPTS,
		{ "glob", required_argument, NULL, OPT_GLOB },
		{ "state", required_argument, NULL, OPT_STATE },
		{ "from-beginning", no_argument, NULL, OPT_FROM_BEGINNING },
		{ "from-end", no_argument, NULL, OPT_FROM_END },
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "watch", required_argument, NULL, OPT_WATCH },
		{ "poll-interval", required_argument, NULL, OPT_POLL },
		{ "max-line", required_argument, NULL, OPT_MAX_LINE },
		{ "app-names", required_argument, NULL, OPT_APP_NAMES },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	s->start_at = -1;
	s->poll_ms = s->max_line = -1;
	while ((opt = cli_next(cli, argc, argv, opts)) != -1) {
		switch (opt) {
		case OPT_GLOB: add_pattern(s, cli, optarg, NULL); break;
		case OPT_STATE: s->state = optarg; break;
		case OPT_FROM_BEGINNING: s->start_at = 0; break;
		case OPT_FROM_END: s->start_at = 1; break;
		case OPT_ONCE: s->once = true; break;
		case OPT_WATCH: s->watch_arg = optarg; break;
		case OPT_POLL: s->poll_ms = cli_int(cli, "--poll-interval", optarg, 10, 3600000); break;
		case OPT_MAX_LINE: s->max_line = cli_int(cli, "--max-line", optarg, 1024, 64 << 20); break;
		case OPT_APP_NAMES: s->app_names = optarg; break;
		default: cli_usage_error(cli, "unknown option");
		}
	}
	for (int i = optind; i < argc; i++)
		add_path(s, cli, argv[i]);
}

/* --- configuration -------------------------------------------------------------- */

/* Names of services or log types: a list without '/' (absent or null: def). */
static int name_list(struct cfg *c, const char *path, const char **out, size_t *n, size_t max, const char *const *def)
{
	const cJSON *list = cfg_get(c, path);

	if (!list || cJSON_IsNull(list)) {
		for (*n = 0; def[*n]; (*n)++)
			out[*n] = def[*n];
		return 0;
	}
	if (cfg_strings(c, path, out, max, n))
		return -1;
	for (size_t i = 0; i < *n; i++)
		if (strchr(out[i], '/'))
			return cfg_node_err(c, cJSON_GetArrayItem(list, (int)i), path, "expected names without '/'");
	return 0;
}

static int read_config(struct cfg *c, struct settings *s)
{
	static const char *const src[] = { "engine", "proxy", "repository", "scheduler", "qixPerf" };
	static const char *const def_services[] = { "Engine", "Proxy", "Repository", "Scheduler", NULL };
	static const char *const def_types[] = { "AuditActivity", "AuditSecurity", "Service", "System",
		"QixPerformance", "TaskExecution", "Session", "Performance", NULL };
	const char *services[16], *types[64], *folder, *state, *start, *watch, *paths[MAX_PATTERNS];
	size_t nsvc, ntypes, npaths;
	bool enable;
	long long poll_ms, max_line, extra;

	for (size_t i = 0; i < sizeof src / sizeof *src; i++) {
		char k[128];
		snprintf(k, sizeof k, "Butler-SOS.logEvents.source.%s.enable", src[i]);
		if (cfg_bool(c, k, true, &s->conf.source_enable[i]))
			return -1;
	}
	s->conf.source_enable[LT_OTHER] = true;
	if (cfg_bool(c, "Butler-SOS.logEvents.enginePerformanceMonitor.appNameLookup.enable", false,
		&s->conf.appname_lookup) ||
	    ev_tags_load(c, "Butler-SOS.logEvents.tags", &s->conf.tags) ||
	    cfg_bool(c, LT "enable", true, &enable) ||
	    cfg_string(c, LT "logFolder", NULL, &folder) ||
	    name_list(c, LT "services", services, &nsvc, 16, def_services) ||
	    name_list(c, LT "logTypes", types, &ntypes, 64, def_types) ||
	    cfg_strings(c, LT "paths", paths, MAX_PATTERNS, &npaths) ||
	    cfg_string(c, LT "stateFile", NULL, &state) ||
	    cfg_string(c, LT "startAt", "beginning", &start) ||
	    cfg_string(c, LT "watch", "auto", &watch) ||
	    cfg_int(c, LT "pollInterval", 1000, 10, 3600000, &poll_ms) ||
	    cfg_int(c, LT "maxLineBytes", 1 << 20, 1024, 64 << 20, &max_line) ||
	    cfg_int(c, LT "extraMaxLength", 4000, 10, 65535, &extra) ||
	    cfg_int(c, LT "forgetDays", 7, 1, 3650, &s->forget_days) ||
	    userlist_load(c, LT "excludeUser", &s->conf.exclude))
		return -1;
	if (!enable)
		return cfg_set_err(c, "%s: %senable is false: log-tail has nothing to do", cfg_path(c), LT);
	if (strcmp(start, "beginning") != 0 && strcmp(start, "end") != 0)
		return cfg_node_err(c, cfg_get(c, LT "startAt"), LT "startAt", "expected beginning or end");
	if (!s->watch_arg)
		s->watch_arg = watch;
	if (s->start_at < 0)
		s->start_at = strcmp(start, "end") == 0;
	if (!s->state)
		s->state = state;
	if (s->poll_ms < 0)
		s->poll_ms = poll_ms;
	if (s->max_line < 0)
		s->max_line = max_line;
	s->extra_max = extra;
	s->conf.extra_max = (unsigned short)extra;
	if (!(s->cat = categorise_load(c)) || !(s->qix = qixfilter_load(c)))
		return -1;
	s->conf.cat = s->cat;
	s->conf.qix = s->qix;
	/* <folder>/<Service>/<Audit|System|Trace>/<host>_<LogType>_<Service>.txt */
	if (folder && *folder) {
		size_t n = strlen(folder);
		const char *sl = folder[n - 1] == '/' ? "" : "/";
		for (size_t i = 0; i < nsvc; i++)
			for (size_t j = 0; j < ntypes; j++) {
				if (s->npatterns == MAX_PATTERNS)
					return cfg_set_err(c, "%slogFolder: too many services and log types", LT);
				char *p;
				if (asprintf(&p, "%s%s%s/*/*_%s_%s.txt", folder, sl, services[i], types[j], services[i]) < 0)
					return cfg_set_err(c, "out of memory");
				s->patterns[s->npatterns] = p;
				s->owned[s->npatterns++] = p;
			}
	}
	for (size_t i = 0; i < npaths; i++) {
		if (s->npatterns == MAX_PATTERNS)
			return cfg_set_err(c, "%spaths: too many patterns", LT);
		s->patterns[s->npatterns] = paths[i];
		s->owned[s->npatterns++] = NULL;
	}
	return 0;
}

/* --- watching ------------------------------------------------------------------- */

/* File systems that deliver no inotify events for changes made by other machines. */
static bool remote_fs(const char *dir)
{
	static const long remote[] = {
		0xFF534D42,	/* CIFS */
		0xFE534D42,	/* SMB2 */
		0x517B,		/* SMB */
		0x6969,		/* NFS */
		0x65735546,	/* FUSE */
		0x01021997,	/* 9P */
		0x5346414F,	/* AFS */
		0x73757245,	/* CODA */
		0x47504653,	/* GPFS */
		0x0BD00BD0,	/* Lustre */
		0x564c,		/* NCP */
		0x7461636f,	/* OCFS2 */
	};
	struct statfs sf;

	if (statfs(dir, &sf) != 0)
		return false;
	for (size_t i = 0; i < sizeof remote / sizeof *remote; i++)
		if ((long)sf.f_type == remote[i])
			return true;
	return false;
}

/* Adds watches for the current directories; true when one of them cannot be watched (remote, or no watches left). */
static bool watch_dirs(const struct tracker *t, int ifd)
{
	char **dirs;
	size_t n = tracker_dirs(t, &dirs);
	bool remote = false;

	for (size_t i = 0; i < n; i++) {
		/* a folder that does not exist yet: watch the nearest one that does */
		char *d = dirs[i], *slash;
		while (access(d, F_OK) != 0 && (slash = strrchr(d, '/')))
			*(slash == d ? slash + 1 : slash) = '\0';
		if (access(d, F_OK) != 0) {
			d[0] = '.';	/* d holds at least one byte and its NUL */
			d[1] = '\0';
		}
		remote |= remote_fs(d);
		if (ifd >= 0 && inotify_add_watch(ifd, d, IN_MODIFY | IN_CREATE | IN_MOVED_FROM | IN_MOVED_TO |
		    IN_DELETE | IN_CLOSE_WRITE | IN_ATTRIB | IN_ONLYDIR) < 0) {
			log_debug("%s: no inotify watch: %s", d, strerror(errno));
			remote |= errno == ENOSPC || errno == ENOMEM;	/* out of watches: poll instead */
		}
		free(d);
	}
	free(dirs);
	return remote;
}

/* Reads the inotify events; true when files may have come or gone (a scan is due). */
static bool drain_events(int ifd)
{
	char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool rescan = false;
	ssize_t n;

	while ((n = read(ifd, buf, sizeof buf)) > 0)
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *e = (const struct inotify_event *)(void *)p;
			if (e->mask & ~(uint32_t)(IN_MODIFY | IN_CLOSE_WRITE))
				rescan = true;
			p += sizeof *e + e->len;
		}
	return rescan;
}

/* --- running -------------------------------------------------------------------- */

static void log_stats(const struct lt_stats *st, const char *when)
{
	log_info("%s: rows=%llu records=%llu short_rows=%llu long_rows=%llu orphan_lines=%llu too_long=%llu "
	    "nul_rows=%llu bad_utf8_rows=%llu disabled=%llu qix_off=%llu qix_rejected=%llu dropped=%llu "
	    "excluded=%llu too_big=%llu not_sense=%llu unreadable=%llu truncated=%llu rolled=%llu",
	    when, st->rows, st->records, st->short_rows, st->long_rows, st->orphan_lines, st->too_long,
	    st->nul_rows, st->bad_utf8_rows, st->disabled, st->qix_off, st->qix_rejected, st->dropped,
	    st->excluded, st->too_big, st->not_sense, st->unreadable, st->truncated, st->rotated);
}

/* Only one log-tail may use a state file: a lock beside it, held while running. */
static void lock_state(const char *state)
{
	char path[4096];

	if (snprintf(path, sizeof path, "%s.lock", state) >= (int)sizeof path)
		die(EX_USAGE, "--state: the path is too long");
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		die(EX_CANTCREAT, "%s: %s", path, strerror(errno));
	if (flock(fd, LOCK_EX | LOCK_NB) != 0)
		die(EX_TEMPFAIL, "%s: another log-tail uses this state file", state);
	/* the descriptor stays open (and locked) until exit */
}

int main(int argc, char **argv)
{
	struct cli cli;
	struct settings s = { 0 };
	struct tracker t = { 0 };
	struct lt_stats st = { 0 };
	struct ndjson_writer w;

	cli_init(&cli, "log-tail", USAGE);
	parse_args(&cli, &s, argc, argv);
	struct cfg *c = cli_load_config(&cli);
	cli_config_done(&cli, c, read_config(c, &s));
	if (strcmp(s.watch_arg, "auto") == 0)
		s.watch = WATCH_AUTO;
	else if (strcmp(s.watch_arg, "inotify") == 0)
		s.watch = WATCH_INOTIFY;
	else if (strcmp(s.watch_arg, "poll") == 0)
		s.watch = WATCH_POLL;
	else
		cli_usage_error(&cli, "--watch: expected auto, inotify or poll");
	if (!s.npatterns)
		cli_usage_error(&cli, "no files to read: give paths, --glob or %slogFolder", LT);

	struct appnames *names = appnames_new(s.app_names);
	if (!names)
		die(EX_OSERR, "out of memory");
	if (s.app_names)
		(void)appnames_refresh(names);
	s.conf.names = names;

	t.patterns = s.patterns;
	t.npatterns = s.npatterns;
	t.from_end = s.start_at == 1;
	t.forget_ms = s.forget_days * 86400000LL;
	if (s.state) {
		lock_state(s.state);
		int rc = state_load(&t, s.state);
		if (rc < 0)
			die(EX_DATAERR, "%s: fix or remove the state file (removing it reads the files again)", s.state);
		if (rc == 0)
			t.from_end = false;	/* a position file exists: files without a position are new */
	}
	if (ndjson_writer_init(&w, STDOUT_FILENO, 1 << 20) != 0)
		die(EX_OSERR, "out of memory");
	struct lt_out o = { &s.conf, &w, &st, (size_t)s.max_line, 0 };

	int ifd = -1;
	if (!s.once && s.watch != WATCH_POLL) {
		ifd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
		if (ifd < 0) {
			if (s.watch == WATCH_INOTIFY)
				die(EX_OSERR, "inotify: %s", strerror(errno));
			log_warn("inotify: %s: polling every %lld ms", strerror(errno), s.poll_ms);
		}
	}
	cli_running(&cli);

	int64_t last_sync = 0, last_stats = time_mono_ms(), last_scan = 0, last_names = last_stats;
	unsigned long long saved = ~0ULL, logged = 0;
	bool rescan = true, remote = false, was_remote = false;
	int exit_code = EX_OK;
	while (!sig_stopping()) {
		int64_t now = time_mono_ms();
		if (rescan || now - last_scan >= (ifd >= 0 && !remote ? SAFETY_SCAN_MS : s.poll_ms)) {
			tracker_scan(&t, &st);
			remote = watch_dirs(&t, ifd) && s.watch == WATCH_AUTO;
			if (remote != was_remote && ifd >= 0)
				log_info("%s", remote ? "a folder inotify cannot watch (a network file system, or no "
				    "watches left): polling" : "inotify watches every folder: no polling");
			was_remote = remote;
			last_scan = now;
			rescan = false;
		}
		size_t got;
		do {
			got = tracker_read(&t, &o, ROUND_BYTES);
			if (ndjson_flush(&w) != NDJSON_WOK) {
				if (w.state == NDJSON_WPIPE)
					log_info("standard output closed: stopping");
				else
					log_error("standard output: %s", strerror(errno));
				exit_code = w.state == NDJSON_WPIPE ? EX_OK : EX_IOERR;
				goto out;	/* positions stay where the output stopped */
			}
			/* positions right after the rows are out: a kill -9 may repeat rows, never lose them */
			if (s.state && t.changes != saved) {
				bool sync = time_mono_ms() - last_sync >= SYNC_MS;
				if (state_save(&t, s.state, sync) == 0) {
					saved = t.changes;
					if (sync)
						last_sync = time_mono_ms();
				}
			}
			if (sig_wait(0) == SIG_STOP)
				goto out;
		} while (got > 0);
		if (s.once)
			break;
		now = time_mono_ms();
		if (now - last_stats >= STATS_MS && st.rows != logged) {
			log_stats(&st, "so far");
			logged = st.rows;
			last_stats = now;
		}
		if (s.app_names && now - last_names >= APPNAMES_CHECK_MS) {
			(void)appnames_refresh(names);
			last_names = now;
		}
		struct pollfd p[2] = { { .fd = sig_fd(), .events = POLLIN }, { .fd = ifd, .events = POLLIN } };
		int64_t wait = (ifd >= 0 && !remote ? SAFETY_SCAN_MS : s.poll_ms) - (now - last_scan);
		if (wait < 0)
			wait = 0;
		if (poll(p, ifd >= 0 ? 2 : 1, (int)wait) < 0 && errno != EINTR)
			die(EX_OSERR, "poll: %s", strerror(errno));
		if (p[0].revents && sig_read() == SIG_RELOAD) {
			rescan = true;
			if (s.app_names)
				(void)appnames_refresh(names);
		}
		if (ifd >= 0 && p[1].revents && drain_events(ifd))
			rescan = true;
	}
out:
	if (s.state && exit_code == EX_OK && state_save(&t, s.state, true) != 0)
		exit_code = EX_IOERR;
	log_stats(&st, "done");
	if (ifd >= 0)
		close(ifd);
	ndjson_writer_free(&w);
	tracker_free(&t);
	appnames_free(names);
	categorise_free(s.cat);
	qixfilter_free(s.qix);
	for (size_t i = 0; i < s.npatterns; i++)
		free(s.owned[i]);
	cfg_free(c);
	return exit_code;
}
