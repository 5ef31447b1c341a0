/* proc: process facts from /proc/PID, lookup by name, bounded file readers. */
#include "proc.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "timefmt.h"
#include "utf8.h"

/* /proc/PID/stat is about 350 bytes; comm in it is at most 64. */
#define STAT_MAX	4096
/* cmdline is reported up to 4 KiB. */
#define CMDLINE_MAX	4096
/* /proc/stat holds a line per CPU and a long intr line before btime. */
#define PROC_STAT_MAX	(16 * 1024 * 1024)
#define STATUS_MAX	(64 * 1024)

/* --- bounded readers ----------------------------------------------------- */

int proc_root_is_real(const char *root)
{
	return root == NULL || root[0] == '\0' || strcmp(root, "/") == 0;
}

int proc_path(char *buf, size_t size, const char *root, const char *fmt, ...)
{
	va_list ap;
	size_t rl = 0;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (!proc_root_is_real(root)) {
		rl = strlen(root);
		while (rl > 1 && root[rl - 1] == '/')
			rl--;
	}
	if (n < 0 || (size_t)n >= size || rl >= size - (size_t)n) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* the relative part was formatted first: slide it behind root */
	memmove(buf + rl, buf, (size_t)n + 1);
	memcpy(buf, root, rl);
	return 0;
}

