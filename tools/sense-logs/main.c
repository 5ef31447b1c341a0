/*
 * sense-logs: writes Qlik Sense log files the way Sense does (folders,
 * names, BOM, CRLF, TAB-separated rows under the real headers, roll-over),
 * for tests and benchmarks of log-tail. Every row carries a run-wide
 * number (seq=N in the Message, or seq-N as ObjectId where there is no
 * Message) so a reader can prove it saw each row exactly once.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>

#include "log.h"
#include "sense-logs.h"

#define TOOL "sense-logs"
#define USAGE \
	"usage: sense-logs --dir DIR [--host NAME] [--services LIST] [--types LIST]\n" \
	"                  [--rows N | --bytes SIZE] [--rate ROWS_PER_S] [--roll-every K]\n" \
	"                  [--partial] [--multiline-every K] [--glyphs-every K] [--no-bom]\n" \
	"                  [--lf] [--seed S] [--start-seq N] [--now] [--print-paths]\n" \
	"       sense-logs --file PATH --service SVC --type TYPE [same row options]\n"

#define NS 1000000000LL
#define MAX_COUNT 1000000000000000ULL	/* rows, sequence numbers, K: 10^15 */
#define MAX_RATE 10000000ULL
#define MAX_BURST 1024			/* rows per burst when --rate catches up */

static const char *const services[] = { "Engine", "Proxy", "Repository", "Scheduler" };
static const char *const types[] = {
	"AuditActivity", "AuditSecurity", "Service", "System", "Performance", "Session", "QixPerformance",
};
#define N(a) (sizeof(a) / sizeof((a)[0]))

enum {
	OPT_DIR = 0x100, OPT_FILE, OPT_HOST, OPT_SERVICES, OPT_TYPES, OPT_SERVICE, OPT_TYPE,
	OPT_ROWS, OPT_BYTES, OPT_RATE, OPT_ROLL, OPT_PARTIAL, OPT_MULTILINE, OPT_GLYPHS,
	OPT_NO_BOM, OPT_LF, OPT_SEED, OPT_START_SEQ, OPT_NOW, OPT_PRINT_PATHS,
};

struct opts {
	const char *dir, *file, *host, *services, *types, *service, *type;
	uint64_t rows, bytes, rate, seed, start_seq;
	bool now;		/* --now */
	bool have_rows, have_bytes, print_paths;
	struct outopt out;
	struct rowopt row;
};

static struct lfile files[MAX_FILES];
static size_t nfiles;
static volatile sig_atomic_t stopping;

__attribute__((noreturn, format(printf, 1, 2)))
static void usage_error(const char *fmt, ...)
{
	va_list ap;

	fputs(TOOL ": ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs(" (see " TOOL " --help)\n", stderr);
	exit(EX_USAGE);
}

/* Digits only: strtoull alone would take "-1", " 5" and "+5". */
static uint64_t parse_u64(const char *opt, const char *arg, uint64_t min, uint64_t max)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (arg[0] < '0' || arg[0] > '9' || errno || *end || v < min || v > max)
		usage_error("%s: \"%s\" is not an integer in [%llu, %llu]", opt, arg,
		    (unsigned long long)min, (unsigned long long)max);
	return v;
}

/* "512", "64k", "10M", "1G": binary multiples. */
static uint64_t parse_size(const char *arg)
{
	char *end;
	unsigned long long v;
	int shift = 0;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (*end && !end[1]) {
		switch (*end) {
		case 'k': case 'K': shift = 10; end++; break;
		case 'm': case 'M': shift = 20; end++; break;
		case 'g': case 'G': shift = 30; end++; break;
		default: break;
		}
	}
	if (arg[0] < '0' || arg[0] > '9' || errno || *end || v == 0 || v > (MAX_COUNT >> shift))
		usage_error("--bytes: \"%s\" is not a size like 4096, 64k, 10M or 1G", arg);
	return (uint64_t)v << shift;
}

/* Bit i set for each name of list that matches names[i] (any case). */
static unsigned parse_list(const char *opt, const char *list, const char *const *names, size_t n)
{
	unsigned mask = 0;
	const char *p = list;

	for (;;) {
		size_t len = strcspn(p, ",");
		size_t i;

		for (i = 0; i < n; i++)
			if (strlen(names[i]) == len && strncasecmp(names[i], p, len) == 0)
				break;
		if (i == n)
			usage_error("%s: \"%.*s\" is not a known name", opt, (int)len, p);
		mask |= 1u << i;
		if (!p[len])
			return mask;
		p += len + 1;
	}
}

