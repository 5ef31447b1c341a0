/* config: Butler SOS YAML -> cJSON with js-yaml's scalar rules, source lines and typed getters. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>
#include <yaml.h>

#include "fileio.h"
#include "log.h"

/* Line stored for nodes made by cfg_set; cfg_line reports it as 0. */
#define LINE_CMDLINE	(-1)
#define YAML_TAG	"tag:yaml.org,2002:"
/* 2^53: every integer up to here is exact in a double. */
#define MAX_EXACT	9007199254740992.0

/* Side table node -> line, so cJSON fields keep their meaning. */
struct lt_ent {
	const void *p;
	int line;
};
struct linetab {
	struct lt_ent *e;
	size_t cap, n;
};

struct cfg {
	char *path;
	cJSON *root;
	struct linetab lines;
	char err[1024];
	char from[PATH_MAX + 32];
};

/* --- small helpers ------------------------------------------------------ */

/* Keeps messages on one line whatever a path or a key contains. */
static void oneline(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			*s = '?';
}

__attribute__((format(printf, 2, 3)))
static int set_err(struct cfg *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, sizeof c->err, fmt, ap);
	va_end(ap);
	oneline(c->err);
	return -1;
}

/* The shortest text that reads back as d, spelled as JavaScript spells it. */
static void num_text(double d, char *buf, size_t sz)
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

static size_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (size_t)h;
}

static size_t hash_ptr(const void *p)
{
	uint64_t h = (uint64_t)(uintptr_t)p;

	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return (size_t)h;
}

/* --- line table: open addressing, linear probing ----------------------- */

static int lt_grow(struct linetab *t)
{
	size_t ncap = t->cap ? t->cap * 2 : 256;
	struct lt_ent *ne = calloc(ncap, sizeof *ne);

	if (ne == NULL)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		if (t->e[i].p == NULL)
			continue;
		size_t j = hash_ptr(t->e[i].p) & (ncap - 1);
		while (ne[j].p != NULL)
			j = (j + 1) & (ncap - 1);
		ne[j] = t->e[i];
	}
	free(t->e);
	t->e = ne;
	t->cap = ncap;
	return 0;
}

static int lt_set(struct linetab *t, const void *p, int line)
{
	size_t i;

	if ((t->n + 1) * 2 > t->cap && lt_grow(t) == -1)
		return -1;
	i = hash_ptr(p) & (t->cap - 1);
	while (t->e[i].p != NULL && t->e[i].p != p)
		i = (i + 1) & (t->cap - 1);
	if (t->e[i].p == NULL) {
		t->e[i].p = p;
		t->n++;
	}
	t->e[i].line = line;
	return 0;
}

static int lt_get(const struct linetab *t, const void *p)
{
	if (t->cap == 0)
		return 0;
	for (size_t i = hash_ptr(p) & (t->cap - 1); t->e[i].p != NULL; i = (i + 1) & (t->cap - 1))
		if (t->e[i].p == p)
			return t->e[i].line;
	return 0;
}

static void lt_del(struct linetab *t, const void *p)
{
	size_t mask = t->cap - 1, i, j;

	if (t->cap == 0)
		return;
	for (i = hash_ptr(p) & mask; t->e[i].p != p; i = (i + 1) & mask)
		if (t->e[i].p == NULL)
			return;
	/* Backward-shift deletion keeps probe chains whole without tombstones. */
	j = i;
	for (;;) {
		t->e[i].p = NULL;
		for (;;) {
			size_t k;

			j = (j + 1) & mask;
			if (t->e[j].p == NULL) {
				t->n--;
				return;
			}
			k = hash_ptr(t->e[j].p) & mask;
			/* An entry whose home lies in (i, j] must stay where it is. */
			if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
				continue;
			break;
		}
		t->e[i] = t->e[j];
		i = j;
	}
}

/* A freed node's address may come back from malloc: drop its lines first. */
static void lt_forget(struct linetab *t, const cJSON *n)
{
	if (t == NULL)
		return;
	lt_del(t, n);
	for (const cJSON *ch = n->child; ch != NULL; ch = ch->next)
		lt_forget(t, ch);
}

/*
 * Replaces old (a child of parent) by repl, which takes over old's key, and
 * frees old.
 */
static void replace_item(struct linetab *t, cJSON *parent, cJSON *old, cJSON *repl)
{
	lt_forget(t, old);
	if (cJSON_IsObject(parent)) {
		repl->string = old->string;
		repl->type |= old->type & cJSON_StringIsConst;
		old->string = NULL;
	}
	cJSON_ReplaceItemViaPointer(parent, old, repl);
}

