/* outq: a compacting byte buffer of whole lines with a record count. */
#include "outq.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "timefmt.h"

int outq_init(struct outq *q, int fd, size_t max_count, size_t max_bytes)
{
	struct stat st;

	memset(q, 0, sizeof *q);
	q->fd = fd;
	q->max_count = max_count;
	q->cap = max_bytes;
	if (!(q->buf = malloc(q->cap)))
		return -1;
	/* only pipes and sockets can make a writer wait; files and ttys stay as they are */
	if (fstat(fd, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode))) {
		int fl = fcntl(fd, F_GETFL);
		if (fl >= 0)
			(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	}
	return 0;
}

void outq_free(struct outq *q)
{
	free(q->buf);
	q->buf = NULL;
}

bool outq_has_room(const struct outq *q)
{
	return q->count < q->max_count;
}

bool outq_empty(const struct outq *q)
{
	return q->head == q->tail;
}

bool outq_push(struct outq *q, const char *line, size_t n, bool force)
{
	if (!force && q->count >= q->max_count)
		return false;
	if (q->tail + n + 1 > q->cap && q->head > 0) {
		memmove(q->buf, q->buf + q->head, q->tail - q->head);
		q->tail -= q->head;
		q->head = 0;
	}
	if (q->tail + n + 1 > q->cap)
		return false;
	memcpy(q->buf + q->tail, line, n);
	q->buf[q->tail + n] = '\n';
	q->tail += n + 1;
	q->count++;
	if (q->count > q->peak)
		q->peak = q->count;
	return true;
}

static void written(struct outq *q, size_t k)
{
	const char *p = q->buf + q->head, *end = p + k;

	while ((p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		q->count--;
		p++;
	}
	q->head += k;
	if (q->head == q->tail)
		q->head = q->tail = 0;
}

int outq_flush(struct outq *q, int64_t deadline)
{
	while (q->state == OUTQ_OK && q->head < q->tail) {
		ssize_t k = write(q->fd, q->buf + q->head, q->tail - q->head);
		if (k > 0) {
			written(q, (size_t)k);
			continue;
		}
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			int64_t left = deadline - time_mono_ms();
			if (deadline == 0 || left <= 0)
				return OUTQ_OK;
			struct pollfd p = { .fd = q->fd, .events = POLLOUT };
			if (poll(&p, 1, (int)(left < 1000 ? left : 1000)) < 0 && errno != EINTR)
				return q->state = OUTQ_ERR;
			continue;
		}
		q->state = (k < 0 && errno == EPIPE) ? OUTQ_PIPE : OUTQ_ERR;
	}
	return q->state;
}
