/* t-categorise: lib-common/categorise against the Butler SOS fixtures and our own rule files. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "categorise.h"
#include "config.h"
#include "fileio.h"
#include "tap.h"
#include "testutil.h"

#define DATA "tests/unit/data/filters/"

static struct cfg *load(const char *path)
{
	char err[512];
	struct cfg *c = cfg_load(path, err, sizeof err, NULL);

	if (c == NULL)
		printf("# %s\n", err);
	return c;
}

/* The pairs as "n=v,n=v" in buf, for comparing in one is_str. */
static const char *pairs_text(const struct cat_pair *p, size_t n, char *buf, size_t sz)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && off < sz; i++) {
		int w = snprintf(buf + off, sz - off, "%s%s=%s", i ? "," : "", p[i].name, p[i].value);

		if (w < 0)
			break;
		off += (size_t)w;
	}
	return buf;
}

/* Applies k and checks verdict and pairs. */
static void check(const struct categorise *k, const char *level, const char *msg,
    enum categorise_verdict want_v, const char *want_pairs, const char *what)
{
	struct cat_pair out[64];
	size_t n = 99;
	char buf[1024];
	enum categorise_verdict v = categorise_apply(k, level, msg, out, 64, &n);

	is_int(v, want_v, "%s: verdict", what);
	is_str(pairs_text(out, n, buf, sizeof buf), want_pairs, "%s: pairs", what);
}

/* --- the Butler SOS fixtures ---------------------------------------------- */

/* Field i of a ';'-separated line, copied to buf. */
static const char *field(const char *line, int i, char *buf, size_t sz)
{
	const char *p = line, *e;

	for (; i > 0 && p != NULL; i--)
		if ((p = strchr(p, ';')) != NULL)
			p++;
	if (p == NULL)
		return NULL;
	e = p + strcspn(p, ";\n");
	snprintf(buf, sz, "%.*s", (int)(e - p), p);
	return buf;
}

/* The category list Butler SOS published to the base topic for (level, message) as "n=v,...". */
static const char *mqtt_categories(const cJSON *msgs, const char *level, const char *message,
    char *buf, size_t sz)
{
	const cJSON *m;

	cJSON_ArrayForEach(m, msgs) {
		const cJSON *topic = cJSON_GetObjectItemCaseSensitive(m, "topic");
		const cJSON *payload = cJSON_GetObjectItemCaseSensitive(m, "payload");
		cJSON *p, *cat, *it;
		const cJSON *l, *t;
		size_t off = 0;

		if (!cJSON_IsString(topic) || strcmp(topic->valuestring, "qliksense/logevent") != 0 ||
		    !cJSON_IsString(payload) || (p = cJSON_Parse(payload->valuestring)) == NULL)
			continue;
		l = cJSON_GetObjectItemCaseSensitive(p, "level");
		t = cJSON_GetObjectItemCaseSensitive(p, "message");
		if (!cJSON_IsString(l) || strcmp(l->valuestring, level) != 0 ||
		    (message == NULL ? t != NULL && !cJSON_IsNull(t) : !cJSON_IsString(t) ||
		    strcmp(t->valuestring, message) != 0)) {
			cJSON_Delete(p);
			continue;
		}
		buf[0] = '\0';
		cat = cJSON_GetObjectItemCaseSensitive(p, "category");
		cJSON_ArrayForEach(it, cat) {
			const cJSON *nm = cJSON_GetObjectItemCaseSensitive(it, "name");
			const cJSON *val = cJSON_GetObjectItemCaseSensitive(it, "value");
			int w;

			if (!cJSON_IsString(nm) || !cJSON_IsString(val) || off >= sz)
				break;
			w = snprintf(buf + off, sz - off, "%s%s=%s", off ? "," : "",
			    nm->valuestring, val->valuestring);
			if (w > 0)
				off += (size_t)w;
		}
		cJSON_Delete(p);
		return buf;
	}
	return NULL;
}

