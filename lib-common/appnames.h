/*
 * appnames: Qlik Sense app id to app name, from the file sense-poll writes
 * (one JSON object per line, {"id":"<uuid>","name":"<name>"}). The file is
 * re-read when it changes (checked by appnames_refresh), and replaced as a
 * whole: a file that fails to load keeps the previous names in force.
 */
#ifndef SENSEOPS_APPNAMES_H
#define SENSEOPS_APPNAMES_H

#include <stddef.h>
#include <cjson/cJSON.h>

#define APPNAMES_MAX 200000	/* apps in one file */

struct appnames;

/* An empty table that will load path on the first refresh; path NULL: always empty. */
struct appnames *appnames_new(const char *path);
void appnames_free(struct appnames *a);
/*
 * Reloads the file when its inode, size or mtime changed. Returns 1 when
 * new names were loaded, 0 when nothing changed, -1 when the file could not
 * be read or parsed (logged; the old names stay).
 */
int appnames_refresh(struct appnames *a);
/*
 * Replaces the names with those of apps, an array of objects with string
 * "id" and "name" (a QRS app list or the file's lines); other items are
 * skipped. Returns how many were taken, or -1 on ENOMEM (old names kept).
 */
long appnames_set(struct appnames *a, const cJSON *apps);
/* The name of app id (n bytes, compared case-insensitively), or NULL. */
const char *appnames_get(const struct appnames *a, const char *id, size_t n);
size_t appnames_count(const struct appnames *a);

#endif
