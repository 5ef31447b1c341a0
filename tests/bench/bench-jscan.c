/*
 * bench-jscan: ns to scan one ~1 KB record with jscan, next to cJSON's parse
 * of the same record, each alone and with every member read (strings
 * decoded, numbers converted). Medians of several runs; no thresholds.
 *   bench-jscan [--runs=N] [--iterations=N] [FILE]   FILE: its first line is the record
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "jscan.h"

/* a udp-listen log_event record, as a sink reads it */
static const char sample[] =
	"{\"kind\":\"log_event\",\"ts\":\"2024-03-12T08:42:12.815Z\",\"tags\":{\"qs_log_category\":\"unknown\","
	"\"qs_env\":\"dev\"},\"source\":\"qseow-engine\",\"log_row\":1452,\"ts_iso\":\"\",\"ts_local\":\"\","
	"\"level\":\"WARN\",\"host\":\"qliksense1.corp.example.com\",\"subsystem\":\"System.Engine.Engine\","
	"\"windows_user\":\"CORP\\\\qlik_svc\",\"message\":\"Document e7af59a0-c243-480d-9571-08727551a66f "
	"could not be saved: Access denied\",\"proxy_session_id\":\"8a3b8d5e-1f2c-4f6e-9b7a-2c1d0e9f4a11\","
	"\"user_directory\":\"CORP\",\"user_id\":\"anna\",\"engine_ts\":\"20240312T094212.815+0100\","
	"\"process_id\":\"2d6f1c8a-9b3e-4f7d-8a21-5c4e3b2a1f90\",\"engine_exe_version\":\"12.1477.2\","
	"\"server_started\":\"20240312T061524.000+0100\",\"entry_type\":\"Warning\","
	"\"session_id\":\"5f0c2d1e-7a8b-4c9d-8e0f-1a2b3c4d5e6f\",\"app_id\":\"e7af59a0-c243-480d-9571-08727551a66f\","
	"\"user_full\":\"CORP\\\\anna\",\"category\":[{\"name\":\"qs_log_category\",\"value\":\"unknown\"}]}";

static const char *rec = sample;
static size_t rec_len = sizeof sample - 1;
static volatile unsigned long sink;	/* keeps the work from being optimised away */

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static void run_jscan(long iters)
{
	struct jtok tok[256];
	struct jscan js;
	unsigned long acc = 0;

	for (long i = 0; i < iters; i++)
		acc += (unsigned long)jscan_parse(&js, rec, rec_len, tok, 256);
	sink += acc;
}

/* read every member of the top object (and of nested objects one level down) */
static unsigned long jscan_fields(const struct jscan *js, int obj)
{
	unsigned long acc = 0;
	char buf[1024];

	for (int k = jscan_first(js, obj); k >= 0; k = jscan_after(js, k + 1)) {
		const char *p;
		int64_t v;
		double d;
		switch (js->tok[k + 1].type) {
		case JS_STRING:
			acc += (unsigned long)jscan_str(js, k + 1, &p, buf, sizeof buf);
			break;
		case JS_NUMBER:
			if (jscan_int(js, k + 1, &v) == 0)
				acc += (unsigned long)v;
			else if (jscan_double(js, k + 1, &d) == 0)
				acc += (unsigned long)d;
			break;
		case JS_OBJECT:
			acc += jscan_fields(js, k + 1);
			break;
		default:
			acc++;
		}
	}
	return acc;
}

static void run_jscan_fields(long iters)
{
	struct jtok tok[256];
	struct jscan js;
	unsigned long acc = 0;

	for (long i = 0; i < iters; i++)
		if (jscan_parse(&js, rec, rec_len, tok, 256) > 0)
			acc += jscan_fields(&js, 0);
	sink += acc;
}

static void run_cjson(long iters)
{
	unsigned long acc = 0;

	for (long i = 0; i < iters; i++) {
		cJSON *j = cJSON_ParseWithLength(rec, rec_len);
		acc += j != NULL;
		cJSON_Delete(j);
	}
	sink += acc;
}

static unsigned long cjson_fields(const cJSON *obj)
{
	unsigned long acc = 0;
	const cJSON *m;

	cJSON_ArrayForEach(m, obj) {
		if (cJSON_IsString(m))
			acc += strlen(m->valuestring);
		else if (cJSON_IsNumber(m))
			acc += (unsigned long)m->valuedouble;
		else if (cJSON_IsObject(m))
			acc += cjson_fields(m);
		else
			acc++;
	}
	return acc;
}

static void run_cjson_fields(long iters)
{
	unsigned long acc = 0;

	for (long i = 0; i < iters; i++) {
		cJSON *j = cJSON_ParseWithLength(rec, rec_len);
		if (j)
			acc += cjson_fields(j);
		cJSON_Delete(j);
	}
	sink += acc;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* median ns per call of f over runs runs of iters calls each; *best: the fastest run */
static double median_ns(void (*f)(long), long iters, int runs, double *best)
{
	double t[64] = { 0 };

	f(iters / 10 + 1);	/* warm caches and the allocator */
	for (int r = 0; r < runs; r++) {
		double t0 = now_ns();
		f(iters);
		t[r] = (now_ns() - t0) / (double)iters;
	}
	qsort(t, (size_t)runs, sizeof t[0], cmp_double);
	*best = t[0];
	return t[runs / 2];
}

int main(int argc, char **argv)
{
	static char line[1 << 20];
	long iters = 100000;
	int runs = 15;
	static const struct {
		const char *name;
		void (*f)(long);
		int slow;	/* iterations divided by this */
	} cases[] = {
		{ "jscan_parse", run_jscan, 1 },
		{ "jscan_parse + read all members", run_jscan_fields, 1 },
		{ "cJSON_ParseWithLength + Delete", run_cjson, 4 },
		{ "cJSON parse + read all + Delete", run_cjson_fields, 4 },
	};
	double ns[sizeof cases / sizeof cases[0]], best;

	for (int a = 1; a < argc; a++) {
		if (strncmp(argv[a], "--iterations=", 13) == 0) {
			iters = atol(argv[a] + 13);
		} else if (strncmp(argv[a], "--runs=", 7) == 0) {
			runs = atoi(argv[a] + 7);
		} else {
			FILE *f = fopen(argv[a], "r");
			if (!f || !fgets(line, sizeof line, f)) {
				perror(argv[a]);
				return 66;
			}
			fclose(f);
			rec_len = strcspn(line, "\r\n");
			rec = line;
		}
	}
	if (iters < 1 || runs < 1 || runs > 64) {
		fprintf(stderr, "usage: bench-jscan [--runs=1..64] [--iterations=N] [FILE]\n");
		return 64;
	}
	{
		struct jtok tok[256];
		struct jscan js;
		int k = jscan_parse(&js, rec, rec_len, tok, 256);
		if (k < 0) {
			fprintf(stderr, "bench-jscan: the record does not scan (%d)\n", k);
			return 65;
		}
		printf("jscan bench: a %zu-byte record, %d tokens; median of %d runs\n", rec_len, k, runs);
	}
	printf("%-34s %9s %12s %9s\n", "", "ns/record", "records/s", "best ns");
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		ns[c] = median_ns(cases[c].f, iters / cases[c].slow, runs, &best);
		printf("%-34s %9.0f %12.0f %9.0f\n", cases[c].name, ns[c], 1e9 / ns[c], best);
	}
	printf("jscan_parse is %.1fx faster than cJSON's parse; %.1fx with every member read\n",
	    ns[2] / ns[0], ns[3] / ns[1]);
	return 0;
}
