/*
 * body: what the simulated servers answer. Each server keeps its engine
 * figures and proxy sessions between requests and moves them a little on
 * every health check or session request, as a live Sense node would:
 * counters only grow, CPU and memory wander, apps load and unload.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "sim.h"
#include "timefmt.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
#define ENGINE_VERSION "12.1477.2"
#define MAX_IN_MEMORY 8		/* apps a node holds in memory at once */
#define CATALOG_SEED 0x5e45e5e45e45e5ULL	/* the generated apps are the same every run */

/* jsonw caches keys in a static table: one writer at a time */
static pthread_mutex_t json_mu = PTHREAD_MUTEX_INITIALIZER;

void json_lock(void)
{
	pthread_mutex_lock(&json_mu);
}

void json_unlock(void)
{
	pthread_mutex_unlock(&json_mu);
}

uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((rng_next(s) >> 32) * n) >> 32);
}

double rng_unit(uint64_t *s)
{
	return (double)(rng_next(s) >> 11) / 9007199254740992.0;
}

void rng_uuid(uint64_t *s, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t a = rng_next(s), b = rng_next(s);
	int k = 0;

	for (int i = 0; i < 32; i++) {
		uint64_t w = i < 16 ? a : b;
		int nib = (int)(w >> ((i & 15) * 4) & 15);
		if (i == 12)
			nib = 4;			/* version 4 */
		else if (i == 16)
			nib = 8 | (nib & 3);		/* variant 10xx */
		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[k++] = '-';
		out[k++] = hex[nib];
	}
	out[k] = '\0';
}

/* The people of the example site; the last is the monitoring service account. */
static const struct user {
	const char *dir, *id, *name, *mail, *group1, *group2;
} users[] = {
	{ "CORP", "anna", "Anna Svensson", "anna@corp.example.com", "Sales", "Qlik Users" },
	{ "CORP", "erik", "Erik Lind", "erik@corp.example.com", "Finance", NULL },
	{ "CORP", "lisa", "Lisa Berg", "lisa@corp.example.com", "Marketing", "Qlik Users" },
	{ "CORP", "jonas", "Jonas Ek", "jonas@corp.example.com", "Finance", "Qlik Users" },
	{ "CORP", "maria", "Maria Lopez", "maria@corp.example.com", "Sales", NULL },
	{ "CORP", "ahmed", "Ahmed Haddad", "ahmed@corp.example.com", "Operations", "Qlik Users" },
	{ "CORP", "chen", "Chen Wei", "chen@corp.example.com", "Logistics", NULL },
	{ "CORP", "sofia", "Sofia Nilsson", "sofia@corp.example.com", "HR", "Qlik Users" },
	{ "CORP", "pierre", "Pierre Martin", NULL, NULL, NULL },
	{ "CORP", "olga", "Olga Ivanova", "olga@corp.example.com", "Finance", NULL },
	{ "PARTNER", "k.berg", "Karin Berg", "k.berg@partner.example.com", NULL, NULL },
	{ "PARTNER", "t.nguyen", "Thanh Nguyen", NULL, NULL, NULL },
	{ "CORP", "svc_monitor", "Monitoring service", NULL, NULL, NULL },
};
#define SVC_MONITOR ((int)NELEM(users) - 1)

static const struct stream {
	const char *id, *name;
} streams[] = {
	{ "aaec8d41-5201-43ab-809f-3063750dfafd", "Everyone" },
	{ "4b3a2c1d-0e9f-4a8b-b7c6-d5e4f3a2b1c0", "Finance" },
	{ "9c0d1e2f-3a4b-4c5d-8e6f-7a8b9c0d1e2f", "Sales" },
	{ "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b", "Operations" },
};