static void test_fixtures(void)
{
	/* what Butler SOS 15.0.1 gave each line of log-events.txt (mqtt-messages.json) */
	static const struct {
		enum categorise_verdict v;
		const char *pairs;
	} want[14] = {
		{ CAT_DEFAULT, "qs_log_category=unknown" },
		{ CAT_DEFAULT, "qs_log_category=unknown" },
		{ CAT_DEFAULT, "qs_log_category=unknown" },
		{ CAT_DROP, "" },	/* low memory warning: the drop rule */
		{ CAT_DEFAULT, "qs_log_category=unknown" },
		{ CAT_DEFAULT, "qs_log_category=unknown" },	/* ERROR: qs-service is WARN only */
		{ CAT_MATCHED, "qs_log_category=access-denied" },
		{ CAT_MATCHED, "qs_log_category=qs-service" },
		{ CAT_MATCHED, "qs_log_category=user-directory" },
		{ CAT_DEFAULT, "qs_log_category=unknown" },
		{ CAT_MATCHED, "qs_log_category=reload-failed" },	/* ew */
		{ CAT_MATCHED, "qs_log_category=reload-failed" },
		{ CAT_MATCHED, "qs_log_category=reload-failed" },	/* folded plain scalar */
		{ CAT_MATCHED, "qs_log_category=reload-failed" },
	};
	char used[PATH_MAX], events[PATH_MAX], mqtt[PATH_MAX], buf[1024], lvl[64], msg[1024], got[1024];
	struct cat_pair out[8];
	struct categorise *k;
	struct cfg *c;
	cJSON *msgs = NULL;
	char *text = NULL;
	struct stat st;
	size_t len, n;
	FILE *fp;
	int i = 0;

	snprintf(used, sizeof used, "%s/fixtures/expected/butler-sos-config-used.yaml", shared_dir());
	snprintf(events, sizeof events, "%s/fixtures/log-events.txt", shared_dir());
	snprintf(mqtt, sizeof mqtt, "%s/fixtures/expected/mqtt-messages.json", shared_dir());
	if (access(used, R_OK) != 0 || access(events, R_OK) != 0 || access(mqtt, R_OK) != 0) {
		skip(14 * 3 + 5, "fixtures not found (set SENSEOPS_SHARED)");
		return;
	}
	c = load(used);
	k = c ? categorise_load(c) : NULL;
	ok(k != NULL, "config-used: rules load (%s)", c ? cfg_error(c) : "no config");
	if (k == NULL) {
		cfg_free(c);
		skip(14 * 3 + 4, "rules did not load");
		return;
	}
	/* the compiled rules must not borrow from the config */
	cfg_free(c);
	ok(categorise_enabled(k), "config-used: categorise.enable");

	if (file_slurp(mqtt, 4 * 1024 * 1024, &text, &len, &st) == 0)
		msgs = cJSON_Parse(text);
	free(text);
	ok(cJSON_IsArray(msgs), "mqtt-messages.json parses");

	fp = fopen(events, "r");
	while (fp != NULL && i < 14 && fgets(buf, sizeof buf, fp) != NULL) {
		const char *mq;

		field(buf, 4, lvl, sizeof lvl);
		field(buf, 8, msg, sizeof msg);
		is_int(categorise_apply(k, lvl, msg, out, 8, &n), want[i].v,
		    "log-events.txt line %d: verdict", i + 1);
		is_str(pairs_text(out, n, got, sizeof got), want[i].pairs,
		    "log-events.txt line %d: %s", i + 1, *want[i].pairs ? want[i].pairs : "no pairs");
		/* and the same as Butler SOS published (a dropped event went out with []) */
		mq = mqtt_categories(msgs, lvl, msg, buf, sizeof buf);
		is_str(got, mq, "log-events.txt line %d: as in mqtt-messages.json", i + 1);
		i++;
	}
	if (fp != NULL)
		fclose(fp);
	is_int(i, 14, "log-events.txt has 14 lines");

	/* qix-perf events: level INFO, no message -> the default, as Butler SOS published */
	categorise_apply(k, "INFO", NULL, out, 8, &n);
	is_str(pairs_text(out, n, got, sizeof got), mqtt_categories(msgs, "INFO", NULL, buf, sizeof buf),
	    "qix-perf (INFO, no message): as in mqtt-messages.json");
	cJSON_Delete(msgs);
	categorise_free(k);
}

/* --- our own rules ------------------------------------------------------- */

