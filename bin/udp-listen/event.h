/*
 * event: what the udp-listen parsers share: the settings that shape a
 * record, and the verdict a parser returns for one datagram.
 */
#ifndef SENSEOPS_UDP_LISTEN_EVENT_H
#define SENSEOPS_UDP_LISTEN_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "appnames.h"
#include "categorise.h"
#include "evtags.h"
#include "jsonw.h"
#include "qixfilter.h"
#include "userlist.h"

enum log_source { LS_ENGINE, LS_PROXY, LS_REPOSITORY, LS_SCHEDULER, LS_QIXPERF, LS_COUNT };

struct ev_conf {
	bool source_enable[LS_COUNT];	/* logEvents.source.*.enable */
	bool appname_lookup;		/* enginePerformanceMonitor.appNameLookup.enable */
	struct ev_tags log_tags;	/* logEvents.tags */
	struct ev_tags user_tags;	/* userEvents.tags */
	const struct categorise *cat;
	const struct qixfilter *qix;
	const struct appnames *names;
	struct userlist exclude;	/* userEvents.excludeUser */
};

enum ev_verdict {
	EV_RECORD,		/* a record was written */
	EV_EMPTY,		/* nothing but blanks: not an event */
	EV_UNKNOWN_TYPE,	/* not a type this port carries */
	EV_DISABLED,		/* a log source turned off in the config */
	EV_QIX_OFF,		/* qix-perf while enginePerformanceMonitor is off */
	EV_QIX_REJECTED,	/* refused by the performance monitor filters */
	EV_DROP_RULE,		/* a categorisation rule with action drop */
	EV_EXCLUDED_USER,	/* userEvents.excludeUser */
	EV_TOO_BIG,		/* the record did not fit the output buffer */
};

/* What the caller needs to count the datagram. */
struct ev_result {
	enum ev_verdict verdict;
	bool counted;			/* counts in event_count under the key below */
	const char *source, *host, *subsystem;
	/* EV_QIX_REJECTED: the rejected_event_count key and the process time */
	const char *app_id, *app_name, *method, *object_type;
	double process_time;
};

/*
 * Parse one datagram (n bytes, any content) received at now_ms into one
 * record line in out (without the newline). Strings in *res live until the
 * next call.
 */
void logevent_parse(const struct ev_conf *conf, const char *dgram, size_t n, int64_t now_ms,
    struct jsonw *out, struct ev_result *res);
void userevent_parse(const struct ev_conf *conf, const char *dgram, size_t n, int64_t now_ms,
    struct jsonw *out, struct ev_result *res);

#endif
