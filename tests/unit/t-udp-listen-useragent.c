/* t-udp-listen-useragent: Bowser-compatible user agent parsing and UserAgent: extraction. */
#include <stdlib.h>
#include <string.h>

#include "../../bin/udp-listen/useragent.h"
#include "tap.h"
#include "utf8.h"

struct ua_case {
	const char *ua;
	const char *name, *version, *major, *os, *osver;
};

static void check(const struct ua_case *c, const char *what)
{
	struct ua_info u;

	ua_parse(c->ua, &u);
	is_str(u.browser_name, c->name, "%s: browser name", what);
	is_str(u.browser_version, c->version, "%s: browser version", what);
	is_str(u.browser_major, c->major, "%s: browser major", what);
	is_str(u.os_name, c->os, "%s: OS name", what);
	is_str(u.os_version, c->osver, "%s: OS version", what);
}

/* The fixture user agents and what Butler SOS's golden run made of them. */
static void test_golden(void)
{
	static const struct ua_case golden[] = {
		{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.80",
		  "Microsoft Edge", "122.0.2365.80", "122", "Windows", "NT 10.0" },
		{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:123.0) Gecko/20100101 Firefox/123.0",
		  "Firefox", "123.0", "123", "macOS", "10.15" },
		{ "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/122.0.0.0 Mobile Safari/537.36",
		  "Chrome", "122.0.0.0", "122", "Android", "14" },
		{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 "
		  "(KHTML, like Gecko) Version/17.3.1 Mobile/15E148 Safari/604.1",
		  "Safari", "17.3.1", "17", "iOS", "17.3.1" },
		/* as in fixtures/user-events.txt */
		{ "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/122.0.6261.105 Mobile Safari/537.36",
		  "Chrome", "122.0.6261.105", "122", "Android", "14" },
		{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 "
		  "(KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
		  "Safari", "17.3", "17", "iOS", "17.3.1" },
	};
	char what[32];

	for (size_t i = 0; i < sizeof(golden) / sizeof(golden[0]); i++) {
		snprintf(what, sizeof(what), "golden %zu", i + 1);
		check(&golden[i], what);
	}
}

