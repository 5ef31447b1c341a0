/* t-qixfilter: lib-common/qixfilter against the Butler SOS qix-perf fixtures and our own filter files. */
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "qixfilter.h"
#include "tap.h"
#include "testutil.h"

#define DATA "tests/unit/data/filters/"

/* path loaded and compiled; NULL (reported) on failure, *cp gets the config. */
static struct qixfilter *load(const char *path, struct cfg **cp)
{
	char err[512];
	struct qixfilter *f;

	*cp = cfg_load(path, err, sizeof err, NULL);
	if (*cp == NULL) {
		ok(0, "%s loads (%s)", path, err);
		return NULL;
	}
	f = qixfilter_load(*cp);
	ok(f != NULL, "%s compiles (%s)", path, cfg_error(*cp));
	return f;
}

/* --- the Butler SOS fixtures ---------------------------------------------- */

/* Field i of a ';'-separated line, copied to buf. */
static const char *field(const char *line, int i, char *buf, size_t sz)
{
	const char *p = line, *e;

	for (; i > 0 && p != NULL; i--)
		if ((p = strchr(p, ';')) != NULL)
			p++;
	if (p == NULL) {
		buf[0] = '\0';
		return buf;
	}
	e = p + strcspn(p, ";\r\n");
	snprintf(buf, sz, "%.*s", (int)(e - p), p);
	return buf;
}

/* The app names of qrs-apps.json, as the app-name cache would give them. */
static const char *app_name(const char *id)
{
	static const char *const names[][2] = {
		{ "e7af59a0-c243-480d-9571-08727551a66f", "Sales forecast" },
		{ "d7cf16f9-6a95-462a-9ff1-a6d413326de4", "Budget 2025" },
		{ "6931136d-c234-4358-a40c-e37153aba7c9", "Sales basket analysis" },
		{ "5b817efe-472d-43ce-8a31-6cce34af7de9", "Inventory analysis" },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i][0], id) == 0)
			return names[i][1];
	return "";
}

static void test_fixtures(void)
{
	/* fixtures/README.md: the filters reject lines 2, 4 and 5 */
	static const bool want[7] = { true, false, true, false, false, true, true };
	char used[PATH_MAX], perf[PATH_MAX], line[2048];
	char id[128], method[128], obj[128], type[128];
	struct qixfilter *f;
	struct cfg *c;
	FILE *fp;
	int i = 0;

	snprintf(used, sizeof used, "%s/fixtures/expected/butler-sos-config-used.yaml", shared_dir());
	snprintf(perf, sizeof perf, "%s/fixtures/qix-perf.txt", shared_dir());
	if (access(used, R_OK) != 0 || access(perf, R_OK) != 0) {
		skip(14, "fixtures not found (set SENSEOPS_SHARED)");
		return;
	}
	if ((f = load(used, &c)) == NULL) {
		cfg_free(c);
		skip(13, "config-used did not load");
		return;
	}
	/* the compiled filter must not borrow from the config */
	cfg_free(c);
	ok(qixfilter_monitor_enabled(f), "config-used: enginePerformanceMonitor.enable");

	fp = fopen(perf, "r");
	while (fp != NULL && i < 7 && fgets(line, sizeof line, fp) != NULL) {
		field(line, 13, id, sizeof id);
		field(line, 15, method, sizeof method);
		field(line, 22, obj, sizeof obj);
		field(line, 25, type, sizeof type);
		is_int(qixfilter_accept(f, id, app_name(id), obj, type, method), want[i],
		    "qix-perf.txt line %d (%s, %s, %s): %s", i + 1, app_name(id), type, method,
		    want[i] ? "accepted" : "rejected");
		i++;
	}
	if (fp != NULL)
		fclose(fp);
	is_int(i, 7, "qix-perf.txt has 7 lines");

	/* the reasons, one at a time */
	ok(!qixfilter_accept(f, "5b817efe-472d-43ce-8a31-6cce34af7de9", "Inventory analysis", "x", "table",
	    "GenericObject::GetLayout"), "allApps: object type table is excluded");
	ok(qixfilter_accept(f, "5b817efe-472d-43ce-8a31-6cce34af7de9", "Inventory analysis", "x", "Table",
	    "GenericObject::GetLayout"), "allApps: ...case-sensitively");
	ok(!qixfilter_accept(f, "6931136d-c234-4358-a40c-e37153aba7c9", "Sales basket analysis", "x",
	    "table", "GenericObject::GetLayout"),
	    "appSpecific rejects a non-linechart, and allApps then rejects table");
	ok(qixfilter_accept(f, "6931136d-c234-4358-a40c-e37153aba7c9", "", "x", "linechart",
	    "Doc::GetAppLayout") == false,
	    "app name unknown: appSpecific does not apply, allApps rejects the method");
	qixfilter_free(f);
}

