/* listener: UDP sockets, batched receive, admission checks, parsing. */
#include "listener.h"

#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "timefmt.h"

#define BATCH 64
#define BATCHES_PER_CALL 8	/* then let the other socket and stdout have a turn */
#define LINE_MAX_BYTES (512 * 1024)

static char *slots;		/* BATCH buffers of slot_size: only touched pages cost memory */
static size_t slot_size;
static char line[LINE_MAX_BYTES];

int listener_bind(struct listener *l, const char *host, const char *port, int rcvbuf,
    char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_DGRAM,
	    .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai;
	int rc, one = 1;
	socklen_t len = sizeof l->rcvbuf;

	snprintf(l->addr, sizeof l->addr, strchr(host, ':') ? "[%s]:%s" : "%s:%s", host, port);
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "%s: %s", l->addr, gai_strerror(rc));
		return -2;
	}
	l->fd = socket(ai->ai_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (l->fd < 0) {
		snprintf(err, errlen, "%s: socket: %s", l->addr, strerror(errno));
		freeaddrinfo(ai);
		return -1;
	}
	/* with CAP_NET_ADMIN the buffer may exceed net.core.rmem_max */
	if (rcvbuf > 0 && setsockopt(l->fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof rcvbuf) != 0 &&
	    setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf) != 0)
		log_warn("%s: SO_RCVBUF %d: %s", l->addr, rcvbuf, strerror(errno));
	/* the kernel counts what it drops when our buffer is full: we report it */
	if (setsockopt(l->fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) != 0)
		log_debug("%s: SO_RXQ_OVFL: %s", l->addr, strerror(errno));
	if (bind(l->fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		snprintf(err, errlen, "unable to bind %s: %s", l->addr, strerror(errno));
		freeaddrinfo(ai);
		close(l->fd);
		l->fd = -1;
		return -1;
	}
	freeaddrinfo(ai);
	if (getsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &l->rcvbuf, &len) != 0)
		l->rcvbuf = 0;
	if (!slots || slot_size < l->max_msg + 1) {
		free(slots);
		slot_size = l->max_msg + 1;
		if (!(slots = malloc(slot_size * BATCH))) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
	}
	return 0;
}

void listener_close(struct listener *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	srcfilter_free(l->src);
	l->src = NULL;
}

static void ptime_add(struct qstats *st, double ms)
{
	st->ptime[st->iptime] = ms;
	st->iptime = (st->iptime + 1) % PTIMES;
	if (st->nptime < PTIMES)
		st->nptime++;
}

static void backpressure(struct listener *l, const struct outq *q, int64_t now)
{
	double use = q->max_count ? 100.0 * (double)q->count / (double)q->max_count : 0;

	if (!l->backpressure && use >= l->backpressure_pct) {
		l->backpressure = true;
		l->backpressure_logged = now;
		log_warn("%s: output queue %.0f%% full (threshold %d%%): standard output is not keeping up",
		    l->queue_type, use, l->backpressure_pct);
	} else if (l->backpressure && use < 0.8 * l->backpressure_pct) {
		l->backpressure = false;
		log_info("%s: output queue back to %.0f%%", l->queue_type, use);
	} else if (l->backpressure && now - l->backpressure_logged >= 60000) {
		l->backpressure_logged = now;
		log_warn("%s: output queue still %.0f%% full", l->queue_type, use);
	}
}

static void count(struct sink *s, const struct listener *l, const struct ev_result *r)
{
	if (r->counted && s->counts) {
		const char *key[TALLY_PARTS] = { l->user ? "user" : "log", r->source, r->host, r->subsystem };
		tally_add(s->counts, key, 0);
	}
	if (r->verdict == EV_QIX_REJECTED && s->rejects) {
		const char *key[TALLY_PARTS] = { r->app_id, r->app_name, r->method, r->object_type };
		tally_add(s->rejects, key, r->process_time);
	}
}

