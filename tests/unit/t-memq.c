/* t-memq: the spool's in-memory twin: order, peek limits, acks, bounds, drops, bad input, memory. */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "memq.h"
#include "peeked.h"
#include "tap.h"

/* Appends record i as a line of len bytes (len + 1 counted). */
static int add(struct memq *q, long i, size_t len)
{
	static char buf[200000];
	int n = snprintf(buf, sizeof buf, "{\"i\":%ld,\"pad\":\"", i);

	if (n < 0 || (size_t)n + 2 > len || len > sizeof buf)
		abort();
	memset(buf + n, '.', len - 2 - (size_t)n);
	buf[len - 2] = '"';
	buf[len - 1] = '}';
	return memq_append(q, buf, len);
}

static struct memq *mq_open(size_t max_bytes, size_t block_bytes, enum spool_drop drop, size_t max_line)
{
	struct spool_opts o = { .max_bytes = max_bytes, .segment_bytes = block_bytes, .drop = drop,
	    .max_line = max_line };
	struct memq *q = memq_open(&o);

	if (q == NULL)
		abort();
	return q;
}

static void test_order(void)
{
	struct got g = { 0 };
	uint64_t pr, pb, dr, db;
	struct memq *q;
	size_t mem0;
	int bad = 0;

	q = memq_open(NULL);
	ok(q != NULL, "open with the defaults");
	memq_stats(q, &pr, &pb, &dr, &db);
	ok(pr == 0 && pb == 0 && dr == 0 && db == 0, "a new queue: all counters 0");
	is_int(memq_peek(q, 10, SIZE_MAX, collect, &g), 0, "peek on an empty queue: 0");
	memq_close(q);
	memq_close(NULL);

	q = mq_open(1 << 20, 200, SPOOL_DROP_NEWEST, 0);
	mem0 = memq_memory(q);
	for (long i = 0; i < 50; i++)
		bad += add(q, i, 25) != SPOOL_OK;
	is_int(bad, 0, "50 appends");
	memq_stats(q, &pr, &pb, NULL, NULL);
	is_int(pr, 50, "50 pending");
	is_int(pb, 50 * 26, "50 x 26 bytes pending (line and its end)");
	ok(memq_memory(q) >= mem0 + 6 * 200, "records spread over several blocks (%zu bytes held)", memq_memory(q));

	is_int(memq_peek(q, 10, SIZE_MAX, collect, &g), 10, "a batch of 10");
	ok(got_range(&g, 0, 9), "records 0-9 in order");
	is_int(g.torn, 0, "lines NUL-terminated, length right");
	ok(g.pos[0].n == 1 && g.pos[9].n == 10, "positions count the lines before them");
	ok(g.pos[0].seg == g.pos[6].seg && g.pos[6].seg + 1 == g.pos[7].seg && g.pos[7].off == 26,
	    "7 lines of 26 bytes to a 200-byte block, the 8th starts the next");
	struct spool_pos after4 = g.pos[4];
	got_reset(&g);
	is_int(memq_peek(q, 10, SIZE_MAX, collect, &g), 10, "the next batch of 10");
	ok(got_range(&g, 10, 19), "records 10-19: peek moved the read cursor");
	got_reset(&g);

	is_int(memq_ack(q, after4), 0, "ack after record 4");
	memq_stats(q, &pr, &pb, NULL, NULL);
	is_int(pr, 45, "45 pending after the ack");
	is_int(pb, 45 * 26, "and their bytes");
	memq_rewind(q);
	is_int(memq_peek(q, 10, SIZE_MAX, collect, &g), 10, "rewind: a batch again");
	ok(got_range(&g, 5, 14), "rewind resends from the ack: 5-14");
	got_reset(&g);

	/* the byte limit stops a batch, but at least one line comes out */
	is_int(memq_peek(q, 100, 1, collect, &g), 1, "a byte limit below one line still gives one");
	ok(got_range(&g, 15, 15), "record 15");
	got_reset(&g);
	is_int(memq_peek(q, 100, 75, collect, &g), 3, "75 bytes: 3 lines of 25");
	ok(got_range(&g, 16, 18), "records 16-18");
	got_reset(&g);
	is_int(memq_peek(q, 100, 74, collect, &g), 2, "74 bytes: 2 lines");
	ok(got_range(&g, 19, 20), "records 19-20");
	got_reset(&g);
	is_int(memq_peek(q, 0, SIZE_MAX, collect, &g), 0, "max_records 0: nothing");
	g.stop_after = 3;
	is_int(memq_peek(q, 100, SIZE_MAX, collect, &g), 3, "fn stopping the batch: 3 taken");
	ok(got_range(&g, 21, 23), "records 21-23");
	got_reset(&g);
	g.stop_after = 0;
	g.taken = 0;
	struct got g2 = { .stop_after = 0 };
	g2.stop_after = 1;
	g2.taken = 1;	/* refuses the very first line */
	is_int(memq_peek(q, 100, SIZE_MAX, collect, &g2), 0, "fn refusing the first line: 0 taken");
	got_reset(&g2);

	is_int(memq_peek(q, 1000, SIZE_MAX, collect, &g), 26, "the rest");
	ok(got_range(&g, 24, 49), "records 24-49, the refused one again first, crossing blocks");
	is_int(memq_peek(q, 1000, SIZE_MAX, collect, &g), 0, "caught up: 0");
	is_int(memq_ack(q, g.last), 0, "ack everything");
	is_int(memq_ack(q, after4), 0, "an old ack is a no-op");
	is_int(memq_ack(q, g.last), 0, "the same ack again is a no-op");
	memq_stats(q, &pr, &pb, NULL, NULL);
	is_int(pr, 0, "nothing pending");
	is_int(pb, 0, "no pending bytes");
	ok(memq_memory(q) <= mem0 + 2 * (200 + 64), "finished blocks freed: %zu bytes held (%zu empty)",
	    memq_memory(q), mem0);
	memq_rewind(q);
	is_int(memq_peek(q, 1000, SIZE_MAX, collect, &g), 0, "rewind after the last ack: nothing again");
	got_reset(&g);

	/* the writer and the reader interleave */
	bad = 0;
	for (long i = 50; i < 60; i++) {
		bad += add(q, i, 25) != SPOOL_OK;
		bad += memq_peek(q, 10, SIZE_MAX, collect, &g) != 1;
	}
	is_int(bad, 0, "append, peek, append, peek: one line each time");
	ok(got_range(&g, 50, 59), "reader caught up with the writer in order");
	memq_stats(q, &pr, NULL, NULL, NULL);
	is_int(pr, 10, "10 pending until acked");
	is_int(memq_ack(q, g.pos[4]), 0, "ack after 54");
	memq_stats(q, &pr, NULL, NULL, NULL);
	is_int(pr, 5, "5 pending");
	got_reset(&g);
	memq_close(q);
}