/* --- our own filters ----------------------------------------------------- */

#define A1 "11111111-aaaa-4aaa-8aaa-000000000001"
#define A3 "33333333-aaaa-4aaa-8aaa-000000000003"
#define GL "GenericObject::GetLayout"

static void test_apps(void)
{
	struct qixfilter *f;
	struct cfg *c;

	if ((f = load(DATA "qf-apps.yaml", &c)) == NULL) {
		cfg_free(c);
		skip(14, "did not load");
		return;
	}
	ok(qixfilter_monitor_enabled(f), "monitor enable true");
	ok(qixfilter_accept(f, A1, "", "o", "t", "m"), "include by appId: matches without a name");
	ok(qixfilter_accept(f, A1, "Whatever", "o", "t", "m"), "include by appId: any name");
	ok(!qixfilter_accept(f, "11111111-AAAA-4AAA-8AAA-000000000001", "", "o", "t", "m"),
	    "include by appId: case-sensitive");
	ok(qixfilter_accept(f, "x", "Name Two", "o", "t", "m"), "include by appName: any id");
	ok(!qixfilter_accept(f, "x", "name two", "o", "t", "m"), "include by appName: case-sensitive");
	ok(!qixfilter_accept(f, "x", "Name Two ", "o", "t", "m"), "include by appName: exact");
	ok(qixfilter_accept(f, A3, "Name Three", "o", "t", "m"), "include by both: both match");
	ok(!qixfilter_accept(f, A3, "Other", "o", "t", "m"), "include by both: id alone is not enough");
	ok(!qixfilter_accept(f, "x", "Name Three", "o", "t", "m"), "include by both: name alone is not enough");
	ok(!qixfilter_accept(f, "x", "", "o", "t", "m"), "no include matches, allApps off: rejected");
	ok(qixfilter_accept(f, "x", "Name Four", "o", "barchart", "m"), "first entry accepts barchart");
	ok(qixfilter_accept(f, "x", "Name Four", "o", "map", "m"),
	    "first entry rejects map, the next entry for the same app accepts it");
	ok(!qixfilter_accept(f, "x", "Name Four", "o", "table", "m"), "neither entry accepts table");
	ok(!qixfilter_accept(f, NULL, NULL, NULL, NULL, NULL), "NULL values: rejected, no crash");
	qixfilter_free(f);
	cfg_free(c);

	if ((f = load(DATA "qf-empty.yaml", &c)) == NULL) {
		cfg_free(c);
		skip(4, "did not load");
		return;
	}
	ok(!qixfilter_monitor_enabled(f), "monitor enable false");
	ok(qixfilter_accept(f, "any", "", "o", "barchart", "m"),
	    "include {} matches every app (allObjectTypesExclude ignored when allObjectTypes is false)");
	ok(qixfilter_accept(f, "", "", "o", "barchart", "m"), "...even one without id or name");
	ok(!qixfilter_accept(f, "any", "Some app", "o", "table", "m"),
	    "appSpecific rejects table, and appExclude {} excludes every app");
	qixfilter_free(f);
	cfg_free(c);
}

static void test_rules(void)
{
	struct qixfilter *f;
	struct cfg *c;

	if ((f = load(DATA "qf-rules.yaml", &c)) == NULL) {
		cfg_free(c);
		skip(7, "did not load");
		return;
	}
	ok(qixfilter_accept(f, "a", "Sales", "o", "barchart", GL), "allObjectTypes false: barchart included");
	ok(qixfilter_accept(f, "a", "Sales", "o", "linechart", GL), "allObjectTypes false: linechart included");
	ok(!qixfilter_accept(f, "a", "Sales", "o", "table", GL), "allObjectTypes false: table not included");
	ok(!qixfilter_accept(f, "a", "Sales", "o", "barchart", "Doc::GetAppLayout"),
	    "allMethods false: a method not included is rejected");
	ok(!qixfilter_accept(f, "a", "Sales", "o", "barchart", "GenericObject::getLayout"),
	    "allMethods false: case-sensitive");
	ok(!qixfilter_accept(f, "a", "Budget 2025", "o", "barchart", GL), "appExclude by appName");
	ok(!qixfilter_accept(f, "a", "", "o", "", GL), "an empty object type is not in the include list");
	qixfilter_free(f);
	cfg_free(c);
}

