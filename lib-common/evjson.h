/*
 * evjson: a record's event as JSON, the way Butler SOS serialises it
 * (JSON.stringify): for the raw_event field of InfluxDB and for MQTT
 * payloads. Works on a jscan of the record: strings without escapes (nearly
 * all of them) are copied as they are, numbers in their shortest form are
 * kept as written, anything else is written again canonically.
 *
 * With lp set, the text comes out already escaped for a line protocol
 * string field (every " and \ after a backslash), so it is never copied
 * twice.
 */
#ifndef SENSEOPS_EVJSON_H
#define SENSEOPS_EVJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "jscan.h"

struct evjson {
	const struct jscan *js;
	char	*p;		/* the text; not NUL-terminated */
	size_t	 len, cap;
	bool	 overflow;	/* did not fit: the text is unusable */
	bool	 lp;
	char	*scratch, *scratch2;	/* a decoded string; it as JSON again */
	size_t	 scap, s2cap;
};

/* Buffers for records of up to n bytes. 0, or -1 when out of memory. */
int evjson_reserve(struct evjson *w, size_t n);
void evjson_free(struct evjson *w);
/* Starts a text about the scanned record js. */
void evjson_begin(struct evjson *w, const struct jscan *js, bool lp);

/* As it is (inline: the writer's most frequent call, mostly a byte or two). */
static inline void evjson_put(struct evjson *w, const char *s, size_t n)
{
	if (w->overflow || n > w->cap - w->len) {
		w->overflow = true;
		return;
	}
	memcpy(w->p + w->len, s, n);
	w->len += n;
}
void evjson_key(struct evjson *w, const char *name);		/* "name": (name is plain text) */
void evjson_string(struct evjson *w, int t);			/* string token t */
void evjson_value(struct evjson *w, int t);			/* any token t, compact */
/* Token t as JSON.stringify(value, null, 2) writes it (the MQTT session lists). */
void evjson_pretty(struct evjson *w, int t);
/*
 * The event of the record (token 0): every member but kind, ts and tags, in
 * order; then, with with_tags, "tags": the record's tags that are not
 * category tags (the configured static tags).
 */
void evjson_event(struct evjson *w, bool with_tags);

/*
 * Can this JSON number text be kept as written: an integer, or a decimal
 * fraction without exponent or trailing zero of at most 15 digits (how
 * JavaScript prints it)?
 */
bool json_number_canonical(const char *s, size_t n);
/* Is member key token k of the record kind, ts or tags? */
bool evjson_envelope_key(const struct jscan *js, int k);

#endif
