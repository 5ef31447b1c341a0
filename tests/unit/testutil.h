/* testutil.h: helpers the C unit tests share (after tap.h). */
#ifndef SENSEOPS_TESTUTIL_H
#define SENSEOPS_TESTUTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* n skipped tests, with the reason. */
__attribute__((unused))
static void skip(int n, const char *why)
{
	for (int i = 0; i < n; i++)
		ok(1, "# SKIP %s", why);
}

/* Where ../shared (fixtures, reference) is: $SENSEOPS_SHARED or ../shared. */
__attribute__((unused))
static const char *shared_dir(void)
{
	const char *s = getenv("SENSEOPS_SHARED");

	return s != NULL && *s != '\0' ? s : "../shared";
}

/* The 1-based line of the first line of path holding needle, 0 when none. */
__attribute__((unused))
static int line_of(const char *path, const char *needle)
{
	char buf[4096];
	FILE *fp = fopen(path, "r");
	int n = 0, found = 0;

	if (fp == NULL)
		return 0;
	while (fgets(buf, sizeof buf, fp) != NULL) {
		n++;
		if (strstr(buf, needle) != NULL) {
			found = n;
			break;
		}
	}
	fclose(fp);
	return found;
}

#endif
