/*
 * sensefield: the per-field rules Butler SOS applies to Qlik Sense log and
 * user events (udp-formats.md section 3): control-character removal and
 * length caps, UUID and timestamp checks, JavaScript parseInt/parseFloat,
 * and the user name normalisation. Shared by udp-listen and log-tail so a
 * field reads the same whichever way it arrived.
 */
#ifndef SENSEOPS_SENSEFIELD_H
#define SENSEOPS_SENSEFIELD_H

#include <stdbool.h>
#include <stddef.h>

/*
 * Copies src (n bytes of valid UTF-8) to dst without U+0000-U+001F and
 * U+007F, then cuts it to at most max_units UTF-16 code units, at a
 * character boundary. dst needs n + 1 bytes; it is NUL-terminated.
 * Returns the length in bytes.
 */
size_t sf_sanitize(char *dst, const char *src, size_t n, size_t max_units);
/* The same, but line feeds and tabs stay: text read from a log file. */
size_t sf_sanitize_text(char *dst, const char *src, size_t n, size_t max_units);

/* 8-4-4-4-12 hex digits, lower case only (Butler SOS's check for log events). */
bool sf_uuid_lower(const char *s, size_t n);
/* RFC 4122 UUID, any case, version 1-8 and variant 8/9/a/b, or the nil or max UUID (user-event app ids). */
bool sf_uuid_rfc(const char *s, size_t n);
/* 2021-11-09T15:37:26.028+0200: '+' offsets only, as Butler SOS checks. */
bool sf_ts_iso_hyphen(const char *s, size_t n);
/* 20211109T153726.028+0200 */
bool sf_ts_iso_compact(const char *s, size_t n);
/* 2021-11-09 15:37:26,028 */
bool sf_ts_local(const char *s, size_t n);

/* JavaScript parseInt(s, 10): leading blanks, a sign, then digits; trailing text ignored. */
bool sf_parse_int(const char *s, size_t n, long long *out);
/* JavaScript parseFloat: false when the prefix is not a number (NaN). */
bool sf_parse_float(const char *s, size_t n, double *out);

/*
 * Butler SOS's formatUserFields: with directory and id both set, full is
 * "dir\id"; else a full name "dir\id" with both parts empty is split into
 * them; else full becomes "". Buffers are NUL-terminated strings of the
 * given capacities.
 */
void sf_user_fields(char *dir, size_t dircap, char *id, size_t idcap, char *full, size_t fullcap);

#endif
