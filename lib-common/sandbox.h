/*
 * sandbox: self-imposed limits. senseops tools never run other programs, so
 * each one forbids execve(2) and execveat(2) for itself and its threads with
 * a seccomp filter (after PR_SET_NO_NEW_PRIVS): a compromised parser cannot
 * start a shell.
 */
#ifndef SENSEOPS_SANDBOX_H
#define SENSEOPS_SANDBOX_H

/* Returns 0, or -1 with errno when the kernel refuses the filter. */
int sandbox_no_exec(void);

#endif