/* One realistic UA per family; expectations checked against Bowser 2.11.0. */
static void test_families(void)
{
	static const struct ua_case fam[] = {
		{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/122.0.0.0 Safari/537.36",
		  "Chrome", "122.0.0.0", "122", "Windows", "NT 10.0" },
		{ "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chromium/121.0.6167.160 Chrome/121.0.6167.160 Safari/537.36",
		  "Chromium", "121.0.6167.160", "121", "Linux", "" },
		{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/70.0.3538.102 Safari/537.36 Edge/18.18362",
		  "Microsoft Edge", "18.18362", "18", "Windows", "NT 10.0" },
		{ "Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/122.0.6261.64 Mobile Safari/537.36 EdgA/122.0.2365.56",
		  "Microsoft Edge", "122.0.2365.56", "122", "Android", "10" },
		{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 "
		  "(KHTML, like Gecko) Version/17.0 EdgiOS/122.2365.56 Mobile/15E148 Safari/605.1.15",
		  "Microsoft Edge", "122.2365.56", "122", "iOS", "17.3" },
		{ "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:123.0) Gecko/20100101 Firefox/123.0",
		  "Firefox", "123.0", "123", "Linux", "" },
		{ "Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:115.0) Gecko/20100101 Firefox/115.0",
		  "Firefox", "115.0", "115", "Windows", "NT 6.1" },
		{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 "
		  "(KHTML, like Gecko) FxiOS/123.0 Mobile/15E148 Safari/605.1.15",
		  "Firefox", "123.0", "123", "iOS", "17.3" },
		/* Firefox on an iPad says Macintosh: Bowser takes the OS version from Version/ */
		{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
		  "(KHTML, like Gecko) FxiOS/123.0 Mobile/15E148 Version/13.1 Safari/605.1.15",
		  "Firefox", "123.0", "123", "iOS", "13.1" },
		{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 "
		  "(KHTML, like Gecko) Version/17.3.1 Safari/605.1.15",
		  "Safari", "17.3.1", "17", "macOS", "10.15.7" },
		{ "Mozilla/5.0 (iPad; CPU OS 16_0 like Mac OS X) AppleWebKit/605.1.15 "
		  "(KHTML, like Gecko) Version/16.0 Mobile/15E148 Safari/604.1",
		  "Safari", "16.0", "16", "iOS", "16.0" },
		{ "Mozilla/5.0 (iPod touch; CPU iPhone OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15",
		  "Safari", "", "", "iOS", "12.5.7" },
		{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/122.0.0.0 Safari/537.36 OPR/108.0.0.0",
		  "Opera", "108.0.0.0", "108", "Windows", "NT 10.0" },
		{ "Mozilla/5.0 (Windows NT 10.0; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/86.0.4240.198 Safari/537.36 OPR/72.0.3815.465 (Edition Yx GX)",
		  "Opera", "72.0.3815.465", "72", "Windows", "NT 10.0" },
		{ "Opera/9.80 (Windows NT 6.1; U; en) Presto/2.12.388 Version/12.16",
		  "Opera", "12.16", "12", "Windows", "NT 6.1" },
		{ "Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; rv:11.0) like Gecko",
		  "Internet Explorer", "11.0", "11", "Windows", "NT 6.1" },
		{ "Mozilla/5.0 (compatible; MSIE 10.0; Windows NT 6.2; Trident/6.0)",
		  "Internet Explorer", "10.0", "10", "Windows", "NT 6.2" },
		{ "Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 5.1; Trident/4.0)",
		  "Internet Explorer", "8.0", "8", "Windows", "NT 5.1" },
		{ "Mozilla/5.0 (Linux; Android 13; SAMSUNG SM-S918B) AppleWebKit/537.36 "
		  "(KHTML, like Gecko) SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
		  "Samsung Internet for Android", "23.0", "23", "Android", "13" },
		{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/120.0.0.0 YaBrowser/24.1.0.0 Safari/537.36",
		  "Yandex Browser", "24.1.0.0", "24", "Windows", "NT 10.0" },
		{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/122.0.0.0 Safari/537.36 Vivaldi/6.5.3206.63",
		  "Vivaldi", "6.5.3206.63", "6", "Windows", "NT 10.0" },
		{ "Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) AppleWebKit/605.1.15 "
		  "(KHTML, like Gecko) CriOS/122.0.6261.89 Mobile/15E148 Safari/604.1",
		  "Chrome", "122.0.6261.89", "122", "iOS", "17.3" },
		{ "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 "
		  "(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36",
		  "Chrome", "122.0.0.0", "122", "macOS", "10.15.7" },
		{ "Mozilla/5.0 (X11; CrOS x86_64 15633.69.0) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/119.0.6045.212 Safari/537.36",
		  "Chrome", "119.0.6045.212", "119", "Chrome OS", "" },
		{ "Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) "
		  "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 "
		  "Edge/15.15063",
		  "Microsoft Edge", "15.15063", "15", "Windows Phone", "10.0" },
		{ "Mozilla/5.0 (compatible; MSIE 10.0; Windows Phone 8.0; Trident/6.0; IEMobile/10.0; "
		  "ARM; Touch; NOKIA; Lumia 920)",
		  "Internet Explorer", "10.0", "10", "Windows Phone", "8.0" },
		{ "Mozilla/5.0 (Windows NT 6.3; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "Chrome/109.0.0.0 Safari/537.36",
		  "Chrome", "109.0.0.0", "109", "Windows", "NT 6.3" },
		{ "Mozilla/5.0 (Windows; U; Windows XP) Gecko MultiZilla/1.6.1.0a",
		  "Mozilla", "5.0", "5", "Windows", "XP" },
		/* Qlik Sense Desktop is an Electron app */
		{ "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		  "qlik-sense-desktop/14.0 Chrome/108.0.5359.215 Electron/22.3.27 Safari/537.36",
		  "Electron", "22.3.27", "22", "Windows", "NT 10.0" },
		{ "Mozilla/5.0 (Linux; U; Android 4.0.3; ko-kr; LG-L160L Build/IML74K) "
		  "AppleWebkit/534.30 (KHTML, like Gecko) Version/4.0 Mobile Safari/534.30",
		  "Android Browser", "4.0", "4", "Android", "4.0.3" },
		{ "Mozilla/5.0 (PlayBook; U; RIM Tablet OS 2.1.0; en-US) AppleWebKit/536.2+ "
		  "(KHTML like Gecko) Version/7.2.1.0 Safari/536.2+",
		  "BlackBerry", "7.2.1.0", "7", "BlackBerry", "2.1.0" },
		{ "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
		  "Googlebot", "2.1", "2", "", "" },
		/* no rule: Bowser splits name/version at the last '/' before " (" */
		{ "Qlik Sense Mobile/1.2 (iPhone)", "Qlik Sense Mobile", "1.2", "1", "iOS", "" },
		{ "Java/1.8.0 foo", "Java", "1.8.0", "1", "", "" },
		/* ... and without a '(' needs a blank after the version */
		{ "curl/8.5.0", "", "", "", "", "" },
		{ "Wget/1.21.2", "", "", "", "", "" },
		{ "Roku/DVP-9.10 (519.10E04111A)", "Roku", "DVP-9.10", "", "Roku", "9.10" },
		/* Bowser's version regex needs two digits; . in Windows NT x.y is any character */
		{ "Chrome/1 x", "Chrome", "", "", "", "" },
		{ "Mozilla/5.0 (Windows NT 1x0) Chrome/1_2", "Chrome", "1_2", "1", "Windows", "NT 1x0" },
		/* "like Android" is not Android */
		{ "Mozilla/5.0 (Foo; like Android 12) AppleWebKit/1.0 Version/3.1",
		  "Safari", "3.1", "3", "", "" },
	};
	char what[32];

	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
		snprintf(what, sizeof(what), "family %zu", i + 1);
		check(&fam[i], what);
	}
}

