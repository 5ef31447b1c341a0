/* t-jscan: the strict scanner's tokens, lookups, decoding, numbers and refusals, checked against cJSON. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "jscan.h"
#include "tap.h"

#define NTOK 512
static struct jtok tok[NTOK];
static struct jscan js;

static int scann(const char *s, size_t n)
{
	return jscan_parse(&js, s, n, tok, NTOK);
}

static int scan(const char *s)
{
	return scann(s, strlen(s));
}

/* Does cJSON take s[0..n) as one JSON text, with nothing but JSON whitespace after it? */
static bool cjson_accepts(const char *s, size_t n)
{
	const char *end = NULL;
	cJSON *j = cJSON_ParseWithLengthOpts(s, n, &end, 0);

	if (!j)
		return false;
	cJSON_Delete(j);
	while (end < s + n && (*end == ' ' || *end == '\t' || *end == '\n' || *end == '\r'))
		end++;
	return end == s + n;
}

/*
 * The documents, good and bad. strict: cJSON 1.7.15 judges it the same way
 * (so the differential check applies); false where cJSON is known to be
 * lenient: it reads numbers with strtod (01, 1., 1.e5 pass), takes any
 * byte <= 0x20 as whitespace and raw control characters in strings, reads
 * a bad hex digit in \u as the end of the escape, skips a byte order mark
 * and allows 1000 levels of nesting.
 */
