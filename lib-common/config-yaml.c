/* config-yaml: loads Butler SOS YAML into cJSON with libyaml, js-yaml's scalar rules and source lines. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <yaml.h>

#include "config-int.h"
#include "fileio.h"

#define YAML_TAG	"tag:yaml.org,2002:"

/* --- scalar resolution (js-yaml 4, core schema) ------------------------- */

bool cfg_is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int digit_val(char ch)
{
	if (cfg_is_digit(ch))
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

static bool res_null(const char *s, size_t n)
{
	return n == 0 || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	    strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

/* 1 true, 0 false, -1 not a bool. */
static int res_bool(const char *s)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "True") == 0 || strcmp(s, "TRUE") == 0)
		return 1;
	if (strcmp(s, "false") == 0 || strcmp(s, "False") == 0 || strcmp(s, "FALSE") == 0)
		return 0;
	return -1;
}

/* strtod on s without the '_' js-yaml allows; -1 when out of memory. */
static int num_parse(const char *s, size_t n, double *v)
{
	char small[128], *b = small;
	size_t k = 0;

	if (n >= sizeof small && (b = malloc(n + 1)) == NULL)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (s[i] != '_')
			b[k++] = s[i];
	b[k] = '\0';
	*v = strtod(b, NULL);
	if (b != small)
		free(b);
	return 0;
}

/*
 * js-yaml's resolveYamlInteger: optional sign, then 0b/0x/0o with digits,
 * or decimal digits; '_' may separate digits but neither starts nor ends.
 * 1 int, 0 not an int, -1 out of memory.
 */
static int res_int(const char *s, size_t n, double *out)
{
	size_t i = 0;
	double sign = 1, v = 0;
	bool digits = false;
	char last = 0;

	if (n == 0)
		return 0;
	if (s[0] == '-' || s[0] == '+') {
		sign = s[0] == '-' ? -1 : 1;
		i++;
	}
	if (i < n && s[i] == '0') {
		int base = 0;

		if (i + 1 == n) {
			*out = 0;
			return 1;
		}
		i++;
		if (s[i] == 'b')
			base = 2;
		else if (s[i] == 'x')
			base = 16;
		else if (s[i] == 'o')
			base = 8;
		if (base != 0) {
			for (last = s[i++]; i < n; i++) {
				int d;

				last = s[i];
				if (last == '_')
					continue;
				d = digit_val(last);
				if (d < 0 || d >= base)
					return 0;
				v = v * base + d;
				digits = true;
			}
			if (!digits || last == '_')
				return 0;
			*out = v == 0 ? 0 : sign * v;
			return 1;
		}
		/* "0123" is decimal 123, as parseInt reads it. */
	}
	if (i < n && s[i] == '_')
		return 0;
	for (; i < n; i++) {
		last = s[i];
		if (last == '_')
			continue;
		if (!cfg_is_digit(last))
			return 0;
		digits = true;
	}
	if (!digits || last == '_')
		return 0;
	if (num_parse(s, n, &v) == -1)
		return -1;
	*out = v == 0 ? 0 : v;
	return 1;
}

static bool exp_tail(const char *s, size_t n, size_t i)
{
	if (i == n)
		return true;
	if (s[i] != 'e' && s[i] != 'E')
		return false;
	i++;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	if (i >= n || !cfg_is_digit(s[i]))
		return false;
	while (i < n && cfg_is_digit(s[i]))
		i++;
	return i == n;
}

