/* t-jsonw: the hot-path JSON writer agrees with cJSON and never overruns. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "evfield.h"
#include "jsonw.h"
#include "sensefield.h"
#include "tap.h"

static char buf[4096];

static const char *one(void (*f)(struct jsonw *))
{
	struct jsonw w;

	jsonw_init(&w, buf, sizeof buf - 1);
	jsonw_open(&w);
	f(&w);
	jsonw_close(&w);
	buf[w.overflow ? 0 : w.len] = '\0';
	return buf;
}

static void strings(struct jsonw *w)
{
	jsonw_str(w, "plain", "abc");
	jsonw_str(w, "esc", "q\"b\\n\nt\tc\x01 \xc3\xa9");
	jsonw_strn(w, "long", "0123456789abcdef0123456789\"", 27);
	jsonw_str(w, "ke\"y", "v");
}

static void numbers(struct jsonw *w)
{
	jsonw_int(w, "a", 0);
	jsonw_int(w, "b", -42);
	jsonw_int(w, "c", LLONG_MIN);
	jsonw_double(w, "d", 1843.215);
	jsonw_double(w, "e", 0.1);
	jsonw_double(w, "f", 3.0);
	jsonw_double(w, "g", -0.0);
	jsonw_double(w, "h", NAN);
	jsonw_double(w, "i", 1.0 / 3.0);
	jsonw_bool(w, "j", true);
}

static void nested(struct jsonw *w)
{
	jsonw_open_object(w, "tags");
	jsonw_str(w, "k", "v");
	jsonw_close(w);
	jsonw_open_array(w, "list");
	jsonw_open_object(w, NULL);
	jsonw_str(w, "name", "n");
	jsonw_close(w);
	jsonw_open_object(w, NULL);
	jsonw_close(w);
	jsonw_close_array(w);
	jsonw_raw(w, "raw", "[1,2]", 5);
}

/* jsonw_strn_clean must write what sanitising first, then jsonw_strn, writes. */
static void clean_matches_sanitize(void)
{
	static const char *const pieces[] = { "a", "bc", "\"", "\\", "\n", "\t", "\r", "\x01", "\x7f", "\xc3\xa9",
		"\xe2\x86\xb5", "\xf0\x9f\x98\x80", "plain text ", "12345678", "\xff" };
	char in[512], clean[1600], a[4096], b[4096];
	unsigned seed = 7;
	int bad = 0;

	for (int round = 0; round < 20000 && bad < 5; round++) {
		size_t n = 0;
		int parts = (int)(rand_r(&seed) % 40);
		for (int p = 0; p < parts; p++) {
			const char *x = pieces[rand_r(&seed) % (sizeof pieces / sizeof *pieces)];
			if (n + strlen(x) >= sizeof in)
				break;
			memcpy(in + n, x, strlen(x));
			n += strlen(x);
		}
		size_t max = (size_t)(rand_r(&seed) % 80) + (round % 3 ? 0 : 1000);
		bool text = round % 2;
		size_t m = text ? sf_sanitize_text(clean, in, n, max) : sf_sanitize(clean, in, n, max);
		struct jsonw wa, wb;
		jsonw_init(&wa, a, sizeof a);
		jsonw_strn(&wa, NULL, clean, m);
		jsonw_init(&wb, b, sizeof b);
		jsonw_strn_clean(&wb, NULL, in, n, max, text);
		if (wa.len != wb.len || memcmp(a, b, wa.len) != 0 || wb.overflow) {
			bad++;
			printf("# round %d: want %.*s got %.*s\n", round, (int)wa.len, a, (int)wb.len, b);
		}
	}
	is_int(bad, 0, "jsonw_strn_clean writes what sf_sanitize(_text) then jsonw_strn write, for 20000 strings");

	struct jsonw w;
	char small[16];
	jsonw_init(&w, small, sizeof small);
	jsonw_strn_clean(&w, NULL, "0123456789abcdef", 16, 1000, false);
	ok(w.overflow, "too long for the buffer: overflow, nothing past the end");
}

