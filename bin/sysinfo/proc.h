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

#include "fileio.h"

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

/* --- paths and parsers shared with host.c ---------------------------- */

/*
 * Writes root + the formatted path into buf ("/proc/..." stays as is for the
 * real system). Returns 0, or -1 with ENAMETOOLONG.
 */
__attribute__((format(printf, 4, 5)))
int proc_path(char *buf, size_t size, const char *root, const char *fmt, ...);

/* True when root means the real system (NULL, "" or "/"). */
int proc_root_is_real(const char *root);






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
