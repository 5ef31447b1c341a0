/* srcfilter: address, CIDR and resolved-name matching for UDP senders. */
#include "srcfilter.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define NAME_ADDRS 16

struct net {
	int family;
	unsigned char addr[16];
	int prefix;		/* bits */
};

struct name {
	char *host;
	struct net addrs[NAME_ADDRS];
	int naddrs;
	struct gaicb req;
	struct gaicb *reqp;
	struct addrinfo hints;
	bool pending;
	int64_t next;
};

struct srcfilter {
	struct net nets[SRC_MAX_ENTRIES];
	int nnets;
	struct name names[SRC_MAX_ENTRIES];
	int nnames;
	int64_t refresh;
};

static bool parse_net(const char *s, struct net *n)
{
	char buf[INET6_ADDRSTRLEN + 8];
	char *slash;

	size_t len = strlen(s);

	if (len >= sizeof buf)
		return false;
	memcpy(buf, s, len + 1);
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = '\0';
	if (inet_pton(AF_INET, buf, n->addr) == 1) {
		n->family = AF_INET;
		n->prefix = 32;
	} else if (inet_pton(AF_INET6, buf, n->addr) == 1) {
		n->family = AF_INET6;
		n->prefix = 128;
	} else {
		return false;
	}
	if (slash) {
		char *end;
		long p = strtol(slash, &end, 10);
		if (*slash == '\0' || *end || p < 0 || p > n->prefix)
			return false;
		n->prefix = (int)p;
	}
	return true;
}

static bool host_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 253)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		    *s == '-' || *s == '.' || *s == '_'))
			return false;
	return true;
}

struct srcfilter *srcfilter_new(const char *const *entries, size_t n, int64_t refresh_ms,
    char *err, size_t errlen)
{
	struct srcfilter *f = calloc(1, sizeof *f);

	if (!f) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	f->refresh = refresh_ms > 1000 ? refresh_ms : 1000;
	for (size_t i = 0; i < n; i++) {
		if (i >= SRC_MAX_ENTRIES) {
			snprintf(err, errlen, "more than %d allowed sources", SRC_MAX_ENTRIES);
			srcfilter_free(f);
			return NULL;
		}
		if (parse_net(entries[i], &f->nets[f->nnets])) {
			f->nnets++;
		} else if (!strchr(entries[i], '/') && host_name_ok(entries[i])) {
			struct name *nm = &f->names[f->nnames++];
			if (!(nm->host = strdup(entries[i]))) {
				snprintf(err, errlen, "out of memory");
				srcfilter_free(f);
				return NULL;
			}
		} else {
			snprintf(err, errlen, "\"%s\" is not an IP address, CIDR range or host name", entries[i]);
			srcfilter_free(f);
			return NULL;
		}
	}
	return f;
}

void srcfilter_free(struct srcfilter *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nnames; i++) {
		if (f->names[i].pending) {
			gai_cancel(&f->names[i].req);
			/* a resolution still running owns its result until it ends */
			struct gaicb *list[1] = { &f->names[i].req };
			gai_suspend((const struct gaicb *const *)list, 1, NULL);
		}
		if (f->names[i].req.ar_result)
			freeaddrinfo(f->names[i].req.ar_result);
		free(f->names[i].host);
	}
	free(f);
}

static void collect(struct name *nm)
{
	int rc = gai_error(&nm->req);

	if (rc == EAI_INPROGRESS)
		return;
	nm->pending = false;
	if (rc != 0) {
		/* a DNS hiccup keeps the last good addresses; never resolved matches nothing */
		log_warn("allowedSources: cannot resolve %s: %s; keeping %d known addresses",
		    nm->host, gai_strerror(rc), nm->naddrs);
		return;
	}
	nm->naddrs = 0;
	for (struct addrinfo *ai = nm->req.ar_result; ai && nm->naddrs < NAME_ADDRS; ai = ai->ai_next) {
		struct net *n = &nm->addrs[nm->naddrs];
		if (ai->ai_family == AF_INET) {
			memcpy(n->addr, &((struct sockaddr_in *)(void *)ai->ai_addr)->sin_addr, 4);
			n->prefix = 32;
		} else if (ai->ai_family == AF_INET6) {
			memcpy(n->addr, &((struct sockaddr_in6 *)(void *)ai->ai_addr)->sin6_addr, 16);
			n->prefix = 128;
		} else {
			continue;
		}
		n->family = ai->ai_family;
		nm->naddrs++;
	}
	freeaddrinfo(nm->req.ar_result);
	nm->req.ar_result = NULL;
	log_debug("allowedSources: %s resolved to %d addresses", nm->host, nm->naddrs);
}

void srcfilter_tick(struct srcfilter *f, int64_t now_ms)
{
	for (int i = 0; f && i < f->nnames; i++) {
		struct name *nm = &f->names[i];
		if (nm->pending) {
			collect(nm);
			continue;
		}
		if (now_ms < nm->next)
			continue;
		nm->next = now_ms + f->refresh;
		memset(&nm->req, 0, sizeof nm->req);
		memset(&nm->hints, 0, sizeof nm->hints);
		nm->hints.ai_family = AF_UNSPEC;
		nm->hints.ai_socktype = SOCK_DGRAM;
		nm->req.ar_name = nm->host;
		nm->req.ar_request = &nm->hints;
		nm->reqp = &nm->req;
		if (getaddrinfo_a(GAI_NOWAIT, &nm->reqp, 1, NULL) == 0)
			nm->pending = true;
		else
			log_warn("allowedSources: cannot start resolving %s", nm->host);
	}
}

static bool net_match(const struct net *n, int family, const unsigned char *a)
{
	if (n->family != family)
		return false;
	int full = n->prefix / 8, rest = n->prefix % 8;
	if (memcmp(n->addr, a, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (n->addr[full] & mask) == (a[full] & mask);
}

bool srcfilter_allows(const struct srcfilter *f, const struct sockaddr_storage *from)
{
	unsigned char a[16];
	int family = from->ss_family;

	if (family == AF_INET) {
		memcpy(a, &((const struct sockaddr_in *)(const void *)from)->sin_addr, 4);
	} else if (family == AF_INET6) {
		const struct in6_addr *v6 = &((const struct sockaddr_in6 *)(const void *)from)->sin6_addr;
		if (IN6_IS_ADDR_V4MAPPED(v6)) {	/* a dual-stack socket: compare as IPv4 */
			family = AF_INET;
			memcpy(a, v6->s6_addr + 12, 4);
		} else {
			memcpy(a, v6->s6_addr, 16);
		}
	} else {
		return false;
	}
	for (int i = 0; i < f->nnets; i++)
		if (net_match(&f->nets[i], family, a))
			return true;
	for (int i = 0; i < f->nnames; i++)
		for (int j = 0; j < f->names[i].naddrs; j++)
			if (net_match(&f->names[i].addrs[j], family, a))
				return true;
	return false;
}
