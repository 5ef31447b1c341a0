/* memq: a bounded in-memory FIFO of lines in blocks, with the spool's semantics. */
#include "memq.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ndjson.h"

#define RING_MIN	16

struct blk {
	size_t		cap;		/* bytes of data */
	size_t		used;		/* whole lines, each with its NUL */
	uint64_t	first;		/* serial number of its first line */
	uint64_t	lines;
	char		data[];
};

struct memq {
	size_t		 max_bytes, block_bytes, max_line;
	enum spool_drop	 drop;
	struct blk	**ring;		/* the blocks, oldest first, from ring[head] */
	size_t		 rcap;		/* a power of two */
	size_t		 head, nblk;
	uint64_t	 seq0;		/* sequence number of the oldest block */
	struct blk	*spare;		/* one freed full-size block, for the next */
	uint64_t	 total;		/* bytes in all blocks */
	uint64_t	 serial;	/* lines appended so far */
	struct spool_pos ack;		/* in the oldest block; {seq0, 0, serial} when none */
	struct spool_pos rd;		/* read cursor, never before the ack */
	uint64_t	 dropped_records, dropped_bytes;
	size_t		 mem;		/* bytes allocated, for memq_memory */
};

static int pos_cmp(struct spool_pos a, struct spool_pos b)
{
	if (a.seg != b.seg)
		return a.seg < b.seg ? -1 : 1;
	if (a.off != b.off)
		return a.off < b.off ? -1 : 1;
	return 0;
}

/* Block seq, or NULL when there is none (seq0 + nblk is the next one made). */
static struct blk *blk_at(const struct memq *q, uint64_t seq)
{
	uint64_t i = seq - q->seq0;

	if (seq < q->seq0 || i >= q->nblk)
		return NULL;
	return q->ring[(q->head + (size_t)i) & (q->rcap - 1)];
}

static void blk_free(struct memq *q, struct blk *b)
{
	/* the common case, a steady flow, then allocates nothing */
	if (q->spare == NULL && b->cap == q->block_bytes) {
		q->spare = b;
	} else {
		q->mem -= sizeof *b + b->cap;
		free(b);
	}
}

/* Frees the oldest block; the ack has moved past it already. */
static void blk_remove_first(struct memq *q)
{
	struct blk *b = q->ring[q->head];

	q->total -= b->used;
	q->ring[q->head] = NULL;
	q->head = (q->head + 1) & (q->rcap - 1);
	q->nblk--;
	q->seq0++;
	blk_free(q, b);
}

static int ring_grow(struct memq *q)
{
	size_t cap = q->rcap * 2;
	struct blk **r;

	if (cap <= q->rcap || (r = calloc(cap, sizeof(struct blk *))) == NULL) {
		errno = ENOMEM;
		return -1;
	}
	for (size_t i = 0; i < q->nblk; i++)
		r[i] = q->ring[(q->head + i) & (q->rcap - 1)];
	free(q->ring);
	q->ring = r;
	q->mem += (cap - q->rcap) * sizeof(struct blk *);
	q->rcap = cap;
	q->head = 0;
	return 0;
}

/* Starts a new newest block with room for need bytes. */
static struct blk *blk_new(struct memq *q, size_t need)
{
	size_t cap = need > q->block_bytes ? need : q->block_bytes;
	struct blk *b, *last;

	if (q->nblk == q->rcap && ring_grow(q) != 0)
		return NULL;
	if (cap == q->block_bytes && q->spare != NULL) {
		b = q->spare;
		q->spare = NULL;
	} else {
		if (cap > SIZE_MAX - sizeof *b || (b = malloc(sizeof *b + cap)) == NULL) {
			errno = ENOMEM;
			return NULL;
		}
		b->cap = cap;
		q->mem += sizeof *b + cap;
	}
	b->used = 0;
	b->first = q->serial;
	b->lines = 0;
	if (q->nblk > 0) {
		/* the newest block is closed now: give back a large unused tail */
		size_t li = (q->head + q->nblk - 1) & (q->rcap - 1);
		struct blk *s;

		last = q->ring[li];
		if (last->cap == q->block_bytes && last->cap - last->used > last->cap / 4 &&
		    (s = realloc(last, sizeof *last + last->used)) != NULL) {
			q->mem -= s->cap - s->used;
			s->cap = s->used;
			q->ring[li] = s;
		}
	}
	q->ring[(q->head + q->nblk) & (q->rcap - 1)] = b;
	q->nblk++;
	return b;
}

struct memq *memq_open(const struct spool_opts *o)
{
	struct memq *q;

