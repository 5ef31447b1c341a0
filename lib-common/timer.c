/* timer: drift-free interval timers. */
#include "timer.h"

void timer_start(struct timer *t, int64_t interval_ms, int64_t now_ms)
{
	t->interval = interval_ms > 0 ? interval_ms : 1;
	t->next = now_ms;
}

int64_t timer_left(const struct timer *t, int64_t now_ms)
{
	return t->next > now_ms ? t->next - now_ms : 0;
}

bool timer_fire(struct timer *t, int64_t now_ms)
{
	if (now_ms < t->next)
		return false;
	int64_t missed = (now_ms - t->next) / t->interval;
	t->next += (missed + 1) * t->interval;
	return true;
}
