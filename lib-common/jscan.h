/*
 * jscan: a fast, strict, allocation-free JSON scanner for the sinks' hot
 * path. It parses one JSON text into a flat array of tokens that point into
 * the caller's buffer (nothing is copied or decoded until asked for), several
 * times faster than building a cJSON tree (tests/bench/bench-jscan).
 *
 * Strict RFC 8259: no comments, no trailing commas, no leading zeros, no
 * control characters in strings, only the escapes JSON defines, \u escapes
 * with four hex digits (a lone or reversed surrogate is refused). The input
 * is assumed to be valid UTF-8 (the NDJSON reader and the spool check that);
 * the scanner does not re-check it. Nesting deeper than JSCAN_MAX_DEPTH is
 * refused. Whitespace around the value is allowed, anything else after it
 * is not.
 *
 * Tokens are in document order. An object token is followed by its members
 * as key (a string token), value (any token, with its own subtree) pairs;
 * an array token by its elements. Every token knows where its subtree ends
 * (next), so a reader skips a value in O(1).
 */
#ifndef SENSEOPS_JSCAN_H
#define SENSEOPS_JSCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define JSCAN_MAX_DEPTH 64

enum jscan_type { JS_OBJECT = 1, JS_ARRAY, JS_STRING, JS_NUMBER, JS_TRUE, JS_FALSE, JS_NULL };

struct jtok {
	uint32_t start;		/* offset of the first byte; for strings just after the opening quote */
	uint32_t end;		/* offset just past the last byte; for strings at the closing quote */
	uint32_t next;		/* index of the first token after this token's subtree */
	uint32_t size;		/* objects: members; arrays: elements; otherwise 0 */
	uint8_t type;		/* enum jscan_type */
	bool esc;		/* strings: holds at least one backslash escape */
};

struct jscan {
	const char *s;		/* the text scanned (not copied) */
	size_t n;
	struct jtok *tok;	/* the caller's array */
	uint32_t ntok, cap;
};

enum { JSCAN_BAD = -1, JSCAN_NOMEM = -2 };

/*
 * Scans s[0..n) into the cap tokens at tok. Returns the number of tokens,
 * JSCAN_BAD when s is not one valid JSON text (or 4 GiB or longer), or
 * JSCAN_NOMEM when it needs more than cap tokens (the text past that point
 * is not checked). js is set up either way (ntok 0 on failure). The tokens
 * and every function below read s, which must not change meanwhile.
 */
int jscan_parse(struct jscan *js, const char *s, size_t n, struct jtok *tok, uint32_t cap);

/*
 * The value token of member key in the object at token obj; -1 when absent
 * or obj is not an object. Keys compare exactly (case matters) after
 * decoding; with duplicate keys the first member wins.
 */
int jscan_get(const struct jscan *js, int obj, const char *key);
/* The same with a key of known length (may hold NUL bytes). */
int jscan_getn(const struct jscan *js, int obj, const char *key, size_t keylen);

/*
 * Iterating: for (int k = jscan_first(js, obj); k >= 0; k = jscan_after(js, k + 1))
 * visits the keys of an object (k + 1 is the value), and
 * for (int e = jscan_first(js, arr); e >= 0; e = jscan_after(js, e))
 * the elements of an array. jscan_first is -1 for an empty container or a
 * token that is not one; jscan_after(js, t) is the sibling after token t's
 * subtree, -1 past the last one.
 */
int jscan_first(const struct jscan *js, int t);
int jscan_after(const struct jscan *js, int t);

/*
 * A string token's text. When it holds no escapes, *p points into the
 * scanned text and the length is returned (no NUL terminator there!).
 * Otherwise it is decoded into buf (UTF-8, NUL-terminated), *p = buf, and
 * the decoded length returned; -1 when buf (cap bytes) is too small or the
 * token is not a string (*p is then left alone). Decoded text is never
 * longer than the raw span, so end - start + 1 bytes always do; it may hold
 * NUL bytes (\u0000).
 */
long jscan_str(const struct jscan *js, int t, const char **p, char *buf, size_t cap);
/* Does string token t equal s (decoded comparison)? false for non-strings. */
bool jscan_streq(const struct jscan *js, int t, const char *s);

/*
 * A number token's value, rounded as strtod rounds it (beyond the range of
 * double: +-HUGE_VAL, or 0); -1 when t is not a number or is written with
 * more than 512 characters.
 */
int jscan_double(const struct jscan *js, int t, double *out);
/*
 * A number token as an integer: 0 when it is integral and within int64
 * (written as 12, -3, 1e3 or 12.0; decided exactly, not through a double);
 * -1 otherwise (not a number, a fraction, out of range).
 */
int jscan_int(const struct jscan *js, int t, int64_t *out);

#endif
