/*
 * sig: signals as events. SIGTERM, SIGINT and SIGHUP are blocked and read
 * from a signalfd that the main loop polls with everything else; SIGPIPE is
 * ignored so a closed pipe shows up as EPIPE from write(2).
 */
#ifndef SENSEOPS_SIG_H
#define SENSEOPS_SIG_H

#include <stdbool.h>
#include <stdint.h>

enum { SIG_NONE = 0, SIG_RELOAD = 1, SIG_STOP = 2 };

/* Returns the signalfd (also kept for sig_fd), or -1 with errno. */
int sig_init(void);
int sig_fd(void);
/* Drains pending signals: SIG_STOP if a stop was asked, else SIG_RELOAD for SIGHUP, else SIG_NONE. */
int sig_read(void);
/* True once SIGTERM or SIGINT has been read. */
bool sig_stopping(void);
/* Sleeps up to timeout_ms (or until a signal); returns what sig_read returns. */
int sig_wait(int64_t timeout_ms);

#endif