#define D(s) (s), sizeof(s) - 1
static const struct doc {
	const char *s;
	size_t n;
	bool good, strict;
	const char *what;
} docs[] = {
	{ D("{}"), true, true, "empty object" },
	{ D("[]"), true, true, "empty array" },
	{ D("0"), true, true, "a bare number" },
	{ D("-0"), true, true, "minus zero" },
	{ D("\"\""), true, true, "an empty string" },
	{ D("true"), true, true, "true" },
	{ D("false"), true, true, "false" },
	{ D("null"), true, true, "null" },
	{ D(" \t\r\n[ 1 , { \"a\" : null } ]\n "), true, true, "whitespace everywhere" },
	{ D("{\"a\":{\"b\":{\"c\":[[],[{}],[1,[2,[3]]]]}}}"), true, true, "nesting" },
	{ D("[1,-1,0.5,-0.5e-3,1E+2,1e2,0e0,123456789012345678901234567890]"), true, true, "number forms" },
	{ D("[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]"), true, true, "every short escape" },
	{ D("\"\\u00e9\\u00E9\\ud83d\\ude00\\uDBFF\\uDFFF\\u0000\""), true, true, "\\u escapes and pairs" },
	{ D("\"caf\xc3\xa9 \xf0\x9f\x98\x80\""), true, true, "raw UTF-8" },
	{ D("\"\x7f\""), true, true, "DEL is not a control character to JSON" },
	{ D("[1e400,-1e400,1e-400]"), true, true, "numbers beyond double range are still numbers" },
	{ D("{\"a\":1,\"a\":2}"), true, true, "duplicate keys" },
	{ D("{\"kind\":\"log_event\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{\"qs_env\":\"dev\"},"
	    "\"log_row\":1452,\"windows_user\":\"CORP\\\\qlik_svc\",\"category\":[{\"name\":\"c\",\"value\":\"u\"}]}"),
	    true, true, "a record" },

	{ D(""), false, true, "empty input" },
	{ D(" \n\t "), false, true, "only whitespace" },
	{ D("[1,]"), false, true, "trailing comma in an array" },
	{ D("{\"a\":1,}"), false, true, "trailing comma in an object" },
	{ D("[,1]"), false, true, "leading comma" },
	{ D("[1,,2]"), false, true, "double comma" },
	{ D("[1 2]"), false, true, "missing comma" },
	{ D("{\"a\" 1}"), false, true, "missing colon" },
	{ D("{\"a\":}"), false, true, "missing value" },
	{ D("{\"a\"}"), false, true, "key without value" },
	{ D("{1:2}"), false, true, "a number as key" },
	{ D("{\"a\":1]"), false, true, "mismatched close" },
	{ D("[1}"), false, true, "mismatched close of an array" },
	{ D("["), false, true, "unclosed array" },
	{ D("{\"a\":1"), false, true, "unclosed object" },
	{ D("]"), false, true, "a lone close" },
	{ D("{\"a\":1}}"), false, true, "one close too many" },
	{ D("1 2"), false, true, "two values" },
	{ D("{} x"), false, true, "trailing garbage" },
	{ D("[1]//c"), false, true, "a line comment" },
	{ D("/*c*/1"), false, true, "a block comment" },
	{ D("01"), false, false, "leading zero (cJSON's strtod takes it)" },
	{ D("[-01]"), false, false, "negative leading zero (cJSON takes it)" },
	{ D("00"), false, false, "two zeros (cJSON takes it)" },
	{ D("-"), false, true, "a bare minus" },
	{ D("[-]"), false, true, "a bare minus in an array" },
	{ D("+1"), false, true, "a plus sign" },
	{ D("1."), false, false, "no digit after the point (cJSON takes it)" },
	{ D("[1.e5]"), false, false, "no digit between point and exponent (cJSON takes it)" },
	{ D(".5"), false, true, "no digit before the point" },
	{ D("1e"), false, true, "an empty exponent" },
	{ D("1e+"), false, true, "an empty signed exponent" },
	{ D("[1.5e]"), false, true, "an empty exponent in an array" },
	{ D("0x10"), false, true, "hex" },
	{ D("NaN"), false, true, "NaN" },
	{ D("Infinity"), false, true, "Infinity" },
	{ D("[-Infinity]"), false, true, "-Infinity" },
	{ D("tru"), false, true, "a cut true" },
	{ D("truex"), false, true, "true and more" },
	{ D("nul"), false, true, "a cut null" },
	{ D("[nulL]"), false, true, "null in the wrong case" },
	{ D("[True]"), false, true, "True" },
	{ D("'a'"), false, true, "single quotes" },
	{ D("{'a':1}"), false, true, "a single-quoted key" },
	{ D("\"abc"), false, true, "an unterminated string" },
	{ D("[\"abc]"), false, true, "an unterminated string in an array" },
	{ D("\"a\tb\""), false, false, "a raw tab in a string (cJSON takes it)" },
	{ D("\"a\nb\""), false, false, "a raw newline in a string (cJSON takes it)" },
	{ D("\"a\x01\""), false, false, "a raw control character (cJSON takes it)" },
	{ D("\"a\0b\""), false, false, "a raw NUL in a string (cJSON takes it)" },
	{ D("\"\\x\""), false, true, "a bad escape \\x" },
	{ D("\"\\U0041\""), false, true, "\\U" },
	{ D("\"\\\""), false, true, "an escaped closing quote" },
	{ D("\"\\"), false, true, "a cut escape" },
	{ D("\"\\u12G4\""), false, false, "a bad hex digit (cJSON takes it)" },
	{ D("\"\\u00\""), false, true, "a short \\u" },
	{ D("\"\\u\""), false, true, "an empty \\u" },
	{ D("\"\\ud800\""), false, true, "a lone high surrogate" },
	{ D("\"\\ud800x\""), false, true, "a high surrogate before a plain character" },
	{ D("\"\\ud800\\n\""), false, true, "a high surrogate before another escape" },
	{ D("[\"\\uD800\\u0041\"]"), false, true, "a high surrogate before a non-surrogate" },
	{ D("\"\\ud800\\ud800\""), false, true, "two high surrogates" },
	{ D("\"\\udc00\""), false, true, "a lone low surrogate" },
	{ D("\"\\udc00\\ud800\""), false, true, "a reversed pair" },
	{ D("\"\\ud83d\""), false, true, "a cut pair" },
	{ D("\f1"), false, false, "form feed is not JSON whitespace (cJSON takes it)" },
	{ D("\v1"), false, false, "vertical tab is not JSON whitespace (cJSON takes it)" },
	{ D("1\0"), false, true, "a NUL after the value" },
	{ D("\xef\xbb\xbf{}"), false, false, "a byte order mark (cJSON skips one)" },
};