static void test_objects(void)
{
	struct qixfilter *f;
	struct cfg *c;

	if ((f = load(DATA "qf-objects.yaml", &c)) == NULL) {
		cfg_free(c);
		skip(8, "did not load");
		return;
	}
	ok(!qixfilter_accept(f, "app-1", "", "objStr", "t", "m"), "allAppObjectsExclude: plain string item");
	ok(!qixfilter_accept(f, "app-1", "", "objMap", "t", "m"), "allAppObjectsExclude: objectId item");
	ok(qixfilter_accept(f, "app-1", "", "ignored", "t", "m"),
	    "allAppObjects true: someAppObjectsInclude ignored, other objects pass");
	ok(qixfilter_accept(f, "app-1", "", "objstr", "t", "m"), "object ids compare case-sensitively");
	ok(qixfilter_accept(f, "app-2", "", "keepStr", "t", "m"), "someAppObjectsInclude: plain string item");
	ok(qixfilter_accept(f, "app-2", "", "keepMap", "t", "m"), "someAppObjectsInclude: objectId item");
	ok(!qixfilter_accept(f, "app-2", "", "other", "t", "m"), "allAppObjects false: other objects rejected");
	ok(!qixfilter_accept(f, "app-3", "", "keepMap", "t", "m"), "another app: no entry applies");
	qixfilter_free(f);
	cfg_free(c);
}

static void test_disabled(void)
{
	struct qixfilter *f;
	struct cfg *c;

	if ((f = load(DATA "qf-disabled.yaml", &c)) == NULL) {
		cfg_free(c);
		skip(3, "did not load");
		return;
	}
	ok(qixfilter_monitor_enabled(f), "both filters off, monitor on");
	ok(!qixfilter_accept(f, "a", "b", "o", "t", "m"), "both filters disabled: rejected");
	ok(!qixfilter_accept(f, "", "", "", "", ""), "both filters disabled: empty values rejected too");
	qixfilter_free(f);
	cfg_free(c);

	c = cfg_new();
	f = c ? qixfilter_load(c) : NULL;
	ok(f != NULL && !qixfilter_monitor_enabled(f) && !qixfilter_accept(f, "a", "b", "o", "t", "m"),
	    "an empty config: monitor off, everything rejected");
	qixfilter_free(f);
	cfg_free(c);
}

/* Loading file must fail with "file:LINE: KEYPATH" where LINE holds marker. */
static void bad(const char *file, const char *marker, const char *keypath, const char *what,
    const char *desc)
{
	char path[PATH_MAX], want[PATH_MAX + 256], err[512];
	struct qixfilter *f;
	struct cfg *c;

	snprintf(path, sizeof path, DATA "%s", file);
	if ((c = cfg_load(path, err, sizeof err, NULL)) == NULL) {
		ok(0, "%s loads (%s)", path, err);
		skip(2, "does not load");
		return;
	}
	f = qixfilter_load(c);
	ok(f == NULL, "%s: refused", desc);
	snprintf(want, sizeof want, "%s:%d: Butler-SOS.logEvents.enginePerformanceMonitor.%s", path,
	    line_of(path, marker), keypath);
	ok(strncmp(cfg_error(c), want, strlen(want)) == 0, "%s: says where (%s)", desc, cfg_error(c));
	ok(strstr(cfg_error(c), what) != NULL, "%s: says what (%s)", desc, what);
	qixfilter_free(f);
	cfg_free(c);
}

static void test_bad(void)
{
	bad("qf-bad-enable.yaml", "enable: yes", "monitorFilter.allApps.enable",
	    "expected true or false, got \"yes\"", "enable: yes is a string in YAML 1.2");
	bad("qf-bad-list.yaml", "allObjectTypesExclude: table",
	    "monitorFilter.allApps.objectType.allObjectTypesExclude", "expected a list, got \"table\"",
	    "a string where a list belongs");
	bad("qf-bad-item.yaml", "- d7cf16f9", "monitorFilter.allApps.appExclude.0",
	    "expected a mapping with appId and/or appName", "a plain string appExclude item");
	bad("qf-bad-key.yaml", "appID:", "monitorFilter.appSpecific.app.0.include.1",
	    "unknown key \"appID\"", "a misspelt key in an include item, even when disabled");
	bad("qf-bad-objid.yaml", "objectID:", "monitorFilter.appSpecific.app.0.appObject.someAppObjectsInclude.0",
	    "a string or a mapping with just objectId", "an appObject mapping without objectId");
	bad("qf-bad-name.yaml", "appName: 2025", "monitorFilter.allApps.appExclude.0.appName",
	    "expected a string, got 2025", "a number as appName");
	bad("qf-bad-section.yaml", "method: [", "monitorFilter.allApps.method",
	    "expected a mapping, got a list", "a list where a section belongs");
}

