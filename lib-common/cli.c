/* cli: shared options and start-up of every senseops tool. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "log.h"
#include "ready.h"
#include "sandbox.h"
#include "sig.h"

void cli_init(struct cli *cli, const char *tool, const char *usage)
{
	memset(cli, 0, sizeof *cli);
	cli->tool = tool;
	cli->usage = usage;
	cli->ready_fd = -1;
	log_init(tool);
}

void cli_usage_error(const struct cli *cli, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", cli->tool);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nusage: %s\n", cli->usage);
	exit(EX_USAGE);
}

long long cli_int(const struct cli *cli, const char *opt, const char *arg, long long min, long long max)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		cli_usage_error(cli, "%s: \"%s\" is not an integer in [%lld, %lld]", opt, arg, min, max);
	return v;
}

int cli_option(struct cli *cli, int opt, const char *arg)
{
	switch (opt) {
	case 'c':
		cli->config_path = arg;
		return 1;
	case 'n':
		cli->check_config = true;
		return 1;
	case CLI_OPT_PRINT_CONFIG:
		cli->print_config = true;
		return 1;
	case CLI_OPT_SET:
		if (!strchr(arg, '=') || arg[0] == '=')
			cli_usage_error(cli, "--set: expected KEY=VALUE, got \"%s\"", arg);
		if (cli->nsets == CLI_MAX_SETS)
			cli_usage_error(cli, "--set: at most %d", CLI_MAX_SETS);
		cli->sets[cli->nsets++] = arg;
		return 1;
	case 'v':
		cli->verbosity++;
		return 1;
	case 'q':
		cli->verbosity--;
		return 1;
	case CLI_OPT_READY_FD:
		cli->ready_fd = (int)cli_int(cli, "--ready-fd", arg, 3, 1 << 20);
		if (ready_check(cli->ready_fd) != 0)
			cli_usage_error(cli, "--ready-fd %d: %s", cli->ready_fd, strerror(errno));
		return 1;
	case 'h':
		printf("usage: %s\n", cli->usage);
		printf("See %s(1) for the options and the configuration keys.\n", cli->tool);
		exit(EX_OK);
	case 'V':
		printf("%s (senseops) %s\n", cli->tool, SENSEOPS_VERSION);
		exit(EX_OK);
	case '?':
		cli_usage_error(cli, "unknown option or missing argument");
	default:
		return 0;
	}
}

int cli_next(struct cli *cli, int argc, char **argv, const struct option *longopts)
{
	int opt;

	while ((opt = getopt_long(argc, argv, CLI_SHORTOPTS, longopts, NULL)) != -1)
		if (!cli_option(cli, opt, optarg))
			return opt;
	return -1;
}

void cli_no_operands(const struct cli *cli, int argc, char **argv)
{
	if (optind < argc)
		cli_usage_error(cli, "unexpected argument \"%s\"", argv[optind]);
}

void cli_running(struct cli *cli)
{
	if (sig_init() < 0)
		die(EX_OSERR, "signals: %s", strerror(errno));
	if (sandbox_no_exec() != 0)
		log_warn("seccomp filter not installed: %s", strerror(errno));
	if (ready_notify(cli->ready_fd) != 0)
		log_warn("--ready-fd %d: %s", cli->ready_fd, strerror(errno));
	cli->ready_fd = -1;
}

struct cfg *cli_load_config(struct cli *cli)
{
	char err[1024];
	int code = EX_CONFIG;
	struct cfg *c;
	const char *lvl;

	if (cli->config_path) {
		/* a missing file is a configuration error too: 78 for all */
		c = cfg_load(cli->config_path, err, sizeof err, &code);
		if (!c)
			die(EX_CONFIG, "%s", err);
	} else {
		c = cfg_new();
		if (!c)
			die(EX_OSERR, "out of memory");
	}
	for (int i = 0; i < cli->nsets; i++) {
		char key[512];
		const char *eq = strchr(cli->sets[i], '=');
		size_t kl = (size_t)(eq - cli->sets[i]);

		if (kl >= sizeof key)
			die(EX_USAGE, "--set: key too long");
		memcpy(key, cli->sets[i], kl);
		key[kl] = '\0';
		if (cfg_is_secret_key(strrchr(key, '.') ? strrchr(key, '.') + 1 : key))
			die(EX_USAGE, "--set %s: secrets are not taken from the command line; "
			    "use a file or an environment variable", key);
		if (cfg_set(c, key, eq + 1) != 0)
			die(EX_CONFIG, "%s", cfg_error(c));
	}
	if (cfg_string(c, "Butler-SOS.logLevel", "info", &lvl) != 0)
		die(EX_CONFIG, "%s", cfg_error(c));
	int level = log_level_parse(lvl);
	if (level < 0)
		die(EX_CONFIG, "%s: Butler-SOS.logLevel: unknown level \"%s\"", cfg_path(c), lvl);
	if (cli->verbosity != 0)
		level = LL_INFO + cli->verbosity;
	log_set_level(level);
	return c;
}

void cli_config_done(struct cli *cli, struct cfg *c, int rc)
{
	if (rc != 0)
		die(EX_CONFIG, "%s", cfg_error(c));
	if (cli->check_config) {
		printf("%s: ok\n", cfg_path(c));
		exit(EX_OK);
	}
	if (cli->print_config) {
		char *s = cfg_print_redacted(c);
		if (!s)
			die(EX_OSERR, "out of memory");
		puts(s);
		free(s);
		exit(fflush(stdout) == 0 ? EX_OK : EX_IOERR);
	}
}