static void test_docs(void)
{
	int wrong = 0, differ = 0, compared = 0;

	for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		const struct doc *d = &docs[i];
		int r = scann(d->s, d->n);
		if (d->good ? r <= 0 : r != JSCAN_BAD) {
			wrong++;
			ok(0, "%s: got %d", d->what, r);
		}
		if (r < 0 && js.ntok != 0) {
			wrong++;
			ok(0, "%s: ntok %u after a failure", d->what, js.ntok);
		}
		if (d->strict) {
			compared++;
			if (cjson_accepts(d->s, d->n) != d->good) {
				differ++;
				ok(0, "%s: cJSON disagrees", d->what);
			}
		}
	}
	is_int(wrong, 0, "%zu documents judged as expected", sizeof docs / sizeof docs[0]);
	is_int(differ, 0, "cJSON agrees on the %d where it is strict", compared);
	/* documents of the same nature, with a value in every position */
	ok(scan("[[[[[]]]]]") == 5 && scan("{\"\":\"\"}") == 3, "nesting and an empty key");
}

static void test_depth(void)
{
	char b[2 * 70 + 1];
	int d;

	for (d = 63; d <= 65; d++) {
		memset(b, '[', (size_t)d);
		memset(b + d, ']', (size_t)d);
		is_int(scann(b, 2 * (size_t)d), d <= JSCAN_MAX_DEPTH ? d : JSCAN_BAD, "%d nested arrays", d);
	}
	char o[6 * 70 + 1];
	size_t n = 0;
	for (d = 0; d < 65; d++)
		n += (size_t)sprintf(o + n, "{\"a\":");
	o[n++] = '1';
	memset(o + n, '}', 65);
	is_int(scann(o, n + 65), JSCAN_BAD, "65 nested objects");
	is_int(scann(o + 5, n - 5 + 64), 129, "64 nested objects: 64 objects, 64 keys, 1 number");
}

