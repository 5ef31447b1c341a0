/* evtags: configured tag lists and event tags. */
#include "evtags.h"

#include <stdio.h>
#include <string.h>

int ev_tags_load(struct cfg *c, const char *path, struct ev_tags *t)
{
	const cJSON *list = cfg_get(c, path), *it;

	t->n = 0;
	if (!list || cJSON_IsNull(list))
		return 0;
	if (!cJSON_IsArray(list))
		return cfg_node_err(c, list, path, "expected a list of {name, value}");
	cJSON_ArrayForEach(it, list) {
		const cJSON *n = cJSON_GetObjectItemCaseSensitive(it, "name");
		const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "value");
		if (!cJSON_IsString(n) || !*n->valuestring || !(cJSON_IsString(v) || cJSON_IsNumber(v) || cJSON_IsBool(v)))
			return cfg_node_err(c, it, path, "each item needs a name and a scalar value");
		if (t->n == EV_MAX_TAGS)
			return cfg_node_err(c, it, path, "at most %d tags", EV_MAX_TAGS);
		if (cJSON_IsString(v)) {
			t->value[t->n] = v->valuestring;
		} else {
			/* a number or bool in YAML is a tag text all the same */
			char *txt = cJSON_PrintUnformatted(v);
			if (!txt)
				return cfg_set_err(c, "out of memory");
			snprintf(t->scalar[t->n], sizeof t->scalar[t->n], "%s", txt);
			cJSON_free(txt);
			t->value[t->n] = t->scalar[t->n];
		}
		t->name[t->n] = n->valuestring;
		t->n++;
	}
	return 0;
}

void ev_tags_write(struct jsonw *w, const struct ev_tags *st, const struct cat_pair *cp, size_t ncp,
    const char *const *more, size_t n_more)
{
	jsonw_open_object(w, "tags");
	for (size_t i = 0; i < ncp; i++) {
		bool shadowed = false;
		for (size_t j = 0; j < st->n; j++)
			shadowed |= strcmp(st->name[j], cp[i].name) == 0;
		if (!shadowed)
			jsonw_str(w, cp[i].name, cp[i].value);
	}
	for (size_t j = 0; j < st->n; j++)
		jsonw_str(w, st->name[j], st->value[j]);
	for (size_t j = 0; j + 1 < 2 * n_more; j += 2)
		if (more[j + 1] && *more[j + 1])
			jsonw_str(w, more[j], more[j + 1]);
	jsonw_close(w);
}

void ev_categories_write(struct jsonw *w, const struct cat_pair *cp, size_t ncp)
{
	jsonw_open_array(w, "category");
	for (size_t i = 0; i < ncp; i++) {
		jsonw_open_object(w, NULL);
		jsonw_str(w, "name", cp[i].name);
		jsonw_str(w, "value", cp[i].value);
		jsonw_close(w);
	}
	jsonw_close_array(w);
}
