/*
 * fields: splitting a datagram into ';'-separated fields (the rules for
 * each field are in evfield.h).
 */
#ifndef SENSEOPS_UDP_LISTEN_FIELDS_H
#define SENSEOPS_UDP_LISTEN_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "evfield.h"

#define DGRAM_MAX 65536		/* the largest datagram a parser accepts */

/*
 * The datagram, repaired to valid UTF-8 (invalid bytes become U+FFFD),
 * without a trailing CR LF or LF, and its separator positions. Views into
 * a static buffer: valid until the next dgram_split.
 */
struct dgram {
	const char *text;
	size_t len;
	size_t nfields;
	const size_t *sep;	/* sep[i]: offset of the ';' ending field i */
};

void dgram_split(struct dgram *d, const char *raw, size_t n);
/* Field i, or an absent span when the datagram has fewer fields. */
struct span dgram_field(const struct dgram *d, size_t i);
/* Fields i..j (inclusive) as one span, separators included. */
struct span dgram_range(const struct dgram *d, size_t i, size_t j);

#endif