/* --- scalar resolution (js-yaml 4, core schema) ------------------------- */

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

static int digit_val(char ch)
{
	if (is_digit(ch))
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
		if (!is_digit(last))
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
	if (i >= n || !is_digit(s[i]))
		return false;
	while (i < n && is_digit(s[i]))
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
		for (i = 1; i < n && (is_digit(s[i]) || s[i] == '_'); i++)
			;
		return i > 1 && exp_tail(s, n, i);
	}
	if (i >= n || !is_digit(s[i]))
		return false;
	while (i < n && (is_digit(s[i]) || s[i] == '_'))
		i++;
	if (i < n && s[i] == '.')
		for (i++; i < n && (is_digit(s[i]) || s[i] == '_'); i++)
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

enum tagkind { TK_NONE, TK_NONSPECIFIC, TK_STR, TK_INT, TK_FLOAT, TK_BOOL, TK_NULL,
	TK_MAP, TK_SEQ, TK_MERGE, TK_OTHER };

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
static int make_scalar(const char *s, size_t n, bool plain, enum tagkind tk, cJSON **out)
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
		num_text(n->valuedouble, buf, sizeof buf);
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
	if ((r = make_scalar(s, n, plain, tk, &node)) == -1)
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
		replace_item(&L->c->lines, obj, s->node, val);
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

static struct cfg *cfg_alloc(const char *path)
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

static void errout(char *err, size_t errlen, const char *msg)
{
	if (err == NULL || errlen == 0)
		return;
	snprintf(err, errlen, "%s", msg);
	oneline(err);
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
		if (!is_digit(s[i]))
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
static void where(const struct cfg *c, const cJSON *node, char *buf, size_t sz)
{
	int line = lt_get(&c->lines, node);

	if (line == LINE_CMDLINE)
		snprintf(buf, sz, "command line");
	else if (line > 0)
		snprintf(buf, sz, "%s:%d", cfg_path(c), line);
	else
		snprintf(buf, sz, "%s", cfg_path(c));
}

static bool is_header_key(const char *k)
{
	return strcasecmp(k, "header") == 0 || strcasecmp(k, "headers") == 0;
}

/* Does any component of keypath make its value a secret? */
static bool path_is_secret(const char *keypath)
{
	char comp[256];
	const char *p = keypath;

	for (;;) {
		size_t n = strcspn(p, ".");

		snprintf(comp, sizeof comp, "%.*s", (int)(n < sizeof comp ? n : sizeof comp - 1), p);
		if (cfg_is_secret_key(comp) || is_header_key(comp))
			return true;
		if (p[n] == '\0')
			return false;
		p += n + 1;
	}
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
			num_text(n->valuedouble, buf, sz);
	} else if (cJSON_IsBool(n))
		snprintf(buf, sz, "%s", cJSON_IsTrue(n) ? "true" : "false");
	else if (cJSON_IsObject(n))
		snprintf(buf, sz, "a mapping");
	else if (cJSON_IsArray(n))
		snprintf(buf, sz, "a list");
	else
		snprintf(buf, sz, "null");
}

static int type_error(struct cfg *c, const char *keypath, const cJSON *n, const char *want)
{
	char w[PATH_MAX + 32], got[96];

	where(c, n, w, sizeof w);
	describe(n, path_is_secret(keypath), got, sizeof got);
	return set_err(c, "%s: %s: expected %s, got %s", w, keypath, want, got);
}

int cfg_bool(struct cfg *c, const char *keypath, bool def, bool *out)
{
	const cJSON *n = cfg_get(c, keypath);

	if (n == NULL || cJSON_IsNull(n)) {
		*out = def;
		return 0;
	}
	if (!cJSON_IsBool(n))
		return type_error(c, keypath, n, "true or false");
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
	return type_error(c, keypath, n, want);
}

