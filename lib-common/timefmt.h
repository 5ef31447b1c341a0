/* timefmt: clocks, RFC 3339 formatting and the timestamp forms Qlik Sense writes. */
#ifndef SENSEOPS_TIMEFMT_H
#define SENSEOPS_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

/* "2026-11-30T17:47:11.123Z" plus NUL */
#define TIME_RFC3339_LEN 25

int64_t time_now_ms(void);	/* wall clock, ms since the epoch */
int64_t time_mono_ms(void);	/* CLOCK_MONOTONIC, ms */

/* Formats ms since the epoch as RFC 3339 UTC with milliseconds. Returns buf. */
char *time_format_rfc3339(int64_t ms, char buf[TIME_RFC3339_LEN]);

/*
 * Parsers return 0 and store ms since the epoch (UTC), or -1 when s is not
 * exactly the form (nothing trailing, every field in range).
 */
/* RFC 3339: "2026-11-30T17:47:11Z", fraction optional, "Z" or "+hh:mm" / "-hh:mm". */
int time_parse_rfc3339(const char *s, int64_t *ms);
/* Qlik's compact ISO form with offset: "20211109T153726.028+0200". */
int time_parse_sense_iso(const char *s, int64_t *ms);
/*
 * log4net %date: "2021-11-09 15:37:26,028", local time of the Sense server
 * without an offset; offset_min says how far that local time is east of UTC.
 */
int time_parse_sense_local(const char *s, int offset_min, int64_t *ms);
/* Either Sense form (compact ISO with offset, else local with offset_min). */
int time_parse_sense(const char *s, int offset_min, int64_t *ms);

#endif
