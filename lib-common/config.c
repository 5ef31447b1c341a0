/* config: the configuration object, key-path look-ups, typed getters and command-line overrides. */
#include "config.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config-int.h"

/* Line stored for nodes made by cfg_set; cfg_line reports it as 0. */
#define LINE_CMDLINE	(-1)
/* 2^53: every integer up to here is exact in a double. */
#define MAX_EXACT	9007199254740992.0

/* --- small helpers ------------------------------------------------------ */

/* Keeps messages on one line whatever a path or a key contains. */
void cfg_oneline(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

int cfg_set_err(struct cfg *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	cfg_oneline(c->err);
	return -1;
}

/* The shortest text that reads back as d, spelled as JavaScript spells it. */
void cfg_num_text(double d, char *buf, size_t sz)
{
	if (isnan(d))
		snprintf(buf, sz, "NaN");
	else if (isinf(d))
		snprintf(buf, sz, "%s", d > 0 ? "Infinity" : "-Infinity");
	else if (d == 0)
		snprintf(buf, sz, "0");
	else if (d == trunc(d) && fabs(d) < 1e21)
		snprintf(buf, sz, "%.0f", d);
	else {
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(buf, sz, "%.*g", prec, d);
			if (strtod(buf, NULL) == d)
				break;
		}
	}
}

/* --- the object --------------------------------------------------------- */

struct cfg *cfg_alloc(const char *path)
{
	struct cfg *c = calloc(1, sizeof *c);