/* --- limits, with generated files ----------------------------------------- */

/* Does a filter with napps entries, nitems exclude items and an appName vlen long load? */
static bool gen_loads(int napps, int nitems, size_t vlen, char *err, size_t errsz)
{
	char path[] = "/tmp/t-qixfilter-XXXXXX", msg[512];
	size_t cap = 1 << 20, off = 0;
	char *s = malloc(cap), *v = malloc(vlen + 1);
	struct qixfilter *f = NULL;
	struct cfg *c = NULL;
	bool fit = true;
	int fd = -1, w;

	snprintf(err, errsz, "could not generate");
	if (s == NULL || v == NULL)
		goto out;
	memset(v, 'n', vlen);
	v[vlen] = '\0';
	w = snprintf(s, cap, "Butler-SOS:\n  logEvents:\n    enginePerformanceMonitor:\n"
	    "      monitorFilter:\n        allApps:\n          appExclude:\n"
	    "            - appName: \"%s\"\n          method:\n            allMethodsExclude:\n", v);
	fit = w > 0 && (size_t)w < cap;
	off = fit ? (size_t)w : 0;
	for (int i = 0; fit && i < nitems; i++) {
		w = snprintf(s + off, cap - off, "              - m%d\n", i);
		fit = w > 0 && (size_t)w < cap - off;
		off += fit ? (size_t)w : 0;
	}
	if (fit) {
		w = snprintf(s + off, cap - off, "        appSpecific:\n          app:\n");
		fit = w > 0 && (size_t)w < cap - off;
		off += fit ? (size_t)w : 0;
	}
	for (int i = 0; fit && i < napps; i++) {
		w = snprintf(s + off, cap - off, "            - include: [{appId: a%d}]\n", i);
		fit = w > 0 && (size_t)w < cap - off;
		off += fit ? (size_t)w : 0;
	}
	if (!fit || (fd = mkstemp(path)) == -1)
		goto out;
	if (write(fd, s, off) == (ssize_t)off && close(fd) == 0) {
		if ((c = cfg_load(path, msg, sizeof msg, NULL)) == NULL)
			snprintf(err, errsz, "%s", msg);
		else {
			f = qixfilter_load(c);
			snprintf(err, errsz, "%s", cfg_error(c));
		}
	} else
		close(fd);
	unlink(path);
out:
	free(s);
	free(v);
	qixfilter_free(f);
	cfg_free(c);
	return f != NULL;
}

static void test_limits(void)
{
	char err[1024];

	ok(gen_loads(QF_MAX_APPS, 1, 4, err, sizeof err), "%d app entries load (%s)", QF_MAX_APPS, err);
	ok(!gen_loads(QF_MAX_APPS + 1, 1, 4, err, sizeof err) &&
	    strstr(err, "appSpecific.app: more than 256 entries") != NULL, "%d app entries are refused (%s)",
	    QF_MAX_APPS + 1, err);
	ok(gen_loads(1, QF_MAX_ITEMS, 4, err, sizeof err), "%d list items load (%s)", QF_MAX_ITEMS, err);
	ok(!gen_loads(1, QF_MAX_ITEMS + 1, 4, err, sizeof err) &&
	    strstr(err, "allMethodsExclude: more than 1024 items") != NULL, "%d list items are refused (%s)",
	    QF_MAX_ITEMS + 1, err);
	ok(gen_loads(1, 1, QF_MAX_VALUE, err, sizeof err), "%d-byte values load (%s)", QF_MAX_VALUE, err);
	ok(!gen_loads(1, 1, QF_MAX_VALUE + 1, err, sizeof err) &&
	    strstr(err, "appExclude.0.appName: longer than 1000 bytes") != NULL, "%d-byte values are refused (%s)",
	    QF_MAX_VALUE + 1, err);
}

int main(void)
{
	test_fixtures();
	test_apps();
	test_rules();
	test_objects();
	test_disabled();
	test_bad();
	test_limits();
	return done_testing();
}