static void test_positions(void)
{
	struct got g = { 0 };
	struct spool_pos p, last;
	struct memq *q = mq_open(1 << 20, 200, SPOOL_DROP_NEWEST, 0);
	uint64_t pr;

	for (long i = 0; i < 30; i++)
		add(q, i, 25);
	memq_peek(q, 20, SIZE_MAX, collect, &g);
	last = g.last;
	is_int(memq_ack(q, g.pos[2]), 0, "ack after record 2");

	p = last;
	p.off += 1000;
	errno = 0;
	ok(memq_ack(q, p) == -1 && errno == EINVAL, "an offset past the block's data: EINVAL");
	p = last;
	p.off -= 1;
	errno = 0;
	ok(memq_ack(q, p) == -1 && errno == EINVAL, "an offset inside a line: EINVAL");
	p = last;
	p.seg += 10;
	errno = 0;
	ok(memq_ack(q, p) == -1 && errno == EINVAL, "a block that does not exist yet: EINVAL");
	p = last;
	p.n = 1000;
	errno = 0;
	ok(memq_ack(q, p) == -1 && errno == EINVAL, "a serial number past the lines appended: EINVAL");
	p = last;
	p.n = 2;
	errno = 0;
	ok(memq_ack(q, p) == -1 && errno == EINVAL, "a serial number at or before the ack: EINVAL");
	p = (struct spool_pos){ UINT64_MAX, 26, 5 };
	errno = 0;
	ok(memq_ack(q, p) == -1 && errno == EINVAL, "a made-up position far away: EINVAL");
	memq_stats(q, &pr, NULL, NULL, NULL);
	is_int(pr, 27, "bad acks changed nothing: 27 pending");
	is_int(memq_ack(q, last), 0, "the real position still acks");
	memq_stats(q, &pr, NULL, NULL, NULL);
	is_int(pr, 10, "10 pending");
	is_int(memq_ack(q, g.pos[10]), 0, "a position before the ack, from a freed block: no-op");
	got_reset(&g);
	is_int(memq_peek(q, 100, SIZE_MAX, collect, &g), 10, "the rest");
	ok(got_range(&g, 20, 29), "records 20-29");
	got_reset(&g);
	memq_close(q);
}

