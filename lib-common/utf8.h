/* utf8: strict UTF-8 validation and repair (no overlongs, no surrogates, max U+10FFFF). */
#ifndef SENSEOPS_UTF8_H
#define SENSEOPS_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* Length of the valid sequence at s (at most avail bytes), 0 when invalid. */
size_t utf8_seq_len(const unsigned char *s, size_t avail);
bool utf8_valid(const char *s, size_t n);
/*
 * Makes the NUL-terminated s valid UTF-8 in place: each byte of an invalid
 * sequence becomes '?', and so does every C0, DEL and C1 control character
 * when controls is true.
 */
void utf8_sanitize(char *s, bool controls);
/*
 * Copies src to dst, replacing each byte of an invalid sequence with U+FFFD
 * as a JavaScript Buffer.toString() does; dst needs 3 * n + 1 bytes. The
 * result is NUL-terminated; returns its length.
 */
size_t utf8_repair(char *dst, const char *src, size_t n);

#endif