static unsigned index_of(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (unsigned)i;
	return 0;	/* not reached: types.c uses these names */
}

/* A host name as Sense writes it in file names and rows. */
static void check_host(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n > 253 || strspn(h, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	    "0123456789.-_") != n || h[0] == '.')
		usage_error("--host: \"%s\" is not a host name", h);
}

static void help(void)
{
	fputs(USAGE "\n"
	    "Writes Qlik Sense log files as Sense does, for tests and benchmarks of log-tail.\n\n"
	    "  --dir DIR             a Sense log folder: DIR/<Service>/<Audit|System|Trace>/\n"
	    "                        <HOST>_<LogType>_<Service>.txt\n"
	    "  --file PATH           one file, of --service SVC and --type TYPE\n"
	    "  --host NAME           host in file names and rows (QSE-NODE1)\n"
	    "  --services LIST       of Engine,Proxy,Repository,Scheduler (all)\n"
	    "  --types LIST          of AuditActivity,AuditSecurity,Service,System,Performance,\n"
	    "                        Session,QixPerformance (all the chosen services write)\n"
	    "  --rows N              rows in all (1000)\n"
	    "  --bytes SIZE          stop after SIZE bytes in all (k, M, G: binary)\n"
	    "  --rate R              rows per second (as fast as possible)\n"
	    "  --roll-every K        roll a file over after K rows, as Sense does\n"
	    "  --partial             write each row in two halves, 2 ms apart\n"
	    "  --multiline-every K   every K-th row has a raw line break in its Message\n"
	    "  --glyphs-every K      every K-th row has the glyphs U+21B5 U+2193 in its Message\n"
	    "  --no-bom, --lf        no BOM on new files; LF line ends instead of CRLF\n"
	    "  --seed S              the generator's seed (1)\n"
	    "  --start-seq N         the first run-wide sequence number (1)\n"
	    "  --now                 the first row's time is now, not 2024-11-05 08:00:00+0100\n"
	    "  --print-paths         print the files written, one per line, at the end\n"
	    "  -h, --help; -V, --version\n", stdout);
	exit(fflush(stdout) == 0 ? EX_OK : EX_IOERR);
}

static void parse_opt(struct opts *o, int opt, const char *arg)
{
	switch (opt) {
	case OPT_DIR: o->dir = arg; break;
	case OPT_FILE: o->file = arg; break;
	case OPT_HOST: o->host = arg; break;
	case OPT_SERVICES: o->services = arg; break;
	case OPT_TYPES: o->types = arg; break;
	case OPT_SERVICE: o->service = arg; break;
	case OPT_TYPE: o->type = arg; break;
	case OPT_ROWS: o->rows = parse_u64("--rows", arg, 0, MAX_COUNT); o->have_rows = true; break;
	case OPT_BYTES: o->bytes = parse_size(arg); o->have_bytes = true; break;
	case OPT_RATE: o->rate = parse_u64("--rate", arg, 1, MAX_RATE); break;
	case OPT_ROLL: o->out.roll_every = parse_u64("--roll-every", arg, 1, MAX_COUNT); break;
	case OPT_PARTIAL: o->out.partial = true; break;
	case OPT_MULTILINE: o->row.multiline_every = parse_u64("--multiline-every", arg, 1, MAX_COUNT); break;
	case OPT_GLYPHS: o->row.glyphs_every = parse_u64("--glyphs-every", arg, 1, MAX_COUNT); break;
	case OPT_NO_BOM: o->out.bom = false; break;
	case OPT_LF: o->out.lf = true; break;
	case OPT_SEED: o->seed = parse_u64("--seed", arg, 0, UINT64_MAX); break;
	case OPT_START_SEQ: o->start_seq = parse_u64("--start-seq", arg, 1, MAX_COUNT); break;
	case OPT_NOW: o->now = true; break;
	case OPT_PRINT_PATHS: o->print_paths = true; break;
	case 'h': help(); break;
	case 'V':
		puts(TOOL " " SENSEOPS_VERSION);
		exit(fflush(stdout) == 0 ? EX_OK : EX_IOERR);
	default: usage_error("unknown option");
	}
}