static void test_bounds(void)
{
	struct got g = { 0 };
	uint64_t pr, pb, dr, db;
	struct memq *q;
	char big[1500];
	int bad = 0, full = 0;

	/* records of exactly 100 bytes with their end: two per block */
	q = mq_open(1000, 250, SPOOL_DROP_NEWEST, 0);
	for (long i = 0; i < 10; i++)
		bad += add(q, i, 99) != SPOOL_OK;
	is_int(bad, 0, "1000 bytes fit");
	is_int(add(q, 10, 99), SPOOL_FULL, "DROP_NEWEST: the next append is refused: SPOOL_FULL");
	memq_stats(q, &pr, &pb, &dr, &db);
	is_int(dr, 1, "one record counted as dropped");
	is_int(db, 100, "its 100 bytes counted");
	is_int(pr, 10, "the 10 stored are still pending");
	is_int(pb, 1000, "1000 bytes pending");
	is_int(add(q, 10, 99), SPOOL_FULL, "refused again");
	memq_stats(q, NULL, NULL, &dr, &db);
	ok(dr == 2 && db == 200, "counted again: 2 records, 200 bytes");
	memq_peek(q, 3, SIZE_MAX, collect, &g);
	memq_ack(q, g.last);
	is_int(add(q, 11, 99), SPOOL_OK, "after an ack frees a block, appends work again");
	is_int(add(q, 12, 99), SPOOL_OK, "the freed block had room for two");
	is_int(add(q, 13, 99), SPOOL_FULL, "and no more: the oldest block keeps its acked line");
	got_reset(&g);
	memq_peek(q, SIZE_MAX, SIZE_MAX, collect, &g);
	is_int(g.n, 9, "9 pending read back");
	ok(g.n == 9 && g.v[0] == 3 && g.v[6] == 9 && g.v[7] == 11 && g.v[8] == 12, "3-9, 11 and 12, the refused 10 is missing");
	got_reset(&g);
	memq_close(q);

	q = mq_open(1000, 250, SPOOL_DROP_OLDEST, 0);
	for (long i = 0; i < 10; i++)
		add(q, i, 99);
	memq_peek(q, 1, SIZE_MAX, collect, &g);
	memq_ack(q, g.last);
	got_reset(&g);
	is_int(add(q, 10, 99), SPOOL_OK, "DROP_OLDEST: the append goes in");
	memq_stats(q, &pr, &pb, &dr, &db);
	is_int(dr, 1, "the oldest block went: its one unacknowledged record counted");
	is_int(db, 100, "and its bytes (the acked one not counted)");
	is_int(pr, 9, "9 pending");
	is_int(pb, 900, "900 bytes pending");
	memq_peek(q, SIZE_MAX, SIZE_MAX, collect, &g);
	ok(got_range(&g, 2, 10), "records 2-10 left, in order");
	got_reset(&g);

	/* a reader in the middle of the block that goes */
	memq_rewind(q);
	memq_peek(q, 1, SIZE_MAX, collect, &g);
	ok(got_range(&g, 2, 2), "the read cursor is inside the oldest block (after record 2)");
	got_reset(&g);
	is_int(add(q, 11, 99), SPOOL_OK, "an append into the room left");
	memq_stats(q, NULL, NULL, &dr, NULL);
	is_int(dr, 1, "nothing more dropped");
	is_int(add(q, 12, 99), SPOOL_OK, "an append that drops the block under the read cursor");
	memq_stats(q, NULL, NULL, &dr, NULL);
	is_int(dr, 3, "its two records counted");
	memq_peek(q, 1, SIZE_MAX, collect, &g);
	ok(got_range(&g, 4, 4), "the reader moves to the first line left (record 4)");
	got_reset(&g);
	for (long i = 13; i < 60; i++)
		full += add(q, i, 99) != SPOOL_OK;
	is_int(full, 0, "47 more appends all taken");
	memq_stats(q, &pr, &pb, &dr, &db);
	is_int(pr + dr, 59, "pending + dropped + 1 acked = 60 appended (%" PRIu64 " + %" PRIu64 ")", pr, dr);
	ok(pb <= 1000 && db == dr * 100, "never more than max_bytes pending (%" PRIu64 "), dropped bytes right", pb);
	memq_peek(q, SIZE_MAX, SIZE_MAX, collect, &g);
	ok(g.n == pr && g.n > 0 && got_range(&g, g.v[0], 59), "the reader skips to what is left: %zu records up to 59",
	    g.n);
	got_reset(&g);

	memset(big, 'x', sizeof big);
	is_int(memq_append(q, big, sizeof big), SPOOL_FULL, "a line bigger than max_bytes: SPOOL_FULL");
	memq_stats(q, &pr, NULL, NULL, NULL);
	ok(pr > 0, "and it dropped nothing else");
	memq_close(q);

	/* a single block: DROP_OLDEST may take everything, acked or not */
	q = mq_open(1000, 250, SPOOL_DROP_OLDEST, 0);
	is_int(add(q, 0, 499), SPOOL_OK, "a 500-byte line");
	is_int(add(q, 1, 499), SPOOL_OK, "another");
	is_int(add(q, 2, 999), SPOOL_OK, "a 1000-byte line drops both");
	memq_stats(q, &pr, &pb, &dr, &db);
	ok(pr == 1 && pb == 1000 && dr == 2 && db == 1000, "1 pending of 1000 bytes, 2 dropped of 1000");
	memq_peek(q, SIZE_MAX, SIZE_MAX, collect, &g);
	ok(got_range(&g, 2, 2), "record 2 alone");
	got_reset(&g);
	memq_close(q);
}