/* js-yaml's YAML_FLOAT_PATTERN, plus its rule that no float ends in '_'. */
static bool is_float(const char *s, size_t n)
{
	size_t i = 0;

	if (n == 0 || s[n - 1] == '_')
		return false;
	if (strcmp(s, ".nan") == 0 || strcmp(s, ".NaN") == 0 || strcmp(s, ".NAN") == 0)
		return true;
	if (s[0] == '+' || s[0] == '-')
		i = 1;
	if (strcmp(s + i, ".inf") == 0 || strcmp(s + i, ".Inf") == 0 || strcmp(s + i, ".INF") == 0)
		return true;
	if (s[0] == '.') {
		for (i = 1; i < n && (cfg_is_digit(s[i]) || s[i] == '_'); i++)
			;
		return i > 1 && exp_tail(s, n, i);
	}
	if (i >= n || !cfg_is_digit(s[i]))
		return false;
	while (i < n && (cfg_is_digit(s[i]) || s[i] == '_'))
		i++;
	if (i < n && s[i] == '.')
		for (i++; i < n && (cfg_is_digit(s[i]) || s[i] == '_'); i++)
			;
	return exp_tail(s, n, i);
}

/* 1 float, 0 not, -1 out of memory. */
static int res_float(const char *s, size_t n, double *out)
{
	if (!is_float(s, n))
		return 0;
	if (strchr(s, 'n') != NULL || strchr(s, 'N') != NULL) {
		if (s[1] == 'n' || s[1] == 'N')
			*out = NAN;
		else
			*out = s[0] == '-' ? -INFINITY : INFINITY;
		return 1;
	}
	return num_parse(s, n, out) == -1 ? -1 : 1;
}

static enum tagkind tag_kind(const yaml_char_t *utag)
{
	static const struct {
		const char *name;
		enum tagkind kind;
	} tags[] = {
		{ "str", TK_STR }, { "int", TK_INT }, { "float", TK_FLOAT },
		{ "bool", TK_BOOL }, { "null", TK_NULL }, { "map", TK_MAP },
		{ "seq", TK_SEQ }, { "merge", TK_MERGE },
	};
	const char *tag = (const char *)utag;

	if (tag == NULL)
		return TK_NONE;
	if (strcmp(tag, "!") == 0)
		return TK_NONSPECIFIC;
	if (strncmp(tag, YAML_TAG, strlen(YAML_TAG)) != 0)
		return TK_OTHER;
	tag += strlen(YAML_TAG);
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++)
		if (strcmp(tag, tags[i].name) == 0)
			return tags[i].kind;
	return TK_OTHER;
}

/* "!!int" for the standard tags, the tag itself otherwise. */
static void tag_text(const yaml_char_t *utag, char *buf, size_t sz)
{
	const char *tag = (const char *)utag;

	if (strncmp(tag, YAML_TAG, strlen(YAML_TAG)) == 0)
		snprintf(buf, sz, "!!%s", tag + strlen(YAML_TAG));
	else
		snprintf(buf, sz, "%s", tag);
}

/*
 * Makes the node for scalar text s: a plain untagged scalar is resolved,
 * quoted and block ones are strings, a tag forces its type. 0, -1 out of
 * memory, -2 when s is not of the tagged type.
 */
int cfg_make_scalar(const char *s, size_t n, bool plain, enum tagkind tk, cJSON **out)
{
	double d;
	int r;

	*out = NULL;
	if (tk == TK_NONE && !plain)
		tk = TK_STR;
	switch (tk) {
	case TK_STR:
	case TK_NONSPECIFIC:
		*out = cJSON_CreateString(s);
		break;
	case TK_NULL:
		if (!res_null(s, n))
			return -2;
		*out = cJSON_CreateNull();
		break;
	case TK_BOOL:
		if ((r = res_bool(s)) == -1)
			return -2;
		*out = cJSON_CreateBool(r);
		break;
	case TK_INT:
		if ((r = res_int(s, n, &d)) <= 0)
			return r == 0 ? -2 : -1;
		*out = cJSON_CreateNumber(d);
		break;
	case TK_FLOAT:
		if ((r = res_float(s, n, &d)) <= 0)
			return r == 0 ? -2 : -1;
		*out = cJSON_CreateNumber(d);
		break;
	case TK_NONE:
		if (res_null(s, n))
			*out = cJSON_CreateNull();
		else if ((r = res_bool(s)) != -1)
			*out = cJSON_CreateBool(r);
		else if ((r = res_int(s, n, &d)) != 0 || (r = res_float(s, n, &d)) != 0) {
			if (r == -1)
				return -1;
			*out = cJSON_CreateNumber(d);
		} else
			*out = cJSON_CreateString(s);
		break;
	default:
		return -2;
	}
	return *out == NULL ? -1 : 0;
}