	if ((q = calloc(1, sizeof *q)) == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	if (o != NULL) {
		q->max_bytes = o->max_bytes;
		q->block_bytes = o->segment_bytes;
		q->drop = o->drop;
		q->max_line = o->max_line;
	}
	if (q->max_bytes == 0)
		q->max_bytes = MEMQ_MAX_BYTES_DEFAULT;
	if (q->block_bytes == 0)
		q->block_bytes = MEMQ_BLOCK_BYTES_DEFAULT;
	/* as the spool: at least two blocks fit, dropping the oldest never empties it */
	if (q->block_bytes > q->max_bytes / 2)
		q->block_bytes = q->max_bytes / 2 > 0 ? q->max_bytes / 2 : 1;
	if (q->max_line == 0)
		q->max_line = NDJSON_MAX_LINE_DEFAULT;
	q->rcap = RING_MIN;
	if ((q->ring = calloc(q->rcap, sizeof(struct blk *))) == NULL) {
		free(q);
		errno = ENOMEM;
		return NULL;
	}
	q->mem = sizeof *q + q->rcap * sizeof(struct blk *);
	q->seq0 = 1;
	q->ack = (struct spool_pos){ q->seq0, 0, 0 };
	q->rd = q->ack;
	return q;
}

void memq_close(struct memq *q)
{
	if (q == NULL)
		return;
	while (q->nblk > 0)
		blk_remove_first(q);
	free(q->spare);
	free(q->ring);
	free(q);
}

/* Deletes the oldest block, unacknowledged lines and all, and counts them. */
static void drop_oldest(struct memq *q)
{
	const struct blk *b = q->ring[q->head], *next = blk_at(q, q->seq0 + 1);

	q->dropped_records += b->first + b->lines - q->ack.n;
	q->dropped_bytes += b->used - q->ack.off;
	q->ack = (struct spool_pos){ q->seq0 + 1, 0, next != NULL ? next->first : q->serial };
	blk_remove_first(q);
	if (pos_cmp(q->rd, q->ack) < 0)
		q->rd = q->ack;
}

int memq_append(struct memq *q, const char *line, size_t n)
{
	size_t need = n + 1;
	struct blk *b;

	if (n == 0 || n > q->max_line || memchr(line, '\n', n) != NULL || memchr(line, '\0', n) != NULL) {
		errno = EINVAL;
		return SPOOL_ERR;
	}
	if (q->total + need > q->max_bytes) {
		if (q->drop == SPOOL_DROP_NEWEST || need > q->max_bytes) {
			q->dropped_records++;
			q->dropped_bytes += need;
			return SPOOL_FULL;
		}
		while (q->total + need > q->max_bytes)
			drop_oldest(q);
	}
	b = q->nblk > 0 ? q->ring[(q->head + q->nblk - 1) & (q->rcap - 1)] : NULL;
	/* the spool's rule for closing a segment, so both fill and drop alike */
	if (b == NULL || (b->used > 0 && b->used + need > q->block_bytes) || b->used + need > b->cap) {
		if ((b = blk_new(q, need)) == NULL)
			return SPOOL_ERR;
	}
	memcpy(b->data + b->used, line, n);
	b->data[b->used + n] = '\0';
	b->used += need;
	b->lines++;
	q->total += need;
	q->serial++;
	return SPOOL_OK;
}

int memq_peek(struct memq *q, size_t max_records, size_t max_bytes,
    int (*fn)(const char *line, size_t n, struct spool_pos after, void *arg), void *arg)
{
	size_t count = 0, bytes = 0;
	const struct blk *b = blk_at(q, q->rd.seg);

	while (b != NULL && count < max_records && count < INT32_MAX) {
		struct spool_pos after;
		const char *line;
		size_t len;

		if (q->rd.off >= b->used) {
			if ((b = blk_at(q, q->rd.seg + 1)) == NULL)
				break;
			q->rd.seg++;
			q->rd.off = 0;
			continue;
		}
		line = b->data + q->rd.off;
		len = strlen(line);	/* lines hold no NUL: this finds its end */
		if (count > 0 && bytes + len > max_bytes)
			break;
		after = (struct spool_pos){ q->rd.seg, q->rd.off + len + 1, q->rd.n + 1 };
		if (fn(line, len, after, arg) != 0)
			break;
		count++;
		bytes += len;
		q->rd = after;
	}
	return (int)count;
}

void memq_rewind(struct memq *q)
{
	q->rd = q->ack;
}

int memq_ack(struct memq *q, struct spool_pos pos)
{
	struct spool_pos a = pos;
	const struct blk *b;

	if (pos_cmp(pos, q->ack) <= 0)
		return 0;
	/* cheap checks a stale or made-up position fails: a line end of a live block */
	b = blk_at(q, pos.seg);
	if (b == NULL || pos.off > b->used || (pos.off > 0 && b->data[pos.off - 1] != '\0') ||
	    pos.n <= q->ack.n || pos.n > q->serial || pos.n < b->first || pos.n > b->first + b->lines) {
		errno = EINVAL;
		return -1;
	}
	/* the end of a closed block is the start of the next (never empty): it is finished */
	if (a.off == b->used && a.seg + 1 < q->seq0 + q->nblk) {
		a.seg++;
		a.off = 0;
	}
	q->ack = a;
	while (q->seq0 < a.seg)
		blk_remove_first(q);
	if (pos_cmp(q->rd, q->ack) < 0)
		q->rd = q->ack;
	return 0;
}

void memq_stats(const struct memq *q, uint64_t *pending_records, uint64_t *pending_bytes,
    uint64_t *dropped_records, uint64_t *dropped_bytes)
{
	if (pending_records != NULL)
		*pending_records = q->serial - q->ack.n;
	if (pending_bytes != NULL)
		*pending_bytes = q->total - q->ack.off;
	if (dropped_records != NULL)
		*dropped_records = q->dropped_records;
	if (dropped_bytes != NULL)
		*dropped_bytes = q->dropped_bytes;
}

size_t memq_memory(const struct memq *q)
{
	return q->mem;
}
