/* fileio: bounded readers for small files (/proc, /sys, /etc, secrets). */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

ssize_t file_read(const char *path, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;
	int fd, saved;

	if (size == 0) {
		errno = EINVAL;
		return -1;
	}
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	while (len < size - 1) {
		n = read(fd, buf + len, size - 1 - len);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			errno = saved;
			return -1;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return (ssize_t)len;
}

int lines_open(struct lines *l, const char *path, size_t max_bytes)
{
	l->left = max_bytes;
	l->err = 0;
	l->line[0] = '\0';
	if ((l->fp = fopen(path, "re")) == NULL)
		return -1;
	return 0;
}

int lines_next(struct lines *l)
{
	size_t n = 0;
	int c = EOF, got = 0;

	if (l->fp == NULL)
		return 0;
	while (l->left > 0 && (c = getc_unlocked(l->fp)) != EOF) {
		l->left--;
		got = 1;
		if (c == '\n')
			break;
		if (n < sizeof(l->line) - 1)
			l->line[n++] = (char)c;
	}
	l->line[n] = '\0';
	if (c == EOF && ferror(l->fp)) {
		l->err = errno ? errno : EIO;
		return 0;
	}
	/* A line cut by the byte cap is not trustworthy: drop it. */
	if (c != '\n' && c != EOF)
		return 0;
	return got;
}

void lines_close(struct lines *l)
{
	if (l->fp != NULL)
		fclose(l->fp);
	l->fp = NULL;
}

int file_slurp(const char *path, size_t max, char **out, size_t *len, struct stat *st)
{
	char *buf = NULL;
	size_t n = 0;
	int fd, saved;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)) == -1)
		return -1;
	if (fstat(fd, st) == -1)
		goto err;
	if (S_ISDIR(st->st_mode)) {
		errno = EISDIR;
		goto err;
	}
	if ((buf = malloc(max + 2)) == NULL)
		goto err;
	while (n < max + 1) {
		ssize_t r = read(fd, buf + n, max + 1 - n);

		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1)
			goto err;
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	if (n > max) {
		explicit_bzero(buf, n);
		free(buf);
		return -2;
	}
	buf[n] = '\0';
	*out = buf;
	*len = n;
	return 0;
err:
	saved = errno;
	if (buf != NULL) {
		explicit_bzero(buf, n);
		free(buf);
	}
	close(fd);
	errno = saved;
	return -1;
}

int file_write_atomic(const char *path, const char *buf, size_t len, bool sync)
{
	char tmp[4096], dir[4096];
	int e;

	if (snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp) {
		errno = ENAMETOOLONG;
		return -1;
	}
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -1;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, buf + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		off += (size_t)n;
	}
	if ((sync && fsync(fd) != 0) || close(fd) != 0) {
		fd = -1;
		goto fail;
	}
	if (rename(tmp, path) != 0) {
		e = errno;
		(void)unlink(tmp);
		errno = e;
		return -1;
	}
	if (sync) {
		/* the rename itself is durable only once the directory is */
		snprintf(dir, sizeof dir, "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash == dir)
			slash[1] = '\0';
		else if (slash)
			*slash = '\0';
		else
			snprintf(dir, sizeof dir, ".");
		int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd < 0)
			return -1;
		e = fsync(dfd) != 0 ? errno : 0;
		close(dfd);
		errno = e;
		return e ? -1 : 0;
	}
	return 0;
fail:
	e = errno;
	if (fd >= 0)
		close(fd);
	(void)unlink(tmp);
	errno = e;
	return -1;
}
