/*
 * evfield: Butler SOS's per-field rules for Qlik Sense log events
 * (udp-formats.md sections 3 and 4), applied to one raw field at a time.
 * udp-listen applies them to datagram fields and log-tail to log file
 * columns, so a value reads the same whichever way it arrived.
 *
 * Values live in one static scratch arena, reset per event: not for
 * threads.
 */
#ifndef SENSEOPS_EVFIELD_H
#define SENSEOPS_EVFIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "jsonw.h"

/* The scratch arena: an event's raw fields must fit in half of it. */
#define EVFIELD_ARENA (2 * 1024 * 1024)

struct span {
	const char *s;
	size_t n;
	bool present;		/* false when the event had too few fields */
};

enum rule {
	R_STR,		/* sanitised, capped at max UTF-16 units */
	R_TEXT,		/* R_STR keeping line feeds and tabs (text from a log file) */
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
	unsigned short max;	/* R_STR and R_TEXT cap in UTF-16 units */
};

/* A field after its rule: text for string rules, a number otherwise. */
struct fval {
	const char *s;		/* NUL-terminated, in the arena; or a number's own text (as_text) */
	size_t n;
	long long i;
	double d;
	bool number, omit;
	bool as_text;		/* a number whose text (s, n) is already its shortest JSON form */
};

/*
 * Is s the shortest JSON text of the double it denotes: plain decimal,
 * no sign but '-', no leading or trailing zero, at most 15 significant
 * digits, and within the range JavaScript prints without an exponent?
 */
bool json_decimal_canonical(const char *s, size_t n);

/* Empties the arena; call once per event. */
void fval_reset(void);
/* Applies spec to the raw span (valid UTF-8). */
void fval_apply(const struct field_spec *spec, struct span raw, struct fval *v);
/* A sanitised copy of raw capped at max units, in the arena ("" when full). */
const char *fval_text(struct span raw, size_t max, size_t *len);
/* Copies n bytes into the arena as they are. */
const char *fval_copy(const char *s, size_t n);
/* Writes v under key (nothing when v->omit). */
void fval_write(struct jsonw *w, const char *key, const struct fval *v);

#endif