/* A mapping key as js-yaml makes it: String(value). NULL when out of memory. */
static char *key_text(const cJSON *n)
{
	char buf[64];

	if (cJSON_IsString(n))
		return strdup(n->valuestring);
	if (cJSON_IsNumber(n))
		cfg_num_text(n->valuedouble, buf, sizeof buf);
	else if (cJSON_IsBool(n))
		snprintf(buf, sizeof buf, "%s", cJSON_IsTrue(n) ? "true" : "false");
	else
		snprintf(buf, sizeof buf, "null");
	return strdup(buf);
}

/* --- string-keyed hash sets: anchors, and the keys of one mapping ------- */

struct sslot {
	char *key;	/* owned for anchors, borrowed from the cJSON item for keys */
	cJSON *node;
	bool merged;	/* key came from "<<": one explicit key may override it */
};
struct strtab {
	struct sslot *e;
	size_t cap, n;
};

static size_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static struct sslot *st_find(const struct strtab *t, const char *key)
{
	if (t->cap == 0)
		return NULL;
	for (size_t i = hash_str(key) & (t->cap - 1); t->e[i].key != NULL; i = (i + 1) & (t->cap - 1))
		if (strcmp(t->e[i].key, key) == 0)
			return &t->e[i];
	return NULL;
}

/* Adds key, which must be absent. NULL when out of memory. */
static struct sslot *st_add(struct strtab *t, char *key)
{
	size_t i;

	if ((t->n + 1) * 2 > t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 16;
		struct sslot *ne = calloc(ncap, sizeof *ne);

		if (ne == NULL)
			return NULL;
		for (size_t k = 0; k < t->cap; k++) {
			if (t->e[k].key == NULL)
				continue;
			i = hash_str(t->e[k].key) & (ncap - 1);
			while (ne[i].key != NULL)
				i = (i + 1) & (ncap - 1);
			ne[i] = t->e[k];
		}
		free(t->e);
		t->e = ne;
		t->cap = ncap;
	}
	i = hash_str(key) & (t->cap - 1);
	while (t->e[i].key != NULL)
		i = (i + 1) & (t->cap - 1);
	t->e[i].key = key;
	t->n++;
	return &t->e[i];
}

static void st_free(struct strtab *t, bool keys)
{
	if (keys)
		for (size_t i = 0; i < t->cap; i++)
			free(t->e[i].key);
	free(t->e);
	t->e = NULL;
	t->cap = t->n = 0;
}

/* --- the loader --------------------------------------------------------- */

struct loader {
	yaml_parser_t parser;
	struct cfg *c;
	const char *buf;
	size_t len;
	struct strtab anchors;
	/* Merge sources and anchored keys: aliases may still point into them. */
	cJSON *graveyard;
	size_t nodes;
	int code;
	bool failed;
	char msg[1024];
};

__attribute__((format(printf, 3, 4)))
static int lerr(struct loader *L, size_t line, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (L->failed)
		return -1;
	L->failed = true;
	L->code = EX_CONFIG;
	n = snprintf(L->msg, sizeof L->msg, "%s:%zu: ", cfg_path(L->c), line);
	if (n < 0 || (size_t)n >= sizeof L->msg)
		return -1;
	va_start(ap, fmt);
	vsnprintf(L->msg + n, sizeof L->msg - (size_t)n, fmt, ap);
	va_end(ap);
	return -1;
}