static void check_opts(const struct opts *o)
{
	if (!o->dir == !o->file)
		usage_error("give exactly one of --dir and --file");
	if (o->dir && (o->service || o->type))
		usage_error("--service and --type go with --file; --dir takes --services and --types");
	if (o->file && (o->services || o->types))
		usage_error("--services and --types go with --dir; --file takes --service and --type");
	if (o->have_rows && o->have_bytes)
		usage_error("give --rows or --bytes, not both");
}

static void parse_args(struct opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "dir", required_argument, NULL, OPT_DIR },
		{ "file", required_argument, NULL, OPT_FILE },
		{ "host", required_argument, NULL, OPT_HOST },
		{ "services", required_argument, NULL, OPT_SERVICES },
		{ "types", required_argument, NULL, OPT_TYPES },
		{ "service", required_argument, NULL, OPT_SERVICE },
		{ "type", required_argument, NULL, OPT_TYPE },
		{ "rows", required_argument, NULL, OPT_ROWS },
		{ "bytes", required_argument, NULL, OPT_BYTES },
		{ "rate", required_argument, NULL, OPT_RATE },
		{ "roll-every", required_argument, NULL, OPT_ROLL },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		{ "multiline-every", required_argument, NULL, OPT_MULTILINE },
		{ "glyphs-every", required_argument, NULL, OPT_GLYPHS },
		{ "no-bom", no_argument, NULL, OPT_NO_BOM },
		{ "lf", no_argument, NULL, OPT_LF },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "start-seq", required_argument, NULL, OPT_START_SEQ },
		{ "now", no_argument, NULL, OPT_NOW },
		{ "print-paths", no_argument, NULL, OPT_PRINT_PATHS },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int opt;

	opterr = 0;	/* our own one-line message instead of getopt's */
	while ((opt = getopt_long(argc, argv, ":hV", longopts, NULL)) != -1) {
		if (opt == ':')
			usage_error("%s needs an argument", argv[optind - 1]);
		if (opt == '?')
			usage_error("unknown option %s", argv[optind - 1]);
		parse_opt(o, opt, optarg);
	}
	if (optind < argc)
		usage_error("unexpected argument \"%s\"", argv[optind]);
	check_opts(o);
	check_host(o->host);
	o->row.host = o->host;
	o->row.eol = o->out.lf ? "\n" : "\r\n";
}

static void add_file(const struct ltype *t, const char *path)
{
	struct lfile *f;

	if (nfiles == MAX_FILES)
		die(EX_SOFTWARE, "more than %d files", MAX_FILES);
	f = &files[nfiles++];
	f->t = t;
	f->fd = -1;
	if (cols_parse(t->header, &f->cols) != 0)
		die(EX_SOFTWARE, "%s %s: a column without a generator", t->service, t->type);
	if (strlen(path) >= sizeof f->path)
		usage_error("path too long: %s", path);
	memcpy(f->path, path, strlen(path) + 1);
}

/* --dir: every type of the chosen services that --types names. */
static void select_dir(const struct opts *o)
{
	unsigned smask = o->services ? parse_list("--services", o->services, services, N(services)) : ~0u;
	unsigned tmask = o->types ? parse_list("--types", o->types, types, N(types)) : ~0u;
	unsigned seen = 0;
	char path[PATH_LEN + 64];

	for (size_t i = 0; i < nltypes; i++) {
		const struct ltype *t = &ltypes[i];
		unsigned tbit = 1u << index_of(t->type, types, N(types));

		if (!(smask & 1u << index_of(t->service, services, N(services))) || !(tmask & tbit))
			continue;
		seen |= tbit;
		if ((size_t)snprintf(path, sizeof path, "%s/%s/%s/%s_%s_%s.txt", o->dir, t->service, t->folder,
		    o->host, t->type, t->service) >= PATH_LEN)
			usage_error("--dir: path too long");
		add_file(t, path);
	}
	for (size_t i = 0; i < N(types); i++)
		if (o->types && (tmask & 1u << i) && !(seen & 1u << i))
			usage_error("--types: none of the chosen services writes %s", types[i]);
}

/* --dir: the folders, once the options are known to be good. */
static void make_dirs(void)
{
	for (size_t i = 0; i < nfiles; i++) {
		char dir[PATH_LEN];
		char *slash;

		memcpy(dir, files[i].path, sizeof dir);
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
		out_mkdirs(dir);
	}
}

