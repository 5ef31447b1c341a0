/*
 * driver: runs a fuzz harness over corpus files without libFuzzer, so that
 * `make check` replays every corpus under the gcc sanitizer build. Prints
 * TAP: one test per file.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static int n;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	struct stat st;
	unsigned char *buf;
	size_t got;

	if (!f || fstat(fileno(f), &st) != 0 || st.st_size > (1 << 24)) {
		printf("not ok %d - %s: unreadable\n", ++n, path);
		if (f)
			fclose(f);
		return;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		fclose(f);
		printf("not ok %d - %s: out of memory\n", ++n, path);
		return;
	}
	got = fread(buf, 1, (size_t)st.st_size, f);
	fclose(f);
	LLVMFuzzerTestOneInput(buf, got);	/* a crash ends the run: prove sees it */
	free(buf);
	printf("ok %d - %s\n", ++n, path);
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
			struct dirent **ents;
			int k = scandir(argv[i], &ents, NULL, alphasort);
			for (int j = 0; j < k; j++) {
				char p[4096];
				if (ents[j]->d_name[0] != '.') {
					snprintf(p, sizeof p, "%s/%s", argv[i], ents[j]->d_name);
					run_file(p);
				}
				free(ents[j]);
			}
			free(k > 0 ? ents : NULL);
		} else {
			run_file(argv[i]);
		}
	}
	printf("1..%d\n", n);
	return 0;
}
