/*
 * useragent: the browser and OS of a Sense user event's user agent, the
 * way Butler SOS gets them from the Bowser library (udp-formats.md 5.2).
 */
#ifndef SENSEOPS_UDP_LISTEN_USERAGENT_H
#define SENSEOPS_UDP_LISTEN_USERAGENT_H

#include <stddef.h>

#define UA_SCAN_MAX 1024	/* bytes of a user agent ua_parse looks at */

struct ua_info {
	char browser_name[48];		/* "Microsoft Edge", "Chrome", "Firefox", ... or "" */
	char browser_version[32];	/* full version as Bowser gives it, or "" */
	char browser_major[16];		/* leading digits of the version, or "" */
	char os_name[32];		/* "Windows", "macOS", "iOS", "Android", ... or "" */
	char os_version[32];		/* Bowser's os.version: "NT 10.0", "10.15", "17.3.1", or "" */
};

/*
 * Parses ua (NUL-terminated, any bytes; only the first UA_SCAN_MAX bytes
 * are looked at). Fills every field, "" when unknown; a value longer than
 * its field is cut, never inside a UTF-8 sequence. Never fails.
 */
void ua_parse(const char *ua, struct ua_info *out);

/*
 * The text after the first "UserAgent:" of a user-event message (up to a
 * second "UserAgent:"), trimmed as JavaScript's trim() does, then with
 * every ' removed, copied into buf (size bytes, always NUL-terminated when
 * size > 0, cut safely). Returns its length; 0 when there is no
 * "UserAgent:" or nothing after it.
 */
size_t ua_extract(const char *message, char *buf, size_t size);

#endif
