/*
 * evtags: Butler SOS's configured tag lists ({name, value} items, such as
 * logEvents.tags) and the tags and category list of an event record, as
 * udp-listen and log-tail write them.
 */
#ifndef SENSEOPS_EVTAGS_H
#define SENSEOPS_EVTAGS_H

#include <stddef.h>

#include "categorise.h"
#include "config.h"
#include "jsonw.h"

#define EV_MAX_TAGS 32

struct ev_tags {
	size_t n;
	const char *name[EV_MAX_TAGS], *value[EV_MAX_TAGS];	/* live as long as the cfg */
	char scalar[EV_MAX_TAGS][32];	/* the text of a number or boolean value */
};

/*
 * Reads the list at path (absent or null: empty). A number or boolean
 * value is a tag text all the same. Returns 0, or -1 with cfg_error set.
 */
int ev_tags_load(struct cfg *c, const char *path, struct ev_tags *t);

/*
 * Writes "tags":{...}: the category pairs a configured tag of the same
 * name does not shadow, then the configured tags, then the n_more pairs
 * of more[] (name, value, name, value, ...; an empty value is left out).
 */
void ev_tags_write(struct jsonw *w, const struct ev_tags *st, const struct cat_pair *cp, size_t ncp,
    const char *const *more, size_t n_more);
/* Writes "category":[{"name":..,"value":..},...]. */
void ev_categories_write(struct jsonw *w, const struct cat_pair *cp, size_t ncp);

#endif
