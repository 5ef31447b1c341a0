/*
 * config-int: what the lib-common/config*.c files share. Private to them:
 * tools, tests and other modules include config.h, never this header.
 */
#ifndef SENSEOPS_CONFIG_INT_H
#define SENSEOPS_CONFIG_INT_H

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"

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

/* --- config.c: the object and its messages ----------------------------- */

/* A cfg holding a copy of path (may be NULL) and no root; NULL when out of memory. */
struct cfg *cfg_alloc(const char *path);
/* Keeps messages on one line whatever a path or a key contains. */
void cfg_oneline(char *s);
/* The shortest text that reads back as d, spelled as JavaScript spells it. */
void cfg_num_text(double d, char *buf, size_t sz);

/* --- config-lines.c: the line table ------------------------------------ */

/* Sets the line of p; 0, or -1 when out of memory. */
int lt_set(struct linetab *t, const void *p, int line);
/* The line of p, 0 when unknown. */
int lt_get(const struct linetab *t, const void *p);
/* Forgets p (absent is fine). */
void lt_del(struct linetab *t, const void *p);
/* Forgets n and everything below it (t may be NULL). */
void lt_forget(struct linetab *t, const cJSON *n);
/*
 * Replaces old (a child of parent) by repl, which takes over old's key, and
 * frees old after forgetting its lines in t (t may be NULL).
 */
void cfg_replace_item(struct linetab *t, cJSON *parent, cJSON *old, cJSON *repl);

/* --- config-yaml.c: scalar resolution (js-yaml 4, core schema) --------- */

enum tagkind { TK_NONE, TK_NONSPECIFIC, TK_STR, TK_INT, TK_FLOAT, TK_BOOL, TK_NULL,
	TK_MAP, TK_SEQ, TK_MERGE, TK_OTHER };

/* '0' to '9', whatever the locale. */
bool cfg_is_digit(char ch);
/*
 * Makes the node for scalar text s: a plain untagged scalar is resolved,
 * quoted and block ones are strings, a tag forces its type. 0, -1 out of
 * memory, -2 when s is not of the tagged type.
 */
int cfg_make_scalar(const char *s, size_t n, bool plain, enum tagkind tk, cJSON **out);

/* --- config-secret.c --------------------------------------------------- */

/* Does any component of keypath make its value a secret? */
bool cfg_path_is_secret(const char *keypath);

#endif
