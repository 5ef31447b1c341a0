/* categorise: compiles logEvents.categorise into flat arrays and applies it to each log event without allocating. */
#include "categorise.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE	"Butler-SOS.logEvents.categorise"
#define KP_MAX	192	/* BASE + ".rules.255.category.31.value" and the like */

enum ftype { F_SW, F_EW, F_SO };

struct filter {
	enum ftype type;
	size_t len;
	char *s;
};

struct rule {
	uint64_t levels;	/* bit i: k->levels[i] is in logLevel */
	bool drop;
	struct filter *f;
	size_t nf;
	uint16_t *pair;		/* indexes into k->pairs, each once */
	size_t np;
};

struct categorise {
	bool enabled, def_enabled;
	struct rule *rules;
	size_t nrules;
	/* Distinct logLevel values, lower-cased: an event's level is looked up once. */
	char *levels[CAT_MAX_LEVELS];
	size_t levlen[CAT_MAX_LEVELS];
	size_t nlevels;
	/*
	 * Every distinct (name, value) pair, each with its own strings, so two
	 * out[] entries are the same pair exactly when their name pointers are.
	 */
	struct cat_pair *pairs;
	size_t npairs, cappairs;
	uint16_t def[CAT_MAX_PAIRS];
	size_t ndef;
	size_t maxpairs;
};

/* --- messages ----------------------------------------------------------- */


/* --- small helpers ------------------------------------------------------ */