/* The four apps of fixtures/qrs-apps.json, field for field. */
static const struct fixture_app {
	const char *id, *created, *modified, *modified_by;
	const char *name, *publish_time, *description, *last_reload;
	long long file_size;
	int owner;		/* index into users */
	int stream;		/* index into streams, -1: none */
	bool published;
} fixture_apps[] = {
	{ .id = "e7af59a0-c243-480d-9571-08727551a66f", .created = "2023-09-14T08:12:33.512Z",
	  .modified = "2024-03-11T22:01:15.884Z", .modified_by = "CORP\\anna", .owner = 0,
	  .name = "Sales forecast", .publish_time = "2023-09-20T07:00:00.000Z", .published = true,
	  .description = "Monthly sales forecast per region", .stream = 0, .file_size = 8912345,
	  .last_reload = "2024-03-11T22:01:12.345Z" },
	{ .id = "d7cf16f9-6a95-462a-9ff1-a6d413326de4", .created = "2023-11-02T13:40:01.004Z",
	  .modified = "2024-03-13T01:00:14.201Z", .modified_by = "CORP\\erik", .owner = 1,
	  .name = "Budget 2025", .publish_time = "2023-09-20T07:00:00.000Z", .published = true,
	  .description = "", .stream = 1, .file_size = 45671234,
	  .last_reload = "2024-03-13T01:00:11.090Z" },
	{ .id = "6931136d-c234-4358-a40c-e37153aba7c9", .created = "2022-05-19T09:01:44.730Z",
	  .modified = "2024-02-28T16:20:03.118Z", .modified_by = "CORP\\erik", .owner = 1,
	  .name = "Sales basket analysis", .publish_time = "2023-09-20T07:00:00.000Z", .published = true,
	  .description = "Market basket analysis of POS data", .stream = 0, .file_size = 120334455,
	  .last_reload = "2024-03-12T05:30:41.660Z" },
	{ .id = "5b817efe-472d-43ce-8a31-6cce34af7de9", .created = "2024-01-08T10:00:00.000Z",
	  .modified = "2024-03-10T12:12:12.120Z", .modified_by = "CORP\\anna", .owner = 0,
	  .name = "Inventory analysis", .publish_time = "1753-01-01T00:00:00.000Z", .published = false,
	  .description = "Work in progress", .stream = -1, .file_size = 2334455,
	  .last_reload = "2024-03-10T12:11:58.002Z" },
};

static const char *const app_bases[] = {
	"HR dashboard", "Operations overview", "Customer churn", "Inventory levels",
	"Finance P&L", "Marketing campaigns", "Logistics KPIs", "Support tickets",
	"Procurement spend", "Executive summary", "Regional sales", "Supplier quality",
};

static const char *const descriptions[] = {
	"", "", "Weekly figures for the management team", "Data from SAP, reloaded nightly",
	"Owned by the BI team", "Draft \"v2\" with the new KPI definitions",
};

static void owner_json(struct jsonw *w, int u)
{
	static const char *const owner_ids[] = {
		"c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f", "d2e3f4a5-b6c7-4d8e-9f0a-1b2c3d4e5f6a",
		"e3f4a5b6-c7d8-4e9f-8a0b-2c3d4e5f6a7b", "f4a5b6c7-d8e9-4f0a-9b1c-3d4e5f6a7b8c",
	};

	jsonw_open_object(w, "owner");
	jsonw_str(w, "id", owner_ids[u % (int)NELEM(owner_ids)]);
	jsonw_str(w, "userId", users[u].id);
	jsonw_str(w, "userDirectory", users[u].dir);
	jsonw_str(w, "name", users[u].name);
	jsonw_raw(w, "privileges", "null", 4);
	jsonw_close(w);
}

/* One QRS app entity, with every key the fixture has, in its order. */
static void app_json(struct jsonw *w, const struct fixture_app *a)
{
	jsonw_open_object(w, NULL);
	jsonw_str(w, "id", a->id);
	jsonw_str(w, "createdDate", a->created);
	jsonw_str(w, "modifiedDate", a->modified);
	jsonw_str(w, "modifiedByUserName", a->modified_by);
	jsonw_open_array(w, "customProperties");
	jsonw_close_array(w);
	owner_json(w, a->owner);
	jsonw_str(w, "name", a->name);
	jsonw_str(w, "appId", "");
	jsonw_str(w, "sourceAppId", "00000000-0000-0000-0000-000000000000");
	jsonw_str(w, "targetAppId", "00000000-0000-0000-0000-000000000000");
	jsonw_str(w, "publishTime", a->publish_time);
	jsonw_bool(w, "published", a->published);
	jsonw_open_array(w, "tags");
	jsonw_close_array(w);
	jsonw_str(w, "description", a->description);
	if (a->stream >= 0) {
		jsonw_open_object(w, "stream");
		jsonw_str(w, "id", streams[a->stream].id);
		jsonw_str(w, "name", streams[a->stream].name);
		jsonw_raw(w, "privileges", "null", 4);
		jsonw_close(w);
	} else {
		jsonw_raw(w, "stream", "null", 4);
	}
	jsonw_int(w, "fileSize", a->file_size);
	jsonw_str(w, "lastReloadTime", a->last_reload);
	jsonw_str(w, "thumbnail", "");
	jsonw_str(w, "savedInProductVersion", ENGINE_VERSION);
	jsonw_str(w, "migrationHash", "0f2a8c51d2d54e04c1b9a0e1e3a44a0a3f5b7c61");
	jsonw_str(w, "dynamicColor", "");
	jsonw_int(w, "availabilityStatus", 0);
	jsonw_str(w, "schemaPath", "App");
	jsonw_raw(w, "privileges", "null", 4);
	jsonw_close(w);
}