static int lerr_oom(struct loader *L)
{
	if (L->failed)
		return -1;
	L->failed = true;
	L->code = EX_OSERR;
	snprintf(L->msg, sizeof L->msg, "%s: out of memory", cfg_path(L->c));
	return -1;
}

static int next_event(struct loader *L, yaml_event_t *ev)
{
	const yaml_parser_t *p = &L->parser;
	const char *problem;
	size_t line;

	if (yaml_parser_parse(&L->parser, ev))
		return 0;
	problem = p->problem ? p->problem : "YAML syntax error";
	switch (p->error) {
	case YAML_MEMORY_ERROR:
		return lerr_oom(L);
	case YAML_READER_ERROR:
		/* The reader has no mark, only a byte offset. */
		line = 1;
		for (size_t i = 0; i < p->problem_offset && i < L->len; i++)
			if (L->buf[i] == '\n')
				line++;
		if (p->problem_value != -1)
			return lerr(L, line, "%s (byte 0x%02x)", problem, p->problem_value);
		return lerr(L, line, "%s", problem);
	default:
		line = p->problem_mark.line + 1;
		if (p->context != NULL)
			return lerr(L, line, "%s (%s at line %zu)", problem, p->context,
			    p->context_mark.line + 1);
		return lerr(L, line, "%s", problem);
	}
}

/* Counts, and remembers the line of, a node just made; frees it on failure. */
static int new_node(struct loader *L, cJSON *n, int line, size_t errline)
{
	if (n == NULL)
		return lerr_oom(L);
	if (++L->nodes > CFG_MAX_NODES) {
		cJSON_Delete(n);
		return lerr(L, errline, "more than %d nodes (aliases expanding too much?)",
		    CFG_MAX_NODES);
	}
	if (lt_set(&L->c->lines, n, line) == -1) {
		cJSON_Delete(n);
		return lerr_oom(L);
	}
	return 0;
}

static int add_anchor(struct loader *L, const yaml_char_t *name, cJSON *node)
{
	struct sslot *s;
	char *key;

	if (name == NULL)
		return 0;
	/* A later anchor of the same name wins for the aliases after it. */
	if ((s = st_find(&L->anchors, (const char *)name)) != NULL) {
		s->node = node;
		return 0;
	}
	if ((key = strdup((const char *)name)) == NULL)
		return lerr_oom(L);
	if ((s = st_add(&L->anchors, key)) == NULL) {
		free(key);
		return lerr_oom(L);
	}
	s->node = node;
	return 0;
}

/* Keeps n alive until the load ends; takes it even on failure. */
static int bury(struct loader *L, cJSON *n)
{
	if (!cJSON_AddItemToArray(L->graveyard, n)) {
		cJSON_Delete(n);
		return lerr_oom(L);
	}
	return 0;
}

/*
 * Deep copy for an alias: every copy counts against CFG_MAX_NODES, keeps
 * the line it was written on, and must fit in CFG_MAX_DEPTH where it lands.
 */
static int copy_tree(struct loader *L, const cJSON *src, int depth, size_t aline, cJSON **out)
{
	cJSON *n;
	bool obj = cJSON_IsObject(src);

	*out = NULL;
	if (obj || cJSON_IsArray(src)) {
		if (depth > CFG_MAX_DEPTH)
			return lerr(L, aline, "nested deeper than %d levels", CFG_MAX_DEPTH);
		n = obj ? cJSON_CreateObject() : cJSON_CreateArray();
	} else if (cJSON_IsString(src))
		n = cJSON_CreateString(src->valuestring);
	else if (cJSON_IsNumber(src))
		n = cJSON_CreateNumber(src->valuedouble);
	else if (cJSON_IsBool(src))
		n = cJSON_CreateBool(cJSON_IsTrue(src));
	else
		n = cJSON_CreateNull();
	if (new_node(L, n, lt_get(&L->c->lines, src), aline) == -1)
		return -1;
	for (const cJSON *ch = src->child; ch != NULL; ch = ch->next) {
		cJSON *cc;

		if (copy_tree(L, ch, depth + 1, aline, &cc) == -1) {
			cJSON_Delete(n);
			return -1;
		}
		if (!(obj ? cJSON_AddItemToObject(n, ch->string, cc) : cJSON_AddItemToArray(n, cc))) {
			cJSON_Delete(cc);
			cJSON_Delete(n);
			return lerr_oom(L);
		}
	}
	*out = n;
	return 0;
}

