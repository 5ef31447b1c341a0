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

#define SINK_READ_BURST	4096	/* lines read before the loop looks at the rest */
#define SINK_STOP_MS	4500	/* SIGTERM: the time left to deliver what was read */

/*
 * Where a sink's main loop stands: reading; draining once the input
 * ended (for drain_ms at most) or a stop was asked (SINK_STOP_MS).
 */
struct sink_loop {
	const char	*doing;		/* "writing": "stopping: writing for at most 4500 ms" */
	const char	*done;		/* "written": "3 records not written yet" */
	int64_t		 drain_ms;
	int64_t		 deadline;	/* 0 until draining */
	bool		 in_eof, stopping, draining;
};

/* The start of a turn: reads the signals, and moves what stdin has into q while neither stopped nor ended. */
void sink_loop_begin(struct sink_loop *l, struct ndjson_reader *in, struct sinkq *q, uint64_t *read, int64_t now);
/*
 * The end of a turn: reports drops and puts what is still queued in
 * *pending. Returns -1 to go on, else the exit status: EX_OK when draining
 * with nothing pending and finished; at the deadline, a warning and EX_OK
 * with a spool (the rest stays there for the next start) or EX_TEMPFAIL.
 */
int sink_loop_end(struct sink_loop *l, const struct sinkq *q, uint64_t *last_dropped, int64_t now, bool finished,
    uint64_t *pending);

#endif
