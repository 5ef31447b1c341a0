/*
 * tracker: the set of files the patterns match, followed across
 * roll-over (rename, then a new file under the old name), truncation and
 * deletion, and their positions in a state file.
 */
#ifndef SENSEOPS_LOG_TAIL_TRACKER_H
#define SENSEOPS_LOG_TAIL_TRACKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tailfile.h"

struct tracker {
	struct tailfile *files;
	const char *const *patterns;	/* glob(7) patterns */
	size_t npatterns;
	bool from_end;			/* files found by the first scan without a position start at their end */
	bool scanned;			/* the first scan is done */
	int64_t forget_ms;		/* positions of files not seen for this long are dropped */
	unsigned long long changes;	/* bumped when a position or the file set changes */
};

/*
 * Expands the patterns, opens new files, resumes known ones at their
 * position, and marks files renamed away or deleted as finished (they
 * are read to their end, then closed).
 */
void tracker_scan(struct tracker *t, struct lt_stats *st);
/* One round over the open files, at most max_bytes from each; returns the bytes read. */
size_t tracker_read(struct tracker *t, struct lt_out *o, size_t max_bytes);
/* The directories to watch: of the open files and the patterns' fixed parts. */
size_t tracker_dirs(const struct tracker *t, char ***dirs);
void tracker_free(struct tracker *t);

/*
 * The state file: one line per file with device, inode, fingerprint
 * length and hash, position, last seen and path. Loading fills t->files
 * with closed entries; returns 0, 1 when there is no state file yet, or
 * -1 (logged) when it is unreadable or corrupt.
 */
int state_load(struct tracker *t, const char *path);
/* Writes the state atomically (temporary file, rename); fsync'd when sync. 0, or -1 logged. */
int state_save(const struct tracker *t, const char *path, bool sync);

#endif