static int parse_node(struct loader *L, const yaml_event_t *ev, int depth, size_t hint, cJSON **out);

static int parse_alias(struct loader *L, const yaml_event_t *ev, int depth, cJSON **out)
{
	const char *name = (const char *)ev->data.alias.anchor;
	size_t line = ev->start_mark.line + 1;
	const struct sslot *s = st_find(&L->anchors, name);

	*out = NULL;
	if (s == NULL)
		return lerr(L, line, "unknown anchor \"%.64s\"", name);
	return copy_tree(L, s->node, depth, line, out);
}

/* hint: the line of the key, for an empty value that has no place of its own. */
static int parse_scalar(struct loader *L, const yaml_event_t *ev, size_t hint, cJSON **out)
{
	const char *s = (const char *)ev->data.scalar.value;
	size_t n = ev->data.scalar.length, line = ev->start_mark.line + 1;
	bool plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
	enum tagkind tk = tag_kind(ev->data.scalar.tag);
	char tt[64];
	cJSON *node;
	int r;

	*out = NULL;
	if (n == 0 && plain && tk == TK_NONE && hint != 0)
		line = hint;
	/* A NUL would silently cut the string short. */
	if (memchr(s, '\0', n) != NULL)
		return lerr(L, line, "NUL character in a scalar");
	if (tk == TK_MAP || tk == TK_SEQ || tk == TK_MERGE || tk == TK_OTHER) {
		tag_text(ev->data.scalar.tag, tt, sizeof tt);
		return lerr(L, line, "unsupported tag %s on a scalar", tt);
	}
	if ((r = cfg_make_scalar(s, n, plain, tk, &node)) == -1)
		return lerr_oom(L);
	if (r == -2) {
		tag_text(ev->data.scalar.tag, tt, sizeof tt);
		return lerr(L, line, "cannot resolve \"%.64s\" as %s", s, tt);
	}
	if (new_node(L, node, (int)line, line) == -1)
		return -1;
	if (add_anchor(L, ev->data.scalar.anchor, node) == -1) {
		cJSON_Delete(node);
		return -1;
	}
	*out = node;
	return 0;
}

static int check_collection_tag(struct loader *L, const yaml_char_t *tag, enum tagkind want, size_t line)
{
	enum tagkind tk = tag_kind(tag);
	char tt[64];

	if (tk == TK_NONE || tk == TK_NONSPECIFIC || tk == want)
		return 0;
	tag_text(tag, tt, sizeof tt);
	return lerr(L, line, "unsupported tag %s on a %s", tt, want == TK_MAP ? "mapping" : "list");
}

static int parse_seq(struct loader *L, const yaml_event_t *ev, int depth, cJSON **out)
{
	size_t line = ev->start_mark.line + 1;
	cJSON *arr;

	*out = NULL;
	if (depth > CFG_MAX_DEPTH)
		return lerr(L, line, "nested deeper than %d levels", CFG_MAX_DEPTH);
	if (check_collection_tag(L, ev->data.sequence_start.tag, TK_SEQ, line) == -1)
		return -1;
	arr = cJSON_CreateArray();
	if (new_node(L, arr, (int)line, line) == -1)
		return -1;
	for (;;) {
		yaml_event_t ch;
		cJSON *item;
		int rc;

		if (next_event(L, &ch) == -1)
			goto fail;
		if (ch.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ch);
			break;
		}
		rc = parse_node(L, &ch, depth + 1, 0, &item);
		yaml_event_delete(&ch);
		if (rc == -1)
			goto fail;
		if (!cJSON_AddItemToArray(arr, item)) {
			cJSON_Delete(item);
			lerr_oom(L);
			goto fail;
		}
	}
	if (add_anchor(L, ev->data.sequence_start.anchor, arr) == -1)
		goto fail;
	*out = arr;
	return 0;
