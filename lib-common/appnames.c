/* appnames: an open-addressing hash table of app ids, reloaded whole. */
#include "appnames.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "ndjson.h"

struct slot {
	char *id;	/* lower case */
	char *name;
};

struct table {
	struct slot *slots;
	size_t cap, n;
};

struct appnames {
	char *path;
	struct table t;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int loaded;
};

static uint64_t hash_id(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)tolower((unsigned char)s[i])) * 1099511628211ULL;
	return h;
}

static void table_free(struct table *t)
{
	for (size_t i = 0; i < t->cap; i++) {
		free(t->slots[i].id);
		free(t->slots[i].name);
	}
	free(t->slots);
	memset(t, 0, sizeof *t);
}

static struct slot *find(const struct table *t, const char *id, size_t n)
{
	if (t->cap == 0)
		return NULL;
	for (size_t i = hash_id(id, n) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
		struct slot *s = &t->slots[i];
		if (!s->id || (strlen(s->id) == n && strncasecmp(s->id, id, n) == 0))
			return s;
	}
}

static int grow(struct table *t)
{
	struct table nt = { .cap = t->cap ? t->cap * 2 : 256 };

	nt.slots = calloc(nt.cap, sizeof *nt.slots);
	if (!nt.slots)
		return -1;
	for (size_t i = 0; i < t->cap; i++) {
		if (!t->slots[i].id)
			continue;
		struct slot *s = find(&nt, t->slots[i].id, strlen(t->slots[i].id));
		*s = t->slots[i];
		nt.n++;
	}
	free(t->slots);
	*t = nt;
	return 0;
}

static int put(struct table *t, const char *id, const char *name)
{
	size_t n = strlen(id);

	if ((t->n + 1) * 4 > t->cap * 3 && grow(t) != 0)
		return -1;
	struct slot *s = find(t, id, n);
	char *nm = strdup(name);
	if (!nm)
		return -1;
	if (s->id) {		/* a later line wins */
		free(s->name);
		s->name = nm;
		return 0;
	}
	if (!(s->id = strdup(id))) {
		free(nm);
		return -1;
	}
	for (char *p = s->id; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	s->name = nm;
	t->n++;
	return 0;
}

struct appnames *appnames_new(const char *path)
{
	struct appnames *a = calloc(1, sizeof *a);

	if (!a)
		return NULL;
	if (path && !(a->path = strdup(path))) {
		free(a);
		return NULL;
	}
	return a;
}

void appnames_free(struct appnames *a)
{
	if (!a)
		return;
	table_free(&a->t);
	free(a->path);
	free(a);
}

static int put_item(struct table *t, const cJSON *item);

/* Loads the whole file into a new table; the old one stays on failure. */
static int load(struct appnames *a, int fd)
{
	struct ndjson_reader r;
	struct table t = { 0 };
	cJSON *rec;
	int rc;

	if (ndjson_reader_init(&r, fd, 64 * 1024, a->path) != 0)
		return -1;
	while ((rc = ndjson_read_record(&r, &rec)) == NDJSON_LINE) {
		int taken = put_item(&t, rec);
		cJSON_Delete(rec);
		if (taken < 0) {
			rc = NDJSON_ERR;
			break;
		}
	}
	ndjson_reader_free(&r);
	if (rc == NDJSON_ERR) {
		table_free(&t);
		return -1;
	}
	table_free(&a->t);
	a->t = t;
	return 0;
}

/* One app into t; 0 when taken, 1 when skipped, -1 on ENOMEM. */
static int put_item(struct table *t, const cJSON *item)
{
	const cJSON *id = cJSON_GetObjectItemCaseSensitive(item, "id");
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");

	if (!cJSON_IsString(id) || !cJSON_IsString(name) || !*id->valuestring ||
	    strlen(id->valuestring) > 64 || t->n >= APPNAMES_MAX)
		return 1;
	return put(t, id->valuestring, name->valuestring) == 0 ? 0 : -1;
}

long appnames_set(struct appnames *a, const cJSON *apps)
{
	struct table t = { 0 };
	const cJSON *it;
	long n = 0;

	cJSON_ArrayForEach(it, apps) {
		int rc = put_item(&t, it);
		if (rc < 0) {
			table_free(&t);
			return -1;
		}
		n += rc == 0;
	}
	table_free(&a->t);
	a->t = t;
	return n;
}

int appnames_refresh(struct appnames *a)
{
	struct stat st;
	int fd, rc;

	if (!a->path)
		return 0;
	fd = open(a->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		log_warn("app names %s: %s", a->path, strerror(errno));
		return -1;
	}
	if (a->loaded && st.st_dev == a->dev && st.st_ino == a->ino && st.st_size == a->size &&
	    st.st_mtim.tv_sec == a->mtime.tv_sec && st.st_mtim.tv_nsec == a->mtime.tv_nsec) {
		close(fd);
		return 0;
	}
	rc = load(a, fd);
	close(fd);
	if (rc != 0) {
		log_warn("app names %s: cannot load; keeping %zu names", a->path, a->t.n);
		return -1;
	}
	a->dev = st.st_dev;
	a->ino = st.st_ino;
	a->size = st.st_size;
	a->mtime = st.st_mtim;
	a->loaded = 1;
	log_info("app names %s: %zu apps", a->path, a->t.n);
	return 1;
}

const char *appnames_get(const struct appnames *a, const char *id, size_t n)
{
	const struct slot *s = a ? find(&a->t, id, n) : NULL;
	return s && s->id ? s->name : NULL;
}

size_t appnames_count(const struct appnames *a)
{
	return a ? a->t.n : 0;
}
