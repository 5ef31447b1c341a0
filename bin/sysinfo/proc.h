/*
 * proc: process facts read from /proc/PID, process lookup by name, and the
 * bounded readers sysinfo uses for every file under /proc, /sys and /etc.
 * Every path is taken relative to a root prefix so tests can use a fake tree;
 * root NULL, "" or "/" is the real system.
 */
#ifndef SENSEOPS_SYSINFO_PROC_H
#define SENSEOPS_SYSINFO_PROC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include <cjson/cJSON.h>

/*
 * Fills obj with facts about process pid read from ROOT/proc/PID/{stat,
 * status,fd,cmdline,comm}: pid, name, cmdline, state, ppid, rss_bytes,
 * rss_peak_bytes, vm_size_bytes, threads, cpu_user_seconds,
 * cpu_system_seconds, cpu_seconds, start_time, uptime_seconds, open_fds.
 * A fact that cannot be read is left out. Returns 0; -1 when the process
 * does not exist (ROOT/proc/PID/stat gives ENOENT or ESRCH; errno kept), and
 * then obj is untouched; -2 on other read errors of that file (errno kept)
 * or allocation failure (ENOMEM).
 */
int proc_collect(cJSON *obj, const char *root, pid_t pid);

/*
 * Finds processes whose name equals name: the comm (ROOT/proc/PID/comm, which
 * the kernel truncates to 15 bytes) or the basename of argv[0] from cmdline.
 * Stores the lowest max pids in ascending order and returns how many matched
 * (may exceed max); -1 when ROOT/proc cannot be read. Skips pid self_skip
 * (0 skips nothing).
 */
int proc_find_by_name(const char *root, const char *name, pid_t *pids, int max,
    pid_t self_skip);

/* --- bounded readers, shared with host.c ------------------------------- */

/* Largest file proc_read_file reads; a bigger one is cut there. */
#define PROC_SMALL_MAX	(64 * 1024)
/* Longest line proc_lines_next returns; the rest of a longer line is skipped. */
#define PROC_LINE_MAX	4096

/*
 * Writes root + the formatted path into buf ("/proc/..." stays as is for the
 * real system). Returns 0, or -1 with ENAMETOOLONG.
 */
__attribute__((format(printf, 4, 5)))
int proc_path(char *buf, size_t size, const char *root, const char *fmt, ...);

/* True when root means the real system (NULL, "" or "/"). */
int proc_root_is_real(const char *root);

/*
 * Reads at most size - 1 bytes of path into buf and NUL-terminates it (a
 * file may hold NUL bytes: use the length). Returns the length, or -1 with
 * errno set.
 */
ssize_t proc_read_file(const char *path, char *buf, size_t size);

/* A line reader with a cap on line length and on the bytes read in total. */
struct proc_lines {
	FILE	*fp;
	size_t	 left;		/* bytes still accepted from the file */
	int	 err;		/* errno of a read error, else 0 */
	char	 line[PROC_LINE_MAX];
};

/* Returns 0, or -1 with errno set when path cannot be opened. */
int proc_lines_open(struct proc_lines *l, const char *path, size_t max_bytes);
/*
 * Returns 1 with l->line holding the next line without its newline, 0 at
 * the end (or at the byte cap, or on a read error: see l->err).
 */
int proc_lines_next(struct proc_lines *l);
void proc_lines_close(struct proc_lines *l);

/*
 * Makes s valid UTF-8 in place: each byte of an invalid sequence becomes
 * '?', and so does every control character when controls is non-zero.
 */
void proc_sanitize(char *s, int controls);

/*
 * Strict, locale-free number parsers: they read decimal digits at *p (for a
 * double, digits with an optional fraction: the form /proc writes) and move
 * *p past them. Return 0, or -1 when no number is there or it overflows.
 */
int proc_parse_u64(const char **p, uint64_t *out);
int proc_parse_double(const char **p, double *out);

/*
 * Splits "key<ws>: value" in place: the key loses its trailing blanks, the
 * value its leading and trailing blanks. Returns 0, or -1 without a colon.
 */
int proc_split_kv(char *line, char **key, char **val);

#endif
