/* qixfilter: loads enginePerformanceMonitor.monitorFilter and decides, per qix-perf event, whether to keep it. */
#include "qixfilter.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BASE	"Butler-SOS.logEvents.enginePerformanceMonitor"
#define MF	BASE ".monitorFilter"
#define KP_MAX	256	/* MF + ".appSpecific.app.255.appObject.someAppObjectsInclude.1023.objectId" */

struct strlist {
	char **v;
	size_t n;
};

/* NULL: the key is absent, so it matches any value. */
struct appitem {
	char *id, *name;
};

struct applist {
	struct appitem *v;
	size_t n;
};

/* all: reject what is in excl; else accept only what is in incl. */
struct xrule {
	bool all;
	struct strlist excl, incl;
};

struct appentry {
	struct applist include;
	struct xrule otype, obj, method;
};

struct qixfilter {
	bool monitor;
	bool all_on;
	struct applist exclude;
	struct xrule otype, method;
	bool spec_on;
	struct appentry *apps;
	size_t napps;
};

/* --- messages and look-ups ---------------------------------------------- */


static int oom(struct cfg *c)
{
	return cfg_set_err(c, "%s: out of memory", cfg_path(c));
}

/* The node at kp if it is of type want (a cJSON type flag); NULL when null or absent. */
static int get_node(struct cfg *c, const char *kp, int want, const char *what, const cJSON **out)
{
	const cJSON *n = cfg_get(c, kp);

	*out = NULL;
	if (n == NULL || cJSON_IsNull(n))
		return 0;
	if ((n->type & 0xff) != want)
		return cfg_type_error(c, kp, n, what);
	*out = n;
	return 0;
}

/* A copy of string node n (at kp), checked for length. */
static int dup_str(struct cfg *c, const cJSON *n, const char *kp, char **out)
{
	if (!cJSON_IsString(n))
		return cfg_type_error(c, kp, n, "a string");
	if (strlen(n->valuestring) > QF_MAX_VALUE)
		return cfg_node_err(c, n, kp, "longer than %d bytes", QF_MAX_VALUE);
	if ((*out = strdup(n->valuestring)) == NULL)
		return oom(c);
	return 0;
}

/* --- loading ------------------------------------------------------------ */

/*
 * The list at kp and room for its items (elem bytes each) in *v: 1 when
 * it has items, 0 when it is absent or empty, -1 on an error.
 */
static int list_items(struct cfg *c, const char *kp, size_t elem, const cJSON **list, void **v)
{
	int size;

	if (get_node(c, kp, cJSON_Array, "a list", list) != 0)
		return -1;
	if (*list == NULL || (size = cJSON_GetArraySize(*list)) == 0)
		return 0;
	if (size > QF_MAX_ITEMS)
		return cfg_node_err(c, *list, kp, "more than %d items", QF_MAX_ITEMS);
	if ((*v = calloc((size_t)size, elem)) == NULL)
		return oom(c);
	return 1;
}

/* A list of strings at kp; objid: items may also be mappings {objectId: string}. */
static int load_strlist(struct cfg *c, const char *kp, bool objid, struct strlist *l)
{
	const cJSON *list, *it;
	char ikp[KP_MAX];
	int rc;

	void *items = NULL;
	if ((rc = list_items(c, kp, sizeof *l->v, &list, &items)) <= 0 || items == NULL)
		return rc;
	l->v = items;
	cJSON_ArrayForEach(it, list) {
		const cJSON *s = it;

		snprintf(ikp, sizeof ikp, "%s.%zu", kp, l->n);
		if (objid && cJSON_IsObject(it)) {
			/* Butler SOS's own form: - objectId: rwPjBk */
			if (cJSON_GetArraySize(it) != 1 || (s = cJSON_GetObjectItemCaseSensitive(it,
			    "objectId")) == NULL)
				return cfg_node_err(c, it, ikp, "expected a string or a mapping with just objectId");
			snprintf(ikp, sizeof ikp, "%s.%zu.objectId", kp, l->n);
		} else if (!cJSON_IsString(it))
			return cfg_type_error(c, ikp, it,
			    objid ? "a string or a mapping with objectId" : "a string");
		if (dup_str(c, s, ikp, &l->v[l->n]) != 0)
			return -1;
		l->n++;
	}
	return 0;
}