int proc_parse_u64(const char **p, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	unsigned d;

	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		d = (unsigned)(*s - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*p = s;
	*out = v;
	return 0;
}

int proc_parse_double(const char **p, double *out)
{
	const char *s = *p;
	uint64_t ip, frac = 0, scale = 1;
	double v;

	if (proc_parse_u64(&s, &ip) == -1)
		return -1;
	v = (double)ip;
	if (*s == '.' && s[1] >= '0' && s[1] <= '9') {
		/* strtod would follow the locale's decimal point; /proc does not */
		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (scale < 1000000000000000000ULL) {
				frac = frac * 10 + (uint64_t)(*s - '0');
				scale *= 10;
			}
		}
		v += (double)frac / (double)scale;
	}
	*p = s;
	*out = v;
	return 0;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

int proc_split_kv(char *line, char **key, char **val)
{
	char *colon = strchr(line, ':'), *e;

	if (colon == NULL)
		return -1;
	*colon = '\0';
	for (e = colon; e > line && is_blank(e[-1]); e--)
		;
	*e = '\0';
	*key = line;
	for (e = colon + 1; is_blank(*e); e++)
		;
	*val = e;
	e += strlen(e);
	while (e > *val && is_blank(e[-1]))
		*--e = '\0';
	return 0;
}

/* --- JSON helpers: remember an allocation failure, check once ----------- */

struct jw {
	cJSON	*obj;
	int	 fail;
};

static void jw_str(struct jw *w, const char *k, const char *v)
{
	if (cJSON_AddStringToObject(w->obj, k, v) == NULL)
		w->fail = 1;
}

static void jw_num(struct jw *w, const char *k, double v)
{
	if (cJSON_AddNumberToObject(w->obj, k, v) == NULL)
		w->fail = 1;
}

/* --- one process ----------------------------------------------------------- */

/* What /proc/PID/stat tells; have_* says which fields parsed. */
struct pstat {
	char		 comm[65];
	int		 have_comm;
	char		 state;
	int		 have_ppid, have_cpu, have_threads, have_start;
	long		 ppid;
	uint64_t	 utime, stime, threads, starttime;
};

/* A token that is one unsigned decimal number and nothing else. */
static int tok_u64(const char *t, uint64_t *v)
{
	return proc_parse_u64(&t, v) == 0 && *t == '\0' ? 0 : -1;
}

/*
 * comm sits in parentheses and may hold spaces and ')' itself, so the
 * fields start after the LAST ')'. Fields are numbered as in proc(5).
 */
static void parse_stat(char *buf, struct pstat *st)
{
	char *open = strchr(buf, '('), *close = strrchr(buf, ')'), *tok, *save;
	uint64_t v;
	size_t n;
	int field;

	memset(st, 0, sizeof(*st));
	if (open == NULL || close == NULL || close < open)
		return;
	n = (size_t)(close - open - 1);
	if (n < sizeof(st->comm)) {
		memcpy(st->comm, open + 1, n);
		st->comm[n] = '\0';
		st->have_comm = 1;
	}
	field = 3;
	for (tok = strtok_r(close + 1, " \n", &save); tok != NULL && field <= 22;
	    tok = strtok_r(NULL, " \n", &save), field++) {
		switch (field) {
		case 3:
			if (tok[1] == '\0' && isalpha((unsigned char)tok[0]))
				st->state = tok[0];
			break;
		case 4:
			if (tok_u64(tok, &v) == 0 && v <= INT_MAX) {
				st->ppid = (long)v;
				st->have_ppid = 1;
			}
			break;
		case 14:
			st->have_cpu = tok_u64(tok, &st->utime) == 0;
			break;
		case 15:
			if (st->have_cpu)
				st->have_cpu = tok_u64(tok, &st->stime) == 0 ? 2 : 0;
			break;
		case 20:
			st->have_threads = tok_u64(tok, &st->threads) == 0;
			break;
		case 22:
			st->have_start = tok_u64(tok, &st->starttime) == 0;
			break;
		default:
			break;
		}
	}
	/* utime without stime is half a fact */
	if (st->have_cpu != 2)
		st->have_cpu = 0;
}

/* Values of /proc/PID/status we report; -1 when absent. */
struct pstatus {
	int64_t	rss, hwm, vmsize, threads;
	int	read;		/* the file was read */
	int	rss_line;	/* it had a VmRSS line, readable or not */
};

/* "  1234 kB" -> bytes, -1 when it is not that form. */
static int64_t kb_value(const char *v)
{
	uint64_t n;

	if (proc_parse_u64(&v, &n) == -1 || strcmp(v, " kB") != 0 ||
	    n > (uint64_t)INT64_MAX / 1024)
		return -1;
	return (int64_t)(n * 1024);
}

static void parse_status(const char *path, struct pstatus *ps)
{
	struct lines l;
	char *k, *v;
	uint64_t n;
	const char *p;

	ps->rss = ps->hwm = ps->vmsize = ps->threads = -1;
	ps->read = ps->rss_line = 0;
	if (lines_open(&l, path, STATUS_MAX) == -1)
		return;
	while (lines_next(&l)) {
		ps->read = 1;
		if (proc_split_kv(l.line, &k, &v) == -1)
			continue;
		if (strcmp(k, "VmRSS") == 0) {
			ps->rss_line = 1;
			ps->rss = kb_value(v);
		}
		else if (strcmp(k, "VmHWM") == 0)
			ps->hwm = kb_value(v);
		else if (strcmp(k, "VmSize") == 0)
			ps->vmsize = kb_value(v);
		else if (strcmp(k, "Threads") == 0) {
			p = v;
			if (proc_parse_u64(&p, &n) == 0 && *p == '\0' && n <= INT_MAX)
				ps->threads = (int64_t)n;
		}
	}
	lines_close(&l);
}

/* btime from ROOT/proc/stat: boot time in seconds since the epoch, or -1. */
static int64_t boot_time(const char *root)
{
	struct lines l;
	char path[PATH_MAX];
	const char *p;
	uint64_t v;
	int64_t bt = -1;

	if (proc_path(path, sizeof(path), root, "/proc/stat") == -1 ||
	    lines_open(&l, path, PROC_STAT_MAX) == -1)
		return -1;
	while (lines_next(&l)) {
		if (strncmp(l.line, "btime ", 6) != 0)
			continue;
		p = l.line + 6;
		/* past 9999-12-31 is garbage, and would overflow in ms */
		if (proc_parse_u64(&p, &v) == 0 && *p == '\0' && v < 253402300800ULL)
			bt = (int64_t)v;
		break;
	}
	lines_close(&l);
	return bt;
}

/* argv joined with spaces; "" for a kernel thread. */
static int read_cmdline(const char *root, pid_t pid, char *buf, size_t size)
{
	char path[PATH_MAX];
	ssize_t n;

	if (proc_path(path, sizeof(path), root, "/proc/%d/cmdline", (int)pid) == -1 ||
	    (n = file_read(path, buf, size)) == -1)
		return -1;
	while (n > 0 && buf[n - 1] == '\0')
		n--;
	buf[n] = '\0';
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
	utf8_sanitize(buf, true);
	return 0;
}

static int read_comm(const char *root, pid_t pid, char *buf, size_t size)
{
	char path[PATH_MAX];

	if (proc_path(path, sizeof(path), root, "/proc/%d/comm", (int)pid) == -1 ||
	    file_read(path, buf, size) == -1)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Entries of ROOT/proc/PID/fd, -1 when it cannot be listed (EACCES, ...). */
static long count_fds(const char *root, pid_t pid)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d;
	long n = 0;

	if (proc_path(path, sizeof(path), root, "/proc/%d/fd", (int)pid) == -1 ||
	    (d = opendir(path)) == NULL)
		return -1;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
			n++;
	}
	if (errno != 0)
		n = -1;
	closedir(d);
	return n;
}

