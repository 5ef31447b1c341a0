/*
 * bench-udp-listen-parse: the udp-listen parsers alone, without sockets:
 * datagrams from udp-blast's generator (or files given as arguments, one
 * datagram per line), parsed round-robin, ns per datagram printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../bin/udp-listen/event.h"
#include "log.h"

#define MAXD 4096

static char out[512 * 1024];
static char *dg[MAXD];
static size_t dl[MAXD];
static bool user[MAXD];

int main(int argc, char **argv)
{
	static struct ev_conf conf;
	size_t n = 0;
	long iters = 1000000;

	log_set_level(-1);
	for (int i = 0; i < LS_COUNT; i++)
		conf.source_enable[i] = true;
	conf.log_tags.n = 1;
	conf.log_tags.name[0] = "qs_env";
	conf.log_tags.value[0] = "bench";
	for (int a = 1; a < argc; a++) {
		if (strncmp(argv[a], "--iterations=", 13) == 0) {
			iters = atol(argv[a] + 13);
			continue;
		}
		FILE *f = fopen(argv[a], "r");
		char line[70000];
		if (!f) {
			perror(argv[a]);
			return 66;
		}
		while (n < MAXD && fgets(line, sizeof line, f)) {
			line[strcspn(line, "\n")] = '\0';
			dl[n] = strlen(line);
			dg[n] = strdup(line);
			user[n] = strncmp(line, "/qseow-proxy-session/", 21) == 0 ||
			    strncmp(line, "/qseow-proxy-connection/", 24) == 0;
			n++;
		}
		fclose(f);
	}
	if (n == 0) {
		fprintf(stderr, "usage: bench-udp-listen-parse [--iterations=N] FILE...\n");
		return 64;
	}
	struct timespec t0, t1;
	unsigned long long bytes = 0, records = 0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < iters; i++) {
		struct jsonw w;
		struct ev_result r;
		size_t k = (size_t)i % n;
		jsonw_init(&w, out, sizeof out);
		if (user[k])
			userevent_parse(&conf, dg[k], dl[k], 1700000000000LL, &w, &r);
		else
			logevent_parse(&conf, dg[k], dl[k], 1700000000000LL, &w, &r);
		bytes += w.len;
		records += r.verdict == EV_RECORD;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / (double)iters;
	printf("parse: %ld datagrams (%zu kinds), %.0f ns each, %.0f/s on one core, %.0f bytes per record\n",
	    iters, n, ns, 1e9 / ns, (double)bytes / (double)(records ? records : 1));
	for (size_t i = 0; i < n; i++)
		free(dg[i]);
	return 0;
}