static void test_bad_lines(void)
{
	struct memq *q = mq_open(0, 0, SPOOL_DROP_NEWEST, 64);
	char line[65];
	uint64_t pr, dr;

	memset(line, 'x', sizeof line);
	errno = 0;
	ok(memq_append(q, "a\nb", 3) == SPOOL_ERR && errno == EINVAL, "a line with a newline: EINVAL");
	errno = 0;
	ok(memq_append(q, "a\0b", 3) == SPOOL_ERR && errno == EINVAL, "a line with a NUL: EINVAL");
	errno = 0;
	ok(memq_append(q, "", 0) == SPOOL_ERR && errno == EINVAL, "an empty line: EINVAL");
	errno = 0;
	ok(memq_append(q, line, 65) == SPOOL_ERR && errno == EINVAL, "a line over max_line: EINVAL");
	is_int(memq_append(q, line, 64), SPOOL_OK, "a line of exactly max_line");
	memq_stats(q, &pr, NULL, &dr, NULL);
	ok(pr == 1 && dr == 0, "refused lines are neither stored nor counted as dropped");
	memq_close(q);
}

static void test_long_line(void)
{
	struct got g = { 0 };
	struct memq *q = mq_open(1 << 20, 1000, SPOOL_DROP_NEWEST, 100000);
	uint64_t pr, pb;
	size_t mem0 = memq_memory(q);

	add(q, 0, 30);
	is_int(add(q, 1, 50000), SPOOL_OK, "a 50000-byte line, 50 times the block size");
	add(q, 2, 30);
	is_int(add(q, 3, 99999), SPOOL_OK, "a 99999-byte line");
	add(q, 4, 30);
	memq_stats(q, &pr, &pb, NULL, NULL);
	ok(pr == 5 && pb == 31 * 3 + 50001 + 100000, "5 pending, their bytes");
	ok(memq_memory(q) < mem0 + 3 * 1000 + 150001 + 5 * 64, "long lines get blocks of their size (%zu bytes held)",
	    memq_memory(q) - mem0);
	memq_peek(q, SIZE_MAX, SIZE_MAX, collect, &g);
	ok(got_range(&g, 0, 4), "all 5 in order");
	is_int(g.maxlen, 99999, "the long line whole");
	is_int(g.torn, 0, "every line intact");
	ok(g.pos[1].seg == g.pos[0].seg + 1 && g.pos[1].off == 50001, "the long line in a block of its own");
	ok(g.pos[2].seg == g.pos[1].seg + 1, "the next line in the next block");
	memq_rewind(q);
	got_reset(&g);
	is_int(memq_peek(q, SIZE_MAX, 100, collect, &g), 1, "a byte limit: the short line alone");
	is_int(memq_peek(q, SIZE_MAX, 100, collect, &g), 1, "then the long one alone, as at least one");
	memq_ack(q, g.last);
	got_reset(&g);
	is_int(memq_peek(q, SIZE_MAX, SIZE_MAX, collect, &g), 3, "the rest");
	memq_ack(q, g.last);
	memq_stats(q, &pr, &pb, NULL, NULL);
	ok(pr == 0 && pb == 0, "all acknowledged");
	ok(memq_memory(q) <= mem0 + 2 * (1000 + 64), "the long blocks are freed (%zu bytes held)", memq_memory(q) - mem0);
	got_reset(&g);
	memq_close(q);
}