	if (c == NULL)
		return NULL;
	if (path != NULL && (c->path = strdup(path)) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

struct cfg *cfg_new(void)
{
	struct cfg *c = cfg_alloc(NULL);

	if (c == NULL)
		return NULL;
	if ((c->root = cJSON_CreateObject()) == NULL) {
		free(c);
		return NULL;
	}
	return c;
}

void cfg_free(struct cfg *c)
{
	if (c == NULL)
		return;
	free(c->path);
	cJSON_Delete(c->root);
	free(c->lines.e);
	free(c);
}

const char *cfg_path(const struct cfg *c)
{
	return c->path != NULL ? c->path : "(none)";
}

const cJSON *cfg_root(const struct cfg *c)
{
	return c->root;
}

const char *cfg_error(const struct cfg *c)
{
	return c->err;
}

int cfg_line(const struct cfg *c, const cJSON *node)
{
	int line;

	if (node == NULL)
		return 0;
	line = lt_get(&c->lines, node);
	return line > 0 ? line : 0;
}

/* --- look-ups ----------------------------------------------------------- */

static bool all_digits(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!cfg_is_digit(s[i]))
			return false;
	return true;
}

/* The child named by the path component s[0..n): a key, or a list index. */
static cJSON *child_of(cJSON *node, const char *s, size_t n)
{
	cJSON *ch;

	if (cJSON_IsObject(node)) {
		for (ch = node->child; ch != NULL; ch = ch->next)
			if (ch->string != NULL && strncmp(ch->string, s, n) == 0 && ch->string[n] == '\0')
				return ch;
		return NULL;
	}
	if (cJSON_IsArray(node) && all_digits(s, n) && n <= 9) {
		long idx = strtol(s, NULL, 10);

		for (ch = node->child; ch != NULL && idx > 0; ch = ch->next)
			idx--;
		return ch;
	}
	return NULL;
}

const cJSON *cfg_get(const struct cfg *c, const char *keypath)
{
	cJSON *node = c->root;
	const char *p = keypath;

	if (keypath == NULL)
		return NULL;
	for (;;) {
		size_t n = strcspn(p, ".");

		if (n == 0 || (node = child_of(node, p, n)) == NULL)
			return NULL;
		if (p[n] == '\0')
			return node;
		p += n + 1;
	}
}

/* Where a node came from: "FILE:LINE", "command line", or "FILE". */
void cfg_where(const struct cfg *c, const cJSON *node, char *buf, size_t sz)
{
	int line = lt_get(&c->lines, node);

	if (line == LINE_CMDLINE)
		snprintf(buf, sz, "command line");
	else if (line > 0)
		snprintf(buf, sz, "%s:%d", cfg_path(c), line);
	else
		snprintf(buf, sz, "%s", cfg_path(c));
}

/* The value for a message; secrets are described, never shown. */
static void describe(const cJSON *n, bool secret, char *buf, size_t sz)
{
	if (cJSON_IsString(n)) {
		if (secret)
			snprintf(buf, sz, "a string");
		else {
			size_t len = strlen(n->valuestring);

			snprintf(buf, sz, "\"%.60s%s\"", n->valuestring, len > 60 ? "..." : "");
		}
	} else if (cJSON_IsNumber(n)) {
		if (secret)
			snprintf(buf, sz, "a number");
		else
			cfg_num_text(n->valuedouble, buf, sz);
	} else if (cJSON_IsBool(n))
		snprintf(buf, sz, "%s", cJSON_IsTrue(n) ? "true" : "false");
	else if (cJSON_IsObject(n))
		snprintf(buf, sz, "a mapping");
	else if (cJSON_IsArray(n))
		snprintf(buf, sz, "a list");
	else
		snprintf(buf, sz, "null");
}

int cfg_type_error(struct cfg *c, const char *keypath, const cJSON *n, const char *want)
{
	char w[PATH_MAX + 32], got[96];

	cfg_where(c, n, w, sizeof w);
	describe(n, cfg_path_is_secret(keypath), got, sizeof got);
	return cfg_set_err(c, "%s: %s: expected %s, got %s", w, keypath, want, got);
}

int cfg_bool(struct cfg *c, const char *keypath, bool def, bool *out)
{
	const cJSON *n = cfg_get(c, keypath);

	if (n == NULL || cJSON_IsNull(n)) {
		*out = def;
		return 0;
	}
	if (!cJSON_IsBool(n))
		return cfg_type_error(c, keypath, n, "true or false");
	*out = cJSON_IsTrue(n);
	return 0;
}

int cfg_int(struct cfg *c, const char *keypath, long long def, long long min,
    long long max, long long *out)
{
	const cJSON *n = cfg_get(c, keypath);
	char want[96];
	double d;

	if (n == NULL || cJSON_IsNull(n)) {
		*out = def;
		return 0;
	}
	if (cJSON_IsNumber(n)) {
		d = n->valuedouble;
		/* Past 2^53 a double no longer holds every integer. */
		if (isfinite(d) && d == trunc(d) && fabs(d) <= MAX_EXACT &&
		    (long long)d >= min && (long long)d <= max) {
			*out = (long long)d;
			return 0;
		}
	}
	snprintf(want, sizeof want, "an integer in [%lld, %lld]", min, max);
	return cfg_type_error(c, keypath, n, want);
}

int cfg_double(struct cfg *c, const char *keypath, double def, double *out)
{
	const cJSON *n = cfg_get(c, keypath);

	if (n == NULL || cJSON_IsNull(n)) {
		*out = def;
		return 0;
	}
	if (!cJSON_IsNumber(n))
		return cfg_type_error(c, keypath, n, "a number");
	*out = n->valuedouble;
	return 0;
}

int cfg_string(struct cfg *c, const char *keypath, const char *def, const char **out)
{
	const cJSON *n = cfg_get(c, keypath);

	if (n == NULL || cJSON_IsNull(n)) {
		*out = def;
		return 0;
	}
	if (!cJSON_IsString(n))
		return cfg_type_error(c, keypath, n, "a string");
	*out = n->valuestring;
	return 0;
}

int cfg_strings(struct cfg *c, const char *keypath, const char **out, size_t max, size_t *n)
{
	const cJSON *list = cfg_get(c, keypath), *it;

	*n = 0;
	if (list == NULL || cJSON_IsNull(list))
		return 0;
	if (!cJSON_IsArray(list))
		return cfg_node_err(c, list, keypath, "expected a list");
	cJSON_ArrayForEach(it, list) {
		if (!cJSON_IsString(it) || !*it->valuestring)
			return cfg_node_err(c, it, keypath, "expected non-empty strings");
		if (*n == max)
			return cfg_node_err(c, it, keypath, "at most %zu entries", max);
		out[(*n)++] = it->valuestring;
	}
	return 0;
}

/* --- overrides from the command line ----------------------------------- */

/* Puts val (taken) at keypath, making mappings on the way. */
static int set_node(struct cfg *c, const char *keypath, cJSON *val)
{
	cJSON *cur = c->root, *ch;
	const char *p = keypath;
	char w[PATH_MAX + 32], got[96];
	int comps = 1;

	if (val == NULL)
		return cfg_set_err(c, "command line: %s: out of memory", keypath);
	for (const char *q = keypath; *q; q++)
		comps += *q == '.';
	if (comps > CFG_MAX_DEPTH) {
		cJSON_Delete(val);
		return cfg_set_err(c, "command line: %.200s: more than %d components", keypath,
		    CFG_MAX_DEPTH);
	}
	for (;;) {
		size_t n = strcspn(p, ".");
		bool last = p[n] == '\0';

		if (n == 0) {
			cJSON_Delete(val);
			return cfg_set_err(c, "command line: \"%s\": empty key path component", keypath);
		}
		ch = child_of(cur, p, n);
		if (ch == NULL && !cJSON_IsObject(cur)) {
			cJSON_Delete(val);
			return cfg_set_err(c, "command line: %s: %.*s: no such list element", keypath,
			    (int)(p + n - keypath), keypath);
		}
		if (last) {
			if (lt_set(&c->lines, val, LINE_CMDLINE) == -1) {
				cJSON_Delete(val);
				return cfg_set_err(c, "command line: %s: out of memory", keypath);
			}
			if (ch != NULL) {
				cfg_replace_item(&c->lines, cur, ch, val);
				return 0;
			}
			break;
		}
		if (ch != NULL && (cJSON_IsObject(ch) || cJSON_IsArray(ch))) {
			cur = ch;
			p += n + 1;
			continue;
		}
		if (ch != NULL && !cJSON_IsNull(ch)) {
			cfg_where(c, ch, w, sizeof w);
			describe(ch, cfg_path_is_secret(keypath), got, sizeof got);
			cJSON_Delete(val);
			return cfg_set_err(c, "command line: %s: %.*s is %s (%s), not a mapping", keypath,
			    (int)(p + n - keypath), keypath, got, w);
		}
		/* Absent, or null (an empty mapping in Butler SOS's template): make one. */
		{
			cJSON *obj = cJSON_CreateObject();

			if (obj == NULL || lt_set(&c->lines, obj, LINE_CMDLINE) == -1)
				goto oom_obj;
			if (ch != NULL)
				cfg_replace_item(&c->lines, cur, ch, obj);
			else {
				char *key = strndup(p, n);

				if (key == NULL || !cJSON_AddItemToObject(cur, key, obj)) {
					free(key);
					lt_del(&c->lines, obj);
					goto oom_obj;
				}
				free(key);
			}
			cur = obj;
			p += n + 1;
			continue;
oom_obj:
			cJSON_Delete(obj);
			cJSON_Delete(val);
			return cfg_set_err(c, "command line: %s: out of memory", keypath);
		}
	}
	/* A new key in the mapping cur. */
	{
		char *key = strdup(p);

		if (key == NULL || !cJSON_AddItemToObject(cur, key, val)) {
			free(key);
			lt_del(&c->lines, val);
			cJSON_Delete(val);
			return cfg_set_err(c, "command line: %s: out of memory", keypath);
		}
		free(key);
	}
	return 0;
}

int cfg_set(struct cfg *c, const char *keypath, const char *value)
{
	cJSON *val;

	if (cfg_make_scalar(value, strlen(value), true, TK_NONE, &val) != 0)
		return cfg_set_err(c, "command line: %s: out of memory", keypath);
	return set_node(c, keypath, val);
}

int cfg_set_string(struct cfg *c, const char *keypath, const char *value)
{
	return set_node(c, keypath, cJSON_CreateString(value));
}

int cfg_node_err(struct cfg *c, const cJSON *node, const char *keypath, const char *fmt, ...)
{
	char w[PATH_MAX + 32], msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cfg_where(c, node, w, sizeof w);
	return cfg_set_err(c, "%s: %s: %s", w, keypath, msg);
}
