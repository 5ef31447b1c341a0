/* t-addr: listen and destination address arguments. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>

#include "addr.h"
#include "tap.h"

int main(void)
{
	char host[64];
	unsigned port;
	struct sockaddr_storage ss;
	socklen_t len;

	ok(addr_split("127.0.0.1:9996", host, sizeof host, &port) == 0 && strcmp(host, "127.0.0.1") == 0 &&
	    port == 9996, "IPv4 and port");
	ok(addr_split("[::1]:9997", host, sizeof host, &port) == 0 && strcmp(host, "::1") == 0 && port == 9997,
	    "bracketed IPv6");
	ok(addr_split("sense1.corp.example.com:4747", host, sizeof host, &port) == 0, "a host name");
	ok(addr_split("::1:9996", host, sizeof host, &port) == -1, "bare IPv6 refused");
	ok(addr_split("host:0", host, sizeof host, &port) == -1, "port 0 refused");
	ok(addr_split("host:65536", host, sizeof host, &port) == -1, "port over 65535 refused");
	ok(addr_split("host:12x", host, sizeof host, &port) == -1, "trailing text refused");
	ok(addr_split(":9996", host, sizeof host, &port) == -1, "empty host refused");
	ok(addr_split("host", host, sizeof host, &port) == -1, "no port refused");
	ok(addr_split("[::1:9996", host, sizeof host, &port) == -1, "unclosed bracket refused");
	ok(addr_split("averyveryveryverylongname.example:1", host, 8, &port) == -1, "host longer than the buffer");

	ok(addr_numeric("127.0.0.2:9", &ss, &len) == 0 && ss.ss_family == AF_INET && addr_is_loopback(&ss),
	    "numeric IPv4 loopback");
	ok(addr_numeric("[::1]:9", &ss, &len) == 0 && ss.ss_family == AF_INET6 && addr_is_loopback(&ss),
	    "numeric IPv6 loopback");
	ok(addr_numeric("192.0.2.1:9", &ss, &len) == 0 && !addr_is_loopback(&ss), "192.0.2.1 is not loopback");
	ok(addr_numeric("[::ffff:127.0.0.1]:9", &ss, &len) == 0 && addr_is_loopback(&ss), "mapped 127.x is loopback");
	ok(addr_numeric("localhost:9", &ss, &len) == -1, "names are not resolved");
	return done_testing();
}
