/* t-config: the YAML loader, look-ups, overrides, secrets and redaction of lib-common/config. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "log.h"
#include "tap.h"

#define DATA "tests/unit/data/config/"
#define TYPES DATA "types.yaml"

/* Temp files made by the test, removed at the end. */
static char tmpfiles[64][64];
static int ntmp;

static void skip(int n, const char *why)
{
	for (int i = 0; i < n; i++)
		ok(1, "# SKIP %s", why);
}

/* Writes len bytes of s to a new temp file; its path goes to path (64 bytes). */
static int write_tmp_len(const char *s, size_t len, char *path, mode_t mode)
{
	int fd;
	size_t off = 0;

	if (ntmp >= (int)(sizeof tmpfiles / sizeof tmpfiles[0]))
		return -1;
	snprintf(path, 64, "/tmp/t-config-XXXXXX");
	if ((fd = mkstemp(path)) == -1)
		return -1;
	snprintf(tmpfiles[ntmp++], sizeof tmpfiles[0], "%s", path);
	while (off < len) {
		ssize_t r = write(fd, s + off, len - off);

		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)r;
	}
	if (fchmod(fd, mode) == -1) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int write_tmp(const char *s, char *path)
{
	return write_tmp_len(s, strlen(s), path, 0600);
}

/* Loads YAML text through a temp file; the message goes to err. */
static struct cfg *load_text(const char *yaml, char *path, char *err, size_t errlen, int *code)
{
	if (write_tmp(yaml, path) == -1) {
		snprintf(err, errlen, "cannot write temp file");
		*code = -1;
		return NULL;
	}
	return cfg_load(path, err, errlen, code);
}

