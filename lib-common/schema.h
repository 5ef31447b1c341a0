/*
 * schema: the fields each record kind carries, as senseops-records(7)
 * documents them. Sources check what they emit in tests; sinks and
 * record-lint check what they read.
 */
#ifndef SENSEOPS_SCHEMA_H
#define SENSEOPS_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <cjson/cJSON.h>

/* Field types: 's' string, 'i' integer, 'n' number, 'b' bool, 'a' array, 'o' object. */
struct schema_field {
	const char *name;
	char type;
	bool required;
};

struct schema_kind {
	const char *kind;
	const struct schema_field *fields;	/* ends with a NULL name */
};

/* The schema of kind, or NULL when senseops does not define that kind. */
const struct schema_kind *schema_find(const char *kind);
/* 0 when rec has every required field and every known field has its type; unknown kinds pass. */
int schema_check(const char *kind, const cJSON *rec, char *why, size_t len);

#endif
