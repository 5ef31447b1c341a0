/* useragent: Bowser 2.11's browser and OS rules, without regular expressions. */
#include "useragent.h"

#include <stdbool.h>
#include <string.h>

#include "utf8.h"

/*
 * Each Bowser rule is a JavaScript regular expression; here each is a
 * literal search plus one of a few version grammars. /i regexes fold ASCII
 * only (as JavaScript does without the u flag), so they search a lower-cased
 * copy. Bowser's first matching descriptor wins: the tables keep its order.
 */

#define NPOS ((size_t)-1)

struct scan {
	const unsigned char *s;		/* the user agent */
	size_t n;
	unsigned char lc[UA_SCAN_MAX];	/* s with ASCII lower-cased, for /i */
};

/* Version grammars, named after the regex each one stands for. */
enum gram {
	G_BOWSER,	/* \d+(\.?_?\d+)+   Bowser's usual version */
	G_DOTTED,	/* \d+(\.\d+)* */
	G_DOTTED1,	/* \d+(\.\d+)+ */
	G_DOTONE,	/* \d+\.\d+ */
	G_DOTOPT,	/* \d+(\.\d+)? */
	G_SPACED,	/* \d+([_\s]\d+)* */
	G_DIGITS,	/* \d+ */
	G_NONWS,	/* \S+ */
};

/* What may stand between a prefix and the version. */
enum sep {
	S_NONE,
	S_WS_SLASH,	/* [\s/] */
	S_WS_SLASH_DASH, /* [\s/-] */
	S_SLASH,	/* / */
	S_DIGITS_SLASH,	/* \d+\/ */
	S_OS_WS,	/* (?:os)?\s? */
	S_WS_BROWSER,	/* \s?browser\/ */
};

/* prefix, separator, version, optional suffix: one version regex */
struct vpat {
	const char *pre[5];	/* lower-case alternatives, NULL-terminated */
	bool ws_before;		/* a \s right before the prefix */
	enum sep sep;
	enum gram gram;
	const char *post;	/* lower case, must follow the version */
};