static void test_structure(void)
{
	static const char doc[] = "{\"a\":1,\"b\":[true,false,null,{\"c\":\"d\"}],\"e\":{},\"f\":[],\"g\":\"h\\\"i\"}";
	static const struct { uint8_t type; uint32_t size, next; } want[] = {
		{ JS_OBJECT, 5, 17 }, { JS_STRING, 0, 2 }, { JS_NUMBER, 0, 3 }, { JS_STRING, 0, 4 },
		{ JS_ARRAY, 4, 11 }, { JS_TRUE, 0, 6 }, { JS_FALSE, 0, 7 }, { JS_NULL, 0, 8 },
		{ JS_OBJECT, 1, 11 }, { JS_STRING, 0, 10 }, { JS_STRING, 0, 11 }, { JS_STRING, 0, 12 },
		{ JS_OBJECT, 0, 13 }, { JS_STRING, 0, 14 }, { JS_ARRAY, 0, 15 }, { JS_STRING, 0, 16 },
		{ JS_STRING, 0, 17 },
	};
	int bad = 0;

	is_int(scan(doc), 17, "17 tokens");
	for (int t = 0; t < 17; t++)
		if (tok[t].type != want[t].type || tok[t].size != want[t].size || tok[t].next != want[t].next) {
			bad++;
			ok(0, "token %d: type %d size %u next %u", t, tok[t].type, tok[t].size, tok[t].next);
		}
	is_int(bad, 0, "types, sizes and next of every token");
	ok(tok[0].start == 0 && tok[0].end == sizeof doc - 1, "the object spans the text");
	ok(tok[1].start == 2 && tok[1].end == 3, "a key: after the quote to the closing quote");
	ok(tok[2].start == 5 && tok[2].end == 6, "a number: its digits");
	ok(doc[tok[4].start] == '[' && doc[tok[4].end - 1] == ']', "an array: its brackets");
	ok(doc[tok[5].start] == 't' && tok[5].end - tok[5].start == 4, "true: its letters");
	ok(tok[16].esc && !tok[1].esc, "esc set only where a backslash is");
	ok(doc[tok[16].end] == '"' && tok[16].end - tok[16].start == 4, "an escaped string: raw span");

	char keys[16] = "";
	for (int k = jscan_first(&js, 0); k >= 0; k = jscan_after(&js, k + 1))
		strncat(keys, doc + tok[k].start, 1);
	is_str(keys, "abefg", "keys of the object in order");
	int el[8], ne = 0;
	for (int e = jscan_first(&js, 4); e >= 0 && ne < 8; e = jscan_after(&js, e))
		el[ne++] = e;
	ok(ne == 4 && el[0] == 5 && el[1] == 6 && el[2] == 7 && el[3] == 8, "elements of the array");
	is_int(jscan_first(&js, 12), -1, "an empty object has no first");
	is_int(jscan_first(&js, 14), -1, "an empty array has no first");
	is_int(jscan_first(&js, 2), -1, "a number has no first");
	is_int(jscan_first(&js, -1), -1, "first of -1");
	is_int(jscan_first(&js, 17), -1, "first past the tokens");
	is_int(jscan_after(&js, 0), -1, "nothing after the root");
	is_int(jscan_after(&js, 8), -1, "nothing after the last element");
	is_int(jscan_after(&js, 16), -1, "nothing after the last value");
	is_int(jscan_after(&js, 99), -1, "after past the tokens");

	static const char ws[] = " {\n \"a\" : [ 1 ,\t2 , [ ] ] ,\r\n \"b\" : { } , \"c\" : \"x\" \n} ";
	is_int(scan(ws), 10, "with whitespace");
	int nk = 0, nel = 0;
	for (int k = jscan_first(&js, 0); k >= 0; k = jscan_after(&js, k + 1))
		nk++;
	for (int e = jscan_first(&js, 2); e >= 0; e = jscan_after(&js, e))
		nel++;
	ok(nk == 3 && nel == 3, "iteration across whitespace (%d keys, %d elements)", nk, nel);
	ok(tok[0].start == 1 && tok[0].end == sizeof ws - 2, "the object's span excludes the whitespace");
	ok(tok[2].size == 3 && tok[5].type == JS_ARRAY && tok[5].size == 0, "sizes across whitespace");

	is_int(scan("[[1,2],[3]]"), 6, "arrays of arrays");
	ok(jscan_after(&js, 1) == 4 && jscan_after(&js, 4) == -1 && jscan_after(&js, 2) == 3 &&
	    jscan_after(&js, 3) == -1, "after skips a subtree and stops at the end of its container");
	is_int(scann("12", 1), 1, "n bounds the text");
	is_int(tok[0].end, 1, "the number ends at n");
}