int proc_collect(cJSON *obj, const char *root, pid_t pid)
{
	struct jw w = { obj, 0 };
	struct pstat st;
	struct pstatus ps;
	char path[PATH_MAX], statbuf[STAT_MAX], cmd[CMDLINE_MAX], comm[256];
	char ts[TIME_RFC3339_LEN];
	long hz, fds;
	int64_t bt, start_ms, now_ms;
	double up;

	if (pid <= 0) {
		errno = ESRCH;
		return -1;
	}
	if (proc_path(path, sizeof(path), root, "/proc/%d/stat", (int)pid) == -1)
		return -2;
	/* stat decides whether the process exists; nothing is written before */
	if (file_read(path, statbuf, sizeof(statbuf)) == -1)
		return errno == ENOENT || errno == ESRCH ? -1 : -2;
	parse_stat(statbuf, &st);

	jw_num(&w, "pid", pid);
	if (read_comm(root, pid, comm, sizeof(comm)) == 0 && comm[0] != '\0') {
		utf8_sanitize(comm, true);
		jw_str(&w, "name", comm);
	} else if (st.have_comm && st.comm[0] != '\0') {
		utf8_sanitize(st.comm, true);
		jw_str(&w, "name", st.comm);
	}
	if (read_cmdline(root, pid, cmd, sizeof(cmd)) == 0 && cmd[0] != '\0')
		jw_str(&w, "cmdline", cmd);
	if (st.state != '\0') {
		char s[2] = { st.state, '\0' };
		jw_str(&w, "state", s);
	}
	if (st.have_ppid)
		jw_num(&w, "ppid", (double)st.ppid);

	ps.rss = ps.hwm = ps.vmsize = ps.threads = -1;
	ps.read = ps.rss_line = 0;
	if (proc_path(path, sizeof(path), root, "/proc/%d/status", (int)pid) == 0)
		parse_status(path, &ps);
	/* zombies and kernel threads have no VmRSS line: they hold no user memory */
	if (ps.read && !ps.rss_line)
		ps.rss = 0;
	if (ps.rss >= 0)
		jw_num(&w, "rss_bytes", (double)ps.rss);
	if (ps.hwm >= 0)
		jw_num(&w, "rss_peak_bytes", (double)ps.hwm);
	if (ps.vmsize >= 0)
		jw_num(&w, "vm_size_bytes", (double)ps.vmsize);
	if (ps.threads >= 0)
		jw_num(&w, "threads", (double)ps.threads);
	else if (st.have_threads && st.threads <= INT_MAX)
		jw_num(&w, "threads", (double)st.threads);

	hz = sysconf(_SC_CLK_TCK);
	if (hz > 0 && st.have_cpu) {
		jw_num(&w, "cpu_user_seconds", (double)st.utime / (double)hz);
		jw_num(&w, "cpu_system_seconds", (double)st.stime / (double)hz);
		jw_num(&w, "cpu_seconds", ((double)st.utime + (double)st.stime) / (double)hz);
	}
	if (hz > 0 && st.have_start && (bt = boot_time(root)) >= 0 &&
	    st.starttime / (uint64_t)hz < 253402300800ULL) {
		start_ms = bt * 1000 + (int64_t)(st.starttime / (uint64_t)hz) * 1000 +
		    (int64_t)(st.starttime % (uint64_t)hz) * 1000 / hz;
		jw_str(&w, "start_time", time_format_rfc3339(start_ms, ts));
		now_ms = time_now_ms();
		/* btime is whole seconds: a young process may seem to start later */
		up = now_ms > start_ms ? (double)(now_ms - start_ms) / 1000.0 : 0.0;
		jw_num(&w, "uptime_seconds", up);
	}
	if ((fds = count_fds(root, pid)) >= 0)
		jw_num(&w, "open_fds", (double)fds);

	if (w.fail) {
		errno = ENOMEM;
		return -2;
	}
	return 0;
}

/* --- lookup by name ------------------------------------------------------ */

static int name_matches(const char *root, pid_t pid, const char *name)
{
	char buf[CMDLINE_MAX];
	const char *base;
	char path[PATH_MAX];

	if (read_comm(root, pid, buf, sizeof(buf)) == 0 && strcmp(buf, name) == 0)
		return 1;
	if (proc_path(path, sizeof(path), root, "/proc/%d/cmdline", (int)pid) == -1 ||
	    file_read(path, buf, sizeof(buf)) == -1)
		return 0;
	/* buf is NUL-terminated, and argv[0] ends at the first NUL */
	base = strrchr(buf, '/');
	base = base != NULL ? base + 1 : buf;
	return strcmp(base, name) == 0;
}

/* Keeps the max lowest pids, ascending. */
static void insert_sorted(pid_t *pids, int *n, int max, pid_t pid)
{
	int i;

	if (pids == NULL || max <= 0)
		return;
	if (*n >= max) {
		if (pid > pids[max - 1])
			return;
		*n = max - 1;
	}
	for (i = *n; i > 0 && pids[i - 1] > pid; i--)
		pids[i] = pids[i - 1];
	pids[i] = pid;
	(*n)++;
}

int proc_find_by_name(const char *root, const char *name, pid_t *pids, int max,
    pid_t self_skip)
{
	char path[PATH_MAX];
	struct dirent *de;
	const char *p;
	uint64_t v;
	DIR *d;
	int found = 0, stored = 0, saved;

	if (proc_path(path, sizeof(path), root, "/proc") == -1 ||
	    (d = opendir(path)) == NULL)
		return -1;
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		p = de->d_name;
		if (proc_parse_u64(&p, &v) == -1 || *p != '\0' || v == 0 || v > INT_MAX)
			continue;
		if ((pid_t)v == self_skip || name == NULL || name[0] == '\0')
			continue;
		if (!name_matches(root, (pid_t)v, name))
			continue;
		if (found < INT_MAX)
			found++;
		insert_sorted(pids, &stored, max, (pid_t)v);
	}
	if (errno != 0) {
		saved = errno;
		closedir(d);
		errno = saved;
		return -1;
	}
	closedir(d);
	return found;
}
