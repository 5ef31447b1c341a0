/* backoff: capped exponential backoff with jitter from arc4random. */
#include "backoff.h"

#include <stdlib.h>

void backoff_init(struct backoff *b, int64_t base_ms, int64_t cap_ms)
{
	b->base_ms = base_ms > 0 ? base_ms : 1;
	b->cap_ms = cap_ms >= b->base_ms ? cap_ms : b->base_ms;
	b->attempt = 0;
}

int64_t backoff_next(struct backoff *b)
{
	int64_t hi = b->base_ms;

	for (unsigned i = 0; i < b->attempt && hi < b->cap_ms; i++)
		hi *= 2;
	if (hi > b->cap_ms)
		hi = b->cap_ms;
	if (b->attempt < 64)
		b->attempt++;
	int64_t lo = b->base_ms / 2;
	uint64_t span = (uint64_t)(hi - lo) + 1;
	if (span > UINT32_MAX)
		span = UINT32_MAX;
	return lo + (int64_t)arc4random_uniform((uint32_t)span);
}

void backoff_reset(struct backoff *b)
{
	b->attempt = 0;
}