static void test_get(void)
{
	static const char doc[] = "{\"a\":1,\"ab\":2,\"k\\u0065y\":3,\"q\\\"\":4,\"\\u00e9\":5,\"n\\u0000l\":6,"
	    "\"o\":{\"a\":7},\"\":8,\"a\":9,\"k\\\\\":10}";
	int64_t v;

	ok(scan(doc) > 0, "scanned");
	ok(jscan_int(&js, jscan_get(&js, 0, "a"), &v) == 0 && v == 1, "a present key; the first of duplicates");
	ok(jscan_int(&js, jscan_get(&js, 0, "ab"), &v) == 0 && v == 2, "a key that starts like another");
	ok(jscan_int(&js, jscan_get(&js, 0, "key"), &v) == 0 && v == 3, "a key written with \\u");
	ok(jscan_int(&js, jscan_get(&js, 0, "q\""), &v) == 0 && v == 4, "a key with an escaped quote");
	ok(jscan_int(&js, jscan_get(&js, 0, "\xc3\xa9"), &v) == 0 && v == 5, "a key decoded to UTF-8");
	ok(jscan_int(&js, jscan_getn(&js, 0, "n\0l", 3), &v) == 0 && v == 6, "a key with a NUL, by getn");
	ok(jscan_int(&js, jscan_get(&js, 0, ""), &v) == 0 && v == 8, "the empty key");
	ok(jscan_int(&js, jscan_get(&js, 0, "k\\"), &v) == 0 && v == 10, "a key with an escaped backslash");
	ok(jscan_int(&js, jscan_get(&js, jscan_get(&js, 0, "o"), "a"), &v) == 0 && v == 7, "a nested object");
	is_int(jscan_get(&js, 0, "b"), -1, "an absent key");
	is_int(jscan_get(&js, 0, "ke"), -1, "a prefix of an escaped key");
	is_int(jscan_get(&js, 0, "keyy"), -1, "an escaped key as a prefix");
	is_int(jscan_get(&js, 0, "n"), -1, "a prefix up to the NUL");
	is_int(jscan_get(&js, 0, "q"), -1, "no match on the raw text of an escape");
	is_int(jscan_get(&js, 0, "k\\u0065y"), -1, "no match on the raw escape");
	is_int(jscan_get(&js, 2, "a"), -1, "get on a number");
	is_int(jscan_get(&js, -1, "a"), -1, "get on -1");
	is_int(jscan_get(&js, 1000, "a"), -1, "get past the tokens");
	ok(jscan_streq(&js, 5, "key") && !jscan_streq(&js, 5, "ke") && !jscan_streq(&js, 5, "keys"),
	    "streq decodes");
	ok(jscan_streq(&js, 1, "a") && !jscan_streq(&js, 2, "1"), "streq on a plain string; false on a number");
	is_int(scan("[\"a\"]"), 2, "an array");
	is_int(jscan_get(&js, 0, "a"), -1, "get on an array");
}

static void test_str(void)
{
	static const char doc[] = "[\"plain\",\"\\u00e9\",\"\\ud83d\\ude00\",\"a\\u0000b\",\"\\\"\\\\\\/\\b\\f\\n\\r\\t\","
	    "\"\\u007f\\u0080\\u07ff\\u0800\\uffff\\uDBFF\\uDFFF\",\"x\\u0041y\",1]";
	char buf[64];
	const char *p = NULL;
	long n;

	is_int(scan(doc), 9, "scanned");
	n = jscan_str(&js, 1, &p, buf, sizeof buf);
	ok(n == 5 && p == doc + 2 && memcmp(p, "plain", 5) == 0, "a plain string points into the text");
	n = jscan_str(&js, 1, &p, NULL, 0);
	ok(n == 5 && p == doc + 2, "without a buffer");
	n = jscan_str(&js, 2, &p, buf, sizeof buf);
	ok(n == 2 && p == buf && strcmp(p, "\xc3\xa9") == 0, "\\u00e9 is UTF-8 e acute");
	n = jscan_str(&js, 3, &p, buf, sizeof buf);
	ok(n == 4 && strcmp(p, "\xf0\x9f\x98\x80") == 0, "a surrogate pair is one code point");
	n = jscan_str(&js, 4, &p, buf, sizeof buf);
	ok(n == 3 && memcmp(p, "a\0b", 4) == 0, "\\u0000 is a NUL byte, counted");
	n = jscan_str(&js, 5, &p, buf, sizeof buf);
	ok(n == 8 && strcmp(p, "\"\\/\b\f\n\r\t") == 0, "every short escape");
	n = jscan_str(&js, 6, &p, buf, sizeof buf);
	ok(n == 1 + 2 + 2 + 3 + 3 + 4 && strcmp(p, "\x7f\xc2\x80\xdf\xbf\xe0\xa0\x80\xef\xbf\xbf\xf4\x8f\xbf\xbf") == 0,
	    "UTF-8 lengths at each boundary");
	is_int(jscan_str(&js, 7, &p, buf, 4), 3, "a buffer of exactly the length and the NUL");
	is_str(buf, "xAy", "decoded");
	is_int(jscan_str(&js, 7, &p, buf, 3), -1, "a buffer one byte short");
	is_int(jscan_str(&js, 3, &p, buf, 4), -1, "no room for a four-byte character and the NUL");
	is_int(jscan_str(&js, 7, &p, buf, 0), -1, "no buffer for an escaped string");
	is_int(jscan_str(&js, 8, &p, buf, sizeof buf), -1, "a number is not a string");
	is_int(jscan_str(&js, 0, &p, buf, sizeof buf), -1, "an array is not a string");
	is_int(jscan_str(&js, 9, &p, buf, sizeof buf), -1, "past the tokens");
}

