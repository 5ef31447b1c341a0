/*
 * ratelimit: Butler SOS's fixed one-minute window on all datagrams of a
 * socket (rateLimit.maxMessagesPerMinute), plus the same window per sender
 * address (rateLimit.maxMessagesPerMinutePerSource, ours), so one noisy or
 * hostile sender cannot use up the budget of the others.
 */
#ifndef SENSEOPS_UDP_LISTEN_RATELIMIT_H
#define SENSEOPS_UDP_LISTEN_RATELIMIT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define RL_SOURCES 1024		/* senders tracked at once */

enum rl_verdict { RL_PASS, RL_TOTAL, RL_SOURCE };

struct rl_window {
	int64_t start;
	long long count;
};

struct rl_source {
	unsigned char addr[16];
	int family;
	struct rl_window w;
};

struct ratelimit {
	bool enable;
	long long max_total, max_source;	/* per minute; 0 = no limit */
	struct rl_window total;
	struct rl_source src[RL_SOURCES];
};

void ratelimit_init(struct ratelimit *r, bool enable, long long max_total, long long max_source);
enum rl_verdict ratelimit_admit(struct ratelimit *r, const struct sockaddr_storage *from, int64_t now_ms);
/* Butler SOS's rate_limit_current: messages in the window scaled to a minute. */
long long ratelimit_current(const struct ratelimit *r, int64_t now_ms);

#endif
