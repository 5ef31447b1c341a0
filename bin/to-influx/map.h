/*
 * map: senseops records to the InfluxDB points Butler SOS writes for the
 * same data, per InfluxDB version (measurement, tags, field names and
 * types; output-model.md in the reference). One record gives one point or
 * several (a health record gives eight).
 */
#ifndef SENSEOPS_TO_INFLUX_MAP_H
#define SENSEOPS_TO_INFLUX_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lp.h"

struct map_conf {
	int	 version;		/* 1, 2 or 3 */
	bool	 include_active, include_loaded, include_inmem;	/* influxdbConfig.includeFields */
	bool	 raw_event_tags;	/* log events also go to MQTT: raw_event holds "tags" */
	/* what is written at all */
	bool	 log_events, user_events, event_counts, rejected_counts;
	bool	 queue_log, queue_user, errors, memory, host;
	/* measurement names Butler SOS lets the operator choose */
	const char *m_event_count, *m_rejected, *m_queue_log, *m_queue_user, *m_errors;
	const char *version_tag;	/* the version tag of butlersos_memory_usage */
};

enum map_result {
	MAP_OK = 0,		/* points appended (possibly none, as for a session list without sessions) */
	MAP_OFF,		/* a kind the configuration does not store */
	MAP_UNKNOWN,		/* a kind with no measurement */
	MAP_INCOMPLETE,		/* a user event without host, command, user or origin, as Butler SOS skips */
	MAP_BAD,		/* not a record: bad JSON, no kind, no ts, a required field missing */
	MAP_NOMEM,
};

struct mapper;

struct mapper *mapper_new(const struct map_conf *c);
void mapper_free(struct mapper *m);

/*
 * Maps one NDJSON line (n bytes, no newline) to line protocol appended to
 * out. seq identifies the line (a hash of its text): it becomes the
 * sub-millisecond part of the timestamps, so that two events in the same
 * millisecond with the same tags stay two points, and a line written
 * twice (a retry, a replay after a crash) overwrites its first copy. On MAP_BAD and MAP_UNKNOWN, why
 * says what was wrong; out is left as it was unless MAP_OK.
 */
enum map_result map_record(struct mapper *m, const char *line, size_t n, uint64_t seq,
    struct lp_buf *out, char *why, size_t whylen);

/* The record's kind as the last map_record saw it ("" when none), for counting. */
const char *map_last_kind(const struct mapper *m);

#endif
