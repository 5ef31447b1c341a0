/* ready: s6-style readiness notification (--ready-fd N): one newline, then close. */
#ifndef SENSEOPS_READY_H
#define SENSEOPS_READY_H

/* Writes "\n" to fd and closes it; fd < 0 does nothing. Returns 0 or -1 with errno. */
int ready_notify(int fd);
/* Checks that fd is open for writing before the tool commits to using it. */
int ready_check(int fd);

#endif
