/*
 * srcfilter: Butler SOS's allowedSources, extended: IPv4 and IPv6
 * addresses, CIDR ranges, and host names that are resolved without
 * blocking the receive path (getaddrinfo_a) and again every refresh
 * interval. Until a name resolves it matches nothing: the filter fails
 * closed.
 */
#ifndef SENSEOPS_UDP_LISTEN_SRCFILTER_H
#define SENSEOPS_UDP_LISTEN_SRCFILTER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/socket.h>

#define SRC_MAX_ENTRIES 256

struct srcfilter;

/* Returns NULL with a message in err when an entry is not an address, CIDR or host name. */
struct srcfilter *srcfilter_new(const char *const *entries, size_t n, int64_t refresh_ms,
    char *err, size_t errlen);
void srcfilter_free(struct srcfilter *f);
/* Starts or collects name resolutions that are due; never blocks. */
void srcfilter_tick(struct srcfilter *f, int64_t now_ms);
bool srcfilter_allows(const struct srcfilter *f, const struct sockaddr_storage *from);

#endif