static void test_empty(void)
{
	struct ua_info u;

	memset(&u, 'x', sizeof(u));
	ua_parse("", &u);
	ok(u.browser_name[0] == '\0' && u.browser_version[0] == '\0' && u.browser_major[0] == '\0' &&
	    u.os_name[0] == '\0' && u.os_version[0] == '\0', "empty UA: every field empty");
	memset(&u, 'x', sizeof(u));
	ua_parse(NULL, &u);
	ok(u.browser_name[0] == '\0' && u.os_name[0] == '\0', "NULL UA: fields empty");
	ua_parse("Chrome/1.0", NULL);	/* must not crash */
	ok(1, "NULL out is ignored");
}

/* Appends t at s + at (the caller sized s) and returns the new length. */
static size_t app(char *s, size_t at, const char *t)
{
	size_t n = strlen(t);

	memcpy(s + at, t, n + 1);
	return at + n;
}

/* Fields a hostile UA cannot push past their buffers, and the 1024-byte bound. */
static void test_hostile(void)
{
	struct ua_info u;
	size_t big = 100 * 1024, n;
	char *s = malloc(big + 64);
	char want[64];

	if (s == NULL)
		abort();
	for (n = 0; n + 7 <= big; n += 7)
		memcpy(s + n, "Chrome/", 7);
	app(s, n, "Firefox/99.0");
	ua_parse(s, &u);
	/* Firefox sits far beyond the first 1024 bytes: unseen */
	is_str(u.browser_name, "Chrome", "100 KB of Chrome/: Chrome");
	is_str(u.browser_version, "", "100 KB of Chrome/: no version");

	memset(s, 'x', 1024);
	app(s, 1024, " Firefox/12.0 (Windows NT 10.0)");
	ua_parse(s, &u);
	ok(u.browser_name[0] == '\0' && u.os_name[0] == '\0', "nothing past byte 1024 is looked at");

	/* long versions are cut to the fields */
	n = app(s, 0, "Chrome/");
	memset(s + n, '1', 100);
	s[n + 100] = '\0';
	ua_parse(s, &u);
	memset(want, '1', 31);
	want[31] = '\0';
	is_str(u.browser_version, want, "100-digit version cut to 31 bytes");
	want[15] = '\0';
	is_str(u.browser_major, want, "100-digit major cut to 15 bytes");

	n = app(s, 0, "Mozilla/5.0 (Macintosh; Intel Mac OS X 10");
	for (int i = 0; i < 40; i++)
		n = app(s, n, "_1");
	app(s, n, ") Safari");
	ua_parse(s, &u);
	is_str(u.os_version, "10.1.1.1.1.1.1.1.1.1.1.1.1.1.1.",
	    "long macOS version: dots, cut to 31 bytes");

	memset(s, 'a', 200);
	app(s, 200, "/1 x");
	ua_parse(s, &u);
	is_int(strlen(u.browser_name), 47, "200-byte catch-all name cut to 47 bytes");

	for (n = 0; n < 60; n += 2)
		app(s, n, "\xc3\xa9");
	app(s, n, "/1 x");
	ua_parse(s, &u);
	is_int(strlen(u.browser_name), 46, "name of 30 x U+00E9 cut before a split character");
	ok(utf8_valid(u.browser_name, strlen(u.browser_name)), "cut name is still valid UTF-8");

	/* invalid UTF-8 around the tokens does not disturb them */
	ua_parse("Mozilla/5.0 (\xc3\x28 Windows NT 10.0) Chrome/99.0.1 \xe2\x82", &u);
	is_str(u.browser_name, "Chrome", "invalid UTF-8: Chrome found");
	is_str(u.browser_version, "99.0.1", "invalid UTF-8: version");
	is_str(u.os_version, "NT 10.0", "invalid UTF-8: Windows version");
	ua_parse("\xff\xfe/1\xc3 x", &u);
	is_str(u.browser_name, "\xff\xfe", "stray bytes are copied, not read past");
	is_str(u.browser_version, "1\xc3", "stray byte at the end of a version");

	free(s);
}

