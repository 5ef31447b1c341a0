/* addr: strict parsing of listen and destination addresses. */
#include "addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

int addr_split(const char *arg, char *host, size_t hostlen, unsigned *port)
{
	const char *colon, *h = arg, *end;
	char *pe;
	size_t hl;

	if (arg[0] == '[') {
		end = strchr(arg, ']');
		if (!end || end[1] != ':')
			return -1;
		h = arg + 1;
		hl = (size_t)(end - h);
		colon = end + 1;
	} else {
		colon = strrchr(arg, ':');
		if (!colon || memchr(arg, ':', (size_t)(colon - arg)))
			return -1;	/* a bare IPv6 address needs brackets */
		hl = (size_t)(colon - arg);
	}
	if (hl == 0 || hl >= hostlen)
		return -1;
	errno = 0;
	long p = strtol(colon + 1, &pe, 10);
	if (errno || pe == colon + 1 || *pe || p < 1 || p > 65535)
		return -1;
	memcpy(host, h, hl);
	host[hl] = '\0';
	*port = (unsigned)p;
	return 0;
}

int addr_numeric(const char *arg, struct sockaddr_storage *ss, socklen_t *len)
{
	char host[INET6_ADDRSTRLEN + 1];
	unsigned port;

	if (addr_split(arg, host, sizeof host, &port) != 0)
		return -1;
	memset(ss, 0, sizeof *ss);
	if (arg[0] == '[') {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)(void *)ss;
		if (inet_pton(AF_INET6, host, &in6->sin6_addr) != 1)
			return -1;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
		*len = sizeof *in6;
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)(void *)ss;
		if (inet_pton(AF_INET, host, &in->sin_addr) != 1)
			return -1;
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
		*len = sizeof *in;
	}
	return 0;
}

bool addr_is_loopback(const struct sockaddr_storage *ss)
{
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)ss;
		return ntohl(in->sin_addr.s_addr) >> 24 == 127;
	}
	if (ss->ss_family != AF_INET6)
		return false;
	const struct in6_addr *a = &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr;
	return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}
