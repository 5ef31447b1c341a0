/* records: validate Sense responses and shape them into senseops records. */
#include "records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "timefmt.h"

int server_tags(cJSON *rec, const struct server *s)
{
	int rc = record_tag(rec, "host", s->host_noport);

	rc |= record_tag(rec, "server_name", s->name);
	rc |= record_tag(rec, "server_description", s->description);
	for (size_t i = 0; i < s->ntags; i++)
		rc |= record_tag(rec, s->tag_name[i], s->tag_value[i]);
	return rc;
}

void uptime_text(const char *started, int64_t now_ms, char *out, size_t size)
{
	int64_t t;

	if (!started || time_parse_sense_iso(started, &t) != 0 || now_ms < t) {
		snprintf(out, size, "%s", "");
		return;
	}
	int64_t s = (now_ms - t) / 1000;
	snprintf(out, size, "%lld days, %lldh %02lldm %02llds", (long long)(s / 86400),
	    (long long)(s / 3600 % 24), (long long)(s / 60 % 60), (long long)(s % 60));
}

/* Copies the number at obj.key into dst; false when missing or not a number. */
static bool num(cJSON *dst, const cJSON *obj, const char *key, char *why, size_t len, const char *path)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (!cJSON_IsNumber(v)) {
		snprintf(why, len, "%s.%s missing or not a number", path, key);
		return false;
	}
	return cJSON_AddNumberToObject(dst, key, v->valuedouble) != NULL;
}