/* Random NUL-free bytes: every field stays terminated inside its buffer. */
static void test_garbage(void)
{
	static char s[1600];
	struct ua_info u;
	unsigned long x = 12345;
	int bad_term = 0, bad_major = 0, bad_os = 0;

	for (int iter = 0; iter < 3000; iter++) {
		size_t n;

		x = x * 6364136223846793005UL + 1442695040888963407UL;
		n = (x >> 33) % sizeof(s);
		for (size_t i = 0; i < n; i++) {
			x = x * 6364136223846793005UL + 1442695040888963407UL;
			/* mostly the bytes the rules look at, to reach deep into them */
			unsigned char c = (unsigned char)(x >> 40);
			static const char hot[] = "0123456789./_ ()Version/Chrome/Windows NT Mac OS X";
			s[i] = (x >> 38) & 1 ? hot[c % (sizeof(hot) - 1)] : (char)(c ? c : 1);
		}
		s[n] = '\0';
		memset(&u, 0x55, sizeof(u));
		ua_parse(s, &u);
		if (strnlen(u.browser_name, sizeof(u.browser_name)) == sizeof(u.browser_name) ||
		    strnlen(u.browser_version, sizeof(u.browser_version)) == sizeof(u.browser_version) ||
		    strnlen(u.browser_major, sizeof(u.browser_major)) == sizeof(u.browser_major) ||
		    strnlen(u.os_name, sizeof(u.os_name)) == sizeof(u.os_name) ||
		    strnlen(u.os_version, sizeof(u.os_version)) == sizeof(u.os_version)) {
			bad_term++;
			continue;
		}
		if (strspn(u.browser_major, "0123456789") != strlen(u.browser_major) ||
		    strncmp(u.browser_version, u.browser_major, strlen(u.browser_major)) != 0)
			bad_major++;
		if (u.os_version[0] != '\0' && u.os_name[0] == '\0')
			bad_os++;
	}
	is_int(bad_term, 0, "garbage: every field NUL-terminated in its buffer");
	is_int(bad_major, 0, "garbage: major is the leading digits of the version");
	is_int(bad_os, 0, "garbage: no OS version without an OS name");
}

