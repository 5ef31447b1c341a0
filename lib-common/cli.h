/*
 * cli: the options every senseops tool shares and the start-up steps that
 * go with them: -c/--config, -n/--check-config, --print-config, --set,
 * -v/-q, --ready-fd, -h/--help, -V/--version.
 *
 * A tool lists CLI_LONGOPTS in its getopt_long table and CLI_SHORTOPTS in
 * its option string, and passes every option to cli_option() first.
 */
#ifndef SENSEOPS_CLI_H
#define SENSEOPS_CLI_H

#include <getopt.h>
#include <stdbool.h>

#include "config.h"

enum {
	CLI_OPT_PRINT_CONFIG = 0x1000,
	CLI_OPT_READY_FD,
	CLI_OPT_SET,
	CLI_OPT_TOOL = 0x1100	/* tools number their own long-only options from here */
};

#define CLI_SHORTOPTS "c:nvqhV"
#define CLI_LONGOPTS \
	{ "config", required_argument, NULL, 'c' }, \
	{ "check-config", no_argument, NULL, 'n' }, \
	{ "print-config", no_argument, NULL, CLI_OPT_PRINT_CONFIG }, \
	{ "set", required_argument, NULL, CLI_OPT_SET }, \
	{ "verbose", no_argument, NULL, 'v' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "ready-fd", required_argument, NULL, CLI_OPT_READY_FD }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }

#define CLI_MAX_SETS 64

struct cli {
	const char *tool;
	const char *usage;	/* the synopsis, as in the man page */
	const char *config_path;
	bool check_config, print_config;
	int verbosity;		/* +1 per -v, -1 per -q */
	int ready_fd;
	const char *sets[CLI_MAX_SETS];
	int nsets;
};

void cli_init(struct cli *cli, const char *tool, const char *usage);
/*
 * Handles a shared option: returns 1 when it was one, 0 when the tool must
 * handle it. --help and --version print and exit 0; a bad value exits 64.
 */
int cli_option(struct cli *cli, int opt, const char *arg);
/* Prints "usage: ..." on stderr and exits 64 (EX_USAGE). */
__attribute__((noreturn, format(printf, 2, 3)))
void cli_usage_error(const struct cli *cli, const char *fmt, ...);
/* Loads -c FILE (or an empty config), applies --set, sets the log level
 * (-v/-q over Butler-SOS.logLevel). Exits 66/78 with a one-line message. */
struct cfg *cli_load_config(struct cli *cli);
/* A tool calls this after reading its settings: exits 78 with cfg_error when
 * rc != 0; for --check-config prints "FILE: ok" and exits 0; for
 * --print-config prints the redacted configuration and exits 0. */
void cli_config_done(struct cli *cli, struct cfg *c, int rc);
/*
 * getopt_long over the shared and the tool's options: the shared ones are
 * handled here; returns the next option that is the tool's, or -1 at the
 * end. Exits 64 on an unknown option or a missing argument.
 */
int cli_next(struct cli *cli, int argc, char **argv, const struct option *longopts);
/* After the options: exits 64 when operands remain (tools take none). */
void cli_no_operands(const struct cli *cli, int argc, char **argv);
/*
 * The last step before the main loop: SIGTERM, SIGINT and SIGHUP as events
 * (sig.h), the no-exec sandbox, and readiness on --ready-fd. Exits 71 when
 * signals cannot be set up; the others only warn.
 */
void cli_running(struct cli *cli);
/* Strict integer parsing for option values; exits 64 when arg is not in [min, max]. */
long long cli_int(const struct cli *cli, const char *opt, const char *arg, long long min, long long max);

#endif
