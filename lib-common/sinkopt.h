/*
 * sinkopt: what every sink (to-influx, to-mqtt, to-pg) does the same way:
 * the queue options (--spool DIR, --spool-max-bytes, --spool-drop,
 * --queue-max-bytes, --drain-timeout), opening the queue, and moving what
 * standard input has into it without ever waiting.
 */
#ifndef SENSEOPS_SINKOPT_H
#define SENSEOPS_SINKOPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cli.h"
#include "ndjson.h"
#include "sinkq.h"

enum {
	SINK_OPT_SPOOL = 0x1080,	/* below CLI_OPT_TOOL, above the shared options */
	SINK_OPT_SPOOL_MAX,
	SINK_OPT_SPOOL_DROP,
	SINK_OPT_QUEUE_MAX,
	SINK_OPT_DRAIN,
};

#define SINK_LONGOPTS \
	{ "spool", required_argument, NULL, SINK_OPT_SPOOL }, \
	{ "spool-max-bytes", required_argument, NULL, SINK_OPT_SPOOL_MAX }, \
	{ "spool-drop", required_argument, NULL, SINK_OPT_SPOOL_DROP }, \
	{ "queue-max-bytes", required_argument, NULL, SINK_OPT_QUEUE_MAX }, \
	{ "drain-timeout", required_argument, NULL, SINK_OPT_DRAIN }

struct sink_opts {
	const char	*spool;		/* NULL: a memory queue */
	size_t		 spool_max, queue_max;
	enum spool_drop	 drop;
	int64_t		 drain_ms;	/* at the end of the input, how long to keep trying */
};

void sink_opts_init(struct sink_opts *o);
/* Handles a sink option: 1 when opt was one (a bad value exits 64), 0 otherwise. */
int sink_option(const struct cli *cli, struct sink_opts *o, int opt, const char *arg);
/* The queue: exits 73 when the spool cannot be opened, 71 when memory runs out. */
struct sinkq *sink_queue_open(const struct sink_opts *o);
/* Standard input, non-blocking, as an NDJSON reader; exits 71 on failure. */
void sink_stdin(struct ndjson_reader *in);

/*
 * Moves at most burst lines from in into q. Returns true at the end of the
 * input (or a read error, logged). *read counts the lines taken.
 */
bool sink_read(struct ndjson_reader *in, struct sinkq *q, int burst, uint64_t *read);
/* Logs (once per change) how many records a full queue dropped so far. */
void sink_report_drops(const struct sinkq *q, uint64_t *last);

#endif