/* An object of numeric members keys (NULL-terminated) copied from body.name. */
static bool section(cJSON *rec, const cJSON *body, const char *name, const char *const *keys,
    char *why, size_t len)
{
	const cJSON *src = cJSON_GetObjectItemCaseSensitive(body, name);
	cJSON *dst;

	if (!cJSON_IsObject(src)) {
		snprintf(why, len, "%s missing or not an object", name);
		return false;
	}
	if (!(dst = cJSON_AddObjectToObject(rec, name)))
		return false;
	for (const char *const *k = keys; *k; k++)
		if (!num(dst, src, *k, why, len, name))
			return false;
	return true;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* docs (array of ids) into apps.<list>, and the sorted names lists when asked for. */
static bool docs(cJSON *apps, const cJSON *src, const char *list, bool names_too,
    const struct appnames *names, char *why, size_t len)
{
	const cJSON *arr = cJSON_GetObjectItemCaseSensitive(src, list), *it;
	cJSON *ids;
	int n;

	if (!cJSON_IsArray(arr)) {
		snprintf(why, len, "apps.%s missing or not a list", list);
		return false;
	}
	n = cJSON_GetArraySize(arr);
	if (!(ids = cJSON_AddArrayToObject(apps, list)))
		return false;
	cJSON_ArrayForEach(it, arr) {
		if (!cJSON_IsString(it)) {
			snprintf(why, len, "apps.%s holds a non-string", list);
			return false;
		}
		cJSON_AddItemToArray(ids, cJSON_CreateString(it->valuestring));
	}
	if (!names_too)
		return true;
	/* session apps by id; the others by name, or id when the name is unknown */
	const char **app = calloc((size_t)n + 1, sizeof *app), **ses = calloc((size_t)n + 1, sizeof *ses);
	size_t na = 0, ns = 0;
	bool okay = app && ses;
	cJSON_ArrayForEach(it, arr) {
		if (!okay)
			break;
		const char *id = it->valuestring;
		if (strncmp(id, "SessionApp", 10) == 0) {
			ses[ns++] = id;
		} else {
			const char *nm = appnames_get(names, id, strlen(id));
			app[na++] = nm ? nm : id;
		}
	}
	if (okay) {
		char key[64];
		qsort(app, na, sizeof *app, cmp_str);
		qsort(ses, ns, sizeof *ses, cmp_str);
		snprintf(key, sizeof key, "%s_names", list);
		cJSON *a = cJSON_AddArrayToObject(apps, key);
		snprintf(key, sizeof key, "%.*s_session_docs_names", (int)(strlen(list) - 5), list);
		cJSON *s = cJSON_AddArrayToObject(apps, key);
		for (size_t i = 0; a && i < na; i++)
			cJSON_AddItemToArray(a, cJSON_CreateString(app[i]));
		for (size_t i = 0; s && i < ns; i++)
			cJSON_AddItemToArray(s, cJSON_CreateString(ses[i]));
		okay = a && s;
	}
	free(app);
	free(ses);
	return okay;
}

cJSON *health_record(const struct conf *k, const struct server *s, const cJSON *body,
    const struct appnames *names, int64_t now_ms, char *why, size_t len)
{
	static const char *const mem[] = { "committed", "allocated", "free", NULL };
	static const char *const cpu[] = { "total", NULL };
	static const char *const two[] = { "active", "total", NULL };
	static const char *const cache[] = { "hits", "lookups", "added", "replaced", "bytes_added", NULL };
	static const char *const appnum[] = { "calls", "selections", NULL };
	const cJSON *version = cJSON_GetObjectItemCaseSensitive(body, "version");
	const cJSON *started = cJSON_GetObjectItemCaseSensitive(body, "started");
	const cJSON *sat = cJSON_GetObjectItemCaseSensitive(body, "saturated");
	const cJSON *apps_src = cJSON_GetObjectItemCaseSensitive(body, "apps");
	char up[64];
	cJSON *rec, *apps;

	if (!cJSON_IsObject(body)) {
		snprintf(why, len, "not a JSON object");
		return NULL;
	}
	if (!cJSON_IsString(version) || !cJSON_IsString(started) || !cJSON_IsBool(sat) ||
	    !cJSON_IsObject(apps_src)) {
		snprintf(why, len, "version, started, saturated or apps missing or of the wrong type");
		return NULL;
	}
	if (!(rec = record_new("health", now_ms)))
		goto oom;
	uptime_text(started->valuestring, now_ms, up, sizeof up);
	if (server_tags(rec, s) || record_str(rec, "server_host", s->host) ||
	    record_str(rec, "version", version->valuestring) ||
	    record_str(rec, "started", started->valuestring) || record_str(rec, "uptime", up))
		goto oom;
	why[0] = '\0';
	if (!section(rec, body, "mem", mem, why, len) || !section(rec, body, "cpu", cpu, why, len) ||
	    !section(rec, body, "session", two, why, len) || !section(rec, body, "users", two, why, len) ||
	    !section(rec, body, "cache", cache, why, len))
		goto bad;
	if (!(apps = cJSON_AddObjectToObject(rec, "apps")))
		goto oom;
	for (const char *const *a = appnum; *a; a++)
		if (!num(apps, apps_src, *a, why, len, "apps"))
			goto bad;
	if (!docs(apps, apps_src, "active_docs", k->include_active, names, why, len) ||
	    !docs(apps, apps_src, "loaded_docs", k->include_loaded, names, why, len) ||
	    !docs(apps, apps_src, "in_memory_docs", k->include_inmem, names, why, len))
		goto bad;
	if (record_bool(rec, "saturated", cJSON_IsTrue(sat)))
		goto oom;
	return rec;
bad:
	if (!why[0])
		snprintf(why, len, "out of memory");
	cJSON_Delete(rec);
	return NULL;
oom:
	snprintf(why, len, "out of memory");
	cJSON_Delete(rec);
	return NULL;
}

cJSON *sessions_record(const struct conf *k, const struct server *s, const struct vproxy *vp,
    const cJSON *body, int64_t now_ms, char *why, size_t len)
{
	const cJSON *it;
	cJSON *rec, *users, *details;
	int n = 0;

	if (!cJSON_IsArray(body)) {
		snprintf(why, len, "not a JSON list");
		return NULL;
	}
	cJSON_ArrayForEach(it, body) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(it, "UserDirectory");
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(it, "UserId");
		const cJSON *sid = cJSON_GetObjectItemCaseSensitive(it, "SessionId");
		if (!cJSON_IsString(d) || !cJSON_IsString(u) || !cJSON_IsString(sid)) {
			snprintf(why, len, "session %d lacks UserDirectory, UserId or SessionId strings", n);
			return NULL;
		}
		n++;
	}
	if (!(rec = record_new("sessions", now_ms)))
		goto oom;
	if (server_tags(rec, s) || record_tag(rec, "user_session_virtual_proxy", vp->prefix) ||
	    record_tag(rec, "user_session_host", s->session_host) || record_str(rec, "server_host", s->host) ||
	    record_str(rec, "virtual_proxy", vp->prefix) || record_num(rec, "session_count", n) ||
	    !(users = cJSON_AddArrayToObject(rec, "users")) ||
	    !(details = cJSON_AddArrayToObject(rec, "details")))
		goto oom;
	/* unique DIR\id in first-seen order, excluded users included, as Butler SOS counts */
	size_t listlen = 0;
	cJSON_ArrayForEach(it, body) {
		const char *d = cJSON_GetObjectItemCaseSensitive(it, "UserDirectory")->valuestring;
		const char *u = cJSON_GetObjectItemCaseSensitive(it, "UserId")->valuestring;
		const char *sid = cJSON_GetObjectItemCaseSensitive(it, "SessionId")->valuestring;
		char full[512];
		snprintf(full, sizeof full, "%s\\%s", d, u);
		bool seen = false;
		const cJSON *x;
		cJSON_ArrayForEach(x, users)
			seen |= strcmp(x->valuestring, full) == 0;
		if (!seen) {
			cJSON_AddItemToArray(users, cJSON_CreateString(full));
			listlen += strlen(full) + 1;
		}
		if (userlist_has(&k->exclude, d, u))
			continue;
		cJSON *det = cJSON_CreateObject();
		if (!det)
			goto oom;
		cJSON_AddItemToArray(details, det);
		if (!cJSON_AddStringToObject(det, "session_id", sid) ||
		    !cJSON_AddStringToObject(det, "user_directory", d) || !cJSON_AddStringToObject(det, "user_id", u))
			goto oom;
	}
	char *list = malloc(listlen + 1), *p = list;
	if (!list)
		goto oom;
	*p = '\0';
	cJSON_ArrayForEach(it, users) {
		size_t l = strlen(it->valuestring);
		if (p != list)
			*p++ = ',';
		memcpy(p, it->valuestring, l + 1);
		p += l;
	}
	int rc = record_num(rec, "unique_user_count", cJSON_GetArraySize(users)) ||
	    record_str(rec, "session_user_id_list", list);
	free(list);
	if (rc)
		goto oom;
	/* the response itself, for MQTT consumers that get it whole, as from Butler SOS */
	cJSON *raw = cJSON_Duplicate(body, 1);
	if (!raw)
		goto oom;
	cJSON_AddItemToObject(rec, "body", raw);
	return rec;
oom:
	snprintf(why, len, "out of memory");
	cJSON_Delete(rec);
	return NULL;
}
