/*
 * row: one log row, formatted by hand (no stdio: a GiB of rows must take
 * seconds). Each header is split once into column kinds; a row draws its
 * choices (event, level, user, app, a few random words) up front, and
 * every column renders from those, so related columns agree (Id2 = Id,
 * Description = Command + Result, PeakRAM >= NetRAM, ...).
 *
 * Templates in types.c: @U user (CORP\userK), @A app name, @I app id,
 * @S proxy session id, @H host, @E execution id.
 */
#include "sense-logs.h"

#include <string.h>
#include <strings.h>
#include <time.h>

#define NUSERS 50
#define NAPPS 8
#define GUID_LEN 36
#define SID_LEN 40

/* The local time (+0100) of the first row: 2024-11-05 08:00:00, or now (row_base_now) */
static int64_t base_local = 1730793600LL;
#define UTC_OFFSET "+0100"
#define SVC_USER "CORP\\svc-qliksense"
#define SERVER_STARTED "20241105T063012.000+0100"
#define USER_DIR "CORP"

enum kind {
	K_EMPTY, K_SEQ, K_VERSION, K_TS, K_LEVEL, K_HOST, K_LOGGER, K_THREAD, K_ID,
	K_SVCUSER, K_MESSAGE, K_EXCEPTION, K_STACK, K_PSID, K_PPID, K_RSID, K_UDIR,
	K_UID, K_USER, K_OBJID, K_OBJNAME, K_SERVICE, K_ORIGIN, K_CONTEXT, K_COMMAND,
	K_RESULT, K_DESC, K_PROCID, K_EXEVER, K_STARTED, K_ENTRY, K_SESSID, K_APPID,
	K_APPNAME, K_TASKNAME, K_TASKID, K_EXECID, K_REQID, K_METHOD, K_PTIME,
	K_WTIME, K_LTIME, K_VTIME, K_TTIME, K_HANDLE, K_NETRAM, K_PEAKRAM, K_OBJTYPE,
	K_COUNT, K_CALLS, K_SELECTIONS, K_CPULOAD, K_VMCOMMIT, K_VMALLOC, K_VMFREE,
	K_PHYSMEM, K_SSTART, K_SDUR, K_CPUSPENT, K_BYTESIN, K_BYTESOUT, K_EXIT,
};

static const struct {
	const char *name;
	unsigned char kind;
} names[] = {
	{ "Sequence#", K_SEQ }, { "ProductVersion", K_VERSION }, { "Timestamp", K_TS },
	{ "EngineTimestamp", K_TS }, { "Level", K_LEVEL }, { "Severity", K_LEVEL },
	{ "Hostname", K_HOST }, { "Logger", K_LOGGER }, { "Thread", K_THREAD },
	{ "EngineThread", K_THREAD }, { "Id", K_ID }, { "Id2", K_ID },
	{ "ServiceUser", K_SVCUSER }, { "Message", K_MESSAGE }, { "Exception", K_EXCEPTION },
	{ "StackTrace", K_STACK }, { "ProxySessionId", K_PSID }, { "ProxyPackageId", K_PPID },
	{ "RequestSequenceId", K_RSID }, { "UserDirectory", K_UDIR },
	{ "ActiveUserDirectory", K_UDIR }, { "UserId", K_UID }, { "ActiveUserId", K_UID },
	{ "User", K_USER }, { "ObjectId", K_OBJID }, { "ObjectName", K_OBJNAME },
	{ "Service", K_SERVICE }, { "Origin", K_ORIGIN }, { "Context", K_CONTEXT },
	{ "Command", K_COMMAND }, { "Result", K_RESULT }, { "Description", K_DESC },
	{ "ProcessId", K_PROCID }, { "Exe Version", K_EXEVER }, { "Server Started", K_STARTED },
	{ "Entry Type", K_ENTRY }, { "SessionId", K_SESSID }, { "CServerId", K_SESSID },
	{ "AppId", K_APPID }, { "DocId", K_APPID }, { "AppName", K_APPNAME },
	{ "App Title", K_APPNAME }, { "TaskName", K_TASKNAME }, { "TaskId", K_TASKID },
	{ "ExecutionId", K_EXECID }, { "RequestId", K_REQID }, { "Method", K_METHOD },
	{ "ProcessTime", K_PTIME }, { "WorkTime", K_WTIME }, { "LockTime", K_LTIME },
	{ "ValidateTime", K_VTIME }, { "TraverseTime", K_TTIME }, { "Handle", K_HANDLE },
	{ "NetRAM", K_NETRAM }, { "PeakRAM", K_PEAKRAM }, { "ObjectType", K_OBJTYPE },
	{ "ActiveDocSessions", K_COUNT }, { "DocSessions", K_COUNT }, { "ActiveDocs", K_COUNT },
	{ "RefDocs", K_COUNT }, { "LoadedDocs", K_COUNT }, { "ActiveUsers", K_COUNT },
	{ "Users", K_COUNT }, { "Calls", K_CALLS }, { "Selections", K_SELECTIONS },
	{ "CPULoad", K_CPULOAD }, { "VMCommitted(MB)", K_VMCOMMIT }, { "VMAllocated(MB)", K_VMALLOC },
	{ "VMFree(MB)", K_VMFREE }, { "TotalPhysicalMemory(MB)", K_PHYSMEM },
	{ "Session Start", K_SSTART }, { "Session Duration", K_SDUR }, { "CPU Spent (s)", K_CPUSPENT },
	{ "Bytes Received", K_BYTESIN }, { "Bytes Sent", K_BYTESOUT }, { "Exit Reason", K_EXIT },
};

