/*
 * gen: realistic Qlik Sense log4net datagrams for udp-blast.
 *
 * A pool of hosts, apps, sheet objects and user sessions is drawn once from
 * the seed, so values recur the way they do on a real site (a session keeps
 * its user, host, app and browser). Each datagram then picks from the pool
 * and is formatted by hand, without stdio: at 500,000 datagrams a second
 * there is no time for snprintf.
 *
 * The sequence number goes where udp-listen keeps it in the record: at the
 * start of the message ("seq=N ") of engine, proxy, repository, scheduler
 * and user events, and as the RequestId of qix-perf events.
 */
#include "gen.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NHOSTS 4
#define NAPPS 12
#define OBJS_PER_APP 8
#define NOBJS (NAPPS * OBJS_PER_APP)
#define NSESSIONS 64

/* Sense servers in the examples run in Central European Time. */
#define UTC_OFFSET_MS (3600 * 1000)
#define UTC_OFFSET "+0100"

/*
 * Log events are split on every ';', so no text of theirs has one; only the
 * user agents do, in the last field of a user event, which is kept whole.
 */
#define SVC_USER "CORP\\qlik_svc"
#define EXE_VERSION "12.1477.2"

static const char *const type_names[DG_NTYPES] = {
	"engine", "proxy", "repository", "scheduler", "qixperf", "session", "connection"
};

static const char *const host_names[NHOSTS] = {
	"qliksense1.corp.example.com",
	"qliksense2.corp.example.com",
	"qliksense3.corp.example.com",
	"qlikcentral.corp.example.com",
};

static const struct user {
	const char *dir, *id;
} users[] = {
	{ "CORP", "anna" }, { "CORP", "erik" }, { "CORP", "lisa" }, { "CORP", "jonas" },
	{ "CORP", "maria" }, { "CORP", "ahmed" }, { "CORP", "chen" }, { "CORP", "sofia" },
	{ "CORP", "pierre" }, { "CORP", "olga" }, { "CORP", "jdoe" }, { "CORP", "mallory" },
	{ "PARTNER", "k.berg" }, { "PARTNER", "t.nguyen" },
};

static const char *const app_names[NAPPS] = {
	"Sales forecast", "Budget 2025", "HR dashboard", "Operations overview",
	"Customer churn", "Inventory levels", "Finance P&L", "Marketing campaigns",
	"Logistics KPIs", "Support tickets", "Procurement spend", "Executive summary",
};

static const char *const object_types[] = {
	"barchart", "linechart", "table", "pivot-table", "kpi", "map", "listbox",
	"combochart", "piechart", "filterpane", "scatterplot", "text-image", "treemap",
};