int apps_init(struct sim *s, int extra, uint64_t seed)
{
	uint64_t rng = CATALOG_SEED;
	size_t cap = (size_t)(NELEM(fixture_apps) + (size_t)extra) * 1536 + 16;
	struct jsonw w;
	/* 2022-01-01 to 2024-03-01: when the generated apps were made */
	const int64_t t0 = 1640995200000LL, span = 68 * 24 * 3600 * 1000LL * 10;

	(void)seed;
	s->napps = (int)NELEM(fixture_apps) + extra;
	s->apps = calloc((size_t)s->napps, sizeof *s->apps);
	s->qrs_body = malloc(cap);
	if (!s->apps || !s->qrs_body)
		return -1;
	jsonw_init(&w, s->qrs_body, cap);
	jsonw_open_array(&w, NULL);
	for (int i = 0; i < s->napps; i++) {
		struct app *a = &s->apps[i];
		if (i < (int)NELEM(fixture_apps)) {
			snprintf(a->id, sizeof a->id, "%s", fixture_apps[i].id);
			snprintf(a->name, sizeof a->name, "%s", fixture_apps[i].name);
			app_json(&w, &fixture_apps[i]);
			continue;
		}
		int g = i - (int)NELEM(fixture_apps), nb = (int)NELEM(app_bases);
		char created[TIME_RFC3339_LEN], modified[TIME_RFC3339_LEN], reload[TIME_RFC3339_LEN];
		char publish[TIME_RFC3339_LEN], by[64];
		int64_t c = t0 + (int64_t)(rng_unit(&rng) * (double)span);
		int64_t m = c + (int64_t)(rng_unit(&rng) * 60 * 86400000.0);
		int owner = (int)rng_below(&rng, SVC_MONITOR);
		int stream = rng_below(&rng, 5) == 0 ? -1 : (int)rng_below(&rng, NELEM(streams));

		rng_uuid(&rng, a->id);
		if (g < nb)
			snprintf(a->name, sizeof a->name, "%s", app_bases[g]);
		else
			snprintf(a->name, sizeof a->name, "%s %d", app_bases[g % nb], g / nb + 1);
		snprintf(by, sizeof by, "%s\\%s", users[owner].dir, users[owner].id);
		struct fixture_app fa = {
			.id = a->id,
			.created = time_format_rfc3339(c, created),
			.modified = time_format_rfc3339(m, modified),
			.modified_by = by,
			.owner = owner,
			.name = a->name,
			.publish_time = stream >= 0 ? time_format_rfc3339(c + 86400000, publish) :
			    "1753-01-01T00:00:00.000Z",
			.published = stream >= 0,
			.description = descriptions[rng_below(&rng, NELEM(descriptions))],
			.stream = stream,
			.file_size = 100000 + (long long)(rng_unit(&rng) * rng_unit(&rng) * 4e8),
			.last_reload = time_format_rfc3339(m - 3000, reload),
		};
		app_json(&w, &fa);
	}
	jsonw_close_array(&w);
	if (w.overflow)
		return -1;
	s->qrs_len = w.len;
	return 0;
}

void apps_free(struct sim *s)
{
	free(s->apps);
	free(s->qrs_body);
	s->apps = NULL;
	s->qrs_body = NULL;
}

