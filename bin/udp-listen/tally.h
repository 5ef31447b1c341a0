/*
 * tally: bounded counters keyed by a short tuple of strings, for
 * event_count (type, source, host, subsystem) and rejected_event_count
 * (app id, app name, method, object type, with a sum of process times).
 * Past the key limit, new keys are folded into one overflow key so hostile
 * traffic cannot grow memory.
 */
#ifndef SENSEOPS_UDP_LISTEN_TALLY_H
#define SENSEOPS_UDP_LISTEN_TALLY_H

#include <stddef.h>

#define TALLY_PARTS 4
#define TALLY_OVERFLOW "Other"

struct tally_entry {
	char *part[TALLY_PARTS];
	unsigned long long count;
	double sum;
};

struct tally;

struct tally *tally_new(size_t max_keys);
void tally_free(struct tally *t);
/* Adds one to the key parts[0..TALLY_PARTS-1] (NULL parts are ""), and v to its sum. */
void tally_add(struct tally *t, const char *const parts[TALLY_PARTS], double v);
size_t tally_size(const struct tally *t);
const struct tally_entry *tally_entry(const struct tally *t, size_t i);
void tally_clear(struct tally *t);

#endif
