/* t-jsonw: the hot-path JSON writer agrees with cJSON and never overruns. */
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "jsonw.h"
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
	return done_testing();
}
