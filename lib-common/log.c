/* log: logfmt on stderr with per-call-site rate limiting. */
#include "log.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "timefmt.h"

static const char *tool_name = "senseops";
static int cur_level = LL_INFO;
static int rl_burst = 10;
static int64_t rl_window = 60000;

/* Direct-mapped by call site: a collision only shares a budget. */
struct site {
	const char *fmt;
	int64_t window_start;
	int count;
	unsigned long suppressed;
};
static struct site sites[128];

static const char *const level_names[] = { "error", "warn", "info", "debug" };

void log_init(const char *tool)
{
	const char *slash = strrchr(tool, '/');
	tool_name = slash ? slash + 1 : tool;
}

const char *log_tool(void)
{
	return tool_name;
}

void log_set_level(int level)
{
	cur_level = level < LL_ERROR ? LL_ERROR : level > LL_DEBUG ? LL_DEBUG : level;
}

int log_get_level(void)
{
	return cur_level;
}

int log_level_parse(const char *name)
{
	static const struct {
		const char *name;
		int level;
	} names[] = {
		{ "error", LL_ERROR }, { "warn", LL_WARN }, { "warning", LL_WARN },
		{ "info", LL_INFO }, { "verbose", LL_DEBUG }, { "debug", LL_DEBUG },
		{ "silly", LL_DEBUG },
	};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(name, names[i].name) == 0)
			return names[i].level;
	return -1;
}

void log_set_ratelimit(int burst, int window_ms)
{
	rl_burst = burst;
	rl_window = window_ms;
}

/* Appends s as a logfmt quoted value; control characters become escapes. */
static size_t quote(char *out, size_t cap, size_t n, const char *s)
{
	if (n < cap)
		out[n++] = '"';
	for (; *s && n + 6 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			out[n++] = '\\';
			out[n++] = (char)c;
		} else if (c == '\n') {
			out[n++] = '\\';
			out[n++] = 'n';
		} else if (c < 0x20 || c == 0x7f) {
			n += (size_t)snprintf(out + n, cap - n, "\\x%02x", c);
		} else {
			out[n++] = (char)c;
		}
	}
	if (n < cap)
		out[n++] = '"';
	return n;
}

/* Returns how many earlier lines were suppressed, or -1 to suppress this one. */
static long ratelimit(const char *fmt, int64_t now)
{
	struct site *st = &sites[((uintptr_t)fmt >> 3) % (sizeof sites / sizeof sites[0])];

	if (st->fmt != fmt || now - st->window_start >= rl_window) {
		unsigned long sup = st->fmt == fmt ? st->suppressed : 0;
		st->fmt = fmt;
		st->window_start = now;
		st->count = 1;
		st->suppressed = 0;
		return (long)sup;
	}
	if (st->count >= rl_burst) {
		st->suppressed++;
		return -1;
	}
	st->count++;
	return 0;
}

void log_vmsg(int level, const char *fmt, va_list ap)
{
	char msg[2048], line[4096], ts[TIME_RFC3339_LEN];
	size_t n;
	long sup;

	if (level > cur_level)
		return;
	sup = ratelimit(fmt, time_mono_ms());
	if (sup < 0)
		return;
	vsnprintf(msg, sizeof msg, fmt, ap);
	n = (size_t)snprintf(line, sizeof line, "ts=%s level=%s tool=%s msg=",
	    time_format_rfc3339(time_now_ms(), ts), level_names[level], tool_name);
	n = quote(line, sizeof line - 40, n, msg);
	if (sup > 0)
		n += (size_t)snprintf(line + n, sizeof line - n, " suppressed=%ld", sup);
	line[n++] = '\n';
	/* One write per line keeps lines whole when several tools share stderr. */
	if (write(STDERR_FILENO, line, n) < 0)
		return;
}

void log_msg(int level, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, fmt, ap);
	va_end(ap);
}

void die(int code, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: fatal: %s\n", tool_name, msg);
	exit(code);
}
