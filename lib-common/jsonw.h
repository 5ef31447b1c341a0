/*
 * jsonw: a small append-only JSON writer into a caller's buffer, for hot
 * paths that emit a record per datagram without building a cJSON tree.
 * Output matches cJSON's and JavaScript's JSON.stringify for the same
 * values: non-ASCII as UTF-8, control characters as \uXXXX escapes.
 * A write that does not fit sets the overflow flag; the text is then
 * unusable and the caller drops the record (and counts it).
 * Not thread-safe (a cache of key texts is shared): threads serialise calls.
 */
#ifndef SENSEOPS_JSONW_H
#define SENSEOPS_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jsonw {
	char *buf;
	size_t cap, len;
	bool overflow;
	bool first;		/* no member written yet in the current object or array */
};

void jsonw_init(struct jsonw *w, char *buf, size_t cap);

/*
 * A key prepared once, for hot loops that write the same keys again and
 * again: its JSON text, quotes and colon included. jsonw_key returns false
 * when the key is too long for it. After jsonw_member, write the value
 * with key NULL.
 */
#define JSONW_KEY_MAX 128
struct jsonw_key {
	size_t len;
	char text[JSONW_KEY_MAX];
};
bool jsonw_key(struct jsonw_key *k, const char *key);
void jsonw_member(struct jsonw *w, const struct jsonw_key *k);
void jsonw_open(struct jsonw *w);			/* { */
void jsonw_close(struct jsonw *w);			/* } */
void jsonw_open_array(struct jsonw *w, const char *key);	/* "key":[ (key NULL inside arrays) */
void jsonw_close_array(struct jsonw *w);		/* ] */
void jsonw_open_object(struct jsonw *w, const char *key);	/* "key":{ (key NULL inside arrays) */
void jsonw_str(struct jsonw *w, const char *key, const char *s);
void jsonw_strn(struct jsonw *w, const char *key, const char *s, size_t n);
/*
 * The string s (n bytes of valid UTF-8) as sf_sanitize or, with
 * keep_text, sf_sanitize_text would clean it (control characters dropped,
 * cut at max_units UTF-16 code units), in one pass without a copy.
 */
void jsonw_strn_clean(struct jsonw *w, const char *key, const char *s, size_t n, size_t max_units, bool keep_text);
void jsonw_int(struct jsonw *w, const char *key, long long v);
/* Shortest text that reads back as v; integral values without a fraction. NaN and infinities are written as null. */
void jsonw_double(struct jsonw *w, const char *key, double v);
/* The same text into num (NUL-terminated, "null" for NaN and infinities); returns its length. */
#define JSONW_NUM_MAX 32
int jsonw_format_double(char num[JSONW_NUM_MAX], double v);
void jsonw_bool(struct jsonw *w, const char *key, bool v);
/* Appends raw, already valid JSON as a member value. */
void jsonw_raw(struct jsonw *w, const char *key, const char *json, size_t n);

#endif