static const char *const level_names[] = { "INFO", "WARN", "ERROR", "DEBUG" };

static const char *const app_names[NAPPS] = {
	"Sales Dashboard", "Finance KPIs", "Operations Monitor", "HR Analytics",
	"Supply Chain", "Customer 360", "Marketing Funnel", "Inventory Levels",
};

static const char *const methods[] = {
	"Global::OpenApp", "Doc::GetAppLayout", "GenericObject::GetLayout",
	"GenericObject::GetHyperCubeData", "Doc::GetObject", "Doc::DoReloadEx",
	"GenericObject::SelectHyperCubeValues", "Doc::CreateSessionObject",
};

static const char *const object_types[] = {
	"AppPropsList", "sheet", "barchart", "table", "kpi", "linechart", "filterpane",
};

static const char *const exit_reasons[] = {
	"Socket closed by client", "Session timed out", "Reload finished", "Engine shut down",
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* What is drawn from the seed once. */
static struct {
	uint64_t s;				/* xorshift64* state */
	char sid[NUSERS][SID_LEN];		/* proxy session id per user */
	char esid[NUSERS][GUID_LEN];		/* engine session id per user */
	char app_id[NAPPS][GUID_LEN];
	char task_id[NAPPS][GUID_LEN];
	char proc_id[GUID_LEN];			/* the engine's ProcessId */
	time_t ts_sec;				/* cache of the last timestamp's second */
	char ts_prefix[16];			/* "YYYYMMDDThhmmss" */
} g;

/* What one row draws. */
struct row {
	const struct ltype *t;
	const struct rowopt *o;
	const struct event *ev;
	uint64_t seq, fseq, nth;
	bool has_message;		/* else the seq goes into ObjectId */
	int level, user, app;
	uint64_t r;			/* seed of the per-column random values */
	char id[GUID_LEN];
};

/* A bounded appender: a write that would not fit is dropped and remembered. */
struct sb {
	char *p;
	size_t len, cap;
	bool over;
};

static uint64_t next(void)
{
	g.s ^= g.s >> 12;
	g.s ^= g.s << 25;
	g.s ^= g.s >> 27;
	return g.s * 0x2545F4914F6CDD1DULL;
}

/* splitmix64's finaliser: spreads a seed, and gives per-column values. */
static uint64_t mix(uint64_t z)
{
	z += 0x9E3779B97F4A7C15ULL;
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static uint64_t col_rand(const struct row *r, int col)
{
	return mix(r->r ^ ((uint64_t)col << 32));
}

static void hex(char *dst, uint64_t v, int digits)
{
	static const char x[] = "0123456789abcdef";

	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		dst[i] = x[v & 15];
}

/* A lower-case version 4 GUID, not NUL-terminated. */
static void guid(char dst[GUID_LEN], uint64_t a, uint64_t b)
{
	hex(dst, a >> 32, 8);
	dst[8] = '-';
	hex(dst + 9, a >> 16, 4);
	dst[13] = '-';
	hex(dst + 14, 0x4000 | (a & 0x0fff), 4);
	dst[18] = '-';
	hex(dst + 19, 0x8000 | (b >> 50), 4);
	dst[23] = '-';
	hex(dst + 24, b, 12);
}

void row_base_now(void)
{
	base_local = (int64_t)time(NULL) + 3600;	/* the wall clock as +0100 local time */
}

void row_init(uint64_t seed)
{
	g.s = mix(seed);
	if (g.s == 0)
		g.s = 1;	/* xorshift never leaves zero */
	for (int i = 0; i < NUSERS; i++) {
		hex(g.sid[i], next(), 16);
		hex(g.sid[i] + 16, next(), 16);
		hex(g.sid[i] + 32, next(), 8);
		guid(g.esid[i], next(), next());
	}
	for (int i = 0; i < NAPPS; i++) {
		guid(g.app_id[i], next(), next());
		guid(g.task_id[i], next(), next());
	}
	guid(g.proc_id, next(), next());
	g.ts_sec = -1;
}

int cols_parse(const char *header, struct cols *c)
{
	const char *p = header;

	c->n = 0;
	c->has_message = false;
	for (;;) {
		size_t len = strcspn(p, "\t");
		size_t i;

		for (i = 0; i < N(names); i++)
			if (strlen(names[i].name) == len && strncmp(names[i].name, p, len) == 0)
				break;
		if (i == N(names) || c->n == MAX_COLS)
			return -1;
		c->kind[c->n++] = names[i].kind;
		if (names[i].kind == K_MESSAGE)
			c->has_message = true;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

static void sb_mem(struct sb *b, const void *s, size_t n)
{
	if (b->over || b->cap - b->len < n) {
		b->over = true;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

static void sb_str(struct sb *b, const char *s)
{
	sb_mem(b, s, strlen(s));
}

static void sb_u64(struct sb *b, uint64_t v)
{
	char d[20];
	int i = (int)sizeof d;

	do
		d[--i] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	sb_mem(b, d + i, sizeof d - (size_t)i);
}

/* v thousandths as "12.345" */
static void sb_milli(struct sb *b, uint64_t v)
{
	char d[3] = { (char)('0' + v / 100 % 10), (char)('0' + v / 10 % 10), (char)('0' + v % 10) };

	sb_u64(b, v / 1000);
	sb_mem(b, ".", 1);
	sb_mem(b, d, 3);
}

static void sb_2d(struct sb *b, int v)
{
	char d[2] = { (char)('0' + v / 10 % 10), (char)('0' + v % 10) };

	sb_mem(b, d, 2);
}

static void fmt_prefix(char dst[16], time_t sec)
{
	struct tm tm;
	struct sb b = { dst, 0, 16, false };

	if (!gmtime_r(&sec, &tm))
		memset(&tm, 0, sizeof tm);
	sb_u64(&b, (uint64_t)tm.tm_year + 1900);
	sb_2d(&b, tm.tm_mon + 1);
	sb_2d(&b, tm.tm_mday);
	sb_mem(&b, "T", 1);
	sb_2d(&b, tm.tm_hour);
	sb_2d(&b, tm.tm_min);
	sb_2d(&b, tm.tm_sec);
}

/* ms after the base time as "20241105T080000.000+0100" */
static void sb_time(struct sb *b, int64_t ms)
{
	int64_t s = ms >= 0 ? ms / 1000 : -((999 - ms) / 1000);	/* floor, for times before the base */
	int f = (int)(ms - s * 1000);
	time_t sec = (time_t)(base_local + s);
	char d[3] = { (char)('0' + f / 100), (char)('0' + f / 10 % 10), (char)('0' + f % 10) };

	if (sec != g.ts_sec) {
		fmt_prefix(g.ts_prefix, sec);
		g.ts_sec = sec;
	}
	sb_mem(b, g.ts_prefix, 15);
	sb_mem(b, ".", 1);
	sb_mem(b, d, 3);
	sb_str(b, UTC_OFFSET);
}

/* The row's own time: one ms per run-wide sequence number. */
static int64_t row_ms(const struct row *r)
{
	return (int64_t)(r->seq - 1);
}

static bool has_user(const struct row *r)
{
	return r->ev->iuser == NULL;
}

static void sb_user(struct sb *b, const struct row *r)
{
	if (has_user(r)) {
		sb_str(b, USER_DIR "\\user");
		sb_u64(b, (uint64_t)r->user + 1);
	} else if (r->ev->iuser[0]) {
		sb_str(b, "INTERNAL\\");
		sb_str(b, r->ev->iuser);
	}
}

/* The scheduler's execution id: the same in Context and ExecutionId. */
static void sb_execid(struct sb *b, const struct row *r)
{
	char e[GUID_LEN];

	guid(e, mix(r->r + 1), mix(r->r + 2));
	sb_mem(b, e, GUID_LEN);
}

static void sb_template(struct sb *b, const struct row *r, const char *s)
{
	for (;;) {
		const char *at = strchr(s, '@');

		if (!at) {
			sb_str(b, s);
			return;
		}
		sb_mem(b, s, (size_t)(at - s));
		switch (at[1]) {
		case 'U': sb_user(b, r); break;
		case 'A': sb_str(b, app_names[r->app]); break;
		case 'I': sb_mem(b, g.app_id[r->app], GUID_LEN); break;
		case 'S': sb_mem(b, g.sid[r->user], SID_LEN); break;
		case 'H': sb_str(b, r->o->host); break;
		case 'E': sb_execid(b, r); break;
		default: sb_mem(b, at, at[1] ? 2 : 1); break;
		}
		if (!at[1])
			return;
		s = at + 2;
	}
}

/* The message, its seq=N, and the line break asked for. */
static void sb_message(struct sb *b, const struct row *r)
{
	const struct rowopt *o = r->o;

	sb_template(b, r, r->ev->message);
	sb_str(b, " seq=");
	sb_u64(b, r->seq);
	if (o->multiline_every && r->nth % o->multiline_every == 0) {
		sb_str(b, o->eol);
		sb_str(b, "   at Qlik.Sense.Common.ThreadWrapper.Run()");
	} else if (o->glyphs_every && r->nth % o->glyphs_every == 0) {
		/* U+21B5 U+2193 in UTF-8, whatever the compiler's execution charset */
		sb_str(b, " \xe2\x86\xb5\xe2\x86\x93   at Qlik.Sense.Common.ThreadWrapper.Run()");
	}
}

static bool is_problem(const struct row *r)
{
	return r->level == LV_WARN || r->level == LV_ERROR;
}

static void sb_app_field(struct sb *b, const struct row *r, const char *s)
{
	if (r->ev->app)
		sb_str(b, s);
}

/* Columns about the row's identity, user and event. */
static bool col_event(struct sb *b, const struct row *r, int kind)
{
	const struct event *ev = r->ev;

	switch (kind) {
	case K_SEQ: sb_u64(b, r->fseq); break;
	case K_VERSION: sb_str(b, r->t->version); break;
	case K_TS: sb_time(b, row_ms(r)); break;
	case K_LEVEL: sb_str(b, level_names[r->level]); break;
	case K_HOST: sb_str(b, r->o->host); break;
	case K_LOGGER: sb_str(b, ev->logger ? ev->logger : ""); break;
	case K_ID: sb_mem(b, r->id, GUID_LEN); break;
	case K_SVCUSER: sb_str(b, SVC_USER); break;
	case K_MESSAGE: sb_message(b, r); break;
	case K_EXCEPTION: if (is_problem(r) && ev->exception) sb_str(b, ev->exception); break;
	case K_STACK:
		if (is_problem(r) && ev->exception)
			sb_str(b, "at Qlik.Sense.Common.Communication.AsyncWebClient.GetAsync(Uri uri)");
		break;
	case K_PSID: if (has_user(r)) sb_mem(b, g.sid[r->user], SID_LEN); else sb_str(b, "0"); break;
	case K_UDIR: sb_str(b, has_user(r) ? USER_DIR : ev->iuser[0] ? "INTERNAL" : ""); break;
	case K_UID:
		if (has_user(r)) {
			sb_str(b, "user");
			sb_u64(b, (uint64_t)r->user + 1);
		} else {
			sb_str(b, ev->iuser);
		}
		break;
	case K_USER: sb_user(b, r); break;
	case K_OBJID:
		if (!r->has_message) {
			sb_str(b, "seq-");
			sb_u64(b, r->seq);
		} else if (ev->app) {
			sb_mem(b, g.app_id[r->app], GUID_LEN);
		}
		break;
	case K_OBJNAME: case K_APPNAME: sb_app_field(b, r, app_names[r->app]); break;
	case K_SERVICE: sb_str(b, r->t->service); break;
	case K_ORIGIN: sb_str(b, ev->origin); break;
	case K_CONTEXT: sb_template(b, r, ev->context); break;
	case K_COMMAND: sb_str(b, ev->command ? ev->command : ""); break;
	case K_RESULT: if (ev->command) sb_u64(b, (uint64_t)ev->result); break;
	case K_DESC:
		sb_str(b, "Command=");
		sb_str(b, ev->command ? ev->command : "");
		sb_str(b, ";Result=");
		sb_u64(b, (uint64_t)ev->result);
		sb_str(b, ";ResultText=");
		sb_str(b, ev->result_text);
		break;
	case K_APPID: if (ev->app) sb_mem(b, g.app_id[r->app], GUID_LEN); break;
	case K_TASKNAME:
		if (ev->app) {
			sb_str(b, "Reload ");
			sb_str(b, app_names[r->app]);
		}
		break;
	case K_EXECID: if (ev->app) sb_execid(b, r); break;
	case K_TASKID: if (ev->app) sb_mem(b, g.task_id[r->app], GUID_LEN); break;
	case K_SESSID: if (has_user(r)) sb_mem(b, g.esid[r->user], GUID_LEN); break;
	case K_PROCID: sb_mem(b, g.proc_id, GUID_LEN); break;
	case K_EXEVER: sb_str(b, "14.187.4"); break;
	case K_STARTED: sb_str(b, SERVER_STARTED); break;
	case K_ENTRY: sb_str(b, "Normal"); break;
	default: return false;
	}
	return true;
}

/* Values that several columns share, each from a fixed column slot. */
static uint64_t ptime(const struct row *r)	/* ProcessTime, in thousandths of a ms */
{
	return col_rand(r, 100) % 2000000;
}

static uint64_t netram(const struct row *r)
{
	return col_rand(r, 101) % 4096 * 65536;
}

static uint64_t vmalloc_mb(const struct row *r)
{
	return 600 + col_rand(r, 102) % 4000;
}

static uint64_t method(const struct row *r)
{
	return col_rand(r, 103) % N(methods);
}

static uint64_t session_ms(const struct row *r)
{
	return col_rand(r, 104) % 7200000;
}

static void sb_ppid(struct sb *b, const struct row *r, uint64_t v)
{
	char h[SID_LEN];

	if (!has_user(r)) {
		sb_str(b, "0");
		return;
	}
	hex(h, v, 16);
	hex(h + 16, mix(v), 16);
	hex(h + 32, mix(v + 1), 8);
	sb_mem(b, h, SID_LEN);
}

static void sb_duration(struct sb *b, uint64_t s)
{
	sb_2d(b, (int)(s / 3600 % 100));
	sb_str(b, ":");
	sb_2d(b, (int)(s / 60 % 60));
	sb_str(b, ":");
	sb_2d(b, (int)(s % 60));
}

/* Numeric columns: each from its own random value, related ones agree. */
static void col_number(struct sb *b, const struct row *r, int kind, int idx)
{
	uint64_t v = col_rand(r, idx);

	switch (kind) {
	case K_THREAD: sb_u64(b, 1 + v % 120); break;
	case K_PPID: sb_ppid(b, r, v); break;
	case K_RSID: sb_u64(b, has_user(r) ? 1 + v % 20 : 0); break;
	case K_REQID: sb_u64(b, 1 + v % 500); break;
	case K_METHOD: sb_str(b, methods[method(r)]); break;
	case K_PTIME: sb_milli(b, ptime(r)); break;
	case K_WTIME: sb_milli(b, ptime(r) * 97 / 100); break;
	case K_LTIME: sb_milli(b, ptime(r) / 1000); break;
	case K_VTIME: sb_milli(b, ptime(r) / 100); break;
	case K_TTIME: sb_milli(b, ptime(r) / 5); break;
	case K_HANDLE:
		if (method(r) == 0)	/* Global:: calls have no object handle */
			sb_str(b, "-1");
		else
			sb_u64(b, 1 + v % 40);
		break;
	case K_NETRAM: sb_u64(b, netram(r)); break;
	case K_PEAKRAM: sb_u64(b, netram(r) + (1 + v % 512) * 65536); break;
	case K_OBJTYPE:
		sb_str(b, strncmp(methods[method(r)], "GenericObject::", 15) == 0 ?
		    object_types[v % N(object_types)] : "<Unknown>");
		break;
	case K_COUNT: sb_u64(b, v % 40); break;
	case K_CALLS: sb_u64(b, v % 5000); break;
	case K_SELECTIONS: sb_u64(b, v % 500); break;
	case K_CPULOAD: sb_u64(b, v % 100); break;
	case K_VMCOMMIT: sb_u64(b, vmalloc_mb(r) - vmalloc_mb(r) / 10); break;
	case K_VMALLOC: sb_u64(b, vmalloc_mb(r)); break;
	case K_VMFREE: sb_u64(b, 32768 - vmalloc_mb(r)); break;
	case K_PHYSMEM: sb_u64(b, 32768); break;
	case K_SSTART: sb_time(b, row_ms(r) - (int64_t)session_ms(r)); break;
	case K_SDUR: sb_duration(b, session_ms(r) / 1000); break;
	case K_CPUSPENT: sb_milli(b, v % 200000); break;
	case K_BYTESIN: sb_u64(b, 1024 + v % 500000); break;
	case K_BYTESOUT: sb_u64(b, 2048 + v % 10000000); break;
	case K_EXIT: sb_str(b, exit_reasons[v % N(exit_reasons)]); break;
	default: break;		/* K_EMPTY */
	}
}

/* INFO 85%, WARN 8%, ERROR 4%, DEBUG 3% */
static int draw_level(uint64_t v)
{
	v %= 100;
	return v < 85 ? LV_INFO : v < 93 ? LV_WARN : v < 97 ? LV_ERROR : LV_DEBUG;
}

static void draw(struct row *r)
{
	const struct ltype *t = r->t;
	uint64_t a = next(), b = next(), c = next();

	r->level = draw_level(c);
	if (is_problem(r) && t->nproblems)
		r->ev = &t->problems[(c >> 8) % t->nproblems];
	else
		r->ev = &t->events[(c >> 8) % t->nevents];
	r->user = (int)((c >> 24) % NUSERS);
	r->app = (int)((c >> 40) % NAPPS);
	r->r = next();
	guid(r->id, a, b);
}

size_t row_format(char *buf, const struct ltype *t, const struct cols *c, const struct rowopt *o,
    uint64_t seq, uint64_t fseq, uint64_t nth)
{
	struct row r = { .t = t, .o = o, .seq = seq, .fseq = fseq, .nth = nth,
	    .has_message = c->has_message };
	struct sb b = { buf, 0, ROW_MAX, false };

	draw(&r);
	for (int i = 0; i < c->n; i++) {
		if (i)
			sb_mem(&b, "\t", 1);
		if (!col_event(&b, &r, c->kind[i]))
			col_number(&b, &r, c->kind[i], i);
	}
	sb_str(&b, o->eol);
	return b.over ? 0 : b.len;
}