static void test_extract(void)
{
	/* message texts of fixtures/user-events.txt and user-events-edge.txt */
	static const char *const msg[] = {
		"Websocket connection Opened for session '8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11'. "
		"UserAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
		"(KHTML, like Gecko) Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.80'",
		"Websocket connection Opened for session '3c9a7b12-55e0-4d2b-a0f4-9e8d7c6b5a41'. "
		"UserAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:123.0) Gecko/20100101 "
		"Firefox/123.0'",
		"Websocket connection Opened for session '7b1e2d3c-4a5b-4c6d-9e8f-0a1b2c3d4e5f'. "
		"UserAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
		"(KHTML, like Gecko) Chrome/122.0.6261.105 Mobile Safari/537.36'",
		"Websocket connection Opened for session '2e4f6a8b-0c1d-4e3f-a5b7-c9d1e3f5a7b9'. "
		"UserAgent: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) "
		"AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1'",
	};
	static const char *const want[] = {
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
		"Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.80",
		"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:123.0) Gecko/20100101 Firefox/123.0",
		"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
		"Chrome/122.0.6261.105 Mobile Safari/537.36",
		"Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 "
		"(KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
	};
	static const char *const browser[] = { "Microsoft Edge", "Firefox", "Chrome", "Safari" };
	static const char *const osver[] = { "NT 10.0", "10.15", "14", "17.3.1" };
	char buf[1024];
	struct ua_info u;
	size_t n;

	for (size_t i = 0; i < 4; i++) {
		n = ua_extract(msg[i], buf, sizeof(buf));
		is_str(buf, want[i], "fixture message %zu: UA without quotes", i + 1);
		is_int(n, strlen(want[i]), "fixture message %zu: length", i + 1);
		ua_parse(buf, &u);
		is_str(u.browser_name, browser[i], "fixture message %zu: browser", i + 1);
		is_str(u.os_version, osver[i], "fixture message %zu: OS version", i + 1);
	}

	n = ua_extract("Websocket connection Opened for session 'x'. UserAgent: ''", buf, sizeof(buf));
	is_int(n, 0, "UserAgent: '' gives length 0");
	is_str(buf, "", "UserAgent: '' gives \"\"");
	memcpy(buf, "junk", 5);
	n = ua_extract("Start session for user 'CORP\\anna'", buf, sizeof(buf));
	is_int(n, 0, "no marker: 0");
	is_str(buf, "", "no marker: buffer emptied");
	is_int(ua_extract("ends with UserAgent:", buf, sizeof(buf)), 0, "marker at the end: 0");
	is_int(ua_extract("useragent: 'Chrome/1.0'", buf, sizeof(buf)), 0, "marker is case-sensitive");
	is_int(ua_extract(NULL, buf, sizeof(buf)), 0, "NULL message: 0");

	n = ua_extract("a UserAgent: 'First/1.0' UserAgent: 'Second/2.0'", buf, sizeof(buf));
	is_str(buf, "First/1.0", "two markers: the text between them");
	is_int(n, 9, "two markers: length");
	ua_extract("UserAgent:UserAgent: 'x'", buf, sizeof(buf));
	is_str(buf, "", "empty text before a second marker");

	ua_extract("UserAgent: 'Mozilla/5.0 (it's)' ", buf, sizeof(buf));
	is_str(buf, "Mozilla/5.0 (its)", "every quote goes, inner ones too");
	ua_extract("UserAgent: ' padded '  ", buf, sizeof(buf));
	is_str(buf, " padded ", "trimmed before the quotes go, as Butler SOS does");
	ua_extract("UserAgent:\xc2\xa0\t'X/1.0'\xe3\x80\x80\r\n", buf, sizeof(buf));
	is_str(buf, "X/1.0", "trim takes Unicode spaces and line ends too");
	ua_extract("UserAgent: \xe2\x80\x8bX/1\xe2\x80\x8b", buf, sizeof(buf));
	is_str(buf, "\xe2\x80\x8bX/1\xe2\x80\x8b", "U+200B is not white space to trim()");

	n = ua_extract("UserAgent: 'Mozilla/5.0'", buf, 8);
	is_str(buf, "Mozilla", "cut to the buffer");
	is_int(n, 7, "cut length");
	n = ua_extract("UserAgent: '\xc3\xa9\xc3\xa9\xc3\xa9'", buf, 4);
	is_str(buf, "\xc3\xa9", "cut before a character that does not fit");
	is_int(n, 2, "cut length counts whole characters");
	n = ua_extract("UserAgent: 'x'", buf, 1);
	ok(n == 0 && buf[0] == '\0', "size 1: empty string");
	buf[0] = '#';
	n = ua_extract("UserAgent: 'x'", buf, 0);
	ok(n == 0 && buf[0] == '#', "size 0: nothing written");
}

int main(void)
{
	test_golden();
	test_families();
	test_empty();
	test_hostile();
	test_garbage();
	test_extract();
	return done_testing();
}
