/* ratelimit: fixed windows, one for the socket and one per sender. */
#include "ratelimit.h"

#include <math.h>
#include <netinet/in.h>
#include <string.h>

#define WINDOW_MS 60000

void ratelimit_init(struct ratelimit *r, bool enable, long long max_total, long long max_source)
{
	memset(r, 0, sizeof *r);
	r->enable = enable;
	r->max_total = max_total;
	r->max_source = max_source;
}

/* Counts one message in w; false when the window is already full. */
static bool take(struct rl_window *w, long long max, int64_t now)
{
	if (w->count == 0 || now - w->start >= WINDOW_MS) {
		w->start = now;
		w->count = 0;
	}
	if (max > 0 && w->count >= max)
		return false;
	w->count++;
	return true;
}

static size_t addr_of(const struct sockaddr_storage *from, unsigned char a[16], int *family)
{
	*family = from->ss_family;
	if (from->ss_family == AF_INET) {
		memcpy(a, &((const struct sockaddr_in *)(const void *)from)->sin_addr, 4);
		return 4;
	}
	memcpy(a, &((const struct sockaddr_in6 *)(const void *)from)->sin6_addr, 16);
	return 16;
}

static struct rl_source *source_slot(struct ratelimit *r, const struct sockaddr_storage *from, int64_t now)
{
	unsigned char a[16] = { 0 };
	int family;
	size_t n = addr_of(from, a, &family);
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ a[i]) * 16777619u;
	/* a few probes; past them the stalest slot is reused */
	struct rl_source *victim = NULL;
	for (uint32_t k = 0; k < 8; k++) {
		struct rl_source *s = &r->src[(h + k) % RL_SOURCES];
		if (s->family == family && memcmp(s->addr, a, n) == 0)
			return s;
		if (s->family == 0 || now - s->w.start >= WINDOW_MS) {
			victim = s;
			break;
		}
		if (!victim || s->w.start < victim->w.start)
			victim = s;
	}
	memset(victim, 0, sizeof *victim);
	victim->family = family;
	memcpy(victim->addr, a, n);
	return victim;
}

enum rl_verdict ratelimit_admit(struct ratelimit *r, const struct sockaddr_storage *from, int64_t now_ms)
{
	if (!r->enable)
		return RL_PASS;
	if (r->max_source > 0) {
		struct rl_source *s = source_slot(r, from, now_ms);
		if (!take(&s->w, r->max_source, now_ms))
			return RL_SOURCE;
	}
	if (!take(&r->total, r->max_total, now_ms))
		return RL_TOTAL;
	return RL_PASS;
}

long long ratelimit_current(const struct ratelimit *r, int64_t now_ms)
{
	int64_t elapsed = now_ms - r->total.start;

	if (!r->enable || r->total.count == 0 || elapsed >= WINDOW_MS)
		return 0;
	if (elapsed < 1000)
		elapsed = 1000;
	return llround((double)r->total.count / ((double)elapsed / 1000.0) * 60.0);
}