int cfg_double(struct cfg *c, const char *keypath, double def, double *out)
{
	const cJSON *n = cfg_get(c, keypath);

	if (n == NULL || cJSON_IsNull(n)) {
		*out = def;
		return 0;
	}
	if (!cJSON_IsNumber(n))
		return type_error(c, keypath, n, "a number");
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
		return type_error(c, keypath, n, "a string");
	*out = n->valuestring;
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
		return set_err(c, "command line: %s: out of memory", keypath);
	for (const char *q = keypath; *q; q++)
		comps += *q == '.';
	if (comps > CFG_MAX_DEPTH) {
		cJSON_Delete(val);
		return set_err(c, "command line: %.200s: more than %d components", keypath,
		    CFG_MAX_DEPTH);
	}
	for (;;) {
		size_t n = strcspn(p, ".");
		bool last = p[n] == '\0';

		if (n == 0) {
			cJSON_Delete(val);
			return set_err(c, "command line: \"%s\": empty key path component", keypath);
		}
		ch = child_of(cur, p, n);
		if (ch == NULL && !cJSON_IsObject(cur)) {
			cJSON_Delete(val);
			return set_err(c, "command line: %s: %.*s: no such list element", keypath,
			    (int)(p + n - keypath), keypath);
		}
		if (last) {
			if (lt_set(&c->lines, val, LINE_CMDLINE) == -1) {
				cJSON_Delete(val);
				return set_err(c, "command line: %s: out of memory", keypath);
			}
			if (ch != NULL) {
				replace_item(&c->lines, cur, ch, val);
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
			where(c, ch, w, sizeof w);
			describe(ch, path_is_secret(keypath), got, sizeof got);
			cJSON_Delete(val);
			return set_err(c, "command line: %s: %.*s is %s (%s), not a mapping", keypath,
			    (int)(p + n - keypath), keypath, got, w);
		}
		/* Absent, or null (an empty mapping in Butler SOS's template): make one. */
		{
			cJSON *obj = cJSON_CreateObject();

			if (obj == NULL || lt_set(&c->lines, obj, LINE_CMDLINE) == -1)
				goto oom_obj;
			if (ch != NULL)
				replace_item(&c->lines, cur, ch, obj);
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
			return set_err(c, "command line: %s: out of memory", keypath);
		}
	}
	/* A new key in the mapping cur. */
	{
		char *key = strdup(p);

		if (key == NULL || !cJSON_AddItemToObject(cur, key, val)) {
			free(key);
			lt_del(&c->lines, val);
			cJSON_Delete(val);
			return set_err(c, "command line: %s: out of memory", keypath);
		}
		free(key);
	}
	return 0;
}

int cfg_set(struct cfg *c, const char *keypath, const char *value)
{
	cJSON *val;

	if (make_scalar(value, strlen(value), true, TK_NONE, &val) != 0)
		return set_err(c, "command line: %s: out of memory", keypath);
	return set_node(c, keypath, val);
}

int cfg_set_string(struct cfg *c, const char *keypath, const char *value)
{
	return set_node(c, keypath, cJSON_CreateString(value));
}

/* --- secrets ------------------------------------------------------------ */

/* Reads a secret file; errors name what, never the content. */
static int secret_file(struct cfg *c, const char *what, const char *path, char **out)
{
	struct stat st;
	char *buf, *s;
	size_t len;
	int rc;

	*out = NULL;
	rc = file_slurp(path, CFG_MAX_SECRET, &buf, &len, &st);
	if (rc == -1)
		return set_err(c, "%s%s: %s", what, path, strerror(errno));
	if (rc == -2)
		return set_err(c, "%s%s: secret file larger than %d KiB", what, path,
		    CFG_MAX_SECRET >> 10);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r' && buf[len] == '\n')
		len--;
	if (len == 0)
		rc = set_err(c, "%s%s: secret file is empty", what, path);
	else if (memchr(buf, '\0', len) != NULL)
		rc = set_err(c, "%s%s: secret file holds a NUL byte", what, path);
	else if ((s = malloc(len + 1)) == NULL)
		rc = set_err(c, "%s%s: out of memory", what, path);
	else {
		memcpy(s, buf, len);
		s[len] = '\0';
		*out = s;
		if (S_ISREG(st.st_mode) && (st.st_mode & (S_IRGRP | S_IROTH)))
			log_warn("secret file %s is readable by group or others (mode %03o)",
			    path, (unsigned)(st.st_mode & 0777));
	}
	explicit_bzero(buf, CFG_MAX_SECRET + 2);
	free(buf);
	return rc;
}

int cfg_secret(struct cfg *c, const char *keypath, const char *file_override,
    const char *envname, char **out, const char **from)
{
	char kp[1024], w[PATH_MAX + 32], what[PATH_MAX + 1100];
	const cJSON *n;
	const char *env;

	*out = NULL;
	*from = NULL;
	if (file_override != NULL) {
		if (secret_file(c, "", file_override, out) == -1)
			return -1;
		snprintf(c->from, sizeof c->from, "file %s", file_override);
		*from = c->from;
		return 0;
	}
	/* Set but empty is how a shell unsets for one command: treat as absent. */
	if (envname != NULL && (env = getenv(envname)) != NULL && *env != '\0') {
		if ((*out = strdup(env)) == NULL)
			return set_err(c, "environment %s: out of memory", envname);
		snprintf(c->from, sizeof c->from, "environment %s", envname);
		*from = c->from;
		return 0;
	}
	if ((size_t)snprintf(kp, sizeof kp, "%sFile", keypath) >= sizeof kp)
		return set_err(c, "%.200s: key path too long", keypath);
	n = cfg_get(c, kp);
	if (n != NULL && !cJSON_IsNull(n)) {
		if (!cJSON_IsString(n))
			return type_error(c, kp, n, "a file name");
		where(c, n, w, sizeof w);
		snprintf(what, sizeof what, "%s: %s: ", w, kp);
		if (secret_file(c, what, n->valuestring, out) == -1)
			return -1;
		snprintf(c->from, sizeof c->from, "file %s", n->valuestring);
		*from = c->from;
		return 0;
	}
	n = cfg_get(c, keypath);
	if (n == NULL || cJSON_IsNull(n))
		return 0;
	if (!cJSON_IsString(n)) {
		where(c, n, w, sizeof w);
		/* A number would lose leading zeros or digits: ask for quotes. */
		return set_err(c, "%s: %s: expected a string (quote it), got %s", w, keypath,
		    cJSON_IsNumber(n) ? "a number" : cJSON_IsBool(n) ? "a bool" :
		    cJSON_IsArray(n) ? "a list" : "a mapping");
	}
	if ((*out = strdup(n->valuestring)) == NULL)
		return set_err(c, "%s: out of memory", keypath);
	snprintf(c->from, sizeof c->from, "config key");
	*from = c->from;
	return 0;
}

void cfg_secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

bool cfg_is_secret_key(const char *key)
{
	static const char *const words[] = {
		"password", "passphrase", "passwd", "token", "secret", "apikey",
		"api_key", "insertapikey", "privatekey",
	};
	size_t n;

	if (key == NULL)
		return false;
	n = strlen(key);
	/* tokenFile, password_file: the value names a file, it is not the secret. */
	if ((n >= 4 && strcmp(key + n - 4, "File") == 0) ||
	    (n >= 5 && strcasecmp(key + n - 5, "_file") == 0))
		return false;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasestr(key, words[i]) != NULL)
			return true;
	return false;
}

