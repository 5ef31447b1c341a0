/* fault: parsing --fault specs and choosing the fault a request meets. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define MAX_OVERSIZED (1LL << 40)
#define MIN_OVERSIZED 1024

static const char *const ep_names[EP_N] = { "health", "session", "apps", "other" };

const char *endpoint_name(int ep)
{
	return ep >= 0 && ep < EP_N ? ep_names[ep] : "any";
}

/* A decimal in [min, max] spanning exactly s[0..n). */
static int number(const char *s, size_t n, long long min, long long max, long long *out)
{
	char buf[24], *e;
	long long v;

	if (n == 0 || n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (buf[0] < '0' || buf[0] > '9')
		return -1;
	errno = 0;
	v = strtoll(buf, &e, 10);
	if (errno || *e || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

static bool word(const char *s, size_t n, const char *w)
{
	return strlen(w) == n && memcmp(s, w, n) == 0;
}

/* TARGET: "*", "N" or "N-M" */
static int parse_target(const char *s, size_t n, int nservers, struct fault *f)
{
	long long a, b;
	const char *dash = memchr(s, '-', n);

	if (word(s, n, "*")) {
		f->first = 0;
		f->last = nservers - 1;
		return 0;
	}
	if (dash) {
		if (number(s, (size_t)(dash - s), 0, nservers - 1, &a) != 0 ||
		    number(dash + 1, n - (size_t)(dash - s) - 1, 0, nservers - 1, &b) != 0 || b < a)
			return -1;
	} else {
		if (number(s, n, 0, nservers - 1, &a) != 0)
			return -1;
		b = a;
	}
	f->first = (int)a;
	f->last = (int)b;
	return 0;
}

int fault_parse(const char *spec, int nservers, struct fault *f, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':'), *p;
	bool have_kind = false;

	memset(f, 0, sizeof *f);
	f->text = spec;
	f->endpoint = -1;
	if (!colon || parse_target(spec, (size_t)(colon - spec), nservers, f) != 0) {
		snprintf(err, errlen, "\"%s\": expected a server index, a range N-M or * "
		    "(with --servers %d: 0 to %d), then a colon", spec, nservers, nservers - 1);
		return -1;
	}
	for (p = colon + 1;;) {
		size_t n = strcspn(p, ",");
		const char *eq = memchr(p, '=', n);
		size_t kl = eq ? (size_t)(eq - p) : n;
		const char *v = eq ? eq + 1 : NULL;
		size_t vl = eq ? n - kl - 1 : 0;
		long long x = 0;
		const char *bad = NULL;

		if (!have_kind) {
			have_kind = true;
			if (word(p, kl, "status") && v) {
				f->kind = FK_STATUS;
				if (number(v, vl, 200, 599, &f->value) != 0)
					bad = "status=CODE takes a code from 200 to 599";
			} else if (word(p, kl, "malformed") && !v) {
				f->kind = FK_MALFORMED;
			} else if (word(p, kl, "oversized") && v) {
				f->kind = FK_OVERSIZED;
				if (number(v, vl, MIN_OVERSIZED, MAX_OVERSIZED, &f->value) != 0)
					bad = "oversized=BYTES takes 1024 to 2^40 bytes";
			} else if (word(p, kl, "hang") && !v) {
				f->kind = FK_HANG;
			} else if (word(p, kl, "close") && !v) {
				f->kind = FK_CLOSE;
			} else if (word(p, kl, "latency") && v) {
				f->kind = FK_LATENCY;
				if (number(v, vl, 0, MAX_LATENCY_MS, &f->value) != 0)
					bad = "latency=MS takes 0 to 600000 ms";
			} else {
				bad = "the kind is one of status=CODE, malformed, oversized=BYTES, hang, "
				    "close, latency=MS";
			}
		} else if (word(p, kl, "endpoint") && v) {
			f->endpoint = -1;
			for (int e = 0; e < EP_N; e++)
				if (word(v, vl, ep_names[e]))
					f->endpoint = e;
			if (f->endpoint < 0)
				bad = "endpoint= takes health, session, apps or other";
		} else if (word(p, kl, "count") && v) {
			if (number(v, vl, 1, 1LL << 62, &x) != 0)
				bad = "count=N takes a positive number";
			f->count = x;
		} else {
			bad = "after the kind come only endpoint=E and count=N";
		}
		if (bad) {
			snprintf(err, errlen, "\"%s\": at \"%.*s\": %s", spec, (int)n, p, bad);
			return -1;
		}
		if (!p[n])
			break;
		p += n + 1;
	}
	return 0;
}

int fault_arm(struct fault *f, int nservers)
{
	if (!f->count)
		return 0;
	f->used = calloc((size_t)nservers, sizeof *f->used);
	return f->used ? 0 : -1;
}

void fault_free(struct fault *f)
{
	free(f->used);
	f->used = NULL;
}

static bool matches(const struct fault *f, int srv, int ep)
{
	return srv >= f->first && srv <= f->last && (f->endpoint < 0 || f->endpoint == ep);
}

/* Takes one of the spec's count for this server; false once they are used up. */
static bool take(const struct fault *f, int srv)
{
	if (!f->count)
		return true;
	return atomic_fetch_add(&f->used[srv], 1) < f->count;
}

const struct fault *fault_pick(struct sim *s, int srv, int ep, int *latency_ms)
{
	const struct fault *act = NULL;
	bool have_latency = false;

	*latency_ms = s->latency_ms;
	/* the later spec wins: scan backwards, and spend a count only where it applies */
	for (int i = s->nfaults - 1; i >= 0 && (!act || !have_latency); i--) {
		const struct fault *f = &s->faults[i];
		if (!matches(f, srv, ep))
			continue;
		if (f->kind == FK_LATENCY) {
			if (!have_latency && take(f, srv)) {
				have_latency = true;
				*latency_ms = (int)f->value;
			}
		} else if (!act && take(f, srv)) {
			act = f;
		}
	}
	return act;
}