/* x rounded to whole 4 KiB pages, in MB, as the engine reports memory */
static double pages_mb(double mb)
{
	return round(mb * 256.0) / 256.0;
}

static double clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

void server_init(struct server *srv, int index, uint64_t seed, const struct sim *s)
{
	static const double phys[] = { 16383.4453125, 32767.5078125, 65535.62109375 };

	(void)s;
	memset(srv, 0, sizeof *srv);
	pthread_mutex_init(&srv->mu, NULL);
	srv->index = index;
	srv->fd = -1;
	srv->rng = seed ^ ((uint64_t)index + 1) * 0xd1342543de82ef95ULL;
	rng_next(&srv->rng);
	srv->total_phys = phys[rng_below(&srv->rng, NELEM(phys))];
	srv->committed = pages_mb(1500 + rng_unit(&srv->rng) * srv->total_phys * 0.3);
	srv->reserved = 200 + rng_unit(&srv->rng) * 500;
	srv->other_use = 1500 + rng_unit(&srv->rng) * 2000;
	srv->cpu = 2 + rng_below(&srv->rng, 30);
	srv->sess_total = 2 + (int)rng_below(&srv->rng, 20);
	srv->calls = 1000 + rng_below(&srv->rng, 50000);
	srv->selections = srv->calls / 40;
	srv->lookups = 500 + rng_below(&srv->rng, 5000);
	srv->hits = srv->lookups * 3 / 4;
	srv->added = (srv->lookups - srv->hits) * 4 / 5;
	srv->replaced = srv->added / 30;
	srv->bytes_added = srv->added * 40000;
}

/* Moves the engine figures of srv one step, as between two health checks. */
static void engine_step(struct server *srv)
{
	uint64_t *r = &srv->rng;

	/* mostly calm with an occasional burst past 90 %: then saturated */
	if (rng_below(r, 100) < 7)
		srv->cpu = 91 + rng_below(r, 10);
	else
		srv->cpu = floor(clampd((srv->cpu > 90 ? 30 : srv->cpu) + (rng_unit(r) - 0.5) * 24, 0, 85));
	srv->committed = pages_mb(clampd(srv->committed + (rng_unit(r) - 0.5) * 300, 600,
	    srv->total_phys * 0.6));
	srv->reserved = clampd(srv->reserved + (rng_unit(r) - 0.5) * 80, 100, 1200);
	srv->other_use = clampd(srv->other_use + (rng_unit(r) - 0.5) * 200, 800, 5000);

	srv->sess_total = (int)clampd(srv->sess_total + (int)rng_below(r, 7) - 3, 0, 80);
	srv->sess_active = srv->sess_total ? (int)rng_below(r, (uint32_t)srv->sess_total + 1) : 0;
	srv->users_total = srv->sess_total - (int)rng_below(r, (uint32_t)srv->sess_total / 3 + 1);
	srv->users_active = srv->sess_active < srv->users_total ? srv->sess_active : srv->users_total;
	if (srv->users_active > 0)
		srv->users_active -= (int)rng_below(r, (uint32_t)srv->users_active / 3 + 1);

	long long dl = 10 + rng_below(r, 300), dh = (long long)(rng_unit(r) * 0.85 * (double)dl);
	long long da = (long long)(rng_unit(r) * (double)(dl - dh));
	srv->calls += 20 + rng_below(r, 400) + 30LL * srv->sess_active;
	srv->selections += rng_below(r, (uint32_t)(5 * srv->sess_active + 4));
	srv->lookups += dl;
	srv->hits += dh;
	srv->added += da;
	srv->replaced += rng_below(r, (uint32_t)(da / 10 + 2));
	srv->bytes_added += da * (2048 + rng_below(r, 200000));

	/* a session app lives for a few checks */
	if (srv->session_app[0] ? rng_below(r, 100) < 30 : rng_below(r, 100) < 15) {
		if (srv->session_app[0]) {
			srv->session_app[0] = '\0';
		} else {
			char u[37];
			rng_uuid(r, u);
			snprintf(srv->session_app, sizeof srv->session_app, "SessionApp_%s", u);
		}
	}
}

