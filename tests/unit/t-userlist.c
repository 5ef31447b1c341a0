/* t-userlist: excludeUser lists from YAML, and exact matching. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "userlist.h"

static struct cfg *load(const char *yaml, char *path)
{
	char err[256];
	int code, fd;

	strcpy(path, "/tmp/t-userlist.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0 || write(fd, yaml, strlen(yaml)) != (ssize_t)strlen(yaml))
		return NULL;
	close(fd);
	return cfg_load(path, err, sizeof err, &code);
}

int main(void)
{
	char path[64];
	struct userlist l;
	struct cfg *c = load("Butler-SOS:\n  u:\n    - directory: CORP\n      userId: svc\n"
	    "    - {directory: LAB, userId: Test}\n  empty:\n  bad:\n    - directory: CORP\n"
	    "  notlist: 3\n", path);

	ok(c != NULL, "config loaded");
	ok(userlist_load(c, "Butler-SOS.u", &l) == 0 && l.n == 2, "two users");
	ok(userlist_has(&l, "CORP", "svc") && userlist_has(&l, "LAB", "Test"), "both match");
	ok(!userlist_has(&l, "corp", "svc") && !userlist_has(&l, "LAB", "test"), "case-sensitive");
	ok(!userlist_has(&l, "CORP", "Test"), "directory and id must match together");
	ok(userlist_load(c, "Butler-SOS.empty", &l) == 0 && l.n == 0, "null list is empty");
	ok(userlist_load(c, "Butler-SOS.absent", &l) == 0 && l.n == 0, "absent list is empty");
	ok(userlist_load(c, "Butler-SOS.bad", &l) == -1 && strstr(cfg_error(c), ":8: Butler-SOS.bad: each item"),
	    "item without userId: %s", cfg_error(c));
	ok(userlist_load(c, "Butler-SOS.notlist", &l) == -1 && strstr(cfg_error(c), "Butler-SOS.notlist"),
	    "not a list: %s", cfg_error(c));
	cfg_free(c);
	unlink(path);
	return done_testing();
}