/* A list of app items at kp: mappings with appId and/or appName. */
static int load_applist(struct cfg *c, const char *kp, struct applist *l)
{
	const cJSON *list, *it, *ch;
	char ikp[KP_MAX];
	int rc;

	void *items = NULL;
	if ((rc = list_items(c, kp, sizeof *l->v, &list, &items)) <= 0 || items == NULL)
		return rc;
	l->v = items;
	cJSON_ArrayForEach(it, list) {
		struct appitem *a = &l->v[l->n];

		snprintf(ikp, sizeof ikp, "%s.%zu", kp, l->n);
		/* counted first so that a half-read item is freed */
		l->n++;
		/* a bare "-" (null) is refused, as by Butler SOS's schema: use {} to match every app */
		if (!cJSON_IsObject(it))
			return cfg_type_error(c, ikp, it, "a mapping with appId and/or appName");
		cJSON_ArrayForEach(ch, it) {
			char **dst;

			if (strcmp(ch->string, "appId") == 0)
				dst = &a->id;
			else if (strcmp(ch->string, "appName") == 0)
				dst = &a->name;
			else
				return cfg_node_err(c, ch, ikp, "unknown key \"%.60s\" (expected appId or appName)",
				    ch->string);
			snprintf(ikp, sizeof ikp, "%s.%zu.%s", kp, l->n - 1, ch->string);
			if (dup_str(c, ch, ikp, dst) != 0)
				return -1;
		}
	}
	return 0;
}

/* The rule of mapping kp: allkey (default true), exclkey[], inclkey[]. */
static int load_xrule(struct cfg *c, const char *kp, const char *allkey, const char *exclkey,
    const char *inclkey, bool objid, struct xrule *r)
{
	const cJSON *m;
	char ikp[KP_MAX];

	r->all = true;
	if (get_node(c, kp, cJSON_Object, "a mapping", &m) != 0)
		return -1;
	if (m == NULL)
		return 0;
	snprintf(ikp, sizeof ikp, "%s.%s", kp, allkey);
	if (cfg_bool(c, ikp, true, &r->all) != 0)
		return -1;
	snprintf(ikp, sizeof ikp, "%s.%s", kp, exclkey);
	if (load_strlist(c, ikp, objid, &r->excl) != 0)
		return -1;
	snprintf(ikp, sizeof ikp, "%s.%s", kp, inclkey);
	return load_strlist(c, ikp, objid, &r->incl);
}

static int load_entry(struct cfg *c, size_t i, struct appentry *e)
{
	char kp[KP_MAX];
	const cJSON *m;

	snprintf(kp, sizeof kp, MF ".appSpecific.app.%zu", i);
	if (get_node(c, kp, cJSON_Object, "a mapping", &m) != 0)
		return -1;
	/* a null entry has no include[]: it never applies, as in Butler SOS */
	if (m == NULL)
		return 0;
	snprintf(kp, sizeof kp, MF ".appSpecific.app.%zu.include", i);
	if (load_applist(c, kp, &e->include) != 0)
		return -1;
	snprintf(kp, sizeof kp, MF ".appSpecific.app.%zu.objectType", i);
	if (load_xrule(c, kp, "allObjectTypes", "allObjectTypesExclude", "someObjectTypesInclude",
	    false, &e->otype) != 0)
		return -1;
	snprintf(kp, sizeof kp, MF ".appSpecific.app.%zu.appObject", i);
	if (load_xrule(c, kp, "allAppObjects", "allAppObjectsExclude", "someAppObjectsInclude",
	    true, &e->obj) != 0)
		return -1;
	snprintf(kp, sizeof kp, MF ".appSpecific.app.%zu.method", i);
	return load_xrule(c, kp, "allMethods", "allMethodsExclude", "someMethodsInclude",
	    false, &e->method);
}

struct qixfilter *qixfilter_load(struct cfg *c)
{
	struct qixfilter *f;
	const cJSON *n, *apps;
	int size;