static void test_rules(void)
{
	struct categorise *k;
	struct cat_pair out[4];
	struct cfg *c = load(DATA "cat-rules.yaml");
	size_t n;

	k = c ? categorise_load(c) : NULL;
	ok(k != NULL, "cat-rules.yaml loads (%s)", c ? cfg_error(c) : "");
	cfg_free(c);
	if (k == NULL) {
		skip(52, "cat-rules.yaml did not load");
		return;
	}
	ok(categorise_enabled(k), "enabled");

	check(k, "WARN", "Alpha and more", CAT_MATCHED, "kind=sw", "sw matches at the start");
	check(k, "WARN", "more Alpha", CAT_DEFAULT, "qs_log_category=unknown,second=default",
	    "sw does not match elsewhere");
	check(k, "ERROR", "alpha to omega.", CAT_MATCHED, "kind=ew", "ew matches at the end");
	check(k, "ERROR", "omega. at the start", CAT_DEFAULT, "qs_log_category=unknown,second=default",
	    "ew does not match elsewhere");
	check(k, "ERROR", "x", CAT_DEFAULT, "qs_log_category=unknown,second=default",
	    "ew: a value longer than the message does not match");
	check(k, "WARN", "in the middle of it", CAT_MATCHED, "kind=so", "so matches inside");
	check(k, "WARN", "middle", CAT_MATCHED, "kind=so", "so matches the whole message");

	/* level: any case, whole word */
	check(k, "warn", "Alpha", CAT_MATCHED, "kind=sw", "level warn matches logLevel Warn");
	check(k, "wArN", "Alpha", CAT_MATCHED, "kind=sw", "level wArN matches logLevel Warn");
	check(k, "Error", "omega.", CAT_MATCHED, "kind=ew", "level Error matches logLevel error");
	check(k, "WARNING", "Alpha", CAT_DEFAULT, "qs_log_category=unknown,second=default",
	    "level WARNING does not match WARN");
	check(k, "WAR", "Alpha", CAT_DEFAULT, "qs_log_category=unknown,second=default",
	    "level WAR does not match WARN");
	check(k, "INFO", "Alpha", CAT_DEFAULT, "qs_log_category=unknown,second=default",
	    "a rule for another level does not apply");

	/* message: case-sensitive */
	check(k, "WARN", "alpha", CAT_DEFAULT, "qs_log_category=unknown,second=default",
	    "sw is case-sensitive");
	check(k, "ERROR", "OMEGA.", CAT_DEFAULT, "qs_log_category=unknown,second=default",
	    "ew is case-sensitive");
	check(k, "WARN", "MIDDLE", CAT_DEFAULT, "qs_log_category=unknown,second=default",
	    "so is case-sensitive");

	/* one rule, two filters: either counts, the pairs come once */
	check(k, "WARN", "Middle first", CAT_MATCHED, "kind=so", "second filter matches alone");
	check(k, "WARN", "Middle and middle", CAT_MATCHED, "kind=so",
	    "both filters match: the rule counts once");

	/* several rules: union, first occurrence order, no duplicates */
	check(k, "FATAL", "a union of two", CAT_MATCHED, "x=1,y=2,z=3,x=2",
	    "two rules: union without duplicates, in first-seen order");

	/* drop */
	check(k, "FATAL", "union, then drop me", CAT_DROP, "",
	    "drop after a categorise match: drop wins, no pairs");
	check(k, "DEBUG", "noisy thing", CAT_DROP, "", "drop stops evaluation before a later match");
	check(k, "DEBUG", "not noisy", CAT_MATCHED, "never=reached", "...which matches on its own");
	check(k, "FATAL", "drop me", CAT_DROP, "", "drop alone");

	/* no message (qix-perf) */
	check(k, "TRACE", NULL, CAT_MATCHED, "empty=sw", "NULL message: sw \"\" matches");
	check(k, "TRACE", "", CAT_MATCHED, "empty=sw", "\"\" message: sw \"\" matches");
	check(k, "INFO", NULL, CAT_DEFAULT, "qs_log_category=unknown,second=default",
	    "NULL message: so/ew with a value do not match");
	check(k, "WARN", NULL, CAT_DEFAULT, "qs_log_category=unknown,second=default",
	    "NULL message: sw with a value does not match");
	check(k, NULL, "Alpha", CAT_DEFAULT, "qs_log_category=unknown,second=default",
	    "NULL level: no rule applies");

	/* a matching rule without pairs still keeps the default away */
	check(k, "NOTICE", "quiet please", CAT_MATCHED, "", "match without pairs: CAT_MATCHED, none");

	/* out[] bounds */
	ok(categorise_max_pairs(k) >= 4, "max_pairs covers the union (%zu)", categorise_max_pairs(k));
	n = 99;
	is_int(categorise_apply(k, "FATAL", "union", out, 2, &n), CAT_MATCHED, "max 2: verdict");
	is_int(n, 2, "max 2: two pairs");
	ok(n == 2 && strcmp(out[0].name, "x") == 0 && strcmp(out[1].name, "y") == 0,
	    "max 2: the first two");
	n = 99;
	is_int(categorise_apply(k, "FATAL", "union", NULL, 0, &n), CAT_MATCHED, "max 0: verdict");
	is_int(n, 0, "max 0: no pairs");
	categorise_free(k);
}

