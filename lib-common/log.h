/*
 * log: one logfmt line per event on stderr,
 *   ts=2026-11-30T17:47:11.123Z level=warn tool=sysinfo msg="..."
 * Repeated messages from one call site are rate-limited; the next line
 * printed from that site says how many were suppressed.
 */
#ifndef SENSEOPS_LOG_H
#define SENSEOPS_LOG_H

#include <stdarg.h>

enum log_level { LL_ERROR, LL_WARN, LL_INFO, LL_DEBUG };

void log_init(const char *tool);
const char *log_tool(void);
void log_set_level(int level);
int log_get_level(void);
/* Parses our names and Butler SOS's (silly, verbose); -1 when unknown. */
int log_level_parse(const char *name);
/* At most burst lines per call site every window_ms (defaults 10 / 60000). */
void log_set_ratelimit(int burst, int window_ms);

__attribute__((format(printf, 2, 3)))
void log_msg(int level, const char *fmt, ...);
__attribute__((format(printf, 2, 0)))
void log_vmsg(int level, const char *fmt, va_list ap);

#define log_error(...) log_msg(LL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LL_DEBUG, __VA_ARGS__)

/* Before the main loop: "tool: fatal: msg" on stderr, then exit(code). */
__attribute__((noreturn, format(printf, 2, 3)))
void die(int code, const char *fmt, ...);

#endif
