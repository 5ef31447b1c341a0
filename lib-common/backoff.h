/*
 * backoff: exponential backoff with full jitter for reconnects and retries.
 * The n-th delay is uniform in [base/2, min(cap, base * 2^n)], so a fleet of
 * restarted tools does not retry in lock-step.
 */
#ifndef SENSEOPS_BACKOFF_H
#define SENSEOPS_BACKOFF_H

#include <stdint.h>

struct backoff {
	int64_t base_ms, cap_ms;
	unsigned attempt;
};

void backoff_init(struct backoff *b, int64_t base_ms, int64_t cap_ms);
/* The delay before the next attempt, in ms. */
int64_t backoff_next(struct backoff *b);
/* After a success. */
void backoff_reset(struct backoff *b);

#endif