static void doc_array(struct jsonw *w, const char *key, const struct sim *s, const int *idx,
    const bool *in, int n, const char *session_app)
{
	jsonw_open_array(w, key);
	for (int i = 0; i < n; i++)
		if (in[i])
			jsonw_str(w, NULL, s->apps[idx[i]].id);
	if (session_app)
		jsonw_str(w, NULL, session_app);
	jsonw_close_array(w);
}

char *body_health(const struct sim *s, struct server *srv, size_t *len)
{
	size_t cap = 1024 + 3 * (MAX_IN_MEMORY + 1) * 64;
	char *buf = malloc(cap);
	int idx[MAX_IN_MEMORY], n;
	bool mem[MAX_IN_MEMORY], loaded[MAX_IN_MEMORY], active[MAX_IN_MEMORY];
	bool sa_active;
	struct jsonw w;

	if (!buf)
		return NULL;
	pthread_mutex_lock(&srv->mu);
	engine_step(srv);
	n = 1 + (int)rng_below(&srv->rng, (uint32_t)(s->napps < MAX_IN_MEMORY ? s->napps : MAX_IN_MEMORY));
	for (int i = 0; i < n; i++) {
		int k;
		bool dup;
		do {
			k = (int)rng_below(&srv->rng, (uint32_t)s->napps);
			dup = false;
			for (int j = 0; j < i; j++)
				dup |= idx[j] == k;
		} while (dup);
		idx[i] = k;
		mem[i] = true;
		loaded[i] = rng_below(&srv->rng, 100) < 60;
		active[i] = loaded[i] && rng_below(&srv->rng, 100) < 50;
	}
	sa_active = rng_below(&srv->rng, 2) == 0;
	const char *sa = srv->session_app[0] ? srv->session_app : NULL;

	json_lock();
	jsonw_init(&w, buf, cap);
	jsonw_open(&w);
	jsonw_str(&w, "version", ENGINE_VERSION);
	jsonw_str(&w, "started", s->started);
	jsonw_open_object(&w, "mem");
	jsonw_double(&w, "committed", srv->committed);
	jsonw_double(&w, "allocated", pages_mb(srv->committed + srv->reserved));
	jsonw_double(&w, "free", pages_mb(clampd(srv->total_phys - srv->committed - srv->reserved -
	    srv->other_use, 64, srv->total_phys)));
	jsonw_double(&w, "totalPhysical", srv->total_phys);
	jsonw_close(&w);
	jsonw_open_object(&w, "cpu");
	jsonw_double(&w, "total", srv->cpu);
	jsonw_close(&w);
	jsonw_open_object(&w, "session");
	jsonw_int(&w, "active", srv->sess_active);
	jsonw_int(&w, "total", srv->sess_total);
	jsonw_close(&w);
	jsonw_open_object(&w, "apps");
	doc_array(&w, "active_docs", s, idx, active, n, sa && sa_active ? sa : NULL);
	doc_array(&w, "in_memory_docs", s, idx, mem, n, sa);
	doc_array(&w, "loaded_docs", s, idx, loaded, n, sa);
	jsonw_int(&w, "calls", srv->calls);
	jsonw_int(&w, "selections", srv->selections);
	jsonw_close(&w);
	jsonw_open_object(&w, "users");
	jsonw_int(&w, "active", srv->users_active);
	jsonw_int(&w, "total", srv->users_total);
	jsonw_close(&w);
	jsonw_open_object(&w, "cache");
	jsonw_int(&w, "hits", srv->hits);
	jsonw_int(&w, "lookups", srv->lookups);
	jsonw_int(&w, "added", srv->added);
	jsonw_int(&w, "replaced", srv->replaced);
	jsonw_int(&w, "bytes_added", srv->bytes_added);
	jsonw_close(&w);
	jsonw_bool(&w, "saturated", srv->cpu > 90);
	jsonw_close(&w);
	json_unlock();
	pthread_mutex_unlock(&srv->mu);
	if (w.overflow) {
		free(buf);
		return NULL;
	}
	*len = w.len;
	return buf;
}

/* A user for a new session: often one who already has a session, so users repeat. */
static int pick_user(struct server *srv)
{
	if (srv->npsess > 1 && rng_below(&srv->rng, 100) < 35) {
		int u = srv->psess[rng_below(&srv->rng, (uint32_t)srv->npsess)].user;
		if (u != SVC_MONITOR)
			return u;
	}
	return (int)rng_below(&srv->rng, SVC_MONITOR);
}