fail:
	/* Lines and anchors die with the failed load: no need to forget them. */
	cJSON_Delete(arr);
	return -1;
}

/* The key of a mapping entry, or *merge for "<<". */
static int map_key(struct loader *L, const yaml_event_t *ev, char **key, bool *merge)
{
	size_t line = ev->start_mark.line + 1;
	const struct sslot *s;
	cJSON *node = NULL;

	*key = NULL;
	*merge = false;
	if (ev->type == YAML_ALIAS_EVENT) {
		if ((s = st_find(&L->anchors, (const char *)ev->data.alias.anchor)) == NULL)
			return lerr(L, line, "unknown anchor \"%.64s\"",
			    (const char *)ev->data.alias.anchor);
		if (cJSON_IsObject(s->node) || cJSON_IsArray(s->node))
			return lerr(L, line, "a mapping key must be a scalar");
		if ((*key = key_text(s->node)) == NULL)
			return lerr_oom(L);
		return 0;
	}
	if (ev->type != YAML_SCALAR_EVENT)
		return lerr(L, line, "a mapping key must be a scalar");
	if (tag_kind(ev->data.scalar.tag) == TK_MERGE ||
	    (ev->data.scalar.tag == NULL && ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	    strcmp((const char *)ev->data.scalar.value, "<<") == 0)) {
		*merge = true;
		return 0;
	}
	if (parse_scalar(L, ev, 0, &node) == -1)
		return -1;
	if ((*key = key_text(node)) == NULL) {
		cJSON_Delete(node);
		return lerr_oom(L);
	}
	/* An anchored key may be aliased later: keep its node. */
	if (ev->data.scalar.anchor != NULL)
		return bury(L, node);
	lt_del(&L->c->lines, node);
	L->nodes--;
	cJSON_Delete(node);
	return 0;
}

/* Stores key: val in obj; takes val. */
static int map_put(struct loader *L, cJSON *obj, struct strtab *keys, const char *key,
    cJSON *val, size_t kline)
{
	struct sslot *s = st_find(keys, key);

	if (s != NULL && !s->merged) {
		cJSON_Delete(val);
		return lerr(L, kline, "duplicate key \"%.64s\"", key);
	}
	if (s != NULL) {
		/* An explicit key overrides a merged one, once, as in js-yaml. */
		cfg_replace_item(&L->c->lines, obj, s->node, val);
		s->node = val;
		s->merged = false;
		return 0;
	}
	if (!cJSON_AddItemToObject(obj, key, val)) {
		cJSON_Delete(val);
		return lerr_oom(L);
	}
	if ((s = st_add(keys, val->string)) == NULL)
		return lerr_oom(L);
	s->node = val;
	return 0;
}

/* Copies the entries of src that obj lacks, as js-yaml's mergeMappings. */
static int merge_one(struct loader *L, cJSON *obj, struct strtab *keys, const cJSON *src,
    int depth, size_t kline)
{
	for (const cJSON *ch = src->child; ch != NULL; ch = ch->next) {
		struct sslot *s;
		cJSON *cc;

		if (st_find(keys, ch->string) != NULL)
			continue;
		if (copy_tree(L, ch, depth + 1, kline, &cc) == -1)
			return -1;
		if (!cJSON_AddItemToObject(obj, ch->string, cc)) {
			cJSON_Delete(cc);
			return lerr_oom(L);
		}
		if ((s = st_add(keys, cc->string)) == NULL)
			return lerr_oom(L);
		s->node = cc;
		s->merged = true;
	}
	return 0;
}

