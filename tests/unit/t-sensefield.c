/* t-sensefield: Butler SOS's field rules. */
#include <string.h>

#include "sensefield.h"
#include "tap.h"

int main(void)
{
	char out[256];
	long long i;
	double d;

	sf_sanitize(out, "a\tb\r\nc\x7f" "d", 8, 100);
	is_str(out, "abcd", "controls and DEL removed");
	sf_sanitize(out, "abcdefghij", 10, 4);
	is_str(out, "abcd", "capped at 4 units");
	sf_sanitize(out, "\xf0\x9f\x98\x80x", 5, 2);
	is_str(out, "\xf0\x9f\x98\x80", "an emoji counts as two units");
	sf_sanitize(out, "a\xf0\x9f\x98\x80", 5, 2);
	is_str(out, "a", "a pair that would cross the cap is not split");
	sf_sanitize(out, "0123456789abcdef\x01zz", 19, 100);
	is_str(out, "0123456789abcdefzz", "fast path stops at a control byte");

	ok(sf_uuid_lower("e7af59a0-c243-480d-9571-08727551a66f", 36), "lower-case UUID");
	ok(!sf_uuid_lower("E7AF59A0-C243-480D-9571-08727551A66F", 36), "upper case refused for log events");
	ok(sf_uuid_rfc("E7AF59A0-C243-480D-9571-08727551A66F", 36), "any case for user-event app ids");
	ok(!sf_uuid_rfc("e7af59a0-c243-980d-9571-08727551a66f", 36), "version 9 refused");
	ok(!sf_uuid_rfc("e7af59a0-c243-480d-c571-08727551a66f", 36), "variant c refused");
	ok(sf_uuid_rfc("00000000-0000-0000-0000-000000000000", 36), "nil UUID");
	ok(!sf_uuid_lower("e7af59a0-c243-480d-9571-08727551a66", 35), "short refused");

	ok(sf_ts_iso_hyphen("2021-11-09T15:37:26.028+0200", 28), "hyphenated ISO");
	ok(!sf_ts_iso_hyphen("2021-11-09T15:37:26.028-0200", 28), "negative offset refused, as Butler SOS");
	ok(sf_ts_iso_compact("20211109T153726.028+0200", 24), "compact ISO");
	ok(sf_ts_local("2021-11-09 15:37:26,028", 23), "log4net date");
	ok(!sf_ts_local("2021-11-09 15:37:26.028", 23), "dot refused");

	ok(sf_parse_int("  -12abc", 8, &i) && i == -12, "parseInt: blanks, sign, trailing text");
	ok(!sf_parse_int("abc", 3, &i), "parseInt: no digits");
	ok(sf_parse_int("99999999999999999999999", 23, &i) && i == 9007199254740992LL, "parseInt saturates at 2^53");
	ok(sf_parse_float("1843.215ms", 10, &d) && d == 1843.215, "parseFloat prefix");
	ok(sf_parse_float(".5", 2, &d) && d == 0.5, "parseFloat .5");
	ok(sf_parse_float("1e3x", 4, &d) && d == 1000, "parseFloat exponent");
	ok(sf_parse_float("1e", 2, &d) && d == 1, "parseFloat dangling exponent");
	ok(!sf_parse_float("x1", 2, &d), "parseFloat NaN");
	ok(sf_parse_float("-Infinity", 9, &d) && d < -1e308, "parseFloat Infinity");

	char dir[32], id[32], full[64];
	strcpy(dir, "CORP"), strcpy(id, "anna"), strcpy(full, "");
	sf_user_fields(dir, sizeof dir, id, sizeof id, full, sizeof full);
	is_str(full, "CORP\\anna", "user_full from directory and id");
	strcpy(dir, ""), strcpy(id, ""), strcpy(full, "CORP\\anna\\x");
	sf_user_fields(dir, sizeof dir, id, sizeof id, full, sizeof full);
	ok(strcmp(dir, "CORP") == 0 && strcmp(id, "anna") == 0, "directory and id split from user_full");
	strcpy(dir, "CORP"), strcpy(id, ""), strcpy(full, "x");
	sf_user_fields(dir, sizeof dir, id, sizeof id, full, sizeof full);
	is_str(full, "", "otherwise user_full is empty");
	return done_testing();
}