/* The first line of file path that contains needle, 1-based; 0 when none. */
static int line_of(const char *path, const char *needle)
{
	char buf[1024];
	int n = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return 0;
	while (fgets(buf, sizeof buf, f) != NULL) {
		n++;
		if (strstr(buf, needle) != NULL) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	return 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return s != NULL && strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool streq(const char *a, const char *b)
{
	return a != NULL && b != NULL && strcmp(a, b) == 0;
}

static const char *str_at(const struct cfg *c, const char *kp)
{
	const cJSON *n = cfg_get(c, kp);

	return cJSON_IsString(n) ? n->valuestring : NULL;
}

static double num_at(const struct cfg *c, const char *kp)
{
	const cJSON *n = cfg_get(c, kp);

	return cJSON_IsNumber(n) ? n->valuedouble : -12345.678;
}

/* stderr capture, for log_warn. */
static int cap_saved = -1, cap_fd = -1;

static int capture_begin(void)
{
	char path[64];

	snprintf(path, sizeof path, "/tmp/t-config-err-XXXXXX");
	if ((cap_fd = mkstemp(path)) == -1)
		return -1;
	unlink(path);
	fflush(stderr);
	if ((cap_saved = dup(STDERR_FILENO)) == -1 || dup2(cap_fd, STDERR_FILENO) == -1)
		return -1;
	return 0;
}

static void capture_end(char *buf, size_t sz)
{
	ssize_t r;

	buf[0] = '\0';
	fflush(stderr);
	if (cap_saved != -1) {
		dup2(cap_saved, STDERR_FILENO);
		close(cap_saved);
		cap_saved = -1;
	}
	if (cap_fd == -1)
		return;
	if (lseek(cap_fd, 0, SEEK_SET) == 0 && (r = read(cap_fd, buf, sz - 1)) > 0)
		buf[r] = '\0';
	close(cap_fd);
	cap_fd = -1;
}

static void test_types(void)
{
	char err[512] = "x", want[512];
	int code = -1;
	struct cfg *c = cfg_load(TYPES, err, sizeof err, &code);
	const cJSON *n, *m;
	const char *s;
	long long ll;
	double d;
	bool b;

	ok(c != NULL, "types.yaml loads (%s)", err);
	if (c == NULL) {
		skip(60, "types.yaml did not load");
		return;
	}
	is_int(code, 0, "code 0 on success");
	is_str(err, "", "no message on success");
	is_str(cfg_path(c), TYPES, "cfg_path is the file name");
	ok(cJSON_IsObject(cfg_root(c)), "root is a mapping");

	ok(cfg_string(c, "Butler-SOS.logLevel", "x", &s) == 0 && streq(s, "info"),
	    "string with a trailing comment");
	ok(cfg_int(c, "Butler-SOS.port", 0, 1, 65535, &ll) == 0 && ll == 9996, "plain int");
	is_int(cfg_line(c, cfg_get(c, "Butler-SOS.port")), line_of(TYPES, "  port: 9996"),
	    "line of Butler-SOS.port");
	is_str(str_at(c, "Butler-SOS.quotedPort"), "9996", "quoted \"9996\" stays a string");
	is_str(str_at(c, "Butler-SOS.singleQuoted"), "it's", "single quotes with '' escape");
	ok(cJSON_IsNull(cfg_get(c, "Butler-SOS.tilde")), "~ is null");
	ok(cJSON_IsNull(cfg_get(c, "Butler-SOS.nullWord")), "Null is null");
	n = cfg_get(c, "Butler-SOS.empty");
	ok(cJSON_IsNull(n), "an empty value is null");
	is_int(cfg_line(c, n), line_of(TYPES, "  empty:"), "an empty value has its key's line");
	ok(cfg_string(c, "Butler-SOS.tilde", "dflt", &s) == 0 && streq(s, "dflt"),
	    "null gives the default");
	is_str(str_at(c, "Butler-SOS.yes"), "yes", "yes is a string in YAML 1.2 (key and value)");
	is_str(str_at(c, "Butler-SOS.on"), "on", "on is a string in YAML 1.2");
	ok(cfg_bool(c, "Butler-SOS.yes", false, &b) == -1, "cfg_bool refuses \"yes\"");
	snprintf(want, sizeof want, "%s:%d: Butler-SOS.yes: expected true or false, got \"yes\"",
	    TYPES, line_of(TYPES, "  yes: yes"));
	is_str(cfg_error(c), want, "bool type error message");

	n = cfg_get(c, "Butler-SOS.bools");
	ok(cJSON_GetArraySize(n) == 6, "flow list of 6 bools");
	{
		int good = 0;

		for (int i = 0; i < 6; i++) {
			m = cJSON_GetArrayItem(n, i);
			good += cJSON_IsBool(m) && (cJSON_IsTrue(m) != 0) == (i < 3);
		}
		is_int(good, 6, "true/True/TRUE/false/False/FALSE");
	}
	ok(cfg_bool(c, "Butler-SOS.bools.0", false, &b) == 0 && b, "bool by list index");
	ok(cfg_bool(c, "Butler-SOS.nothing", true, &b) == 0 && b, "absent bool gives default");

	ok(num_at(c, "Butler-SOS.hex") == 31, "0x1F is 31");
	ok(num_at(c, "Butler-SOS.octal") == 15, "0o17 is 15");
	ok(num_at(c, "Butler-SOS.binary") == 5, "0b101 is 5");
	ok(cfg_int(c, "Butler-SOS.negative", 0, -100, 100, &ll) == 0 && ll == -42, "-42");
	ok(num_at(c, "Butler-SOS.plus") == 7, "+7 is 7");
	ok(num_at(c, "Butler-SOS.underscore") == 1000, "1_000 is 1000");
	ok(num_at(c, "Butler-SOS.leadingZero") == 123, "0123 is decimal 123, as js-yaml");
	ok(cfg_double(c, "Butler-SOS.float", 0, &d) == 0 && d == 3.25, "3.25");
	ok(cfg_int(c, "Butler-SOS.exp", 0, 0, 5000, &ll) == 0 && ll == 1000, "1e3 is the whole number 1000");
	ok(num_at(c, "Butler-SOS.negfloat") == -0.5, "-0.5");
	ok(cfg_double(c, "Butler-SOS.inf", 0, &d) == 0 && isinf(d) && d > 0, ".inf");
	ok(isinf(num_at(c, "Butler-SOS.neginf")) && num_at(c, "Butler-SOS.neginf") < 0, "-.Inf");
	ok(cfg_double(c, "Butler-SOS.nan", 0, &d) == 0 && isnan(d), ".NaN");
	ok(cfg_int(c, "Butler-SOS.exact", 0, 0, LLONG_MAX, &ll) == 0 && ll == 9007199254740991LL,
	    "2^53-1 is exact");
	ok(cfg_double(c, "Butler-SOS.version", 0, &d) == 0 && d == 1.1, "1.10 is a float");
	ok(cfg_int(c, "Butler-SOS.version", 0, 0, 10, &ll) == -1 && strstr(cfg_error(c), "got 1.1") != NULL,
	    "1.1 is not an int (%s)", cfg_error(c));
	is_str(str_at(c, "Butler-SOS.ip"), "10.0.0.1", "an IP address is a string");
	is_str(str_at(c, "Butler-SOS.date"), "2021-11-09", "a date is a string (core schema)");
	is_str(str_at(c, "Butler-SOS.hostport"), "server1:4747", "host:port is a string");
	is_str(str_at(c, "Butler-SOS.url"), "https://sense.example.com/path?a=1#frag", "URL with # and ?");
	is_str(str_at(c, "Butler-SOS.block"), "line one\nline two\n", "literal block scalar");
	is_str(str_at(c, "Butler-SOS.folded"), "folded text\n", "folded block scalar");
	is_str(str_at(c, "Butler-SOS.strtag"), "123", "!!str 123 is a string");
	ok(num_at(c, "Butler-SOS.inttag") == 42, "!!int \"42\" is 42");
	ok(cJSON_IsTrue(cfg_get(c, "Butler-SOS.booltag")), "!!bool \"true\" is true");
	ok(num_at(c, "Butler-SOS.floattag") == 2, "!!float 2 is 2");
	is_str(str_at(c, "Butler-SOS.nonspecific"), "12", "! 12 is a string");
	ok(num_at(c, "Butler-SOS.flowmap.a") == 1, "flow mapping");
	is_str(str_at(c, "Butler-SOS.flowmap.b.1"), "y", "flow list in a flow mapping");
	is_str(str_at(c, "Butler-SOS.list.0"), "one", "block list item 0");
	ok(cfg_int(c, "Butler-SOS.list.1", 0, 0, 9, &ll) == 0 && ll == 2, "block list item 1");
	is_str(str_at(c, "Butler-SOS.list.2.k"), "v", "mapping in a list");
	ok(cfg_get(c, "Butler-SOS.list.3") == NULL, "index past the end is absent");
	is_str(str_at(c, "Butler-SOS.1"), "numeric key", "a digit component names a key in a mapping");
	is_str(str_at(c, "Butler-SOS.16"), "hex key", "key 0x10 is \"16\", as js-yaml");
	ok(cfg_get(c, "Butler-SOS..port") == NULL, "empty component is absent");
	ok(cfg_get(c, "Butler-SOS.port.x") == NULL, "path through a scalar is absent");
	ok(cfg_get(c, "Butler-SOS.list.x") == NULL, "non-index into a list is absent");
	ok(cfg_get(c, "") == NULL, "empty key path is absent");

	/* anchors, aliases, merge keys */
	is_str(str_at(c, "Butler-SOS.anchors.other.host"), "base.example.com", "alias copies a mapping");
	ok(cfg_get(c, "Butler-SOS.anchors.other") != cfg_get(c, "Butler-SOS.anchors.base"),
	    "an alias is a copy, not the same node");
	is_int(cfg_line(c, cfg_get(c, "Butler-SOS.anchors.other.host")),
	    line_of(TYPES, "host: base.example.com"), "a copy keeps the line of what it copies");
	ok(num_at(c, "Butler-SOS.anchors.merged.port") == 4848, "explicit key overrides a merged one");
	is_str(str_at(c, "Butler-SOS.anchors.merged.host"), "base.example.com", "merged key");
	is_str(str_at(c, "Butler-SOS.anchors.merged.tags.1"), "b", "merged nested list");
	is_str(str_at(c, "Butler-SOS.anchors.mergedList.host"), "base.example.com",
	    "in a merge list the first mapping wins");
	ok(num_at(c, "Butler-SOS.anchors.mergedList.extra") == 1, "merge list adds keys of later mappings");
	is_str(str_at(c, "Butler-SOS.anchors.early.host"), "kept", "a key before << is not overridden");
	ok(num_at(c, "Butler-SOS.anchors.early.port") == 4747, "...and the rest is merged");
	is_str(str_at(c, "Butler-SOS.anchors.tagsCopy.0"), "a", "alias of a list");
	is_str(str_at(c, "Butler-SOS.anchors.<<"), "quoted merge key is a plain key", "quoted \"<<\" is a key");
	ok(cfg_get(c, "Butler-SOS.anchors.merged.<<") == NULL, "<< itself is not stored");

	/* getter errors */
	ok(cfg_int(c, "Butler-SOS.quotedPort", 0, 1, 65535, &ll) == -1, "a quoted number is not an int");
	snprintf(want, sizeof want,
	    "%s:%d: Butler-SOS.quotedPort: expected an integer in [1, 65535], got \"9996\"",
	    TYPES, line_of(TYPES, "quotedPort"));
	is_str(cfg_error(c), want, "wrong type: FILE:LINE: KEYPATH: expected ..., got ...");
	ll = 77;
	ok(cfg_int(c, "Butler-SOS.port", 0, 1, 1024, &ll) == -1 && ll == 77, "out of range fails, *out untouched");
	snprintf(want, sizeof want, "%s:%d: Butler-SOS.port: expected an integer in [1, 1024], got 9996",
	    TYPES, line_of(TYPES, "  port: 9996"));
	is_str(cfg_error(c), want, "out of range message");
	ok(cfg_int(c, "Butler-SOS.inf", 0, LLONG_MIN, LLONG_MAX, &ll) == -1, ".inf is not an int");
	ok(cfg_string(c, "Butler-SOS.port", NULL, &s) == -1 &&
	    strstr(cfg_error(c), "Butler-SOS.port: expected a string, got 9996") != NULL,
	    "a number is not a string (%s)", cfg_error(c));
	ok(cfg_string(c, "Butler-SOS.bools", NULL, &s) == -1 && strstr(cfg_error(c), "got a list") != NULL,
	    "a list is not a string");
	ok(cfg_double(c, "Butler-SOS.ip", 0, &d) == -1 && strstr(cfg_error(c), "expected a number") != NULL,
	    "a string is not a double");
	cfg_free(c);
}

static void test_set(void)
{
	char err[512], want[512];
	int code;
	struct cfg *c = cfg_load(TYPES, err, sizeof err, &code);
	long long ll;
	const char *s;
	bool b;

	ok(c != NULL, "types.yaml loads for cfg_set (%s)", err);
	if (c == NULL) {
		skip(17, "types.yaml did not load");
		return;
	}
	ok(cfg_set(c, "Butler-SOS.port", "9997") == 0, "cfg_set an existing key");
	ok(cfg_int(c, "Butler-SOS.port", 0, 1, 65535, &ll) == 0 && ll == 9997, "\"9997\" resolves to an int");
	is_int(cfg_line(c, cfg_get(c, "Butler-SOS.port")), 0, "an override has line 0");
	ok(cfg_set(c, "Butler-SOS.newSection.sub.enable", "true") == 0, "cfg_set creates mappings");
	ok(cfg_bool(c, "Butler-SOS.newSection.sub.enable", false, &b) == 0 && b, "created value is a bool");
	ok(cfg_set(c, "Butler-SOS.empty.x", "a") == 0 && streq(str_at(c, "Butler-SOS.empty.x"), "a"),
	    "a null on the way becomes a mapping");
	ok(cfg_set(c, "Butler-SOS.logLevel.x", "1") == -1, "cannot set below a string");
	ok(strstr(cfg_error(c), "Butler-SOS.logLevel is \"info\"") != NULL &&
	    strstr(cfg_error(c), "not a mapping") != NULL, "...and says why (%s)", cfg_error(c));
	is_str(str_at(c, "Butler-SOS.logLevel"), "info", "...and leaves the value alone");
	ok(cfg_set_string(c, "Butler-SOS.port", "9996") == 0, "cfg_set_string");
	is_str(str_at(c, "Butler-SOS.port"), "9996", "cfg_set_string makes a string");
	ok(cfg_int(c, "Butler-SOS.port", 0, 1, 65535, &ll) == -1, "a string from the command line is not an int");
	snprintf(want, sizeof want, "command line: Butler-SOS.port: expected an integer in [1, 65535], got \"9996\"");
	is_str(cfg_error(c), want, "messages about overrides say \"command line\"");
	ok(cfg_set(c, "Butler-SOS.list.0", "zero") == 0 && streq(str_at(c, "Butler-SOS.list.0"), "zero"),
	    "cfg_set a list element by index");
	ok(cfg_set(c, "Butler-SOS.list.9", "x") == -1, "index out of range fails");
	ok(cfg_set(c, "Butler-SOS..x", "x") == -1 && strstr(cfg_error(c), "empty") != NULL,
	    "empty component fails");
	ok(cfg_set(c, "Butler-SOS.anchors.merged.host", "~") == 0 &&
	    cJSON_IsNull(cfg_get(c, "Butler-SOS.anchors.merged.host")), "\"~\" sets null");
	ok(cfg_string(c, "Butler-SOS.anchors.merged.host", "dflt", &s) == 0 && streq(s, "dflt"),
	    "null from the command line gives the default");
	/* The replaced nodes' lines must not linger on reused addresses. */
	{
		int bad = 0;

		for (int i = 0; i < 200; i++) {
			char key[64];

			snprintf(key, sizeof key, "Butler-SOS.fresh%d", i);
			if (cfg_set(c, key, "1") != 0 || cfg_line(c, cfg_get(c, key)) != 0)
				bad++;
			if (cfg_set(c, "Butler-SOS.port", "5") != 0 || cfg_line(c, cfg_get(c, "Butler-SOS.port")) != 0)
				bad++;
		}
		is_int(bad, 0, "override nodes never inherit a stale line");
	}
	cfg_free(c);

	c = cfg_new();
	ok(c != NULL, "cfg_new");
	if (c == NULL) {
		skip(4, "cfg_new failed");
		return;
	}
	is_str(cfg_path(c), "(none)", "cfg_path of an empty config");
	ok(cfg_get(c, "Butler-SOS") == NULL, "empty config has no keys");
	ok(cfg_set(c, "Butler-SOS.influxdbConfig.port", "8086") == 0 &&
	    cfg_int(c, "Butler-SOS.influxdbConfig.port", 0, 1, 65535, &ll) == 0 && ll == 8086,
	    "cfg_set on an empty config");
	ok(cfg_set(c, "Butler-SOS.influxdbConfig.port", "http") == 0 &&
	    cfg_int(c, "Butler-SOS.influxdbConfig.port", 0, 1, 65535, &ll) == -1 &&
	    strcmp(cfg_error(c), "command line: Butler-SOS.influxdbConfig.port: expected an integer in [1, 65535], got \"http\"") == 0,
	    "bad override reported against the command line");
	cfg_free(c);
}

static void test_secrets(void)
{
	char yaml[2048], path[64], fpath[64], opath[64], crlf[64], empty[64], open_[64];
	char err[512], buf[4096], junk[] = "junk";
	const char *from;
	char *sec;
	int code;
	struct cfg *c;

	if (write_tmp_len("filetoken\n", 10, fpath, 0600) == -1 ||
	    write_tmp_len("overridepw\n", 11, opath, 0600) == -1 ||
	    write_tmp_len("crlfpw\r\n", 8, crlf, 0600) == -1 ||
	    write_tmp_len("\n", 1, empty, 0600) == -1 ||
	    write_tmp_len("openpw", 6, open_, 0644) == -1) {
		skip(24, "cannot write temp files");
		return;
	}
	snprintf(yaml, sizeof yaml,
	    "Butler-SOS:\n"
	    "  influxdbConfig:\n"
	    "    v2Config:\n"
	    "      token: yamltoken\n"
	    "      tokenFile: %s\n"
	    "    v1Config:\n"
	    "      auth:\n"
	    "        password: yamlpass\n"
	    "        pinNumber: 12345\n"
	    "        crlf: x\n"
	    "        crlfFile: %s\n"
	    "        emptyFile: %s\n"
	    "        openFile: %s\n"
	    "        missingFile: /nonexistent/t-config-secret\n"
	    "        badFile: [a]\n",
	    fpath, crlf, empty, open_);
	c = load_text(yaml, path, err, sizeof err, &code);
	ok(c != NULL, "secrets YAML loads (%s)", err);
	if (c == NULL) {
		skip(23, "secrets YAML did not load");
		return;
	}
	unsetenv("T_CONFIG_TOKEN");

	ok(cfg_secret(c, "Butler-SOS.influxdbConfig.v1Config.auth.password", NULL, NULL, &sec, &from) == 0 &&
	    sec != NULL && strcmp(sec, "yamlpass") == 0, "secret from the config key");
	is_str(from, "config key", "...from says config key");
	cfg_secret_free(sec);

	ok(cfg_secret(c, "Butler-SOS.influxdbConfig.v2Config.token", NULL, "T_CONFIG_TOKEN", &sec, &from) == 0 &&
	    sec != NULL && strcmp(sec, "filetoken") == 0, "tokenFile beats token, newline stripped");
	snprintf(buf, sizeof buf, "file %s", fpath);
	is_str(from, buf, "...from names the file");
	cfg_secret_free(sec);

	setenv("T_CONFIG_TOKEN", "envtoken", 1);
	ok(cfg_secret(c, "Butler-SOS.influxdbConfig.v2Config.token", NULL, "T_CONFIG_TOKEN", &sec, &from) == 0 &&
	    sec != NULL && strcmp(sec, "envtoken") == 0, "environment beats the key's file");
	is_str(from, "environment T_CONFIG_TOKEN", "...from names the variable");
	cfg_secret_free(sec);

	ok(cfg_secret(c, "Butler-SOS.influxdbConfig.v2Config.token", opath, "T_CONFIG_TOKEN", &sec, &from) == 0 &&
	    sec != NULL && strcmp(sec, "overridepw") == 0, "--password-file beats everything");
	snprintf(buf, sizeof buf, "file %s", opath);
	is_str(from, buf, "...from names the override file");
	cfg_secret_free(sec);

	setenv("T_CONFIG_TOKEN", "", 1);
	ok(cfg_secret(c, "Butler-SOS.influxdbConfig.v2Config.token", NULL, "T_CONFIG_TOKEN", &sec, &from) == 0 &&
	    sec != NULL && strcmp(sec, "filetoken") == 0, "an empty variable counts as unset");
	cfg_secret_free(sec);
	unsetenv("T_CONFIG_TOKEN");

	ok(cfg_secret(c, "Butler-SOS.influxdbConfig.v1Config.auth.crlf", NULL, NULL, &sec, &from) == 0 &&
	    sec != NULL && strcmp(sec, "crlfpw") == 0, "\\r\\n stripped");
	cfg_secret_free(sec);

	sec = junk;
	ok(cfg_secret(c, "Butler-SOS.influxdbConfig.v1Config.auth.nothing", NULL, "T_CONFIG_TOKEN", &sec, &from) == 0 &&
	    sec == NULL && from == NULL, "absent everywhere: 0 and NULL");

	ok(cfg_secret(c, "Butler-SOS.influxdbConfig.v1Config.auth.empty", NULL, NULL, &sec, &from) == -1 &&
	    sec == NULL, "an empty secret file is refused");
	ok(strstr(cfg_error(c), empty) != NULL && strstr(cfg_error(c), "empty") != NULL,
	    "...naming the file (%s)", cfg_error(c));

	ok(cfg_secret(c, "Butler-SOS.influxdbConfig.v1Config.auth.missing", NULL, NULL, &sec, &from) == -1,
	    "a missing secret file is an error");
	ok(strstr(cfg_error(c), "/nonexistent/t-config-secret: No such file") != NULL &&
	    strstr(cfg_error(c), "auth.missingFile") != NULL && strstr(cfg_error(c), ":14:") != NULL,
	    "...with key, line and strerror (%s)", cfg_error(c));

	ok(cfg_secret(c, "Butler-SOS.x", "/nonexistent/pwfile", NULL, &sec, &from) == -1 &&
	    strcmp(cfg_error(c), "/nonexistent/pwfile: No such file or directory") == 0,
	    "a missing --password-file is an error (%s)", cfg_error(c));

	ok(cfg_secret(c, "Butler-SOS.influxdbConfig.v1Config.auth.bad", NULL, NULL, &sec, &from) == -1 &&
	    strstr(cfg_error(c), "badFile") != NULL, "a list as a file name is an error");

	ok(cfg_secret(c, "Butler-SOS.influxdbConfig.v1Config.auth.pinNumber", NULL, NULL, &sec, &from) == -1 &&
	    sec == NULL, "a number secret is the wrong type");
	ok(strstr(cfg_error(c), "12345") == NULL && strstr(cfg_error(c), "pinNumber") != NULL,
	    "...and the message does not show it (%s)", cfg_error(c));

	/* Permissions: a world-readable file works, with a warning. */
	log_init("t-config");
	if (capture_begin() == 0) {
		int rc = cfg_secret(c, "Butler-SOS.influxdbConfig.v1Config.auth.open", NULL, NULL, &sec, &from);

		capture_end(buf, sizeof buf);
		ok(rc == 0 && sec != NULL && strcmp(sec, "openpw") == 0, "a 0644 secret file is read");
		ok(strstr(buf, "level=warn") != NULL && strstr(buf, "readable by group or others") != NULL &&
		    strstr(buf, "openpw") == NULL, "...with a warning that does not show it");
		cfg_secret_free(sec);
	} else {
		capture_end(buf, sizeof buf);
		skip(2, "cannot capture stderr");
	}
	if (capture_begin() == 0) {
		int rc = cfg_secret(c, "Butler-SOS.x", opath, NULL, &sec, &from);

		capture_end(buf, sizeof buf);
		ok(rc == 0 && buf[0] == '\0', "a 0600 secret file gives no warning");
		cfg_secret_free(sec);
	} else {
		capture_end(buf, sizeof buf);
		skip(1, "cannot capture stderr");
	}
	cfg_secret_free(NULL);
	cfg_free(c);
}

static void test_redaction(void)
{
	static const char yaml[] =
	    "Butler-SOS:\n"
	    "  cert:\n"
	    "    clientCert: /etc/sos/client.pem\n"
	    "    clientCertKey: /etc/sos/client_key.pem\n"
	    "    clientCertPassphrase: s3cret-pass\n"
	    "  influxdbConfig:\n"
	    "    v1Config: {auth: {username: bob, password: hunter2, enable: true}}\n"
	    "    v2Config: {token: tok-abc, tokenFile: /run/secrets/tok}\n"
	    "  thirdPartyToolsCredentials:\n"
	    "    newRelic:\n"
	    "      - accountName: First\n"
	    "        insertApiKey: NRII-KEY-1\n"
	    "        accountId: 4711\n"
	    "  newRelic:\n"
	    "    metric:\n"
	    "      header:\n"
	    "        - name: X-Api-Key\n"
	    "          value: NRAK-HEADER\n"
	    "  serversToMonitor:\n"
	    "    servers:\n"
	    "      - host: sense1:4747\n"
	    "        headers:\n"
	    "          X-Qlik-User: UserDirectory=Internal; UserId=sa_repository\n"
	    "  secretNumber:\n"
	    "    apiKey: 123456\n";
	char path[64], err[512];
	int code;
	struct cfg *c = load_text(yaml, path, err, sizeof err, &code);
	char *out;

	ok(cfg_is_secret_key("password") && cfg_is_secret_key("clientCertPassphrase") &&
	    cfg_is_secret_key("insertApiKey") && cfg_is_secret_key("TOKEN") &&
	    cfg_is_secret_key("api_key") && cfg_is_secret_key("privateKey") &&
	    cfg_is_secret_key("passwd") && cfg_is_secret_key("clientSecret"),
	    "secret key names");
	ok(!cfg_is_secret_key("clientCertKey") && !cfg_is_secret_key("key") &&
	    !cfg_is_secret_key("tokenFile") && !cfg_is_secret_key("passwordFile") &&
	    !cfg_is_secret_key("username") && !cfg_is_secret_key("value") && !cfg_is_secret_key(NULL),
	    "not secret key names");
	ok(c != NULL, "redaction YAML loads (%s)", err);
	if (c == NULL) {
		skip(12, "redaction YAML did not load");
		return;
	}
	out = cfg_print_redacted(c);
	ok(out != NULL, "cfg_print_redacted");
	if (out == NULL) {
		skip(11, "no output");
		cfg_free(c);
		return;
	}
	ok(strstr(out, "hunter2") == NULL && strstr(out, "s3cret-pass") == NULL &&
	    strstr(out, "tok-abc") == NULL, "passwords, passphrase and token redacted");
	ok(strstr(out, "NRII-KEY-1") == NULL, "New Relic insert key redacted");
	ok(strstr(out, "NRAK-HEADER") == NULL, "New Relic header value redacted");
	ok(strstr(out, "X-Api-Key") != NULL, "...but not the header name");
	ok(strstr(out, "sa_repository") == NULL && strstr(out, "X-Qlik-User") != NULL,
	    "Sense server header values redacted, names kept");
	ok(strstr(out, "123456") == NULL, "a number under a secret key redacted");
	ok(strstr(out, "/etc/sos/client_key.pem") != NULL && strstr(out, "/etc/sos/client.pem") != NULL,
	    "cert paths kept");
	ok(strstr(out, "/run/secrets/tok") != NULL && strstr(out, "bob") != NULL &&
	    strstr(out, "4711") != NULL && strstr(out, "sense1:4747") != NULL, "other values kept");
	{
		cJSON *j = cJSON_Parse(out);
		const cJSON *pw = cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(j, "Butler-SOS"), "influxdbConfig"), "v1Config"), "auth"),
		    "password");
		const cJSON *en = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(
		    cJSON_GetObjectItemCaseSensitive(j, "Butler-SOS"), "influxdbConfig"), "v1Config"), "auth"),
		    "enable");

		ok(j != NULL && cJSON_IsString(pw) && strcmp(pw->valuestring, "<redacted>") == 0,
		    "output is JSON with \"<redacted>\" in place");
		ok(cJSON_IsTrue(en), "structure and other types kept");
		cJSON_Delete(j);
	}
	ok(streq(str_at(c, "Butler-SOS.influxdbConfig.v1Config.auth.password"), "hunter2"),
	    "the config itself is untouched");
	free(out);
	cfg_free(c);
}

