/*
 * fileio: bounded readers for small text files: whole-file reads with a
 * size cap, and a line reader that caps line length and total bytes.
 */
#ifndef SENSEOPS_FILEIO_H
#define SENSEOPS_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Largest file file_read reads; a bigger one is cut there. */
#define FILE_SMALL_MAX	(64 * 1024)
/* Longest line lines_next returns; the rest of a longer line is skipped. */
#define LINES_MAX	4096

/*
 * Reads at most size - 1 bytes of path into buf and NUL-terminates it (a
 * file may hold NUL bytes: use the length). Returns the length, or -1 with
 * errno set.
 */
ssize_t file_read(const char *path, char *buf, size_t size);

/* A line reader with a cap on line length and on the bytes read in total. */
struct lines {
	FILE	*fp;
	size_t	 left;		/* bytes still accepted from the file */
	int	 err;		/* errno of a read error, else 0 */
	char	 line[LINES_MAX];
};

/* Returns 0, or -1 with errno set when path cannot be opened. */
int lines_open(struct lines *l, const char *path, size_t max_bytes);
/*
 * Returns 1 with l->line holding the next line without its newline, 0 at
 * the end (or at the byte cap, or on a read error: see l->err).
 */
int lines_next(struct lines *l);
void lines_close(struct lines *l);

/*
 * Reads all of path, at most max bytes, into one allocation of max + 2
 * bytes, NUL-terminated and never moved (so a secret leaves no copies
 * behind: clear max + 2 bytes before freeing). *st gets the file's status.
 * Returns 0; -1 with errno set (EISDIR for a directory); -2 when the file
 * holds more than max bytes.
 */
int file_slurp(const char *path, size_t max, char **out, size_t *len, struct stat *st);

/*
 * Replaces path with len bytes of buf atomically: a temporary file beside
 * it (mode 0600), then rename(2). With sync, the data and the directory
 * are fsync'd, so the new content survives a power loss too. Returns 0,
 * or -1 with errno set (the old file is then untouched).
 */
int file_write_atomic(const char *path, const char *buf, size_t len, bool sync);

#endif