static void test_off(void)
{
	struct categorise *k;
	struct cfg *c = load(DATA "cat-nodefault.yaml");

	k = c ? categorise_load(c) : NULL;
	ok(k != NULL, "cat-nodefault.yaml loads (%s)", c ? cfg_error(c) : "");
	if (k != NULL) {
		check(k, "WARN", "x", CAT_MATCHED, "kind=warn", "default off: a match still works");
		check(k, "WARN", "y", CAT_NONE, "", "default off, no match: CAT_NONE, no pairs");
		check(k, "INFO", NULL, CAT_NONE, "", "default off, no message: CAT_NONE");
	} else
		skip(6, "did not load");
	categorise_free(k);
	cfg_free(c);

	c = load(DATA "cat-disabled.yaml");
	k = c ? categorise_load(c) : NULL;
	ok(k != NULL && !categorise_enabled(k), "cat-disabled.yaml loads, disabled");
	if (k != NULL) {
		check(k, "WARN", "anything", CAT_NONE, "", "enable false: a matching rule is ignored");
		check(k, "ERROR", "anything", CAT_NONE, "", "enable false: no default either");
	} else
		skip(4, "did not load");
	categorise_free(k);
	cfg_free(c);

	/* no categorise section at all */
	c = cfg_new();
	k = c ? categorise_load(c) : NULL;
	ok(k != NULL && !categorise_enabled(k), "an empty config: disabled");
	if (k != NULL)
		check(k, "WARN", "x", CAT_NONE, "", "an empty config: CAT_NONE");
	else
		skip(2, "did not load");
	categorise_free(k);
	cfg_free(c);
}

/* Loading file must fail with "file:LINE: KEYPATH..." where LINE holds marker. */
static void bad(const char *file, const char *marker, const char *keypath, const char *what,
    const char *desc)
{
	char path[PATH_MAX], want[PATH_MAX + 32];
	struct categorise *k;
	struct cfg *c;

	snprintf(path, sizeof path, DATA "%s", file);
	c = load(path);
	if (c == NULL) {
		skip(3, "does not load");
		return;
	}
	k = categorise_load(c);
	ok(k == NULL, "%s: refused", desc);
	snprintf(want, sizeof want, "%s:%d: %s", path, line_of(path, marker), keypath);
	ok(strncmp(cfg_error(c), want, strlen(want)) == 0, "%s: says where (%s)", desc, cfg_error(c));
	ok(strstr(cfg_error(c), what) != NULL, "%s: says what (%s)", desc, what);
	categorise_free(k);
	cfg_free(c);
}

static void test_bad(void)
{
	bad("cat-bad-action.yaml", "action: categorize",
	    "Butler-SOS.logEvents.categorise.rules.0.action", "unknown action \"categorize\"",
	    "unknown action");
	bad("cat-bad-type.yaml", "type: contains",
	    "Butler-SOS.logEvents.categorise.rules.1.filter.1.type", "unknown filter type \"contains\"",
	    "unknown filter type, even when disabled");
	bad("cat-bad-level.yaml", "logLevel: WARN",
	    "Butler-SOS.logEvents.categorise.rules.0.logLevel", "expected a list",
	    "logLevel not a list");
	bad("cat-bad-nofilter.yaml", "description: no filter",
	    "Butler-SOS.logEvents.categorise.rules.0.filter", "missing",
	    "rule without a filter list");
	bad("cat-bad-default.yaml", "- enable: true", "Butler-SOS.logEvents.categorise.ruleDefault",
	    "expected a mapping, got a list", "ruleDefault not a mapping");
	bad("cat-bad-enable.yaml", "enable:", "Butler-SOS.logEvents.categorise.enable",
	    "expected true or false", "enable not a bool");
}

/* --- limits, with generated files ----------------------------------------- */