static void test_numbers(void)
{
	static const struct { const char *s; int rc; int64_t v; } ints[] = {
		{ "0", 0, 0 }, { "-0", 0, 0 }, { "12", 0, 12 }, { "-3", 0, -3 }, { "1e3", 0, 1000 },
		{ "12.0", 0, 12 }, { "12.50e1", 0, 125 }, { "1.5", -1, 0 }, { "0.5", -1, 0 }, { "1e-1", -1, 0 },
		{ "100e-2", 0, 1 }, { "0.0", 0, 0 }, { "-0.0e-0", 0, 0 }, { "0e999999999999", 0, 0 },
		{ "9223372036854775807", 0, INT64_MAX }, { "9223372036854775808", -1, 0 },
		{ "-9223372036854775808", 0, INT64_MIN }, { "-9223372036854775809", -1, 0 },
		{ "92233720368547758070e-1", 0, INT64_MAX }, { "9.223372036854775807e18", 0, INT64_MAX },
		{ "9.223372036854775808e18", -1, 0 }, { "1e19", -1, 0 }, { "1e18", 0, 1000000000000000000 },
		{ "9007199254740993.0", 0, 9007199254740993 }, { "123456789012345678", 0, 123456789012345678 },
		{ "123456789012345678901e-3", -1, 0 }, { "1000000000000000000000e-3", 0, 1000000000000000000 },
		{ "1e99999999999999999999", -1, 0 }, { "1e-99999999999999999999", -1, 0 },
		{ "99999999999999999999999", -1, 0 }, { "0.00000000000000000000000001e26", 0, 1 },
	};
	static const char *dbl[] = {
		"0", "-0", "1", "0.1", "-2.5e-3", "3.14159", "1e22", "1e23", "9007199254740993",
		"123456789012345678901234567890", "1.7976931348623157e308", "4.9e-324", "2.2250738585072014e-308",
		"1e400", "-1e400", "1e-400", "0.000001", "123.456e-7", "5e-324", "1.5", "12.0",
	};
	int64_t v;
	double d;
	int bad = 0;

	for (size_t i = 0; i < sizeof ints / sizeof ints[0]; i++) {
		v = 42;
		if (scan(ints[i].s) != 1) {
			bad++;
			ok(0, "%s does not scan", ints[i].s);
			continue;
		}
		int rc = jscan_int(&js, 0, &v);
		if (rc != ints[i].rc || (rc == 0 && v != ints[i].v)) {
			bad++;
			ok(0, "jscan_int(%s): %d, %lld", ints[i].s, rc, (long long)v);
		}
	}
	is_int(bad, 0, "jscan_int on %zu numbers (12.0 is 12, 1.5 is not an int, 2^63 is refused)",
	    sizeof ints / sizeof ints[0]);
	bad = 0;
	for (size_t i = 0; i < sizeof dbl / sizeof dbl[0]; i++) {
		double want = strtod(dbl[i], NULL);
		if (scan(dbl[i]) != 1 || jscan_double(&js, 0, &d) != 0 || d != want || signbit(d) != signbit(want)) {
			bad++;
			ok(0, "jscan_double(%s): %.17g, want %.17g", dbl[i], d, want);
		}
	}
	is_int(bad, 0, "jscan_double equals strtod, sign of zero included, on %zu numbers", sizeof dbl / sizeof dbl[0]);
	ok(scan("-0") == 1 && jscan_double(&js, 0, &d) == 0 && d == 0 && signbit(d), "-0 is negative zero");

	char big[600];
	memset(big, '1', sizeof big);
	ok(scann(big, 512) == 1 && jscan_double(&js, 0, &d) == 0 && isinf(d), "a 512-digit number is converted (to inf)");
	big[0] = '0';
	big[1] = '.';
	ok(scann(big, 100) == 1 && jscan_double(&js, 0, &d) == 0 && fabs(d - 0.11111111111111111) < 1e-16,
	    "a 100-character fraction is converted");
	ok(scann(big, 513) == 1 && jscan_double(&js, 0, &d) == -1, "a number over 512 characters is refused");
	ok(jscan_int(&js, 0, &v) == -1, "and is not an int");
	ok(scan("\"1\"") == 1 && jscan_double(&js, 0, &d) == -1 && jscan_int(&js, 0, &v) == -1,
	    "a string is not a number");
	ok(jscan_double(&js, 5, &d) == -1 && jscan_int(&js, -1, &v) == -1, "no such token");
}