static void select_file(const struct opts *o)
{
	if (!o->service || !o->type)
		usage_error("--file needs --service and --type");
	for (size_t i = 0; i < nltypes; i++)
		if (strcasecmp(ltypes[i].service, o->service) == 0 && strcasecmp(ltypes[i].type, o->type) == 0) {
			add_file(&ltypes[i], o->file);
			return;
		}
	usage_error("no log type %s for service %s", o->type, o->service);
}

static int64_t mono_ns(void)
{
	struct timespec t;

	if (clock_gettime(CLOCK_MONOTONIC, &t) != 0)
		die(EX_OSERR, "clock_gettime: %s", strerror(errno));
	return (int64_t)t.tv_sec * NS + t.tv_nsec;
}

/* --rate: row i (from 0) is due start + i/rate s; the schedule is absolute, so it does not drift. */
struct pace {
	int64_t start;
	uint64_t rate, due;	/* rows before due may go now */
};

static int64_t deadline(const struct pace *p, uint64_t i)
{
	return p->start + (int64_t)(i / p->rate) * NS + (int64_t)(i % p->rate * NS / p->rate);
}

static uint64_t due_by(const struct pace *p, int64_t now)
{
	uint64_t el = (uint64_t)(now - p->start);

	return el / NS * p->rate + el % NS * p->rate / NS + 1;
}

static void flush_all(void)
{
	for (size_t i = 0; i < nfiles; i++)
		out_flush(&files[i]);
}

/* Waits until row i is due; a burst ends here, so it is written out first. */
static void pace(struct pace *p, uint64_t i)
{
	/* wake about once a millisecond at most */
	uint64_t step = p->rate / 1000 > 0 ? p->rate / 1000 : 1;

	if (i < p->due)
		return;
	flush_all();
	while (!stopping) {
		int64_t now = mono_ns();
		struct timespec ts;
		int64_t wake;

		p->due = due_by(p, now);
		if (i < p->due) {
			if (p->due > i + MAX_BURST)
				p->due = i + MAX_BURST;
			return;
		}
		wake = deadline(p, i + step - 1);
		ts.tv_sec = wake / NS;
		ts.tv_nsec = wake % NS;
		/* EINTR: a signal; the loop looks at stopping */
		(void)clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
}

static void on_signal(int sig)
{
	(void)sig;
	stopping = 1;
}

/* SIGINT and SIGTERM end the run after the row at hand, with every file written out. */
static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	if (sigemptyset(&sa.sa_mask) != 0 || sigaction(SIGINT, &sa, NULL) != 0 ||
	    sigaction(SIGTERM, &sa, NULL) != 0)
		die(EX_OSERR, "sigaction: %s", strerror(errno));
}

static bool done(const struct opts *o, uint64_t i)
{
	if (stopping)
		return true;
	return o->have_bytes ? out_total() >= o->bytes : i >= o->rows;
}

static void run(const struct opts *o)
{
	struct pace p = { .start = mono_ns(), .rate = o->rate };
	uint64_t seq = o->start_seq;

	if (nfiles == 0)
		return;
	for (uint64_t i = 0; !done(o, i); i++) {
		if (o->rate) {
			pace(&p, i);
			if (stopping)
				break;
		}
		out_row(&files[i % nfiles], &o->out, &o->row, seq++, i + 1);
	}
}

int main(int argc, char **argv)
{
	struct opts o = {
		.host = "QSE-NODE1", .rows = 1000, .seed = 1, .start_seq = 1,
		.out = { .bom = true },
	};

	log_init(TOOL);
	parse_args(&o, argc, argv);
	if (o.dir) {
		select_dir(&o);
		make_dirs();
	} else if (o.file) {
		select_file(&o);
	}
	catch_signals();
	row_init(o.seed);
	if (o.now)
		row_base_now();
	for (size_t i = 0; i < nfiles; i++)
		out_open(&files[i], &o.out);
	run(&o);
	for (size_t i = 0; i < nfiles; i++)
		out_close(&files[i]);
	if (o.print_paths)
		for (size_t i = 0; i < nfiles; i++)
			if (puts(files[i].path) == EOF)
				break;
	if (fflush(stdout) != 0 || ferror(stdout))
		die(EX_IOERR, "stdout: %s", strerror(errno));
	return EX_OK;
}