static const char *const user_agents[] = {
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
	    "Chrome/122.0.0.0 Safari/537.36 Edg/122.0.2365.80",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
	    "Chrome/122.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10.15; rv:123.0) Gecko/20100101 Firefox/123.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
	    "Version/17.3 Safari/605.1.15",
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
	    "Chrome/122.0.6261.105 Mobile Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_3_1 like Mac OS X) AppleWebKit/605.1.15 "
	    "(KHTML, like Gecko) Version/17.3 Mobile/15E148 Safari/604.1",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/*
 * Message templates. In msg, exc and context: %A app id, %N app name,
 * %S proxy session id, %D user directory, %U user id, %H another host,
 * %G a fresh GUID, %O sheet object id, %P a percentage, %T milliseconds,
 * %C a count, %W the session's user agent.
 */
enum {
	T_USER = 1,		/* an end user's session is involved */
	T_SERVICE = 2,		/* the service account of the repository acts */
};

struct engine_tpl {
	const char *level, *logger, *msg;
	unsigned flags;
	bool app;
};

static const struct engine_tpl engine_tpls[] = {
	{ "WARN", "System.Engine.Engine", "Document %A could not be saved: Access denied", T_USER, true },
	{ "ERROR", "System.Engine.Engine", "Failed to load the data model for document %A: Out of memory", 0, true },
	{ "WARN", "Session.Engine.Engine", "Session %S was terminated due to inactivity timeout", T_USER, true },
	{ "WARN", "Performance.Engine.Engine",
	  "Engine memory usage has exceeded the low memory limit (Working set low: %P%%)", 0, false },
	{ "WARN", "Performance.Engine.Engine",
	  "Calculation of object %O in document %A was aborted after %T ms: calculation time limit reached", T_USER, true },
	{ "ERROR", "Session.Engine.Engine", "Could not open document %A for user %D\\%U: The document is locked", T_USER, true },
	{ "WARN", "System.Engine.Engine", "Result cache full: %C entries evicted", 0, false },
	{ "ERROR", "System.Engine.Engine",
	  "Reload of document %A failed: Connector reply error: SQL##f - SqlState: 08001, ErrorCode: 10060", 0, true },
};

struct audit_tpl {
	const char *level, *logger, *msg, *exc;
	unsigned flags;
	const char *command, *result, *origin, *context;
};

static const struct audit_tpl proxy_tpls[] = {
	{ "WARN", "Audit.Proxy.Proxy.SessionEstablishment.Authentication.AuthenticationHandler",
	  "Authentication failed for user %D\\%U. The user could not be found in the directory.", "",
	  T_USER, "Login", "401", "AppAccess", "/hub/" },
	{ "ERROR", "System.Proxy.Proxy.Core.RequestListener",
	  "Failed to forward request to engine %H:4747", "System.Net.WebException: Unable to connect to the remote server",
	  0, "", "", "", "" },
	{ "WARN", "Security.Proxy.Proxy.Security.AccessControl",
	  "Access was denied for User: '%D\\%U' to virtual proxy 'sales'. No license available.", "",
	  T_USER, "Start session", "403", "AppAccess", "/sales/hub/" },
	{ "WARN", "AuditSecurity.Proxy.Proxy.Security.TicketValidation",
	  "Ticket for user %D\\%U was rejected: the ticket has expired", "",
	  T_USER, "Login", "401", "AppAccess", "/app/%A" },
	{ "WARN", "System.Proxy.Proxy.SessionEstablishment.SessionManager",
	  "Session '%S' for user %D\\%U timed out after 30 minutes of inactivity", "",
	  T_USER, "Session timeout", "0", "AppAccess", "/app/%A" },
	{ "ERROR", "System.Proxy.Proxy.Core.Websocket.WebSocketTunnel",
	  "Websocket tunnel to engine %H:4747 was closed unexpectedly",
	  "System.IO.IOException: Unable to read data from the transport connection: An existing connection was "
	  "forcibly closed by the remote host.",
	  T_USER, "Open connection", "500", "AppAccess", "/app/%A" },
};

static const struct audit_tpl repository_tpls[] = {
	{ "WARN", "System.Repository.Repository.Core.Service.ServiceAliveCheck",
	  "Failed to request service alive response from https://%H:4899/. Unable to connect to the remote server", "",
	  0, "", "", "", "" },
	{ "WARN", "UserManagement.Repository.Repository.UserDirectoryConnectors.Sync",
	  "Duplicate entity with userId \"%U\" and userDirectory \"%D\" found during user sync", "",
	  T_USER, "Sync", "0", "UDC", "CORP AD connector" },
	{ "ERROR", "System.Repository.Repository.Core.Data.DataAccess",
	  "Error when committing transaction: A database operation failed",
	  "Npgsql.NpgsqlException (0x80004005): Exception while reading from stream",
	  T_SERVICE, "Update", "500", "Repository", "/qrs/app/%A" },
	{ "WARN", "System.Repository.Repository.Core.Security.AccessControl",
	  "Access denied for user %D\\%U to app %A: no read permission", "",
	  T_USER, "Get", "403", "Repository", "/qrs/app/%A" },
	{ "WARN", "System.Repository.Repository.Core.Licensing.LicenseService",
	  "Only %C professional access allocations left", "",
	  T_SERVICE, "Allocate", "0", "Repository", "/qrs/license/professionalaccesstype" },
	{ "ERROR", "Service.Repository.Repository.Core.Sync.SyncService",
	  "Synchronization with node %H failed: The operation has timed out", "System.TimeoutException: The operation has timed out",
	  T_SERVICE, "Sync", "504", "Repository", "/qrs/servernodeconfiguration" },
};

struct sched_tpl {
	const char *level, *logger, *msg;
};

static const struct sched_tpl scheduler_tpls[] = {
	{ "ERROR", "System.Scheduler.Scheduler.Slave.Tasks.ReloadTask",
	  "Message from ReloadProvider: Reload failed in Engine. Check engine or script logs." },
	{ "WARN", "System.Scheduler.Scheduler.Master.Task.TaskSession", "Task finished with state FinishedFail" },
	{ "ERROR", "System.Scheduler.Scheduler.Slave.Tasks.ReloadTask",
	  "Reload sequence was not successful (Result=False, Finished=True, Aborted=False) for engine connection with handle %G" },
	{ "WARN", "System.Scheduler.Scheduler.Master.Task.TaskSession", "Task finished with state Error" },
	{ "WARN", "System.Scheduler.Scheduler.Master.Task.TaskSession",
	  "Task was aborted: the maximum execution time of 1440 minutes was exceeded" },
	{ "ERROR", "System.Scheduler.Scheduler.Slave.Tasks.ReloadTask", "Reload of app %N failed: Max retries reached" },
};

/* scope: 0 global, 1 document, 2 sheet object */
static const struct method {
	const char *name;
	int scope;
	uint32_t min_us, max_us;
	const char *object_type;	/* for document methods that name one */
} methods[] = {
	{ "Global::OpenApp", 0, 150000, 9000000, NULL },
	{ "Global::GetActiveDoc", 0, 20, 900, NULL },
	{ "Doc::GetAppLayout", 1, 800, 40000, NULL },
	{ "Doc::GetAppProperties", 1, 100, 5000, NULL },
	{ "Doc::CreateSessionObject", 1, 300, 60000, "SheetList" },
	{ "Doc::CreateSessionObject", 1, 300, 30000, "AppPropsList" },
	{ "Doc::GetObject", 2, 100, 8000, NULL },
	{ "GenericObject::GetLayout", 2, 500, 900000, NULL },
	{ "GenericObject::GetHyperCubeData", 2, 1000, 600000, NULL },
	{ "GenericObject::GetHyperCubeContinuousData", 2, 1000, 300000, NULL },
	{ "GenericObject::GetListObjectData", 2, 200, 90000, NULL },
	{ "GenericObject::SelectHyperCubeValues", 2, 500, 400000, NULL },
};

struct uuid {
	char s[37];
};

struct host {
	struct uuid process_id;	/* the engine process */
	char started[32];	/* the engine's "Server Started", compact ISO */
};

struct app {
	struct uuid id, task_id;
};

struct object {
	char id[8];
	const char *type;
};

struct session {
	struct uuid proxy_id, engine_id;
	int user, host, app, ua;
};

struct gen {
	uint64_t rng;
	struct host hosts[NHOSTS];
	struct app apps[NAPPS];
	struct object objects[NOBJS];
	struct session sessions[NSESSIONS];
	uint32_t rownum[DG_NTYPES];
	/* the formatted second, reused until the clock moves on */
	int64_t ts_sec;
	char ts_compact[16];	/* 20240312T094212 */
	char ts_local[20];	/* 2024-03-12 09:42:12 */
};

/* splitmix64: tiny, fast, and good enough to vary test data */
static uint64_t rnd(struct gen *g)
{
	uint64_t z = (g->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A number in [0, n); the bias of the multiply-shift is far below what matters here. */
static uint32_t rnd_below(struct gen *g, uint32_t n)
{
	return (uint32_t)(((rnd(g) >> 32) * n) >> 32);
}

static void make_uuid(struct gen *g, struct uuid *u)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t a = rnd(g), b = rnd(g);
	char *p = u->s;

	/* version 4, RFC 4122 variant: what .NET's Guid.NewGuid() gives */
	a = (a & ~0xf000ULL) | 0x4000ULL;
	b = (b & ~(3ULL << 62)) | (2ULL << 62);
	for (int i = 0; i < 32; i++) {
		uint64_t w = i < 16 ? a : b;
		int shift = 60 - 4 * (i % 16);
		if (i == 8 || i == 12 || i == 16 || i == 20)
			*p++ = '-';
		*p++ = hex[(w >> shift) & 0xf];
	}
	*p = '\0';
}

/* Writer over a fixed buffer; overflowing it only sets a flag. */
struct w {
	char *p, *end;
	bool full;
};

static void put(struct w *w, const char *s, size_t n)
{
	if ((size_t)(w->end - w->p) < n) {
		w->full = true;
		return;
	}
	memcpy(w->p, s, n);
	w->p += n;
}

static void puts_w(struct w *w, const char *s)
{
	put(w, s, strlen(s));
}

static void putc_w(struct w *w, char c)
{
	put(w, &c, 1);
}

static void put_u64(struct w *w, uint64_t v)
{
	char tmp[20], *p = tmp + sizeof tmp;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(w, p, (size_t)(tmp + sizeof tmp - p));
}

static void put_i64(struct w *w, int64_t v)
{
	if (v < 0) {
		putc_w(w, '-');
		put_u64(w, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(w, (uint64_t)v);
	}
}

static void put_3digits(struct w *w, unsigned v)
{
	char d[3] = { (char)('0' + v / 100), (char)('0' + v / 10 % 10), (char)('0' + v % 10) };

	put(w, d, 3);
}

/* Microseconds as milliseconds with three decimals, the way Sense logs times; 0 as "0". */
static void put_ms(struct w *w, uint64_t us)
{
	if (us == 0) {
		putc_w(w, '0');
		return;
	}
	put_u64(w, us / 1000);
	putc_w(w, '.');
	put_3digits(w, (unsigned)(us % 1000));
}

static void put_uuid(struct w *w, const struct uuid *u)
{
	put(w, u->s, 36);
}

static void sep(struct w *w)
{
	putc_w(w, ';');
}

/* n decimal digits of v, zero-padded */
static char *digits(char *p, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--, v /= 10)
		p[i] = (char)('0' + v % 10);
	return p + n;
}

static void set_second(struct gen *g, int64_t local_sec)
{
	time_t t = (time_t)local_sec;
	struct tm tm;
	char *p;

	if (g->ts_sec == local_sec)
		return;
	g->ts_sec = local_sec;
	gmtime_r(&t, &tm);
	p = digits(g->ts_compact, (unsigned)(tm.tm_year + 1900), 4);
	p = digits(p, (unsigned)tm.tm_mon + 1, 2);
	p = digits(p, (unsigned)tm.tm_mday, 2);
	*p++ = 'T';
	p = digits(p, (unsigned)tm.tm_hour, 2);
	p = digits(p, (unsigned)tm.tm_min, 2);
	p = digits(p, (unsigned)tm.tm_sec, 2);
	*p = '\0';
	p = digits(g->ts_local, (unsigned)(tm.tm_year + 1900), 4);
	*p++ = '-';
	p = digits(p, (unsigned)tm.tm_mon + 1, 2);
	*p++ = '-';
	p = digits(p, (unsigned)tm.tm_mday, 2);
	*p++ = ' ';
	p = digits(p, (unsigned)tm.tm_hour, 2);
	*p++ = ':';
	p = digits(p, (unsigned)tm.tm_min, 2);
	*p++ = ':';
	p = digits(p, (unsigned)tm.tm_sec, 2);
	*p = '\0';
}

/* %longIso8601date: 20240312T094212.815+0100 */
static void put_ts_iso(struct gen *g, struct w *w, int64_t wall_ms)
{
	int64_t local = wall_ms + UTC_OFFSET_MS;

	set_second(g, local / 1000);
	put(w, g->ts_compact, 15);
	putc_w(w, '.');
	put_3digits(w, (unsigned)(local % 1000));
	put(w, UTC_OFFSET, 5);
}

/* %date: 2024-03-12 09:42:12,815 */
static void put_ts_local(struct gen *g, struct w *w, int64_t wall_ms)
{
	int64_t local = wall_ms + UTC_OFFSET_MS;

	set_second(g, local / 1000);
	put(w, g->ts_local, 19);
	putc_w(w, ',');
	put_3digits(w, (unsigned)(local % 1000));
}

static void put_seq(struct w *w, uint64_t seq)
{
	put(w, "seq=", 4);
	put_u64(w, seq);
	putc_w(w, ' ');
}

/* %rownum{9999}: a counter per appender that starts over after 9999 */
static void put_rownum(struct gen *g, struct w *w, int type)
{
	if (++g->rownum[type] > 9999)
		g->rownum[type] = 1;
	put_u64(w, g->rownum[type]);
}

/* The fields every log event starts with: type, rownum, both times, level, host, logger, user. */
static void put_head(struct gen *g, struct w *w, int type, const char *tag, int64_t wall_ms,
    const char *level, int host, const char *logger)
{
	puts_w(w, tag);
	sep(w);
	put_rownum(g, w, type);
	sep(w);
	put_ts_iso(g, w, wall_ms);
	sep(w);
	put_ts_local(g, w, wall_ms);
	sep(w);
	puts_w(w, level);
	sep(w);
	puts_w(w, host_names[host]);
	sep(w);
	puts_w(w, logger);
	sep(w);
	puts_w(w, SVC_USER);
	sep(w);
}

struct ev {
	const struct session *s;
	int app, host;
	const struct object *o;
	const char *dir, *uid;
};

static void expand(struct gen *g, struct w *w, const char *t, const struct ev *e)
{
	struct uuid u = { "" };

	for (; *t; t++) {
		const char *pct = strchr(t, '%');
		if (!pct) {
			puts_w(w, t);
			return;
		}
		put(w, t, (size_t)(pct - t));
		t = pct + 1;
		switch (*t) {
		case 'A':
			put_uuid(w, &g->apps[e->app].id);
			break;
		case 'N':
			puts_w(w, app_names[e->app]);
			break;
		case 'S':
			put_uuid(w, &e->s->proxy_id);
			break;
		case 'D':
			puts_w(w, e->dir);
			break;
		case 'U':
			puts_w(w, e->uid);
			break;
		case 'H':
			/* another node than the one logging */
			puts_w(w, host_names[(e->host + 1 + (int)rnd_below(g, NHOSTS - 1)) % NHOSTS]);
			break;
		case 'G':
			make_uuid(g, &u);
			put_uuid(w, &u);
			break;
		case 'O':
			puts_w(w, e->o->id);
			break;
		case 'P':
			put_u64(w, 70 + rnd_below(g, 26));
			break;
		case 'T':
			put_u64(w, 60000 + rnd_below(g, 60000));
			break;
		case 'C':
			put_u64(w, 1 + rnd_below(g, 500));
			break;
		case 'W':
			puts_w(w, user_agents[e->s->ua]);
			break;
		case '\0':
			return;
		default:
			putc_w(w, *t);
			break;
		}
	}
}

/* A session, and an object of its app, for one event. */
static void pick(struct gen *g, struct ev *e)
{
	e->s = &g->sessions[rnd_below(g, NSESSIONS)];
	e->app = e->s->app;
	e->host = e->s->host;
	e->dir = users[e->s->user].dir;
	e->uid = users[e->s->user].id;
	/* a sheet object of the session's app: each app owns a run of the pool */
	e->o = &g->objects[e->app * OBJS_PER_APP + (int)rnd_below(g, OBJS_PER_APP)];
}

static void gen_engine(struct gen *g, struct w *w, uint64_t seq, int64_t wall_ms)
{
	const struct engine_tpl *t = &engine_tpls[rnd_below(g, NELEM(engine_tpls))];
	const struct host *h;
	struct ev e;

	pick(g, &e);
	if (!(t->flags & T_USER))
		e.host = (int)rnd_below(g, NHOSTS);
	h = &g->hosts[e.host];
	put_head(g, w, DG_ENGINE, "/qseow-engine/", wall_ms, t->level, e.host, t->logger);
	put_seq(w, seq);
	expand(g, w, t->msg, &e);
	sep(w);
	if (t->flags & T_USER) {
		put_uuid(w, &e.s->proxy_id);
		sep(w);
		puts_w(w, e.dir);
		sep(w);
		puts_w(w, e.uid);
	} else {
		/* internal work: ProxySessionId 0, no active user */
		puts_w(w, "0;;");
	}
	sep(w);
	put_ts_iso(g, w, wall_ms);
	sep(w);
	put_uuid(w, &h->process_id);
	sep(w);
	puts_w(w, EXE_VERSION);
	sep(w);
	puts_w(w, h->started);
	sep(w);
	puts_w(w, t->level[0] == 'E' ? "Error" : "Warning");
	sep(w);
	if (t->flags & T_USER)
		put_uuid(w, &e.s->engine_id);
	sep(w);
	if (t->app)
		put_uuid(w, &g->apps[e.app].id);
}

/* Proxy and repository share one layout (udp-formats.md §4.2). */
static void gen_audit(struct gen *g, struct w *w, int type, uint64_t seq, int64_t wall_ms)
{
	const struct audit_tpl *t;
	struct ev e;

	if (type == DG_PROXY)
		t = &proxy_tpls[rnd_below(g, NELEM(proxy_tpls))];
	else
		t = &repository_tpls[rnd_below(g, NELEM(repository_tpls))];
	pick(g, &e);
	if (t->flags & T_SERVICE) {
		e.dir = "INTERNAL";
		e.uid = "sa_repository";
	}
	put_head(g, w, type, type == DG_PROXY ? "/qseow-proxy/" : "/qseow-repository/",
	    wall_ms, t->level, e.host, t->logger);
	put_seq(w, seq);
	expand(g, w, t->msg, &e);
	sep(w);
	expand(g, w, t->exc, &e);
	sep(w);
	if (t->flags & (T_USER | T_SERVICE)) {
		puts_w(w, e.dir);
		sep(w);
		puts_w(w, e.uid);
	} else {
		sep(w);
	}
	sep(w);
	puts_w(w, t->command);
	sep(w);
	puts_w(w, t->result);
	sep(w);
	puts_w(w, t->origin);
	sep(w);
	expand(g, w, t->context, &e);
}

static void gen_scheduler(struct gen *g, struct w *w, uint64_t seq, int64_t wall_ms)
{
	const struct sched_tpl *t = &scheduler_tpls[rnd_below(g, NELEM(scheduler_tpls))];
	const struct app *a;
	struct uuid exec = { "" };
	struct ev e;
	bool manual;

	pick(g, &e);
	a = &g->apps[e.app];
	/* a third of the reloads are started by hand, the rest by a schedule */
	manual = rnd_below(g, 3) == 0;
	put_head(g, w, DG_SCHEDULER, "/qseow-scheduler/", wall_ms, t->level, e.host, t->logger);
	put_seq(w, seq);
	expand(g, w, t->msg, &e);
	sep(w);
	sep(w);			/* no exception text */
	if (manual) {
		/* Sense leaves UserDirectory/UserId empty and fills User */
		sep(w);
		sep(w);
		puts_w(w, e.dir);
		putc_w(w, '\\');
		puts_w(w, e.uid);
		sep(w);
		puts_w(w, "Manually triggered reload of ");
	} else {
		puts_w(w, "INTERNAL;sa_scheduler;INTERNAL\\sa_scheduler;");
		puts_w(w, "Reload task of ");
	}
	puts_w(w, app_names[e.app]);
	sep(w);
	puts_w(w, app_names[e.app]);
	sep(w);
	put_uuid(w, &a->task_id);
	sep(w);
	put_uuid(w, &a->id);
	sep(w);
	make_uuid(g, &exec);
	put_uuid(w, &exec);
}

/* A duration between min and max, skewed towards min as response times are. */
static uint64_t skewed_us(struct gen *g, uint32_t min, uint32_t max)
{
	uint64_t r = rnd_below(g, 1000);

	return min + (uint64_t)(max - min) * r * r * r / 1000000000ULL;
}

static void gen_qixperf(struct gen *g, struct w *w, uint64_t seq, int64_t wall_ms)
{
	const struct method *m;
	uint64_t process, work, net_ram;
	struct uuid reload_session = { "" };
	struct ev e;
	bool internal;

	pick(g, &e);
	/* one in eight is the engine's own work: a scheduled reload, ProxySessionId 0 */
	internal = rnd_below(g, 8) == 0;
	do
		m = &methods[rnd_below(g, NELEM(methods))];
	while (internal && m->scope == 2);
	put_head(g, w, DG_QIXPERF, "/qseow-qix-perf/", wall_ms, "INFO", e.host, "QixPerformance.Engine.Engine");
	if (internal) {
		make_uuid(g, &reload_session);
		puts_w(w, "0;INTERNAL;sa_scheduler;");
	} else {
		put_uuid(w, &e.s->proxy_id);
		sep(w);
		puts_w(w, e.dir);
		sep(w);
		puts_w(w, e.uid);
		sep(w);
	}
	put_ts_iso(g, w, wall_ms);
	sep(w);
	put_uuid(w, internal ? &reload_session : &e.s->engine_id);
	sep(w);
	put_uuid(w, &g->apps[e.app].id);
	sep(w);
	put_u64(w, seq);	/* RequestId */
	sep(w);
	puts_w(w, m->name);
	sep(w);
	process = skewed_us(g, m->min_us, m->max_us);
	work = process * (90 + rnd_below(g, 10)) / 100;
	put_ms(w, process);
	sep(w);
	put_ms(w, work);
	sep(w);
	put_ms(w, rnd_below(g, 4) ? rnd_below(g, 1500) : 0);	/* lock */
	sep(w);
	put_ms(w, m->scope == 2 ? rnd_below(g, 800) : 0);	/* validate */
	sep(w);
	put_ms(w, m->scope == 2 ? rnd_below(g, 5000) : 0);	/* traverse */
	sep(w);
	put_i64(w, m->scope == 0 ? -1 : m->scope == 1 ? 1 : 2 + (int64_t)rnd_below(g, 60));
	sep(w);
	puts_w(w, m->scope == 2 ? e.o->id : "<Unknown>");
	sep(w);
	net_ram = 4096ULL * (1 + skewed_us(g, 0, 25600));
	put_u64(w, net_ram);
	sep(w);
	put_u64(w, net_ram * (1 + rnd_below(g, 4)));
	sep(w);
	puts_w(w, m->scope == 2 ? e.o->type : m->object_type ? m->object_type : "<Unknown>");
}

/* User events: the proxy's EventSession and EventConnection appenders (§5). */
static void gen_user(struct gen *g, struct w *w, int type, uint64_t seq)
{
	const struct app *a;
	struct ev e;
	bool start = rnd_below(g, 2) == 0;
	uint32_t ctx = rnd_below(g, 8);

	pick(g, &e);
	a = &g->apps[e.app];
	puts_w(w, type == DG_SESSION ? "/qseow-proxy-session/;" : "/qseow-proxy-connection/;");
	puts_w(w, host_names[e.host]);
	sep(w);
	if (type == DG_SESSION)
		puts_w(w, start ? "Start session" : "Stop session");
	else
		puts_w(w, start ? "Open connection" : "Close connection");
	sep(w);
	puts_w(w, e.dir);
	sep(w);
	puts_w(w, e.uid);
	sep(w);
	puts_w(w, "AppAccess;");
	/* the hub, an app, an app sheet, or an app reached through a login redirect */
	if (ctx < 2) {
		puts_w(w, "/hub/");
	} else {
		puts_w(w, "/app/");
		put_uuid(w, &a->id);
		if (ctx == 2) {
			puts_w(w, "?sheet=");
			puts_w(w, e.o->id);
		} else if (ctx == 3 && type == DG_SESSION && start) {
			puts_w(w, "?reloaduri=https%3a%2f%2fqliksense.corp.example.com%2fsense%2fapp%2f");
			put_uuid(w, &a->id);
		}
	}
	sep(w);
	put_seq(w, seq);
	if (type == DG_SESSION) {
		puts_w(w, start ? "Start session for user '" : "Stop session for user '");
		puts_w(w, e.dir);
		putc_w(w, '\\');
		puts_w(w, e.uid);
		putc_w(w, '\'');
	} else {
		expand(g, w, start ? "Websocket connection Opened for session '%S'. UserAgent: '%W'"
		    : "Websocket connection Closed for session '%S'. UserAgent: '%W'", &e);
	}
}

size_t gen_datagram(struct gen *g, int type, uint64_t seq, int64_t wall_ms, char *buf, size_t cap)
{
	struct w w = { buf, buf + cap, false };

	switch (type) {
	case DG_ENGINE:
		gen_engine(g, &w, seq, wall_ms);
		break;
	case DG_PROXY:
	case DG_REPOSITORY:
		gen_audit(g, &w, type, seq, wall_ms);
		break;
	case DG_SCHEDULER:
		gen_scheduler(g, &w, seq, wall_ms);
		break;
	case DG_QIXPERF:
		gen_qixperf(g, &w, seq, wall_ms);
		break;
	case DG_SESSION:
	case DG_CONNECTION:
		gen_user(g, &w, type, seq);
		break;
	default:
		return 0;
	}
	return w.full ? 0 : (size_t)(w.p - buf);
}

struct gen *gen_new(uint64_t seed, int64_t wall_ms)
{
	static const char b62[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
	struct gen *g = calloc(1, sizeof *g);

	if (!g)
		return NULL;
	g->rng = seed;
	g->ts_sec = -1;
	for (int i = 0; i < NHOSTS; i++) {
		struct host *h = &g->hosts[i];
		/* the engine started between 1 and 48 hours ago */
		int64_t started = wall_ms / 1000 * 1000 - 3600000LL * (1 + rnd_below(g, 48)) - rnd_below(g, 3600) * 1000LL;
		struct w w = { h->started, h->started + sizeof h->started - 1, false };

		make_uuid(g, &h->process_id);
		put_ts_iso(g, &w, started);
		*w.p = '\0';
	}
	for (int i = 0; i < NAPPS; i++) {
		make_uuid(g, &g->apps[i].id);
		make_uuid(g, &g->apps[i].task_id);
	}
	for (int i = 0; i < NOBJS; i++) {
		struct object *o = &g->objects[i];
		for (int j = 0; j < 6; j++)
			o->id[j] = b62[rnd_below(g, sizeof b62 - 1)];
		o->id[6] = '\0';
		o->type = object_types[rnd_below(g, NELEM(object_types))];
	}
	for (int i = 0; i < NSESSIONS; i++) {
		struct session *s = &g->sessions[i];
		make_uuid(g, &s->proxy_id);
		make_uuid(g, &s->engine_id);
		s->user = (int)rnd_below(g, NELEM(users));
		/* uneven load: the first two nodes serve most users */
		s->host = (int)rnd_below(g, NHOSTS + 2) % NHOSTS;
		s->app = (int)rnd_below(g, NAPPS);
		s->ua = (int)rnd_below(g, NELEM(user_agents));
	}
	for (int t = 0; t < DG_NTYPES; t++)
		g->rownum[t] = 1 + rnd_below(g, 5000);
	return g;
}

void gen_free(struct gen *g)
{
	free(g);
}

const char *dg_type_name(int type)
{
	return type >= 0 && type < DG_NTYPES ? type_names[type] : "?";
}

int dg_type_parse(const char *s, size_t len)
{
	for (int t = 0; t < DG_NTYPES; t++)
		if (strlen(type_names[t]) == len && memcmp(type_names[t], s, len) == 0)
			return t;
	return -1;
}

bool dg_type_is_user(int type)
{
	return type == DG_SESSION || type == DG_CONNECTION;
}