void listener_handle(struct listener *l, struct sink *s, const char *buf, size_t n, bool truncated,
    const void *from, int64_t now, int64_t mono)
{
	struct qstats *st = &l->st;
	const struct sockaddr_storage *ss = from;

	st->received++;
	if (l->src && !srcfilter_allows(l->src, ss)) {
		st->dropped_source++;
		log_warn("%s: datagram from a sender not in allowedSources dropped", l->queue_type);
		return;
	}
	if (truncated || n > l->max_msg) {
		st->dropped_size++;
		log_warn("%s: datagram larger than maxMessageSize %zu dropped", l->queue_type, l->max_msg);
		return;
	}
	if (ratelimit_admit(&l->rl, ss, mono) != RL_PASS) {
		st->dropped_rate_limit++;
		log_warn("%s: rate limit reached; datagram dropped", l->queue_type);
		return;
	}
	if (!outq_has_room(s->q))
		(void)outq_flush(s->q, 0);	/* no waiting: only what the reader takes now */
	if (!outq_has_room(s->q)) {
		st->dropped_queue_full++;
		log_warn("%s: output queue full (%zu records); datagram dropped", l->queue_type, s->q->max_count);
		return;
	}

	struct jsonw w;
	struct ev_result r;
	jsonw_init(&w, line, sizeof line);
	if (l->user)
		userevent_parse(s->conf, buf, n, now, &w, &r);
	else
		logevent_parse(s->conf, buf, n, now, &w, &r);
	count(s, l, &r);
	switch (r.verdict) {
	case EV_RECORD:
		if (outq_push(s->q, w.buf, w.len, false))
			st->queued++;
		else
			st->dropped_queue_full++;
		break;
	case EV_EMPTY: st->empty++; break;
	case EV_UNKNOWN_TYPE:
		st->unknown_type++;
		log_warn("%s: unknown message type: %.25s", l->queue_type, r.source);
		break;
	case EV_DISABLED: st->disabled++; break;
	case EV_QIX_OFF: st->qix_off++; break;
	case EV_QIX_REJECTED: st->qix_rejected++; break;
	case EV_DROP_RULE: st->dropped_rule++; break;
	case EV_EXCLUDED_USER: st->excluded_user++; break;
	case EV_TOO_BIG:
		st->failed++;
		log_warn("%s: record larger than %d bytes dropped", l->queue_type, LINE_MAX_BYTES);
		break;
	}
	if (r.verdict != EV_TOO_BIG)
		st->processed++;
	backpressure(l, s->q, mono);
}

/* The kernel's drop counter rides along with each datagram. */
static void kernel_drops(struct listener *l, struct msghdr *m)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(m); c; c = CMSG_NXTHDR(m, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL &&
		    c->cmsg_len >= CMSG_LEN(sizeof(uint32_t))) {
			uint32_t total;
			memcpy(&total, CMSG_DATA(c), sizeof total);
			if (total != l->kernel_drops) {
				uint32_t d = total - l->kernel_drops;
				l->st.dropped_socket += d;
				l->st.received += d;
				log_warn("%s: the socket buffer overflowed: %u datagrams lost in the kernel "
				    "(raise receiveBufferSize)", l->queue_type, d);
			}
			l->kernel_drops = total;
		}
	}
}

size_t listener_receive(struct listener *l, struct sink *s)
{
	size_t total = 0;

	struct mmsghdr mm[BATCH];
	struct iovec iov[BATCH];
	struct sockaddr_storage from[BATCH];
	union {
		char buf[CMSG_SPACE(sizeof(uint32_t))];
		struct cmsghdr align;
	} ctl[BATCH];

	for (int b = 0; b < BATCHES_PER_CALL; b++) {
		memset(mm, 0, sizeof mm);
		memset(ctl, 0, sizeof ctl);
		for (int i = 0; i < BATCH; i++) {
			iov[i].iov_base = slots + (size_t)i * slot_size;
			iov[i].iov_len = slot_size;
			mm[i].msg_hdr.msg_iov = &iov[i];
			mm[i].msg_hdr.msg_iovlen = 1;
			mm[i].msg_hdr.msg_name = &from[i];
			mm[i].msg_hdr.msg_namelen = sizeof from[i];
			mm[i].msg_hdr.msg_control = ctl[i].buf;
			mm[i].msg_hdr.msg_controllen = sizeof ctl[i].buf;
		}
		int got = recvmmsg(l->fd, mm, BATCH, MSG_DONTWAIT, NULL);
		if (got < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
				log_error("%s: recvmmsg: %s", l->addr, strerror(errno));
			return total;
		}
		/* one clock read per datagram: each one's time ends where the next begins */
		int64_t wall = time_now_ms(), mono = time_mono_ms();
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		for (int i = 0; i < got; i++) {
			kernel_drops(l, &mm[i].msg_hdr);
			listener_handle(l, s, iov[i].iov_base, mm[i].msg_len,
			    (mm[i].msg_hdr.msg_flags & MSG_TRUNC) != 0, &from[i], wall, mono);
			clock_gettime(CLOCK_MONOTONIC, &t1);
			ptime_add(&l->st, (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
			    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
			t0 = t1;
		}
		total += (size_t)got;
		if (got < BATCH)
			return total;
	}
	return total;
}
