/* ready: readiness notification for supervisors and tests. */
#include "ready.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

int ready_check(int fd)
{
	int fl;

	if (fd < 0)
		return 0;
	if (fd <= 2) {
		errno = EINVAL;	/* stdin/stdout/stderr are data and logs */
		return -1;
	}
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -1;
	if ((fl & O_ACCMODE) == O_RDONLY) {
		errno = EBADF;
		return -1;
	}
	return 0;
}

int ready_notify(int fd)
{
	ssize_t n;

	if (fd < 0)
		return 0;
	do
		n = write(fd, "\n", 1);
	while (n < 0 && errno == EINTR);
	int e = errno;
	close(fd);
	errno = e;
	return n == 1 ? 0 : -1;
}
