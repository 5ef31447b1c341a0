/* fuzz-timefmt: the timestamp parsers on any string; a parsed time formats back. */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "timefmt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), buf[TIME_RFC3339_LEN];
	int64_t ms;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (time_parse_rfc3339(s, &ms) == 0) {
		int64_t back;
		/* within years 0..9999 formatting and parsing must agree */
		if (ms >= -62135596800000LL && ms < 253402300800000LL &&
		    (time_parse_rfc3339(time_format_rfc3339(ms, buf), &back) != 0 || back != ms))
			abort();
	}
	(void)time_parse_sense(s, 60, &ms);
	free(s);
	return 0;
}