/* "<<: value": a mapping or a list of mappings. Takes val. */
static int merge_into(struct loader *L, cJSON *obj, struct strtab *keys, cJSON *val,
    int depth, size_t kline)
{
	int rc = 0;

	if (cJSON_IsObject(val))
		rc = merge_one(L, obj, keys, val, depth, kline);
	else if (cJSON_IsArray(val)) {
		for (const cJSON *el = val->child; el != NULL && rc == 0; el = el->next) {
			if (!cJSON_IsObject(el))
				rc = lerr(L, kline, "cannot merge: \"<<\" wants a mapping or a list of mappings");
			else
				rc = merge_one(L, obj, keys, el, depth, kline);
		}
	} else
		rc = lerr(L, kline, "cannot merge: \"<<\" wants a mapping or a list of mappings");
	/* val may be anchored here and aliased later. */
	if (bury(L, val) == -1)
		rc = -1;
	return rc;
}

static int parse_map(struct loader *L, const yaml_event_t *ev, int depth, cJSON **out)
{
	size_t line = ev->start_mark.line + 1;
	struct strtab keys = { 0 };
	cJSON *obj;

	*out = NULL;
	if (depth > CFG_MAX_DEPTH)
		return lerr(L, line, "nested deeper than %d levels", CFG_MAX_DEPTH);
	if (check_collection_tag(L, ev->data.mapping_start.tag, TK_MAP, line) == -1)
		return -1;
	obj = cJSON_CreateObject();
	if (new_node(L, obj, (int)line, line) == -1)
		return -1;
	for (;;) {
		yaml_event_t kev, vev;
		char *key;
		bool merge;
		size_t kline;
		cJSON *val;
		int rc;

		if (next_event(L, &kev) == -1)
			goto fail;
		if (kev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&kev);
			break;
		}
		kline = kev.start_mark.line + 1;
		rc = map_key(L, &kev, &key, &merge);
		yaml_event_delete(&kev);
		if (rc == -1)
			goto fail;
		if (next_event(L, &vev) == -1) {
			free(key);
			goto fail;
		}
		rc = parse_node(L, &vev, depth + 1, kline, &val);
		yaml_event_delete(&vev);
		if (rc == -1) {
			free(key);
			goto fail;
		}
		if (merge)
			rc = merge_into(L, obj, &keys, val, depth, kline);
		else
			rc = map_put(L, obj, &keys, key, val, kline);
		free(key);
		if (rc == -1)
			goto fail;
	}
	st_free(&keys, false);
	if (add_anchor(L, ev->data.mapping_start.anchor, obj) == -1) {
		cJSON_Delete(obj);
		return -1;
	}
	*out = obj;
	return 0;
fail:
	st_free(&keys, false);
	cJSON_Delete(obj);
	return -1;
}

static int parse_node(struct loader *L, const yaml_event_t *ev, int depth, size_t hint, cJSON **out)
{
	*out = NULL;
	switch (ev->type) {
	case YAML_ALIAS_EVENT:
		return parse_alias(L, ev, depth, out);
	case YAML_SCALAR_EVENT:
		return parse_scalar(L, ev, hint, out);
	case YAML_SEQUENCE_START_EVENT:
		return parse_seq(L, ev, depth, out);
	case YAML_MAPPING_START_EVENT:
		return parse_map(L, ev, depth, out);
	default:
		lerr(L, ev->start_mark.line + 1, "unexpected YAML event %d", (int)ev->type);
		return -1;
	}
}