struct run {
	long		 next, bad;
	struct spool_pos last;
};

static int check_run(const char *line, size_t n, struct spool_pos after, void *arg)
{
	struct run *r = arg;
	long i;

	if (n != 200 || sscanf(line, "{\"i\":%ld", &i) != 1 || i != r->next)
		r->bad++;
	r->next++;
	r->last = after;
	return 0;
}

static void test_large(void)
{
	const long N = 1000000;
	struct memq *q = memq_open(NULL);
	struct run r = { 0 };
	size_t mem, maxmem = 0;
	uint64_t pr, pb, dr;
	long bad = 0;
	int n;

	/* a sink keeping up: batches of 1000 in, 1000 out */
	for (long i = 0; i < N; i++) {
		bad += add(q, i, 200) != SPOOL_OK;
		if (i % 1000 == 999) {
			n = memq_peek(q, 1000, SIZE_MAX, check_run, &r);
			bad += n != 1000;
			bad += memq_ack(q, r.last) != 0;
			if ((mem = memq_memory(q)) > maxmem)
				maxmem = mem;
		}
	}
	is_int(bad, 0, "1000000 appends in 1000 peek+ack cycles");
	is_int(r.next, N, "all read back");
	is_int(r.bad, 0, "in order and whole");
	memq_stats(q, &pr, &pb, &dr, NULL);
	ok(pr == 0 && pb == 0 && dr == 0, "nothing pending, nothing dropped");
	ok(maxmem <= 4 * (MEMQ_BLOCK_BYTES_DEFAULT + 64) + 4096, "memory stays at a few blocks: at most %zu bytes",
	    maxmem);
	memq_close(q);

	/* a sink that never gets through: bounded by max_bytes, drops counted */
	struct spool_opts o = { .max_bytes = 1 << 20, .drop = SPOOL_DROP_OLDEST };
	q = memq_open(&o);
	maxmem = 0;
	bad = 0;
	for (long i = 0; i < N; i++) {
		bad += add(q, i, 200) != SPOOL_OK;
		if (i % 997 == 0 && (mem = memq_memory(q)) > maxmem)
			maxmem = mem;
	}
	is_int(bad, 0, "1000000 appends to a 1 MiB queue, DROP_OLDEST");
	memq_stats(q, &pr, &pb, &dr, NULL);
	is_int(pr + dr, N, "pending + dropped = appended (%" PRIu64 " + %" PRIu64 ")", pr, dr);
	ok(pb <= (1 << 20) && pb > (1 << 20) - 2 * MEMQ_BLOCK_BYTES_DEFAULT, "pending bytes just under max_bytes (%" PRIu64 ")",
	    pb);
	ok(maxmem <= (1 << 20) + 2 * MEMQ_BLOCK_BYTES_DEFAULT + 4096, "memory bounded: at most %zu bytes", maxmem);
	r = (struct run){ .next = (long)dr };
	memq_peek(q, SIZE_MAX, SIZE_MAX, check_run, &r);
	ok(r.next == N && r.bad == 0, "the newest %" PRIu64 " records left, in order", pr);
	memq_close(q);

	/* the worst case for blocks: lines just over half a block */
	o = (struct spool_opts){ .max_bytes = 4 << 20, .drop = SPOOL_DROP_OLDEST };
	q = memq_open(&o);
	maxmem = 0;
	for (long i = 0; i < 2000; i++) {
		bad += add(q, i, MEMQ_BLOCK_BYTES_DEFAULT / 2 + 100) != SPOOL_OK;
		if ((mem = memq_memory(q)) > maxmem)
			maxmem = mem;
	}
	is_int(bad, 0, "2000 lines of half a block and a bit");
	ok(maxmem <= (4 << 20) / 3 * 4 + 2 * MEMQ_BLOCK_BYTES_DEFAULT + 8192,
	    "half-empty blocks are shrunk: at most %zu bytes held for 4 MiB", maxmem);
	memq_close(q);
}

int main(void)
{
	test_order();
	test_positions();
	test_bounds();
	test_bad_lines();
	test_long_line();
	test_large();
	return done_testing();
}
