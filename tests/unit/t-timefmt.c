/* t-timefmt: RFC 3339 formatting and the Sense timestamp parsers. */
#include <stdint.h>

#include "tap.h"
#include "timefmt.h"

int main(void)
{
	char buf[TIME_RFC3339_LEN];
	int64_t ms;

	is_str(time_format_rfc3339(0, buf), "1970-01-01T00:00:00.000Z", "epoch");
	is_str(time_format_rfc3339(1710234000123LL, buf), "2024-03-12T09:00:00.123Z", "known instant with ms");
	is_str(time_format_rfc3339(951782400000LL, buf), "2000-02-29T00:00:00.000Z", "leap day 2000");
	is_str(time_format_rfc3339(-1, buf), "1969-12-31T23:59:59.999Z", "negative ms rounds down");

	ok(time_parse_rfc3339("2024-03-12T09:00:00.123Z", &ms) == 0 && ms == 1710234000123LL, "parse Z with ms");
	ok(time_parse_rfc3339("2024-03-12T10:00:00+01:00", &ms) == 0 && ms == 1710234000000LL, "parse offset");
	ok(time_parse_rfc3339("2024-03-12T09:00:00.123456789Z", &ms) == 0 && ms == 1710234000123LL, "ns fraction kept to ms");
	ok(time_parse_rfc3339("2024-03-12T09:00:00.1Z", &ms) == 0 && ms == 1710234000100LL, "short fraction scaled");
	ok(time_parse_rfc3339("2024-02-30T09:00:00Z", &ms) == -1, "Feb 30 refused");
	ok(time_parse_rfc3339("2024-03-12T24:00:00Z", &ms) == -1, "hour 24 refused");
	ok(time_parse_rfc3339("2024-03-12T09:00:00", &ms) == -1, "no zone refused");
	ok(time_parse_rfc3339("2024-03-12T09:00:00Zjunk", &ms) == -1, "trailing junk refused");
	ok(time_parse_rfc3339("2024-03-12T09:00:00.Z", &ms) == -1, "empty fraction refused");
	ok(time_parse_rfc3339("", &ms) == -1, "empty refused");
	for (int64_t t = -86400000LL * 400; t < 86400000LL * 365 * 500; t += 86400000LL * 37 + 12345) {
		int64_t back;
		if (time_parse_rfc3339(time_format_rfc3339(t, buf), &back) != 0 || back != t) {
			ok(0, "round trip at %lld", (long long)t);
			break;
		}
	}
	ok(1, "format/parse round trip over 900 years");

	ok(time_parse_sense_iso("20211109T153726.028+0200", &ms) == 0 && ms == 1636465046028LL,
	    "compact ISO with +0200");
	ok(time_parse_sense_iso("20211109T083726.028-0500", &ms) == 0 && ms == 1636465046028LL,
	    "compact ISO with -0500");
	ok(time_parse_sense_iso("20211109T153726+0200", &ms) == 0 && ms == 1636465046000LL,
	    "compact ISO without fraction");
	ok(time_parse_sense_iso("20211109T153726.028", &ms) == -1, "compact ISO needs an offset");
	ok(time_parse_sense_iso("20211309T153726.028+0200", &ms) == -1, "month 13 refused");
	ok(time_parse_sense_iso("2021-11-09T15:37:26.028+0200", &ms) == -1, "hyphenated is not compact");
	ok(time_parse_sense_iso("20211109T153726.028+0260", &ms) == -1, "offset minutes 60 refused");

	ok(time_parse_sense_local("2021-11-09 15:37:26,028", 120, &ms) == 0 && ms == 1636465046028LL,
	    "log4net local date at +120 min");
	ok(time_parse_sense_local("2021-11-09 13:37:26,028", 0, &ms) == 0 && ms == 1636465046028LL,
	    "log4net local date at UTC");
	ok(time_parse_sense_local("2021-11-09 15:37:26.028", 0, &ms) == -1, "dot instead of comma refused");
	ok(time_parse_sense_local("2021-11-09 15:37:26,02", 0, &ms) == -1, "two-digit ms refused");
	ok(time_parse_sense("20211109T153726.028+0200", 0, &ms) == 0 && ms == 1636465046028LL, "either form: ISO");
	ok(time_parse_sense("2021-11-09 13:37:26,028", 0, &ms) == 0 && ms == 1636465046028LL, "either form: local");
	ok(time_parse_sense("yesterday", 0, &ms) == -1, "either form: garbage refused");

	int64_t a = time_mono_ms(), b = time_mono_ms();
	ok(b >= a, "monotonic clock does not go back");
	ok(time_now_ms() > 1700000000000LL, "wall clock is after 2023");
	return done_testing();
}