/* Rules text: nrules rules, each with nlev levels, nfilt filters, npairs pairs, values vlen long. */
static char *gen(int nrules, int nlev, int nfilt, int npairs, size_t vlen)
{
	size_t cap = 1 << 20, off = 0;
	char *s = malloc(cap), *v = malloc(vlen + 1);

	if (s == NULL || v == NULL) {
		free(s);
		free(v);
		return NULL;
	}
	memset(v, 'v', vlen);
	v[vlen] = '\0';
#define OUT(...) do { \
	int w_ = snprintf(s + off, cap - off, __VA_ARGS__); \
	if (w_ < 0 || (size_t)w_ >= cap - off) { free(s); free(v); return NULL; } \
	off += (size_t)w_; \
} while (0)
	OUT("Butler-SOS:\n  logEvents:\n    categorise:\n      enable: true\n      rules:\n");
	for (int r = 0; r < nrules; r++) {
		OUT("        - logLevel: [");
		for (int l = 0; l < nlev; l++)
			OUT("%sL%d", l ? ", " : "", l);
		OUT("]\n          action: categorise\n          category:\n");
		for (int p = 0; p < npairs; p++)
			OUT("            - {name: n%d, value: \"%s\"}\n", p, v);
		OUT("          filter:\n");
		for (int f = 0; f < nfilt; f++)
			OUT("            - {type: so, value: f%d}\n", f);
	}
#undef OUT
	free(v);
	return s;
}

/* Does the generated config load? *err gets a copy of cfg_error. */
static bool gen_loads(int nrules, int nlev, int nfilt, int npairs, size_t vlen, char *err, size_t errsz)
{
	char path[] = "/tmp/t-categorise-XXXXXX";
	char *text = gen(nrules, nlev, nfilt, npairs, vlen);
	struct categorise *k = NULL;
	struct cfg *c = NULL;
	int fd;

	snprintf(err, errsz, "could not generate");
	if (text == NULL || (fd = mkstemp(path)) == -1) {
		free(text);
		return false;
	}
	if (write(fd, text, strlen(text)) == (ssize_t)strlen(text) && close(fd) == 0) {
		c = load(path);
		if (c != NULL) {
			k = categorise_load(c);
			snprintf(err, errsz, "%s", cfg_error(c));
		}
	} else
		close(fd);
	unlink(path);
	free(text);
	categorise_free(k);
	cfg_free(c);
	return k != NULL;
}

static void test_limits(void)
{
	char err[1024];

	ok(gen_loads(CAT_MAX_RULES, 1, 1, 1, 4, err, sizeof err), "%d rules load (%s)", CAT_MAX_RULES, err);
	ok(!gen_loads(CAT_MAX_RULES + 1, 1, 1, 1, 4, err, sizeof err) &&
	    strstr(err, "more than 256 rules") != NULL, "%d rules are refused (%s)", CAT_MAX_RULES + 1, err);
	ok(gen_loads(1, 1, CAT_MAX_FILTERS, 1, 4, err, sizeof err), "%d filters load (%s)", CAT_MAX_FILTERS, err);
	ok(!gen_loads(1, 1, CAT_MAX_FILTERS + 1, 1, 4, err, sizeof err) &&
	    strstr(err, "rules.0.filter: more than 64 filters") != NULL, "%d filters are refused (%s)",
	    CAT_MAX_FILTERS + 1, err);
	ok(gen_loads(1, 1, 1, CAT_MAX_PAIRS, 4, err, sizeof err), "%d pairs load (%s)", CAT_MAX_PAIRS, err);
	ok(!gen_loads(1, 1, 1, CAT_MAX_PAIRS + 1, 4, err, sizeof err) &&
	    strstr(err, "more than 32 category pairs") != NULL, "%d pairs are refused (%s)",
	    CAT_MAX_PAIRS + 1, err);
	ok(gen_loads(1, CAT_MAX_LEVELS, 1, 1, 4, err, sizeof err), "%d levels load (%s)", CAT_MAX_LEVELS, err);
	ok(!gen_loads(1, CAT_MAX_LEVELS + 1, 1, 1, 4, err, sizeof err) &&
	    strstr(err, "more than 64 distinct log levels") != NULL, "%d levels are refused (%s)",
	    CAT_MAX_LEVELS + 1, err);
	ok(gen_loads(1, 1, 1, 1, CAT_MAX_VALUE, err, sizeof err), "%d-byte values load (%s)",
	    CAT_MAX_VALUE, err);
	ok(!gen_loads(1, 1, 1, 1, CAT_MAX_VALUE + 1, err, sizeof err) &&
	    strstr(err, "category.0.value: longer than 1000 bytes") != NULL, "%d-byte values are refused (%s)",
	    CAT_MAX_VALUE + 1, err);
}

int main(void)
{
	test_fixtures();
	test_rules();
	test_off();
	test_bad();
	test_limits();
	return done_testing();
}
