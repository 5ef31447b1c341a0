/* addr: "host:port" and "[ipv6]:port" arguments, and loopback checks. */
#ifndef SENSEOPS_ADDR_H
#define SENSEOPS_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

/*
 * Splits "host:port" or "[ipv6]:port" into host (brackets removed) and a
 * port in 1-65535. Returns 0, or -1 when arg is not of that form.
 */
int addr_split(const char *arg, char *host, size_t hostlen, unsigned *port);
/* An IPv4 or bracketed IPv6 literal with a port; nothing is resolved. 0 or -1. */
int addr_numeric(const char *arg, struct sockaddr_storage *ss, socklen_t *len);
/* 127.0.0.0/8, ::1 or an IPv4-mapped 127.x address. */
bool addr_is_loopback(const struct sockaddr_storage *ss);

#endif