static char lower(char ch)
{
	return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

/* Is s the word w, ignoring ASCII case and surrounding blanks? w is lower case. */
static bool word_is(const char *s, const char *w)
{
	while (*s == ' ' || *s == '\t')
		s++;
	for (; *w != '\0'; s++, w++)
		if (lower(*s) != *w)
			return false;
	while (*s == ' ' || *s == '\t')
		s++;
	return *s == '\0';
}

/* The list at kp: 0 with *out (NULL when null or absent), or -1 with cfg_error set. */
static int get_list(struct cfg *c, const char *kp, const cJSON **out)
{
	const cJSON *n = cfg_get(c, kp);

	*out = NULL;
	if (n == NULL || cJSON_IsNull(n))
		return 0;
	if (!cJSON_IsArray(n))
		return cfg_type_error(c, kp, n, "a list");
	*out = n;
	return 0;
}

/* Is kp a mapping, null or absent? A section that is not would read as all defaults. */
static int check_map(struct cfg *c, const char *kp)
{
	const cJSON *n = cfg_get(c, kp);

	if (n == NULL || cJSON_IsNull(n) || cJSON_IsObject(n))
		return 0;
	return cfg_type_error(c, kp, n, "a mapping");
}

/* A string of at most CAT_MAX_VALUE bytes at kp, required; where names the parent for "missing". */
static int get_str(struct cfg *c, const cJSON *where, const char *kp, const char **out)
{
	if (cfg_string(c, kp, NULL, out) != 0)
		return -1;
	if (*out == NULL)
		return cfg_node_err(c, where, kp, "missing: expected a string");
	if (strlen(*out) > CAT_MAX_VALUE)
		return cfg_node_err(c, cfg_get(c, kp), kp, "longer than %d bytes", CAT_MAX_VALUE);
	return 0;
}

/* The index of pair (name, value) in k->pairs, added if new; -1 when out of memory. */
static int intern(struct categorise *k, const char *name, const char *value)
{
	struct cat_pair *p;
	char *nm, *val;

	for (size_t i = 0; i < k->npairs; i++)
		if (strcmp(k->pairs[i].name, name) == 0 && strcmp(k->pairs[i].value, value) == 0)
			return (int)i;
	if (k->npairs == k->cappairs) {
		size_t cap = k->cappairs ? k->cappairs * 2 : 16;

		if ((p = reallocarray(k->pairs, cap, sizeof *p)) == NULL)
			return -1;
		k->pairs = p;
		k->cappairs = cap;
	}
	nm = strdup(name);
	val = strdup(value);
	if (nm == NULL || val == NULL) {
		free(nm);
		free(val);
		return -1;
	}
	k->pairs[k->npairs].name = nm;
	k->pairs[k->npairs].value = val;
	return (int)k->npairs++;
}

/* The bit of level s (any case) in k->levels, 0 when no rule lists it. */
static uint64_t level_find(const struct categorise *k, const char *s)
{
	size_t len = strlen(s), i, j;

	for (i = 0; i < k->nlevels; i++) {
		if (k->levlen[i] != len)
			continue;
		for (j = 0; j < len && lower(s[j]) == k->levels[i][j]; j++)
			;
		if (j == len)
			return UINT64_C(1) << i;
	}
	return 0;
}

/* The bit of level s, adding it; 0 with cfg_error set when there are too many. */
static uint64_t level_bit(struct categorise *k, struct cfg *c, const cJSON *node, const char *kp,
    const char *s)
{
	size_t len = strlen(s);
	uint64_t bit;
	char *low;

	if ((bit = level_find(k, s)) != 0)
		return bit;
	if (k->nlevels == CAT_MAX_LEVELS) {
		cfg_node_err(c, node, kp, "more than %d distinct log levels in all rules", CAT_MAX_LEVELS);
		return 0;
	}
	if ((low = malloc(len + 1)) == NULL) {
		cfg_set_err(c, "%s: out of memory", cfg_path(c));
		return 0;
	}
	for (size_t j = 0; j <= len; j++)
		low[j] = lower(s[j]);
	k->levels[k->nlevels] = low;
	k->levlen[k->nlevels] = len;
	return UINT64_C(1) << k->nlevels++;
}

/*
 * Reads a category[] list at kp into idx (room for CAT_MAX_PAIRS), each
 * pair once; *np gets the count. 0, or -1 with cfg_error set.
 */
static int load_pairs(struct categorise *k, struct cfg *c, const char *kp, uint16_t *idx, size_t *np)
{
	const cJSON *list, *it;
	char ikp[KP_MAX + 16];
	size_t i = 0, j, cnt = 0;

	*np = 0;
	if (get_list(c, kp, &list) != 0)
		return -1;
	if (list == NULL)
		return 0;
	if ((size_t)cJSON_GetArraySize(list) > CAT_MAX_PAIRS)
		return cfg_node_err(c, list, kp, "more than %d category pairs", CAT_MAX_PAIRS);
	cJSON_ArrayForEach(it, list) {
		const char *name, *value;
		int id;

		snprintf(ikp, sizeof ikp, "%s.%zu", kp, i++);
		if (!cJSON_IsObject(it))
			return cfg_type_error(c, ikp, it, "a mapping with name and value");
		snprintf(ikp, sizeof ikp, "%s.%zu.name", kp, i - 1);
		if (get_str(c, it, ikp, &name) != 0)
			return -1;
		snprintf(ikp, sizeof ikp, "%s.%zu.value", kp, i - 1);
		if (get_str(c, it, ikp, &value) != 0)
			return -1;
		if ((id = intern(k, name, value)) < 0)
			return cfg_set_err(c, "%s: out of memory", cfg_path(c));
		/* a pair listed twice in one rule is kept once */
		for (j = 0; j < cnt && idx[j] != (uint16_t)id; j++)
			;
		if (j == cnt)
			idx[cnt++] = (uint16_t)id;
	}
	*np = cnt;
	return 0;
}

static int load_rule(struct categorise *k, struct cfg *c, const cJSON *node, size_t ri, struct rule *r)
{
	char kp[KP_MAX], ikp[KP_MAX + 16];
	const cJSON *list, *it;
	const char *s;
	uint16_t idx[CAT_MAX_PAIRS];
	size_t i;

	snprintf(kp, sizeof kp, BASE ".rules.%zu", ri);
	if (!cJSON_IsObject(node))
		return cfg_type_error(c, kp, node, "a mapping");

	/* logLevel: a missing or empty list would silently disable the rule */
	snprintf(kp, sizeof kp, BASE ".rules.%zu.logLevel", ri);
	if (get_list(c, kp, &list) != 0)
		return -1;
	if (list == NULL || cJSON_GetArraySize(list) == 0)
		return cfg_node_err(c, list ? list : node, kp, "%s: expected a list of log levels",
		    list ? "empty" : "missing");
	i = 0;
	cJSON_ArrayForEach(it, list) {
		uint64_t bit;

		snprintf(ikp, sizeof ikp, "%s.%zu", kp, i++);
		if (get_str(c, list, ikp, &s) != 0)
			return -1;
		if ((bit = level_bit(k, c, it, ikp, s)) == 0)
			return -1;
		r->levels |= bit;
	}

	/* action */
	snprintf(kp, sizeof kp, BASE ".rules.%zu.action", ri);
	if (get_str(c, node, kp, &s) != 0)
		return -1;
	if (word_is(s, "drop"))
		r->drop = true;
	else if (!word_is(s, "categorise"))
		return cfg_node_err(c, cfg_get(c, kp), kp, "unknown action \"%.60s\" (expected categorise or drop)", s);

	/* category: optional, a drop rule needs none */
	snprintf(kp, sizeof kp, BASE ".rules.%zu.category", ri);
	if (load_pairs(k, c, kp, idx, &r->np) != 0)
		return -1;
	if (r->np > 0) {
		if ((r->pair = calloc(r->np, sizeof *r->pair)) == NULL)
			return cfg_set_err(c, "%s: out of memory", cfg_path(c));
		memcpy(r->pair, idx, r->np * sizeof *r->pair);
	}

	/* filter */
	snprintf(kp, sizeof kp, BASE ".rules.%zu.filter", ri);
	if (get_list(c, kp, &list) != 0)
		return -1;
	if (list == NULL || cJSON_GetArraySize(list) == 0)
		return cfg_node_err(c, list ? list : node, kp, "%s: expected a list of filters",
		    list ? "empty" : "missing");
	if (cJSON_GetArraySize(list) > CAT_MAX_FILTERS)
		return cfg_node_err(c, list, kp, "more than %d filters", CAT_MAX_FILTERS);
	if ((r->f = calloc((size_t)cJSON_GetArraySize(list), sizeof *r->f)) == NULL)
		return cfg_set_err(c, "%s: out of memory", cfg_path(c));
	i = 0;
	cJSON_ArrayForEach(it, list) {
		struct filter *f = &r->f[i];
		const char *type, *value;

		snprintf(ikp, sizeof ikp, "%s.%zu", kp, i);
		if (!cJSON_IsObject(it))
			return cfg_type_error(c, ikp, it, "a mapping with type and value");
		snprintf(ikp, sizeof ikp, "%s.%zu.type", kp, i);
		if (get_str(c, it, ikp, &type) != 0)
			return -1;
		/* Butler SOS only warns, so a typo silently disables the filter: refuse it */
		if (word_is(type, "sw"))
			f->type = F_SW;
		else if (word_is(type, "ew"))
			f->type = F_EW;
		else if (word_is(type, "so"))
			f->type = F_SO;
		else
			return cfg_node_err(c, cfg_get(c, ikp), ikp,
			    "unknown filter type \"%.60s\" (expected sw, ew or so)", type);
		snprintf(ikp, sizeof ikp, "%s.%zu.value", kp, i);
		if (get_str(c, it, ikp, &value) != 0)
			return -1;
		if ((f->s = strdup(value)) == NULL)
			return cfg_set_err(c, "%s: out of memory", cfg_path(c));
		f->len = strlen(value);
		r->nf = ++i;
	}
	return 0;
}

struct categorise *categorise_load(struct cfg *c)
{
	struct categorise *k;
	const cJSON *rules, *it;
	size_t i = 0;

	if ((k = calloc(1, sizeof *k)) == NULL) {
		cfg_set_err(c, "%s: out of memory", cfg_path(c));
		return NULL;
	}
	if (check_map(c, BASE) != 0 || check_map(c, BASE ".ruleDefault") != 0 ||
	    cfg_bool(c, BASE ".enable", false, &k->enabled) != 0 ||
	    cfg_bool(c, BASE ".ruleDefault.enable", false, &k->def_enabled) != 0 ||
	    load_pairs(k, c, BASE ".ruleDefault.category", k->def, &k->ndef) != 0 ||
	    get_list(c, BASE ".rules", &rules) != 0)
		goto fail;
	if (rules != NULL && cJSON_GetArraySize(rules) > 0) {
		if (cJSON_GetArraySize(rules) > CAT_MAX_RULES) {
			cfg_node_err(c, rules, BASE ".rules", "more than %d rules", CAT_MAX_RULES);
			goto fail;
		}
		k->rules = calloc((size_t)cJSON_GetArraySize(rules), sizeof *k->rules);
		if (k->rules == NULL) {
			cfg_set_err(c, "%s: out of memory", cfg_path(c));
			goto fail;
		}
		cJSON_ArrayForEach(it, rules) {
			/* counted first so that categorise_free sees a half-loaded rule */
			k->nrules = i + 1;
			if (load_rule(k, c, it, i, &k->rules[i]) != 0)
				goto fail;
			i++;
		}
	}
	/* the most distinct pairs one event can get */
	k->maxpairs = k->def_enabled ? k->ndef : 0;
	{
		size_t sum = 0;

		for (i = 0; i < k->nrules; i++)
			if (!k->rules[i].drop)
				sum += k->rules[i].np;
		if (sum > k->npairs)
			sum = k->npairs;
		if (sum > k->maxpairs)
			k->maxpairs = sum;
	}
	return k;
fail:
	categorise_free(k);
	return NULL;
}

void categorise_free(struct categorise *k)
{
	if (k == NULL)
		return;
	for (size_t i = 0; k->rules != NULL && i < k->nrules; i++) {
		for (size_t j = 0; j < k->rules[i].nf; j++)
			free(k->rules[i].f[j].s);
		free(k->rules[i].f);
		free(k->rules[i].pair);
	}
	free(k->rules);
	for (size_t i = 0; i < k->nlevels; i++)
		free(k->levels[i]);
	for (size_t i = 0; i < k->npairs; i++) {
		free((char *)(uintptr_t)k->pairs[i].name);
		free((char *)(uintptr_t)k->pairs[i].value);
	}
	free(k->pairs);
	free(k);
}

bool categorise_enabled(const struct categorise *k)
{
	return k && k->enabled;
}

size_t categorise_max_pairs(const struct categorise *k)
{
	return k->maxpairs;
}

/* --- per event ---------------------------------------------------------- */

static bool filter_match(const struct filter *f, const char *msg, size_t mlen)
{
	if (f->len > mlen)
		return false;
	switch (f->type) {
	case F_SW:
		return memcmp(msg, f->s, f->len) == 0;
	case F_EW:
		return memcmp(msg + mlen - f->len, f->s, f->len) == 0;
	case F_SO:
		return f->len == 0 || memmem(msg, mlen, f->s, f->len) != NULL;
	}
	return false;
}

/* Appends the pairs idx[0..np) to out[0..*n), skipping those already there. */
static void add_pairs(const struct categorise *k, const uint16_t *idx, size_t np,
    struct cat_pair *out, size_t max, size_t *n)
{
	for (size_t i = 0; i < np && *n < max; i++) {
		const struct cat_pair *p = &k->pairs[idx[i]];
		size_t j;

		for (j = 0; j < *n && out[j].name != p->name; j++)
			;
		if (j == *n)
			out[(*n)++] = *p;
	}
}

enum categorise_verdict categorise_apply(const struct categorise *k, const char *level,
    const char *message, struct cat_pair *out, size_t max, size_t *n)
{
	uint64_t bit;
	size_t mlen;
	bool matched = false;

	*n = 0;
	if (!k->enabled)
		return CAT_NONE;
	if (message == NULL)
		message = "";
	mlen = strlen(message);
	bit = level_find(k, level != NULL ? level : "");
	for (size_t i = 0; bit != 0 && i < k->nrules; i++) {
		const struct rule *r = &k->rules[i];
		size_t j;

		if ((r->levels & bit) == 0)
			continue;
		for (j = 0; j < r->nf && !filter_match(&r->f[j], message, mlen); j++)
			;
		if (j == r->nf)
			continue;
		if (r->drop) {
			*n = 0;
			return CAT_DROP;
		}
		matched = true;
		add_pairs(k, r->pair, r->np, out, max, n);
	}
	if (matched)
		return CAT_MATCHED;
	if (!k->def_enabled)
		return CAT_NONE;
	add_pairs(k, k->def, k->ndef, out, max, n);
	return CAT_DEFAULT;
}
