/*
 * record-lint: checks NDJSON records against the senseops record format
 * (senseops-records(7)): the envelope, and the fields of every kind the
 * schema defines. Exits 0 when every line is a valid record, 65 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "ndjson.h"
#include "record.h"

#define USAGE "record-lint [-qvV] [--summary] [--max-line bytes] [file ...]"

enum { OPT_SUMMARY = CLI_OPT_TOOL, OPT_MAX_LINE };

struct count {
	char kind[65];
	unsigned long long n;
};

static struct count counts[64];
static int ncounts;
static unsigned long long invalid;

static void count_kind(const char *kind)
{
	for (int i = 0; i < ncounts; i++)
		if (strcmp(counts[i].kind, kind) == 0) {
			counts[i].n++;
			return;
		}
	if (ncounts < (int)(sizeof counts / sizeof counts[0])) {
		snprintf(counts[ncounts].kind, sizeof counts[ncounts].kind, "%s", kind);
		counts[ncounts++].n = 1;
	}
}

static int lint(int fd, const char *name, size_t max_line)
{
	struct ndjson_reader r;
	cJSON *rec;
	int rc;

	if (ndjson_reader_init(&r, fd, max_line, name) != 0)
		die(EX_OSERR, "out of memory");
	while ((rc = ndjson_read_record(&r, &rec)) == NDJSON_LINE) {
		char why[256];
		if (record_check(rec, why, sizeof why) != 0) {
			fprintf(stderr, "%s:%llu: %s\n", name, r.st.lines, why);
			invalid++;
		} else {
			count_kind(record_kind(rec));
		}
		cJSON_Delete(rec);
	}
	invalid += r.st.too_long + r.st.nul_bytes + r.st.bad_utf8 + r.st.bad_json;
	ndjson_reader_free(&r);
	if (rc == NDJSON_ERR) {
		log_error("%s: %s", name, strerror(errno));
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "summary", no_argument, NULL, OPT_SUMMARY },
		{ "max-line", required_argument, NULL, OPT_MAX_LINE },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli;
	bool summary = false;
	size_t max_line = 0;
	int opt, failed = 0;

	cli_init(&cli, "record-lint", USAGE);
	while ((opt = cli_next(&cli, argc, argv, longopts)) != -1) {
		if (opt == OPT_SUMMARY)
			summary = true;
		else if (opt == OPT_MAX_LINE)
			max_line = (size_t)cli_int(&cli, "--max-line", optarg, 2, 1 << 30);
		else
			cli_usage_error(&cli, "unknown option");
	}
	/* no keys of its own, but -c, -n and --print-config work as everywhere */
	struct cfg *c = cli_load_config(&cli);
	cli_config_done(&cli, c, 0);

	if (optind == argc) {
		failed |= lint(STDIN_FILENO, "stdin", max_line);
	}
	for (int i = optind; i < argc; i++) {
		int fd = open(argv[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			log_error("%s: %s", argv[i], strerror(errno));
			failed = 1;
			continue;
		}
		failed |= lint(fd, argv[i], max_line);
		close(fd);
	}
	if (summary) {
		for (int i = 0; i < ncounts; i++)
			printf("%s %llu\n", counts[i].kind, counts[i].n);
		printf("invalid %llu\n", invalid);
	}
	cfg_free(c);
	if (fflush(stdout) != 0)
		return EX_IOERR;
	if (failed)
		return EX_NOINPUT;
	return invalid ? EX_DATAERR : EX_OK;
}