/* The stream: nothing, or one document whose top is a mapping or empty. */
static int load_stream(struct loader *L, cJSON **root)
{
	yaml_event_t ev;
	cJSON *top = NULL;
	size_t line;
	int rc;

	*root = NULL;
	if (next_event(L, &ev) == -1)
		return -1;
	yaml_event_delete(&ev);		/* STREAM-START */
	for (;;) {
		if (next_event(L, &ev) == -1)
			goto fail;
		line = ev.start_mark.line + 1;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		if (ev.type != YAML_DOCUMENT_START_EVENT) {
			yaml_event_delete(&ev);
			lerr(L, line, "unexpected YAML event");
			goto fail;
		}
		yaml_event_delete(&ev);
		if (top != NULL) {
			lerr(L, line, "a second YAML document: a configuration file holds one");
			goto fail;
		}
		if (next_event(L, &ev) == -1)
			return -1;
		line = ev.start_mark.line + 1;
		rc = parse_node(L, &ev, 1, 0, &top);
		yaml_event_delete(&ev);
		if (rc == -1)
			return -1;
		if (cJSON_IsNull(top)) {
			/* "---" and nothing else: as empty as an empty file. */
			lt_del(&L->c->lines, top);
			cJSON_Delete(top);
			top = cJSON_CreateObject();
			if (new_node(L, top, (int)line, line) == -1)
				return -1;
		} else if (!cJSON_IsObject(top)) {
			lerr(L, line, "the top level must be a mapping, not a %s",
			    cJSON_IsArray(top) ? "list" : "scalar");
			goto fail;
		}
		if (next_event(L, &ev) == -1)
			goto fail;
		yaml_event_delete(&ev);		/* DOCUMENT-END */
	}
	if (top == NULL) {
		top = cJSON_CreateObject();
		if (new_node(L, top, 0, 1) == -1)
			return -1;
	}
	*root = top;
	return 0;
fail:
	cJSON_Delete(top);
	return -1;
}

static void errout(char *err, size_t errlen, const char *msg)
{
	if (err == NULL || errlen == 0)
		return;
	snprintf(err, errlen, "%s", msg);
	cfg_oneline(err);
}

struct cfg *cfg_load(const char *path, char *err, size_t errlen, int *code)
{
	struct loader L;
	struct stat st;
	struct cfg *c;
	char *buf = NULL;
	size_t len = 0;
	cJSON *root = NULL;
	int dummy, rc;

	if (code == NULL)
		code = &dummy;
	*code = 0;
	errout(err, errlen, "");
	memset(&L, 0, sizeof L);
	if ((c = cfg_alloc(path)) == NULL) {
		snprintf(L.msg, sizeof L.msg, "%s: out of memory", path);
		*code = EX_OSERR;
		goto fail;
	}
	L.c = c;
	rc = file_slurp(path, CFG_MAX_FILE, &buf, &len, &st);
	if (rc == -1) {
		snprintf(L.msg, sizeof L.msg, "%s: %s", path, strerror(errno));
		*code = errno == ENOMEM ? EX_OSERR : EX_NOINPUT;
		goto fail;
	}
	if (rc == -2) {
		snprintf(L.msg, sizeof L.msg, "%s: larger than %d MiB", path, CFG_MAX_FILE >> 20);
		*code = EX_CONFIG;
		goto fail;
	}
	if ((L.graveyard = cJSON_CreateArray()) == NULL || !yaml_parser_initialize(&L.parser)) {
		cJSON_Delete(L.graveyard);
		lerr_oom(&L);
		*code = L.code;
		goto fail;
	}
	L.buf = buf;
	L.len = len;
	yaml_parser_set_input_string(&L.parser, (const unsigned char *)buf, len);
	rc = load_stream(&L, &root);
	yaml_parser_delete(&L.parser);
	lt_forget(&c->lines, L.graveyard);
	cJSON_Delete(L.graveyard);
	st_free(&L.anchors, true);
	if (rc == -1) {
		*code = L.code ? L.code : EX_CONFIG;
		goto fail;
	}
	c->root = root;
	/* The text may hold secrets. */
	explicit_bzero(buf, len);
	free(buf);
	return c;
fail:
	errout(err, errlen, L.msg);
	if (buf != NULL) {
		explicit_bzero(buf, len);
		free(buf);
	}
	cfg_free(c);
	return NULL;
}