/* --- redacted dump ------------------------------------------------------ */

static int redact_leaf(cJSON *parent, cJSON *n)
{
	cJSON *r;

	if (!cJSON_IsString(n) && !cJSON_IsNumber(n))
		return 0;
	if ((r = cJSON_CreateString("<redacted>")) == NULL)
		return -1;
	replace_item(NULL, parent, n, r);
	return 0;
}

/* Header lists [{name, value}] and header mappings {Name: value}. */
static int redact_headers(cJSON *h)
{
	cJSON *ch, *next, *v;

	for (ch = h->child; ch != NULL; ch = next) {
		next = ch->next;
		if (cJSON_IsObject(h)) {
			if (redact_leaf(h, ch) == -1)
				return -1;
		} else if (cJSON_IsObject(ch) && (v = cJSON_GetObjectItemCaseSensitive(ch, "value")) != NULL) {
			if (redact_leaf(ch, v) == -1)
				return -1;
		}
	}
	return 0;
}

static int redact(cJSON *node, bool secret)
{
	cJSON *ch, *next;

	for (ch = node->child; ch != NULL; ch = next) {
		bool s = secret || (ch->string != NULL && cfg_is_secret_key(ch->string));

		next = ch->next;
		if (cJSON_IsObject(ch) || cJSON_IsArray(ch)) {
			if (ch->string != NULL && is_header_key(ch->string) && redact_headers(ch) == -1)
				return -1;
			if (redact(ch, s) == -1)
				return -1;
		} else if (s && redact_leaf(node, ch) == -1)
			return -1;
	}
	return 0;
}

char *cfg_print_redacted(const struct cfg *c)
{
	cJSON *dup = cJSON_Duplicate(c->root, 1);
	char *s = NULL;

	if (dup == NULL)
		return NULL;
	if (redact(dup, false) == 0)
		s = cJSON_Print(dup);
	cJSON_Delete(dup);
	return s;
}