static const struct vpat common_version = { { "version/" }, false, S_NONE, G_BOWSER, NULL };

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static bool is_word(unsigned char c)
{
	return is_digit(c) || c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Bytes of the JavaScript \s character at s[i] (ASCII or Unicode space), 0 if none. */
static size_t ws_at(const unsigned char *s, size_t n, size_t i)
{
	unsigned char c, c1, c2;

	if (i >= n)
		return 0;
	c = s[i];
	if (c == ' ' || (c >= '\t' && c <= '\r'))
		return 1;
	if (c == 0xc2)
		return i + 1 < n && s[i + 1] == 0xa0 ? 2 : 0;	/* U+00A0 */
	if (n - i < 3)
		return 0;
	c1 = s[i + 1];
	c2 = s[i + 2];
	switch (c) {
	case 0xe1:	/* U+1680 */
		return c1 == 0x9a && c2 == 0x80 ? 3 : 0;
	case 0xe2:	/* U+2000..200A, 2028, 2029, 202F, 205F */
		if (c1 == 0x80 && ((c2 >= 0x80 && c2 <= 0x8a) || c2 == 0xa8 ||
		    c2 == 0xa9 || c2 == 0xaf))
			return 3;
		return c1 == 0x81 && c2 == 0x9f ? 3 : 0;
	case 0xe3:	/* U+3000 */
		return c1 == 0x80 && c2 == 0x80 ? 3 : 0;
	case 0xef:	/* U+FEFF */
		return c1 == 0xbb && c2 == 0xbf ? 3 : 0;
	default:
		return 0;
	}
}

/* Whether a \s character ends right before s[i]. */
static bool ws_before(const unsigned char *s, size_t n, size_t i)
{
	for (size_t k = 1; k <= 3 && k <= i; k++)
		if (ws_at(s, n, i - k) == k)
			return true;
	return false;
}

/* A JavaScript line terminator (which . does not match) at s[i]. */
static bool lt_at(const unsigned char *s, size_t n, size_t i)
{
	if (s[i] == '\n' || s[i] == '\r')
		return true;
	return s[i] == 0xe2 && n - i >= 3 && s[i + 1] == 0x80 &&
	    (s[i + 2] == 0xa8 || s[i + 2] == 0xa9);
}

static size_t line_end(const struct scan *sc, size_t from)
{
	while (from < sc->n && !lt_at(sc->s, sc->n, from))
		from++;
	return from;
}

/*
 * Bytes the regex . takes at s[i], 0 if it cannot. A 4-byte character is
 * two UTF-16 units and no pattern here can match its second half, so 0.
 */
static size_t dot_at(const struct scan *sc, size_t i)
{
	size_t k;

	if (i >= sc->n || lt_at(sc->s, sc->n, i))
		return 0;
	k = utf8_seq_len(sc->s + i, sc->n - i);
	if (k == 0)
		return 1;	/* a stray byte: one U+FFFD to JavaScript */
	return k == 4 ? 0 : k;
}

static size_t digits(const struct scan *sc, size_t i)
{
	size_t k = i;

	while (k < sc->n && is_digit(sc->s[k]))
		k++;
	return k - i;
}

/* Whether the lower-case needle is at i, ignoring ASCII case. */
static bool at_ci(const struct scan *sc, size_t i, const char *needle)
{
	size_t len = strlen(needle);

	return i <= sc->n && sc->n - i >= len && memcmp(sc->lc + i, needle, len) == 0;
}

static size_t find_ci(const struct scan *sc, size_t from, const char *needle)
{
	const unsigned char *p;

	if (from >= sc->n)
		return NPOS;
	p = memmem(sc->lc + from, sc->n - from, needle, strlen(needle));
	return p ? (size_t)(p - sc->lc) : NPOS;
}

static size_t find_cs(const struct scan *sc, size_t from, size_t to, const char *needle)
{
	const unsigned char *p;

	if (from >= to)
		return NPOS;
	p = memmem(sc->s + from, to - from, needle, strlen(needle));
	return p ? (size_t)(p - sc->s) : NPOS;
}

static bool has(const struct scan *sc, const char *needle)
{
	return find_ci(sc, 0, needle) != NPOS;
}

/* Length of the grammar's match at i, 0 when none. */
static size_t gram_len(const struct scan *sc, size_t i, enum gram g)
{
	const unsigned char *s = sc->s;
	size_t d = digits(sc, i), j = i + d, k, e, w;
	bool more;

	if (g == G_NONWS) {
		while (j < sc->n && ws_at(s, sc->n, j) == 0)
			j++;
		return j - i;
	}
	if (d == 0)
		return 0;
	switch (g) {
	case G_BOWSER:
		/* greedy, so as long as possible; needs two digits in all */
		more = d >= 2;
		for (;;) {
			k = j;
			if (k < sc->n && s[k] == '.')
				k++;
			if (k < sc->n && s[k] == '_')
				k++;
			if ((e = digits(sc, k)) == 0)
				break;
			j = k + e;
			more = true;
		}
		return more ? j - i : 0;
	case G_DOTTED:
	case G_DOTTED1:
		more = false;
		while (j < sc->n && s[j] == '.' && (e = digits(sc, j + 1)) > 0) {
			j += 1 + e;
			more = true;
		}
		return g == G_DOTTED1 && !more ? 0 : j - i;
	case G_DOTONE:
	case G_DOTOPT:
		if (j < sc->n && s[j] == '.' && (e = digits(sc, j + 1)) > 0)
			return j + 1 + e - i;
		return g == G_DOTONE ? 0 : j - i;
	case G_SPACED:
		for (;;) {
			w = j < sc->n && s[j] == '_' ? 1 : ws_at(s, sc->n, j);
			if (w == 0 || (e = digits(sc, j + w)) == 0)
				break;
			j += w + e;
		}
		return j - i;
	case G_DIGITS:
	case G_NONWS:
		break;
	}
	return d;
}

/* Bytes the separator takes at i, NPOS when it is not there. */
static size_t sep_len(const struct scan *sc, size_t i, enum sep sep)
{
	size_t k = i, w;

	switch (sep) {
	case S_NONE:
		return 0;
	case S_SLASH:
		return i < sc->n && sc->s[i] == '/' ? 1 : NPOS;
	case S_WS_SLASH:
	case S_WS_SLASH_DASH:
		if (i < sc->n && (sc->s[i] == '/' || (sep == S_WS_SLASH_DASH && sc->s[i] == '-')))
			return 1;
		w = ws_at(sc->s, sc->n, i);
		return w ? w : NPOS;
	case S_DIGITS_SLASH:
		k += digits(sc, i);
		return k > i && k < sc->n && sc->s[k] == '/' ? k + 1 - i : NPOS;
	case S_OS_WS:
		/* each part optional, and a digit must follow: no backtracking needed */
		if (at_ci(sc, k, "os"))
			k += 2;
		return k + ws_at(sc->s, sc->n, k) - i;
	case S_WS_BROWSER:
		k += ws_at(sc->s, sc->n, k);
		return at_ci(sc, k, "browser/") ? k + 8 - i : NPOS;
	}
	return NPOS;
}

/*
 * The version group of the leftmost match of p, as String.match gives it.
 * At one position the alternatives are tried in order, as a regex does.
 */
static bool find_ver(const struct scan *sc, const struct vpat *p, size_t *off, size_t *len)
{
	for (size_t i = 0; i < sc->n; i++) {
		if (p->ws_before && !ws_before(sc->s, sc->n, i))
			continue;
		for (size_t a = 0; a < 5 && p->pre[a] != NULL; a++) {
			size_t j, sl, g;

			if (sc->lc[i] != (unsigned char)p->pre[a][0] || !at_ci(sc, i, p->pre[a]))
				continue;
			j = i + strlen(p->pre[a]);
			if ((sl = sep_len(sc, j, p->sep)) == NPOS)
				continue;
			j += sl;
			if ((g = gram_len(sc, j, p->gram)) == 0)
				continue;
			if (p->post != NULL && !at_ci(sc, j + g, p->post))
				continue;
			*off = j;
			*len = g;
			return true;
		}
	}
	return false;
}

/*
 * Copies n bytes of src into dst (size > 0 bytes) and NUL-terminates it;
 * stops before a UTF-8 sequence that would not fit whole. With dots, each
 * '_' and \s becomes '.', as Bowser's replace(/[_\s]/g, '.').
 */
static void put(char *dst, size_t size, const unsigned char *src, size_t n, bool dots)
{
	size_t o = 0, k = 0;

	while (k < n) {
		size_t in = 0, outn;
		bool dot = false;

		if (dots && src[k] == '_')
			in = 1;
		else if (dots)
			in = ws_at(src, n, k);
		if (in > 0) {
			dot = true;
			outn = 1;
		} else {
			if ((in = utf8_seq_len(src + k, n - k)) == 0)
				in = 1;	/* a stray byte goes as it is */
			outn = in;
		}
		if (outn >= size - o)
			break;
		if (dot)
			dst[o] = '.';
		else
			memcpy(dst + o, src + k, outn);
		o += outn;
		k += in;
	}
	dst[o] = '\0';
}

static void put_str(char *dst, size_t size, const char *s)
{
	put(dst, size, (const unsigned char *)s, strlen(s), false);
}

static bool put_ver(const struct scan *sc, const struct vpat *p, char *dst, size_t size, bool dots)
{
	size_t off, len;

	if (!find_ver(sc, p, &off, &len))
		return false;
	put(dst, size, sc->s + off, len, dots);
	return true;
}

/* --- browsers ------------------------------------------------------- */

enum btest {
	T_SUBSTR,	/* any of test[] anywhere, ignoring case */
	T_OPERA_TOUCH,	/* opt\/\d+(?:.?_?\d+)+ */
	T_EDG,		/* \sedg\/ */
	T_BLACKBERRY,	/* blackberry|\bbb\d+ or rim\stablet */
	T_ANDROID,	/* android but not "like android" */
	T_ANY,		/* the catch-all */
};

enum vorder {
	V_OWN,		/* the descriptor's own regex only */
	V_OWN_COMMON,	/* own || Version/ */
	V_COMMON_OWN,	/* Version/ || own */
	V_COMMON,	/* Version/ only */
	V_GENERIC,	/* the catch-all's name/version split */
};

struct bdesc {
	const char *name;
	enum btest test;
	enum vorder order;
	const char *sub[5];	/* lower case, NULL-terminated */
	struct vpat own;
};

#define WS_SL S_WS_SLASH
static const struct bdesc browsers[] = {
	{ "Googlebot", T_SUBSTR, V_OWN_COMMON, { "googlebot" },
	  { { "googlebot/" }, false, S_NONE, G_DOTONE, NULL } },
	/* Opera < 13 */
	{ "Opera", T_SUBSTR, V_COMMON_OWN, { "opera" },
	  { { "opera" }, false, WS_SL, G_BOWSER, NULL } },
	/* Opera > 13: OPR/ takes everything up to a blank */
	{ "Opera", T_SUBSTR, V_OWN_COMMON, { "opr/", "opios" },
	  { { "opr", "opios" }, false, WS_SL, G_NONWS, NULL } },
	{ "Samsung Internet for Android", T_SUBSTR, V_COMMON_OWN, { "samsungbrowser" },
	  { { "samsungbrowser" }, false, WS_SL, G_BOWSER, NULL } },
	{ "NAVER Whale Browser", T_SUBSTR, V_COMMON_OWN, { "whale" },
	  { { "whale" }, false, WS_SL, G_DOTTED1, NULL } },
	{ "MZ Browser", T_SUBSTR, V_OWN_COMMON, { "mzbrowser" },
	  { { "mzbrowser" }, false, WS_SL, G_DOTTED1, NULL } },
	{ "Focus", T_SUBSTR, V_OWN_COMMON, { "focus" },
	  { { "focus" }, false, WS_SL, G_DOTTED1, NULL } },
	{ "Swing", T_SUBSTR, V_OWN_COMMON, { "swing" },
	  { { "swing" }, false, WS_SL, G_DOTTED1, NULL } },
	{ "Opera Coast", T_SUBSTR, V_COMMON_OWN, { "coast" },
	  { { "coast" }, false, WS_SL, G_BOWSER, NULL } },
	{ "Opera Touch", T_OPERA_TOUCH, V_OWN_COMMON, { NULL },
	  { { "opt" }, false, WS_SL, G_BOWSER, NULL } },
	{ "Yandex Browser", T_SUBSTR, V_OWN_COMMON, { "yabrowser" },
	  { { "yabrowser" }, false, WS_SL, G_BOWSER, NULL } },
	{ "UC Browser", T_SUBSTR, V_COMMON_OWN, { "ucbrowser" },
	  { { "ucbrowser" }, false, WS_SL, G_BOWSER, NULL } },
	{ "Maxthon", T_SUBSTR, V_COMMON_OWN, { "maxthon", "mxios" },
	  { { "maxthon", "mxios" }, false, WS_SL, G_BOWSER, NULL } },
	{ "Epiphany", T_SUBSTR, V_COMMON_OWN, { "epiphany" },
	  { { "epiphany" }, false, WS_SL, G_BOWSER, NULL } },
	{ "Puffin", T_SUBSTR, V_COMMON_OWN, { "puffin" },
	  { { "puffin" }, false, WS_SL, G_BOWSER, NULL } },
	{ "Sleipnir", T_SUBSTR, V_COMMON_OWN, { "sleipnir" },
	  { { "sleipnir" }, false, WS_SL, G_BOWSER, NULL } },
	{ "K-Meleon", T_SUBSTR, V_COMMON_OWN, { "k-meleon" },
	  { { "k-meleon" }, false, WS_SL, G_BOWSER, NULL } },
	{ "WeChat", T_SUBSTR, V_OWN_COMMON, { "micromessenger" },
	  { { "micromessenger" }, false, WS_SL, G_BOWSER, NULL } },
	/* named "QQ Browser Lite" when qqbrowserlite appears */
	{ "QQ Browser", T_SUBSTR, V_OWN_COMMON, { "qqbrowser" },
	  { { "qqbrowserlite", "qqbrowser" }, false, S_SLASH, G_BOWSER, NULL } },
	/* IE 11 (Trident/7.0) gives its version only as rv:11.0 */
	{ "Internet Explorer", T_SUBSTR, V_OWN, { "msie", "trident" },
	  { { "msie ", "rv:" }, false, S_NONE, G_BOWSER, NULL } },
	/* Chromium Edge: " Edg/" */
	{ "Microsoft Edge", T_EDG, V_OWN, { NULL },
	  { { "edg/" }, true, S_NONE, G_BOWSER, NULL } },
	/* EdgeHTML "Edge/", Android "EdgA/", iOS "EdgiOS/" */
	{ "Microsoft Edge", T_SUBSTR, V_OWN, { "edge", "edga", "edgios" },
	  { { "edge/", "edga/", "edgios/" }, false, S_NONE, G_BOWSER, NULL } },
	{ "Vivaldi", T_SUBSTR, V_OWN, { "vivaldi" },
	  { { "vivaldi/" }, false, S_NONE, G_BOWSER, NULL } },
	{ "SeaMonkey", T_SUBSTR, V_OWN, { "seamonkey" },
	  { { "seamonkey/" }, false, S_NONE, G_BOWSER, NULL } },
	{ "Sailfish", T_SUBSTR, V_OWN, { "sailfish" },
	  { { "sailfish" }, false, S_WS_BROWSER, G_DOTOPT, NULL } },
	{ "Amazon Silk", T_SUBSTR, V_OWN, { "silk" },
	  { { "silk/" }, false, S_NONE, G_BOWSER, NULL } },
	{ "PhantomJS", T_SUBSTR, V_OWN, { "phantom" },
	  { { "phantomjs/" }, false, S_NONE, G_BOWSER, NULL } },
	{ "SlimerJS", T_SUBSTR, V_OWN, { "slimerjs" },
	  { { "slimerjs/" }, false, S_NONE, G_BOWSER, NULL } },
	{ "BlackBerry", T_BLACKBERRY, V_COMMON_OWN, { NULL },
	  { { "blackberry" }, false, S_DIGITS_SLASH, G_BOWSER, NULL } },
	{ "WebOS Browser", T_SUBSTR, V_COMMON_OWN, { "webos", "web0s", "hpwos", "hpw0s" },
	  { { "webosbrowser/", "web0sbrowser/", "wosbrowser/", "w0sbrowser/" },
	    false, S_NONE, G_BOWSER, NULL } },
	{ "Bada", T_SUBSTR, V_OWN, { "bada" },
	  { { "dolfin/" }, false, S_NONE, G_BOWSER, NULL } },
	/* (?:tizen\s?)?browser\/ captures what browser\/ alone does */
	{ "Tizen", T_SUBSTR, V_OWN_COMMON, { "tizen" },
	  { { "browser/" }, false, S_NONE, G_BOWSER, NULL } },
	{ "QupZilla", T_SUBSTR, V_OWN_COMMON, { "qupzilla" },
	  { { "qupzilla" }, false, WS_SL, G_BOWSER, NULL } },
	{ "Firefox", T_SUBSTR, V_OWN, { "firefox", "iceweasel", "fxios" },
	  { { "firefox", "iceweasel", "fxios" }, false, WS_SL, G_BOWSER, NULL } },
	{ "Electron", T_SUBSTR, V_OWN, { "electron" },
	  { { "electron/" }, false, S_NONE, G_BOWSER, NULL } },
	{ "Miui", T_SUBSTR, V_OWN, { "miuibrowser" },
	  { { "miuibrowser" }, false, WS_SL, G_BOWSER, NULL } },
	{ "Chromium", T_SUBSTR, V_OWN_COMMON, { "chromium" },
	  { { "chromium" }, false, WS_SL, G_BOWSER, NULL } },
	{ "Chrome", T_SUBSTR, V_OWN, { "chrome", "crios", "crmo" },
	  { { "chrome/", "crios/", "crmo/" }, false, S_NONE, G_BOWSER, NULL } },
	{ "Google Search", T_SUBSTR, V_OWN, { "gsa" },
	  { { "gsa/" }, false, S_NONE, G_BOWSER, NULL } },
	{ "Android Browser", T_ANDROID, V_COMMON, { NULL },
	  { { NULL }, false, S_NONE, G_BOWSER, NULL } },
	{ "PlayStation 4", T_SUBSTR, V_COMMON, { "playstation 4" },
	  { { NULL }, false, S_NONE, G_BOWSER, NULL } },
	{ "Safari", T_SUBSTR, V_COMMON, { "safari", "applewebkit" },
	  { { NULL }, false, S_NONE, G_BOWSER, NULL } },
	{ NULL, T_ANY, V_GENERIC, { NULL },
	  { { NULL }, false, S_NONE, G_BOWSER, NULL } },
};
#undef WS_SL

/* opt\/\d+(?:.?_?\d+)+ */
static bool opera_touch(const struct scan *sc)
{
	for (size_t i = find_ci(sc, 0, "opt/"); i != NPOS; i = find_ci(sc, i + 1, "opt/")) {
		size_t j = i + 4, d = digits(sc, j), k, dl;

		if (d >= 2)
			return true;
		if (d == 0)
			continue;
		/* one digit: . (any character, '_' included) then _? then a digit */
		k = j + 1;
		if ((dl = dot_at(sc, k)) == 0)
			continue;
		k += dl;
		if (k < sc->n && sc->s[k] == '_')
			k++;
		if (digits(sc, k) > 0)
			return true;
	}
	return false;
}

/* End of rim\stablet at i, NPOS when it is not there. */
static size_t rim_tablet(const struct scan *sc, size_t i)
{
	size_t w;

	if (!at_ci(sc, i, "rim"))
		return NPOS;
	i += 3;
	if ((w = ws_at(sc->s, sc->n, i)) == 0 || !at_ci(sc, i + w, "tablet"))
		return NPOS;
	return i + w + 6;
}

/* \bbb\d+ at i: a word boundary, "bb", a digit */
static bool bb_at(const struct scan *sc, size_t i)
{
	return at_ci(sc, i, "bb") && (i == 0 || !is_word(sc->s[i - 1])) &&
	    digits(sc, i + 2) > 0;
}

static bool blackberry(const struct scan *sc)
{
	if (has(sc, "blackberry"))
		return true;
	for (size_t i = find_ci(sc, 0, "bb"); i != NPOS; i = find_ci(sc, i + 1, "bb"))
		if (bb_at(sc, i))
			return true;
	for (size_t i = find_ci(sc, 0, "rim"); i != NPOS; i = find_ci(sc, i + 1, "rim"))
		if (rim_tablet(sc, i) != NPOS)
			return true;
	return false;
}

static bool android(const struct scan *sc)
{
	return has(sc, "android") && !has(sc, "like android");
}

static bool btest(const struct scan *sc, const struct bdesc *b)
{
	switch (b->test) {
	case T_SUBSTR:
		for (size_t k = 0; k < 5 && b->sub[k] != NULL; k++)
			if (has(sc, b->sub[k]))
				return true;
		return false;
	case T_OPERA_TOUCH:
		return opera_touch(sc);
	case T_EDG:
		for (size_t i = find_ci(sc, 0, "edg/"); i != NPOS; i = find_ci(sc, i + 1, "edg/"))
			if (ws_before(sc->s, sc->n, i))
				return true;
		return false;
	case T_BLACKBERRY:
		return blackberry(sc);
	case T_ANDROID:
		return android(sc);
	case T_ANY:
		return true;
	}
	return false;
}

/*
 * The catch-all: ^(.*)\/(.*)[ \t]\((.*) when the UA has a '(', else
 * ^(.*)\/(.*) . Both .* are greedy and stay on the first line: the name
 * ends at the last '/' before the last " (" (or ' '), the version there.
 */
static void generic(const struct scan *sc, struct ua_info *out)
{
	bool paren = memchr(sc->s, '(', sc->n) != NULL;
	size_t end = line_end(sc, 0), j = NPOS, i = NPOS;

	for (size_t k = end; k-- > 0;) {
		if (paren ? (k + 1 < end && (sc->s[k] == ' ' || sc->s[k] == '\t') &&
		    sc->s[k + 1] == '(') : sc->s[k] == ' ') {
			j = k;
			break;
		}
	}
	if (j == NPOS)
		return;
	for (size_t k = j; k-- > 0;) {
		if (sc->s[k] == '/') {
			i = k;
			break;
		}
	}
	if (i == NPOS)
		return;
	put(out->browser_name, sizeof(out->browser_name), sc->s, i, false);
	put(out->browser_version, sizeof(out->browser_version), sc->s + i + 1, j - i - 1, false);
}

static void parse_browser(const struct scan *sc, struct ua_info *out)
{
	const struct bdesc *b = browsers;
	size_t off, len, d;
	bool found = false;

	while (!btest(sc, b))
		b++;
	if (b->order == V_GENERIC) {
		generic(sc, out);
	} else {
		if (strcmp(b->name, "QQ Browser") == 0 && has(sc, "qqbrowserlite"))
			put_str(out->browser_name, sizeof(out->browser_name), "QQ Browser Lite");
		else
			put_str(out->browser_name, sizeof(out->browser_name), b->name);
		switch (b->order) {
		case V_OWN:
			found = find_ver(sc, &b->own, &off, &len);
			break;
		case V_OWN_COMMON:
			found = find_ver(sc, &b->own, &off, &len) ||
			    find_ver(sc, &common_version, &off, &len);
			break;
		case V_COMMON_OWN:
			found = find_ver(sc, &common_version, &off, &len) ||
			    find_ver(sc, &b->own, &off, &len);
			break;
		case V_COMMON:
			found = find_ver(sc, &common_version, &off, &len);
			break;
		case V_GENERIC:
			break;
		}
		if (found)
			put(out->browser_version, sizeof(out->browser_version), sc->s + off, len, false);
	}
	/* the major comes from the version as copied, cut or not */
	for (d = 0; is_digit((unsigned char)out->browser_version[d]); d++)
		;
	put(out->browser_major, sizeof(out->browser_major),
	    (const unsigned char *)out->browser_version, d, false);
}

/* --- operating systems ----------------------------------------------- */

/* Windows ((NT|XP)( \d\d?.\d)?): the version group, e.g. "NT 10.0" */
static void windows_version(const struct scan *sc, struct ua_info *out)
{
	for (size_t i = find_ci(sc, 0, "windows "); i != NPOS; i = find_ci(sc, i + 1, "windows ")) {
		size_t j = i + 8, e = j + 2;

		if (!at_ci(sc, j, "nt") && !at_ci(sc, j, "xp"))
			continue;
		if (e < sc->n && sc->s[e] == ' ') {
			/* \d\d? is greedy: two digits first, then one */
			for (size_t d = 2; d >= 1; d--) {
				size_t k = e + 1, dl;

				if (digits(sc, k) < d)
					continue;
				k += d;
				if ((dl = dot_at(sc, k)) == 0 || k + dl >= sc->n ||
				    !is_digit(sc->s[k + dl]))
					continue;
				e = k + dl + 1;
				break;
			}
		}
		put(out->os_version, sizeof(out->os_version), sc->s + j, e - j, false);
		return;
	}
}

/* Macintosh(.*?) FxiOS(.*?)\/ , case-sensitive: Firefox on an iPad */
static bool fxios_mac(const struct scan *sc)
{
	for (size_t i = find_cs(sc, 0, sc->n, "Macintosh"); i != NPOS;
	    i = find_cs(sc, i + 1, sc->n, "Macintosh")) {
		size_t end = line_end(sc, i), q = find_cs(sc, i + 9, end, " FxiOS");

		if (q != NPOS && memchr(sc->s + q + 6, '/', end - q - 6) != NULL)
			return true;
	}
	return false;
}

/* (Version\/)(\d[\d.]+), case-sensitive */
static void fxios_version(const struct scan *sc, struct ua_info *out)
{
	for (size_t i = find_cs(sc, 0, sc->n, "Version/"); i != NPOS;
	    i = find_cs(sc, i + 1, sc->n, "Version/")) {
		size_t j = i + 8, k = j + 1;

		if (j >= sc->n || !is_digit(sc->s[j]))
			continue;
		while (k < sc->n && (is_digit(sc->s[k]) || sc->s[k] == '.'))
			k++;
		if (k - j < 2)
			continue;
		put(out->os_version, sizeof(out->os_version), sc->s + j, k - j, false);
		return;
	}
}

static void blackberry_version(const struct scan *sc, struct ua_info *out)
{
	static const struct vpat bb_os = { { "blackberry" }, false, S_DIGITS_SLASH, G_SPACED, NULL };
	size_t e, w, g;

	/* rim\stablet\sos\s(\d+(\.\d+)*) */
	for (size_t i = find_ci(sc, 0, "rim"); i != NPOS; i = find_ci(sc, i + 1, "rim")) {
		if ((e = rim_tablet(sc, i)) == NPOS || (w = ws_at(sc->s, sc->n, e)) == 0 ||
		    !at_ci(sc, e + w, "os"))
			continue;
		e += w + 2;
		if ((w = ws_at(sc->s, sc->n, e)) == 0 || (g = gram_len(sc, e + w, G_DOTTED)) == 0)
			continue;
		put(out->os_version, sizeof(out->os_version), sc->s + e + w, g, false);
		return;
	}
	if (put_ver(sc, &bb_os, out->os_version, sizeof(out->os_version), false))
		return;
	for (size_t i = find_ci(sc, 0, "bb"); i != NPOS; i = find_ci(sc, i + 1, "bb")) {
		if (bb_at(sc, i)) {
			put(out->os_version, sizeof(out->os_version), sc->s + i + 2,
			    digits(sc, i + 2), false);
			return;
		}
	}
}

static void parse_os(const struct scan *sc, struct ua_info *out)
{
	static const struct vpat roku = { { "roku/dvp-" }, false, S_NONE, G_DOTONE, NULL };
	static const struct vpat winphone = { { "windows phone " }, false, S_OS_WS, G_DOTTED, NULL };
	static const struct vpat macos = { { "mac os x " }, false, S_NONE, G_BOWSER, NULL };
	static const struct vpat ios = { { "os " }, false, S_NONE, G_SPACED, " like mac os x" };
	static const struct vpat andr = { { "android" }, false, S_WS_SLASH_DASH, G_DOTTED, NULL };
	static const struct vpat webos = { { "webos/", "web0s/", "hpwos/", "hpw0s/" },
	    false, S_NONE, G_DOTTED, NULL };
	static const struct vpat bada = { { "bada/" }, false, S_NONE, G_DOTTED, NULL };
	static const struct vpat tizen = { { "tizen" }, false, S_WS_SLASH, G_DOTTED, NULL };
	static const struct vpat ps4 = { { "playstation 4" }, false, S_WS_SLASH, G_DOTTED, NULL };
	const char *name = NULL;
	char *v = out->os_version;
	size_t vs = sizeof(out->os_version);

	if (find_cs(sc, 0, sc->n, "Roku/DVP") != NPOS) {
		name = "Roku";
		put_ver(sc, &roku, v, vs, false);
	} else if (has(sc, "windows phone")) {
		name = "Windows Phone";
		put_ver(sc, &winphone, v, vs, false);
	} else if (has(sc, "windows ")) {
		name = "Windows";
		windows_version(sc, out);
	} else if (fxios_mac(sc)) {
		name = "iOS";
		fxios_version(sc, out);
	} else if (has(sc, "macintosh")) {
		name = "macOS";
		put_ver(sc, &macos, v, vs, true);
	} else if (has(sc, "ipod") || has(sc, "iphone") || has(sc, "ipad")) {
		name = "iOS";
		put_ver(sc, &ios, v, vs, true);
	} else if (android(sc)) {
		name = "Android";
		put_ver(sc, &andr, v, vs, false);
	} else if (has(sc, "webos") || has(sc, "web0s") || has(sc, "hpwos") || has(sc, "hpw0s")) {
		name = "WebOS";
		put_ver(sc, &webos, v, vs, false);
	} else if (blackberry(sc)) {
		name = "BlackBerry";
		blackberry_version(sc, out);
	} else if (has(sc, "bada")) {
		name = "Bada";
		put_ver(sc, &bada, v, vs, false);
	} else if (has(sc, "tizen")) {
		name = "Tizen";
		put_ver(sc, &tizen, v, vs, false);
	} else if (has(sc, "linux")) {
		name = "Linux";
	} else if (find_cs(sc, 0, sc->n, "CrOS") != NPOS) {
		name = "Chrome OS";
	} else if (find_cs(sc, 0, sc->n, "PlayStation 4") != NPOS) {
		name = "PlayStation 4";
		put_ver(sc, &ps4, v, vs, false);
	}
	if (name != NULL)
		put_str(out->os_name, sizeof(out->os_name), name);
}

void ua_parse(const char *ua, struct ua_info *out)
{
	struct scan sc;

	if (out == NULL)
		return;
	memset(out, 0, sizeof(*out));
	if (ua == NULL || ua[0] == '\0')
		return;		/* Butler SOS does not parse an empty UA */
	sc.s = (const unsigned char *)ua;
	sc.n = strnlen(ua, UA_SCAN_MAX);
	for (size_t i = 0; i < sc.n; i++) {
		unsigned char c = sc.s[i];
		sc.lc[i] = c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
	}
	parse_browser(&sc, out);
	parse_os(&sc, out);
}

/* --- the message ---------------------------------------------------- */

size_t ua_extract(const char *message, char *buf, size_t size)
{
	static const char mark[] = "UserAgent:";
	const unsigned char *p, *e;
	size_t n, o = 0;

	if (buf == NULL || size == 0)
		return 0;
	buf[0] = '\0';
	if (message == NULL || (p = (const unsigned char *)strstr(message, mark)) == NULL)
		return 0;
	/* split('UserAgent:')[1]: up to the next marker */
	p += sizeof(mark) - 1;
	e = (const unsigned char *)strstr((const char *)p, mark);
	n = e != NULL ? (size_t)(e - p) : strlen((const char *)p);
	/* trim() first, then the quotes go, as Butler SOS does it */
	for (size_t w; n > 0 && (w = ws_at(p, n, 0)) > 0; n -= w)
		p += w;
	while (n > 0) {
		size_t w = 0;

		for (size_t k = 1; k <= 3 && k <= n && w == 0; k++)
			if (ws_at(p, n, n - k) == k)
				w = k;
		if (w == 0)
			break;
		n -= w;
	}
	for (size_t k = 0; k < n;) {
		size_t len;

		if (p[k] == '\'') {
			k++;
			continue;
		}
		if ((len = utf8_seq_len(p + k, n - k)) == 0)
			len = 1;
		if (len >= size - o)
			break;	/* cut before a character that does not fit whole */
		memcpy(buf + o, p + k, len);
		o += len;
		k += len;
	}
	buf[o] = '\0';
	return o;
}