/* A canonical decimal is exactly what jsonw_double writes for its value. */
static void canonical_decimals(void)
{
	static const char *const yes[] = { "0", "1", "-1", "1843.212", "0.5", "-0.5", "0.000001", "123456789012345",
		"12345678.1234567", "0.1", "99.99" };
	static const char *const no[] = { "-0", "01", "1.", "1.50", ".5", "1e5", "+1", " 1", "1 ", "0.0000001",
		"1234567890123456", "0.1234567890123456", "1.2.3", "", "-", "0x10", "1,5" };
	char out[64];
	unsigned seed = 11;
	int bad = 0;

	for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
		ok(json_decimal_canonical(yes[i], strlen(yes[i])), "canonical: %s", yes[i]);
	for (size_t i = 0; i < sizeof no / sizeof *no; i++)
		ok(!json_decimal_canonical(no[i], strlen(no[i])), "not canonical: '%s'", no[i]);
	/* random decimals: whenever one is called canonical, the double prints back as the same text */
	for (int r = 0; r < 200000; r++) {
		char s[40];
		int ilen = (int)(rand_r(&seed) % 9), flen = (int)(rand_r(&seed) % 9), k = 0;
		if (rand_r(&seed) % 4 == 0)
			s[k++] = '-';
		for (int i = 0; i < ilen + 1; i++)
			s[k++] = (char)('0' + (i == 0 && ilen ? 1 + rand_r(&seed) % 9 : rand_r(&seed) % 10));
		if (flen) {
			s[k++] = '.';
			for (int i = 0; i < flen; i++)
				s[k++] = (char)('0' + rand_r(&seed) % 10);
		}
		s[k] = '\0';
		if (!json_decimal_canonical(s, (size_t)k))
			continue;
		struct jsonw w;
		jsonw_init(&w, out, sizeof out);
		jsonw_double(&w, NULL, strtod(s, NULL));
		if (w.len != (size_t)k || memcmp(out, s, (size_t)k) != 0) {
			if (bad++ < 5)
				printf("# %s printed as %.*s\n", s, (int)w.len, out);
		}
	}
	is_int(bad, 0, "200000 random decimals: every canonical one prints back as itself");
}

int main(void)
{
	is_str(one(strings), "{\"plain\":\"abc\",\"esc\":\"q\\\"b\\\\n\\nt\\tc\\u0001 \xc3\xa9\","
	    "\"long\":\"0123456789abcdef0123456789\\\"\",\"ke\\\"y\":\"v\"}", "strings escaped as cJSON does");
	cJSON *j = cJSON_Parse(buf);
	ok(j != NULL, "cJSON parses it");
	is_str(cJSON_GetObjectItem(j, "esc")->valuestring, "q\"b\\n\nt\tc\x01 \xc3\xa9", "round trip");
	cJSON_Delete(j);
	is_str(one(numbers), "{\"a\":0,\"b\":-42,\"c\":-9223372036854775808,\"d\":1843.215,\"e\":0.1,\"f\":3,"
	    "\"g\":0,\"h\":null,\"i\":0.3333333333333333,\"j\":true}", "numbers as JavaScript prints them");
	is_str(one(nested), "{\"tags\":{\"k\":\"v\"},\"list\":[{\"name\":\"n\"},{}],\"raw\":[1,2]}", "nesting and commas");

	/* every prefix of a record: overflow is flagged, never written past cap */
	int bad = 0;
	size_t full = strlen(one(strings));
	for (size_t cap = 0; cap < 120; cap++) {
		char small[128];
		struct jsonw w;
		memset(small, 'X', sizeof small);
		jsonw_init(&w, small, cap);
		jsonw_open(&w);
		strings(&w);
		jsonw_close(&w);
		if (small[cap] != 'X' || w.len > cap || w.overflow != (cap < full))
			bad++;
	}
	is_int(bad, 0, "small buffers: overflow flagged, no byte past the end");

	/* a key table entry reused by another string at the same address */
	char key[8] = "alpha";
	struct jsonw w;
	jsonw_init(&w, buf, sizeof buf);
	jsonw_open(&w);
	jsonw_int(&w, key, 1);
	strcpy(key, "be\"ta");
	jsonw_int(&w, key, 2);
	jsonw_close(&w);
	buf[w.len] = '\0';
	is_str(buf, "{\"alpha\":1,\"be\\\"ta\":2}", "a changed key at the same address is escaped");
	clean_matches_sanitize();
	canonical_decimals();
	return done_testing();
}
