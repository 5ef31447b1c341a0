/* userlist: load and match {directory, userId} lists. */
#include "userlist.h"

#include <string.h>

int userlist_load(struct cfg *c, const char *keypath, struct userlist *l)
{
	const cJSON *list = cfg_get(c, keypath), *it;

	l->n = 0;
	if (!list || cJSON_IsNull(list))
		return 0;
	if (!cJSON_IsArray(list))
		return cfg_type_error(c, keypath, list, "a list of {directory, userId}");
	cJSON_ArrayForEach(it, list) {
		const cJSON *d = cJSON_GetObjectItemCaseSensitive(it, "directory");
		const cJSON *u = cJSON_GetObjectItemCaseSensitive(it, "userId");
		if (!cJSON_IsString(d) || !cJSON_IsString(u))
			return cfg_node_err(c, it, keypath, "each item needs directory and userId strings");
		if (l->n == USERLIST_MAX)
			return cfg_node_err(c, it, keypath, "more than %d users", USERLIST_MAX);
		l->dir[l->n] = d->valuestring;
		l->id[l->n++] = u->valuestring;
	}
	return 0;
}

bool userlist_has(const struct userlist *l, const char *dir, const char *id)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->dir[i], dir) == 0 && strcmp(l->id[i], id) == 0)
			return true;
	return false;
}