static void test_shared(void)
{
	const char *shared = getenv("SENSEOPS_SHARED");
	char tpl[PATH_MAX], used[PATH_MAX], err[512];
	struct cfg *c;
	const char *s;
	long long ll;
	bool b;
	int code;

	if (shared == NULL || *shared == '\0')
		shared = "../shared";
	snprintf(tpl, sizeof tpl, "%s/reference/butler-sos-production-template.yaml", shared);
	snprintf(used, sizeof used, "%s/fixtures/expected/butler-sos-config-used.yaml", shared);

	if (access(tpl, R_OK) != 0) {
		skip(10, "Butler SOS template not found (set SENSEOPS_SHARED)");
	} else if ((c = cfg_load(tpl, err, sizeof err, &code)) == NULL) {
		ok(0, "Butler SOS production template loads unchanged (%s)", err);
		skip(9, "template did not load");
	} else {
		ok(1, "Butler SOS production template loads unchanged");
		ok(cfg_int(c, "Butler-SOS.logEvents.udpServerConfig.portLogEvents", 0, 1, 65535, &ll) == 0 &&
		    ll == 9996, "template: portLogEvents 9996");
		is_int(cfg_line(c, cfg_get(c, "Butler-SOS.logEvents.udpServerConfig.portLogEvents")),
		    line_of(tpl, "portLogEvents: 9996"), "template: its line");
		is_str(str_at(c, "Butler-SOS.serversToMonitor.servers.0.host"), "<server1.my.domain>:4747",
		    "template: servers.0.host");
		is_str(str_at(c, "Butler-SOS.serversToMonitor.servers.1.userSessions.virtualProxies.0.virtualProxy"),
		    "/finance", "template: nested list in a list");
		ok(cfg_bool(c, "Butler-SOS.fileLogging", false, &b) == 0 && b, "template: fileLogging true");
		ok(cfg_bool(c, "Butler-SOS.configVisualisation.enable", true, &b) == 0 && !b,
		    "template: configVisualisation.enable false");
		ok(cfg_string(c, "Butler-SOS.logLevel", NULL, &s) == 0 && streq(s, "info"),
		    "template: logLevel info");
		ok(cfg_int(c, "Butler-SOS.influxdbConfig.version", 0, 1, 3, &ll) == 0 && ll == 3,
		    "template: influxdbConfig.version 3");
		ok(cJSON_IsNull(cfg_get(c, "Butler-SOS.thirdPartyToolsCredentials.newRelic")) &&
		    cJSON_IsNull(cfg_get(c, "Butler-SOS.newRelic.event.header")),
		    "template: keys with only comments below are null");
		cfg_free(c);
	}

	if (access(used, R_OK) != 0) {
		skip(9, "butler-sos-config-used.yaml not found (set SENSEOPS_SHARED)");
		return;
	}
	c = cfg_load(used, err, sizeof err, &code);
	ok(c != NULL, "config-used loads (%s)", err);
	if (c == NULL) {
		skip(8, "config-used did not load");
		return;
	}
	ok(cfg_int(c, "Butler-SOS.logEvents.udpServerConfig.portLogEvents", 0, 1, 65535, &ll) == 0 &&
	    ll == 9996, "config-used: portLogEvents 9996");
	is_str(str_at(c, "Butler-SOS.serversToMonitor.servers.0.host"), "qliksense1.corp.example.com:4747",
	    "config-used: servers.0.host");
	ok(cfg_bool(c, "Butler-SOS.serversToMonitor.rejectUnauthorized", true, &b) == 0 && !b,
	    "config-used: rejectUnauthorized false");
	is_str(str_at(c, "Butler-SOS.thirdPartyToolsCredentials.newRelic.0.accountId"), "1234567",
	    "config-used: quoted accountId stays a string");
	ok(cJSON_IsNull(cfg_get(c, "Butler-SOS.cert.clientCertPassphrase")), "config-used: passphrase null");
	is_str(str_at(c, "Butler-SOS.logEvents.categorise.rules.3.filter.3.value"),
	    "Reload sequence was not successful (Result=False, Finished=True, Aborted=False) for engine connection with handle",
	    "config-used: multi-line plain scalar folds");
	ok(cJSON_GetArraySize(cfg_get(c, "Butler-SOS.logEvents.udpServerConfig.allowedSources")) == 0 &&
	    cJSON_IsArray(cfg_get(c, "Butler-SOS.logEvents.udpServerConfig.allowedSources")),
	    "config-used: [] is an empty list");
	{
		char *out = cfg_print_redacted(c);

		ok(out != NULL && strstr(out, "NRII-EXAMPLEKEY") == NULL && strstr(out, "\"tok\"") == NULL &&
		    strstr(out, "\"password\":\t\"<redacted>\"") != NULL &&
		    strstr(out, "config/certificate/client_key.pem") != NULL,
		    "config-used: redacted dump hides keys and tokens, keeps cert paths");
		free(out);
	}
	cfg_free(c);
}

