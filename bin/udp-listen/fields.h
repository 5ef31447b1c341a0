/*
 * fields: splitting a datagram into ';'-separated fields and applying a
 * field rule (udp-formats.md sections 3 and 4) to each.
 */
#ifndef SENSEOPS_UDP_LISTEN_FIELDS_H
#define SENSEOPS_UDP_LISTEN_FIELDS_H

#include <stdbool.h>
#include <stddef.h>

#include "jsonw.h"

#define DGRAM_MAX 65536		/* the largest datagram a parser accepts */

struct span {
	const char *s;
	size_t n;
	bool present;		/* false when the datagram had too few fields */
};

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

enum rule {
	R_STR,		/* sanitised, capped at max UTF-16 units */
	R_UUID,		/* lower-case UUID, else "" */
	R_ROW_POS,	/* integer > 0, else -1 */
	R_INT,		/* any integer, else -1 */
	R_INT_99,	/* any integer, else -99 */
	R_UINT_99,	/* integer >= 0, else -99 */
	R_UINT_1,	/* integer >= 0, else -1 */
	R_FLOAT,	/* parseFloat; NaN leaves the field out */
	R_TS_HYPHEN,	/* hyphenated ISO with + offset, else "" */
	R_TS_ISO,	/* hyphenated or compact ISO with + offset, else "" */
	R_TS_LOCAL,	/* hyphenated ISO or log4net local date, else "" */
};

struct field_spec {
	const char *key;
	enum rule rule;
	unsigned short max;	/* R_STR cap in UTF-16 units */
};

/* A field after its rule: text for string rules, a number otherwise. */
struct fval {
	const char *s;		/* NUL-terminated, in a scratch arena */
	size_t n;
	long long i;
	double d;
	bool number, omit;
};

/* Scratch space for field values; reset per datagram. */
void fval_reset(void);
/* Applies spec to the raw span. */
void fval_apply(const struct field_spec *spec, struct span raw, struct fval *v);
/* A sanitised copy of raw capped at max units, in the arena. */
const char *fval_text(struct span raw, size_t max, size_t *len);
/* Writes v under key. */
void fval_write(struct jsonw *w, const char *key, const struct fval *v);

#endif