static void add_session(struct server *srv, int user, int at)
{
	if (srv->npsess >= MAX_PSESS)
		return;
	if (at < 0 || at > srv->npsess)
		at = srv->npsess;
	memmove(&srv->psess[at + 1], &srv->psess[at], (size_t)(srv->npsess - at) * sizeof srv->psess[0]);
	srv->psess[at].user = user;
	rng_uuid(&srv->rng, srv->psess[at].id);
	srv->npsess++;
}

/* Users come and go; the monitoring account's session stays. */
static void sessions_step(struct server *srv)
{
	uint64_t *r = &srv->rng;

	if (srv->npsess == 0) {
		int n = 2 + (int)rng_below(r, 7);
		for (int i = 0; i < n; i++)
			add_session(srv, (int)rng_below(r, SVC_MONITOR), -1);
		/* at least one user with two sessions (two browsers, two tabs) */
		add_session(srv, srv->psess[rng_below(r, (uint32_t)n)].user, -1);
		add_session(srv, SVC_MONITOR, (int)rng_below(r, (uint32_t)srv->npsess + 1));
		return;
	}
	for (int k = (int)rng_below(r, 3); k > 0 && srv->npsess > 1; k--) {
		int i = (int)rng_below(r, (uint32_t)srv->npsess);
		if (srv->psess[i].user == SVC_MONITOR)
			continue;
		memmove(&srv->psess[i], &srv->psess[i + 1], (size_t)(srv->npsess - i - 1) * sizeof srv->psess[0]);
		srv->npsess--;
	}
	for (int k = (int)rng_below(r, 3); k > 0; k--)
		if (srv->npsess < 40)
			add_session(srv, pick_user(srv), -1);
}

char *body_sessions(const struct sim *s, struct server *srv, size_t *len)
{
	size_t cap = 16 + MAX_PSESS * 384;
	char *buf = malloc(cap);
	struct jsonw w;

	(void)s;
	if (!buf)
		return NULL;
	pthread_mutex_lock(&srv->mu);
	sessions_step(srv);
	json_lock();
	jsonw_init(&w, buf, cap);
	jsonw_open_array(&w, NULL);
	for (int i = 0; i < srv->npsess; i++) {
		const struct user *u = &users[srv->psess[i].user];
		jsonw_open_object(&w, NULL);
		jsonw_str(&w, "UserDirectory", u->dir);
		jsonw_str(&w, "UserId", u->id);
		jsonw_open_array(&w, "Attributes");
		if (u->mail) {
			jsonw_open_object(&w, NULL);
			jsonw_str(&w, "email", u->mail);
			jsonw_close(&w);
		}
		for (int g = 0; g < 2; g++) {
			const char *grp = g ? u->group2 : u->group1;
			if (!grp)
				continue;
			jsonw_open_object(&w, NULL);
			jsonw_str(&w, "group", grp);
			jsonw_close(&w);
		}
		jsonw_close_array(&w);
		jsonw_str(&w, "SessionId", srv->psess[i].id);
		jsonw_close(&w);
	}
	jsonw_close_array(&w);
	json_unlock();
	pthread_mutex_unlock(&srv->mu);
	if (w.overflow) {
		free(buf);
		return NULL;
	}
	*len = w.len;
	return buf;
}

void body_oversized_parts(const struct sim *s, int ep, const char **head, const char **tail)
{
	(void)s;
	switch (ep) {
	case EP_SESSION:
		*head = "[{\"UserDirectory\":\"CORP\",\"UserId\":\"svc_monitor\",\"Attributes\":[],"
		    "\"SessionId\":\"7b1e2d3c-4a5b-4c6d-9e8f-0a1b2c3d4e5f\",\"Padding\":\"";
		*tail = "\"}]";
		break;
	case EP_APPS:
		*head = "[{\"id\":\"e7af59a0-c243-480d-9571-08727551a66f\",\"name\":\"Sales forecast\","
		    "\"description\":\"";
		*tail = "\"}]";
		break;
	default:
		*head = "{\"version\":\"" ENGINE_VERSION "\",\"padding\":\"";
		*tail = "\"}";
		break;
	}
}
