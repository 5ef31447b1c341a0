/*
 * timer: fixed-rate interval timers on the monotonic clock. Ticks keep to
 * their schedule (start + n * interval) and a late tick skips the ones it
 * missed instead of firing in a burst.
 */
#ifndef SENSEOPS_TIMER_H
#define SENSEOPS_TIMER_H

#include <stdbool.h>
#include <stdint.h>

struct timer {
	int64_t next;		/* monotonic ms of the next tick */
	int64_t interval;	/* ms, > 0 */
};

/* The first tick is due at once. */
void timer_start(struct timer *t, int64_t interval_ms, int64_t now_ms);
/* ms until the next tick, 0 when due. */
int64_t timer_left(const struct timer *t, int64_t now_ms);
/* True when due; then schedules the next tick. */
bool timer_fire(struct timer *t, int64_t now_ms);

#endif
