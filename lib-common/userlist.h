/*
 * userlist: Butler SOS's excludeUser lists (userEvents.excludeUser,
 * userSessions.excludeUser): items {directory, userId}, matched exactly
 * and case-sensitively, as Butler SOS matches them.
 */
#ifndef SENSEOPS_USERLIST_H
#define SENSEOPS_USERLIST_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define USERLIST_MAX 256

struct userlist {
	size_t n;
	const char *dir[USERLIST_MAX], *id[USERLIST_MAX];	/* belong to the cfg */
};

/* Reads the list at keypath (absent or null: empty). 0, or -1 with cfg_error set. */
int userlist_load(struct cfg *c, const char *keypath, struct userlist *l);
bool userlist_has(const struct userlist *l, const char *dir, const char *id);

#endif