static void test_limits(void)
{
	struct jtok small[4];

	is_int(jscan_parse(&js, "[1,2,3]", 7, small, 3), JSCAN_NOMEM, "4 tokens in 3");
	is_int(js.ntok, 0, "no tokens after NOMEM");
	is_int(jscan_parse(&js, "[1,2,3]", 7, small, 4), 4, "4 tokens in 4");
	is_int(jscan_parse(&js, "{\"a\":1}", 7, small, 2), JSCAN_NOMEM, "no room for the value");
	is_int(jscan_parse(&js, "{\"a\":1}", 7, small, 1), JSCAN_NOMEM, "no room for the key");
	is_int(jscan_parse(&js, "1", 1, NULL, 0), JSCAN_NOMEM, "no tokens at all");
	is_int(jscan_parse(&js, "[1,x]", 5, small, 4), JSCAN_BAD, "bad with room to spare");
	is_int(jscan_parse(&js, "[1,2,3,x]", 9, small, 4), JSCAN_NOMEM, "out of room before the bad part");
	if (SIZE_MAX > UINT32_MAX)
		is_int(jscan_parse(&js, "1", (size_t)UINT32_MAX + 1, small, 4), JSCAN_BAD, "4 GiB is refused unread");
	else
		ok(1, "# SKIP size_t is 32 bits");
}

/*
 * Strings of every length and a special byte at every position, crossing
 * the 64-byte blocks of the string scan, and ending at a page boundary so
 * that reading one byte too many faults.
 */
static void test_blocks(void)
{
	long pg = sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int bad = 0;

	if (m == MAP_FAILED || mprotect(m + pg, (size_t)pg, PROT_NONE) != 0) {
		ok(0, "guard page");
		return;
	}
	char *endp = m + pg;
	for (size_t len = 0; len < 300; len++) {
		char *s = endp - (len + 2);
		s[0] = '"';
		memset(s + 1, 'x', len);
		s[len + 1] = '"';
		if (scann(s, len + 2) != 1 || tok[0].end != len + 1)
			bad++;
		if (scann(s, len + 1) != JSCAN_BAD)	/* no closing quote */
			bad++;
		for (size_t k = 0; k < len; k++) {
			s[1 + k] = '\n';
			bad += scann(s, len + 2) != JSCAN_BAD;
			s[1 + k] = '"';
			bad += scann(s, len + 2) != JSCAN_BAD;
			s[1 + k] = 'x';
		}
		for (size_t k = 0; k + 1 < len; k++) {
			s[1 + k] = '\\';
			s[2 + k] = 'n';
			bad += scann(s, len + 2) != 1 || !tok[0].esc;
			s[2 + k] = '"';
			bad += scann(s, len + 2) != 1 || tok[0].end != len + 1;
			s[1 + k] = s[2 + k] = 'x';
		}
	}
	is_int(bad, 0, "strings of 0..299 bytes, special bytes at every offset, ending at a guard page");
	munmap(m, (size_t)pg * 2);
}

int main(void)
{
	test_docs();
	test_depth();
	test_structure();
	test_get();
	test_str();
	test_numbers();
	test_limits();
	test_blocks();
	return done_testing();
}
