/* sinkopt: the queue options, input and drop reports every sink shares. */
#include "sinkopt.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "log.h"
#include "sig.h"

void sink_opts_init(struct sink_opts *o)
{
	memset(o, 0, sizeof *o);
	o->drop = SPOOL_DROP_NEWEST;
	o->drain_ms = 10000;
}

int sink_option(const struct cli *cli, struct sink_opts *o, int opt, const char *arg)
{
	switch (opt) {
	case SINK_OPT_SPOOL:
		o->spool = arg;
		return 1;
	case SINK_OPT_SPOOL_MAX:
		o->spool_max = (size_t)cli_int(cli, "--spool-max-bytes", arg, 1024 * 1024, 1LL << 40);
		return 1;
	case SINK_OPT_QUEUE_MAX:
		o->queue_max = (size_t)cli_int(cli, "--queue-max-bytes", arg, 1024 * 1024, 1LL << 40);
		return 1;
	case SINK_OPT_SPOOL_DROP:
		if (strcmp(arg, "newest") == 0)
			o->drop = SPOOL_DROP_NEWEST;
		else if (strcmp(arg, "oldest") == 0)
			o->drop = SPOOL_DROP_OLDEST;
		else
			cli_usage_error(cli, "--spool-drop: \"%s\" is not newest or oldest", arg);
		return 1;
	case SINK_OPT_DRAIN:
		o->drain_ms = cli_int(cli, "--drain-timeout", arg, 0, 86400000);
		return 1;
	default:
		return 0;
	}
}

struct sinkq *sink_queue_open(const struct sink_opts *o)
{
	struct spool_opts so = { .drop = o->drop, .max_bytes = o->spool ? o->spool_max : o->queue_max };
	char err[600];
	struct sinkq *q = sinkq_open(o->spool, &so, err, sizeof err);

	if (!q)
		die(o->spool ? EX_CANTCREAT : EX_OSERR, "%s", err);
	return q;
}

void sink_stdin(struct ndjson_reader *in)
{
	int fl = fcntl(STDIN_FILENO, F_GETFL);

	if (ndjson_reader_init(in, STDIN_FILENO, 0, "stdin") != 0)
		die(EX_OSERR, "out of memory");
	/* never wait on the source: the loop polls it */
	if (fl < 0 || fcntl(STDIN_FILENO, F_SETFL, fl | O_NONBLOCK) < 0)
		die(EX_OSERR, "stdin: %s", strerror(errno));
}

bool sink_read(struct ndjson_reader *in, struct sinkq *q, int burst, uint64_t *read)
{
	char *line;
	size_t n;

	for (int i = 0; i < burst; i++) {
		int r = ndjson_read_line(in, &line, &n);
		if (r == NDJSON_AGAIN)
			return false;
		if (r == NDJSON_EOF)
			return true;
		if (r == NDJSON_ERR) {
			log_error("stdin: %s", strerror(errno));
			return true;
		}
		(*read)++;
		if (sinkq_append(q, line, n) == SPOOL_ERR)
			log_error("cannot queue a record: %s", strerror(errno));
	}
	return false;
}

void sink_report_drops(const struct sinkq *q, uint64_t *last)
{
	uint64_t pending, pbytes, dropped, dbytes;

	sinkq_stats(q, &pending, &pbytes, &dropped, &dbytes);
	if (dropped > *last) {
		log_warn("queue full: %" PRIu64 " records dropped so far (%" PRIu64 " bytes)", dropped, dbytes);
		*last = dropped;
	}
}

void sink_loop_begin(struct sink_loop *l, struct ndjson_reader *in, struct sinkq *q, uint64_t *read, int64_t now)
{
	l->stopping = sig_stopping();
	if (sig_read() == SIG_STOP || l->stopping) {
		if (!l->deadline) {
			l->deadline = now + SINK_STOP_MS;
			log_info("stopping: %s for at most %d ms", l->doing, SINK_STOP_MS);
		}
		l->stopping = true;
	}
	if (!l->stopping && !l->in_eof)
		l->in_eof = sink_read(in, q, SINK_READ_BURST, read);
	if (l->in_eof && !l->deadline && !l->stopping)
		l->deadline = now + l->drain_ms;
	l->draining = l->in_eof || l->stopping;
}

int sink_loop_end(struct sink_loop *l, const struct sinkq *q, uint64_t *last_dropped, int64_t now, bool finished,
    uint64_t *pending)
{
	uint64_t pb, dr, db;

	sink_report_drops(q, last_dropped);
	sinkq_stats(q, pending, &pb, &dr, &db);
	if (l->draining && *pending == 0 && finished)
		return EX_OK;
	if (l->draining && now >= l->deadline) {
		log_warn("%" PRIu64 " records not %s yet%s", *pending, l->done,
		    sinkq_durable(q) ? ": they stay in the spool for the next start" : " are lost");
		return sinkq_durable(q) ? EX_OK : EX_TEMPFAIL;
	}
	return -1;
}