	if ((f = calloc(1, sizeof *f)) == NULL) {
		oom(c);
		return NULL;
	}
	/* sections that are not mappings would otherwise read as all defaults */
	if (get_node(c, BASE, cJSON_Object, "a mapping", &n) != 0 ||
	    get_node(c, MF, cJSON_Object, "a mapping", &n) != 0 ||
	    get_node(c, MF ".allApps", cJSON_Object, "a mapping", &n) != 0 ||
	    get_node(c, MF ".appSpecific", cJSON_Object, "a mapping", &n) != 0)
		goto fail;
	if (cfg_bool(c, BASE ".enable", false, &f->monitor) != 0 ||
	    cfg_bool(c, MF ".allApps.enable", false, &f->all_on) != 0 ||
	    load_applist(c, MF ".allApps.appExclude", &f->exclude) != 0 ||
	    load_xrule(c, MF ".allApps.objectType", "allObjectTypes", "allObjectTypesExclude",
	    "someObjectTypesInclude", false, &f->otype) != 0 ||
	    load_xrule(c, MF ".allApps.method", "allMethods", "allMethodsExclude",
	    "someMethodsInclude", false, &f->method) != 0 ||
	    cfg_bool(c, MF ".appSpecific.enable", false, &f->spec_on) != 0 ||
	    get_node(c, MF ".appSpecific.app", cJSON_Array, "a list", &apps) != 0)
		goto fail;
	if (apps != NULL && (size = cJSON_GetArraySize(apps)) > 0) {
		if (size > QF_MAX_APPS) {
			cfg_node_err(c, apps, MF ".appSpecific.app", "more than %d entries", QF_MAX_APPS);
			goto fail;
		}
		if ((f->apps = calloc((size_t)size, sizeof *f->apps)) == NULL) {
			oom(c);
			goto fail;
		}
		for (size_t i = 0; i < (size_t)size; i++) {
			f->napps = i + 1;
			if (load_entry(c, i, &f->apps[i]) != 0)
				goto fail;
		}
	}
	return f;
fail:
	qixfilter_free(f);
	return NULL;
}

static void strlist_free(struct strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static void applist_free(struct applist *l)
{
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].id);
		free(l->v[i].name);
	}
	free(l->v);
}

static void xrule_free(struct xrule *r)
{
	strlist_free(&r->excl);
	strlist_free(&r->incl);
}

void qixfilter_free(struct qixfilter *f)
{
	if (f == NULL)
		return;
	applist_free(&f->exclude);
	xrule_free(&f->otype);
	xrule_free(&f->method);
	for (size_t i = 0; i < f->napps; i++) {
		applist_free(&f->apps[i].include);
		xrule_free(&f->apps[i].otype);
		xrule_free(&f->apps[i].obj);
		xrule_free(&f->apps[i].method);
	}
	free(f->apps);
	free(f);
}

bool qixfilter_monitor_enabled(const struct qixfilter *f)
{
	return f && f->monitor;
}

/* --- per event ---------------------------------------------------------- */

static bool in_list(const struct strlist *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return true;
	return false;
}

static bool rule_passes(const struct xrule *r, const char *s)
{
	return r->all ? !in_list(&r->excl, s) : in_list(&r->incl, s);
}

/* Does any item match? Every key an item has must be equal. */
static bool app_in(const struct applist *l, const char *id, const char *name)
{
	for (size_t i = 0; i < l->n; i++)
		if ((l->v[i].id == NULL || strcmp(l->v[i].id, id) == 0) &&
		    (l->v[i].name == NULL || strcmp(l->v[i].name, name) == 0))
			return true;
	return false;
}

bool qixfilter_accept(const struct qixfilter *f, const char *app_id, const char *app_name,
    const char *object_id, const char *object_type, const char *method)
{
	if (!f)
		return false;
	app_id = app_id ? app_id : "";
	app_name = app_name ? app_name : "";
	object_id = object_id ? object_id : "";
	object_type = object_type ? object_type : "";
	method = method ? method : "";

	if (f->spec_on) {
		for (size_t i = 0; i < f->napps; i++) {
			const struct appentry *e = &f->apps[i];

			if (app_in(&e->include, app_id, app_name) &&
			    rule_passes(&e->otype, object_type) &&
			    rule_passes(&e->obj, object_id) &&
			    rule_passes(&e->method, method))
				return true;
		}
	}
	if (f->all_on)
		return !app_in(&f->exclude, app_id, app_name) &&
		    rule_passes(&f->otype, object_type) &&
		    rule_passes(&f->method, method);
	return false;
}