/* Loads yaml and checks it fails with code 78 and a message starting "PATH:line: " containing what. */
static void bad(const char *name, const char *yaml, int line, const char *what)
{
	char path[64], err[512], prefix[96];
	int code = 0;
	struct cfg *c = load_text(yaml, path, err, sizeof err, &code);

	ok(c == NULL && code == 78, "%s: refused with 78 (code %d)", name, code);
	snprintf(prefix, sizeof prefix, "%s:%d: ", path, line);
	ok(starts_with(err, prefix) && strstr(err, what) != NULL && strchr(err, '\n') == NULL,
	    "%s: \"%s\"", name, err);
	cfg_free(c);
}

static void test_bad(void)
{
	char path[64], err[512], yaml[4096];
	int code = 0;
	struct cfg *c;
	size_t n;

	c = cfg_load("/nonexistent/sos.yaml", err, sizeof err, &code);
	ok(c == NULL && code == 66, "missing file: NULL, code 66");
	is_str(err, "/nonexistent/sos.yaml: No such file or directory", "missing file: FILE: strerror");
	c = cfg_load("/tmp", err, sizeof err, &code);
	ok(c == NULL && code == 66 && strstr(err, "Is a directory") != NULL, "a directory: 66 (%s)", err);
	c = cfg_load("/nonexistent/sos.yaml", NULL, 0, NULL);
	ok(c == NULL, "NULL err and code are fine");

	bad("syntax error", "a: 1\nb: 2\n  c: 3\nd: 4\n", 3, "mapping values are not allowed");
	bad("unclosed flow list", "a: 1\nb: [1, 2\nc: 3\n", 3, "did not find expected");
	bad("tab indentation", "a:\n\tb: 1\n", 2, "cannot start any token");
	bad("duplicate key", "a: 1\nb:\n  x: 1\n  y: 2\n  x: 3\n", 5, "duplicate key \"x\"");
	bad("duplicate key, other spelling", "a: 1\n0x1: x\n1: y\n", 3, "duplicate key \"1\"");
	bad("two explicit keys after a merge", "b: &b {x: 1}\nm:\n  <<: *b\n  x: 2\n  x: 3\n", 5,
	    "duplicate key");
	bad("list at the top", "- a\n- b\n", 1, "top level must be a mapping");
	bad("scalar at the top", "# c\nhello\n", 2, "top level must be a mapping");
	bad("second document", "a: 1\n---\nb: 2\n", 2, "second YAML document");
	bad("unknown tag", "a: 1\nb: !!binary aGk=\n", 2, "unsupported tag !!binary");
	bad("local tag", "a: !secret x\n", 1, "unsupported tag !secret");
	bad("!!int that is not", "a: 1\nb: !!int abc\n", 2, "cannot resolve \"abc\" as !!int");
	bad("!!bool that is not", "b: !!bool yes\n", 1, "as !!bool");
	bad("unknown alias", "a: 1\nb: *nope\n", 2, "unknown anchor \"nope\"");
	bad("recursive alias", "a: &a\n  b: *a\n", 2, "unknown anchor");
	bad("list as a key", "a: 1\n? [x, y]\n: 1\n", 2, "key must be a scalar");
	bad("merge of a scalar", "a:\n  <<: 1\n", 2, "cannot merge");
	bad("merge of a list of scalars", "a:\n  <<: [1, 2]\n", 2, "cannot merge");
	bad("NUL in a string", "a: 1\nb: \"x\\0y\"\n", 2, "NUL");
	bad("invalid UTF-8", "a: 1\nb: \xff\xfe\n", 2, "UTF-8");

	/* billion laughs: 10^9 nodes if expanded */
	n = (size_t)snprintf(yaml, sizeof yaml, "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
	for (char x = 'b'; x <= 'j' && n < sizeof yaml; x++)
		n += (size_t)snprintf(yaml + n, sizeof yaml - n,
		    "%c: &%c [*%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c, *%c]\n",
		    x, x, x - 1, x - 1, x - 1, x - 1, x - 1, x - 1, x - 1, x - 1, x - 1, x - 1);
	ok(n < sizeof yaml, "alias bomb fits the buffer");
	bad("alias bomb", yaml, 5, "more than 100000 nodes");
	/* the same through merge keys */
	n = (size_t)snprintf(yaml, sizeof yaml, "a: &a {a0: 0, a1: 1, a2: 2, a3: 3, a4: 4, a5: 5, a6: 6, a7: 7}\n");
	for (char x = 'b'; x <= 'j' && n < sizeof yaml; x++)
		n += (size_t)snprintf(yaml + n, sizeof yaml - n,
		    "%c: &%c {k0: *%c, k1: *%c, k2: *%c, k3: *%c, k4: *%c, k5: *%c, k6: *%c, k7: *%c, <<: *%c}\n",
		    x, x, x - 1, x - 1, x - 1, x - 1, x - 1, x - 1, x - 1, x - 1, x - 1);
	bad("alias bomb with merges", yaml, 6, "more than 100000 nodes");

	/* nesting */
	n = (size_t)snprintf(yaml, sizeof yaml, "a: 1\nb: ");
	for (int i = 0; i < 70; i++)
		yaml[n++] = '[';
	for (int i = 0; i < 70; i++)
		yaml[n++] = ']';
	yaml[n++] = '\n';
	yaml[n] = '\0';
	bad("70 nested lists", yaml, 2, "nested deeper than 64");
	n = (size_t)snprintf(yaml, sizeof yaml, "a: &deep ");
	for (int i = 0; i < 60; i++)
		yaml[n++] = '[';
	for (int i = 0; i < 60; i++)
		yaml[n++] = ']';
	snprintf(yaml + n, sizeof yaml - n, "\nb:\n  c:\n    d:\n      e: [[[[[[*deep]]]]]]\n");
	bad("alias landing too deep", yaml, 5, "nested deeper than 64");
	/* CFG_MAX_DEPTH mappings, the top one included, load; one more does not */
	for (int levels = 64; levels <= 65; levels++) {
		n = 0;
		for (int i = 0; i < levels - 1 && n + 200 < sizeof yaml; i++)
			n += (size_t)snprintf(yaml + n, sizeof yaml - n, "%*sk:\n", i, "");
		snprintf(yaml + n, sizeof yaml - n, "%*sleaf: 1\n", levels - 1, "");
		if (levels == 64) {
			c = load_text(yaml, path, err, sizeof err, &code);
			ok(c != NULL, "64 nested mappings load (%s)", c ? "" : err);
			cfg_free(c);
		} else
			bad("65 nested mappings", yaml, 65, "nested deeper than 64");
	}

	/* over 4 MiB */
	{
		size_t big = (size_t)CFG_MAX_FILE + 10;
		char *s = malloc(big);

		if (s != NULL) {
			memset(s, '#', big);
			s[big - 1] = '\n';
			if (write_tmp_len(s, big, path, 0600) == 0) {
				c = cfg_load(path, err, sizeof err, &code);
				ok(c == NULL && code == 78 && strstr(err, "larger than 4 MiB") != NULL,
				    "a file over 4 MiB is refused (%s)", err);
			} else
				skip(1, "cannot write a big temp file");
			free(s);
		} else
			skip(1, "out of memory");
	}

	/* empty things load as an empty mapping */
	c = load_text("", path, err, sizeof err, &code);
	ok(c != NULL && cJSON_GetArraySize(cfg_root(c)) == 0 && cfg_get(c, "Butler-SOS") == NULL,
	    "an empty file is an empty mapping");
	cfg_free(c);
	c = load_text("# only\n# comments\n", path, err, sizeof err, &code);
	ok(c != NULL && cJSON_IsObject(cfg_root(c)) && cJSON_GetArraySize(cfg_root(c)) == 0,
	    "a file of comments is an empty mapping");
	cfg_free(c);
	c = load_text("---\n...\n", path, err, sizeof err, &code);
	ok(c != NULL && cJSON_IsObject(cfg_root(c)) && cJSON_GetArraySize(cfg_root(c)) == 0,
	    "an empty document is an empty mapping");
	cfg_free(c);
	c = load_text("%YAML 1.2\n---\na: 1\n...\n", path, err, sizeof err, &code);
	ok(c != NULL && num_at(c, "a") == 1, "%%YAML directive and document end marker");
	cfg_free(c);
	c = load_text("k: &k key\nm:\n  *k : v\n  &k2 other: w\nn: *k2\n", path, err, sizeof err, &code);
	ok(c != NULL && streq(str_at(c, "m.key"), "v") && streq(str_at(c, "n"), "other"),
	    "aliases as keys and anchored keys (%s)", c ? "" : err);
	cfg_free(c);
}

int main(void)
{
	test_types();
	test_set();
	test_secrets();
	test_redaction();
	test_shared();
	test_bad();
	for (int i = 0; i < ntmp; i++)
		unlink(tmpfiles[i]);
	return done_testing();
}
