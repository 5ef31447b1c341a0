/*
 * logevent: /qseow-engine/, /qseow-proxy/, /qseow-repository/,
 * /qseow-scheduler/ and /qseow-qix-perf/ datagrams (port 9996) to
 * log_event and qix_perf records, field by field as Butler SOS reads them
 * (udp-formats.md section 4), with the fixes senseops makes (udp-listen(1),
 * DIFFERENCES FROM BUTLER SOS).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "event.h"
#include "fields.h"
#include "log.h"
#include "sensefield.h"
#include "timefmt.h"

#define NFIELDS_MAX 26

/* Where free text sits: fields first..first+nfree-1 may hold ';'. */
struct layout {
	const char *type;	/* as on the wire, lower case */
	const char *source;	/* the source value */
	const char *kind;	/* record kind */
	enum log_source ls;
	size_t nspec;
	const struct field_spec *spec;
	size_t nfree;		/* message (and exception) fields from index 8 */
	int idir, iid, ifull, iapp;	/* positions of these keys in spec, -1 when absent */
};

static const struct field_spec engine_spec[] = {
	{ "source", R_STR, 100 }, { "log_row", R_ROW_POS, 0 }, { "ts_iso", R_TS_HYPHEN, 0 },
	{ "ts_local", R_TS_HYPHEN, 0 }, { "level", R_STR, 20 }, { "host", R_STR, 100 },
	{ "subsystem", R_STR, 200 }, { "windows_user", R_STR, 100 }, { "message", R_STR, 1000 },
	{ "proxy_session_id", R_UUID, 0 }, { "user_directory", R_STR, 100 },
	{ "user_id", R_STR, 100 }, { "engine_ts", R_STR, 50 }, { "process_id", R_UUID, 0 },
	{ "engine_exe_version", R_STR, 50 }, { "server_started", R_STR, 50 },
	{ "entry_type", R_STR, 50 }, { "session_id", R_UUID, 0 }, { "app_id", R_UUID, 0 },
};

static const struct field_spec proxy_spec[] = {
	{ "source", R_STR, 100 }, { "log_row", R_INT, 0 }, { "ts_iso", R_TS_ISO, 0 },
	{ "ts_local", R_TS_LOCAL, 0 }, { "level", R_STR, 20 }, { "host", R_STR, 100 },
	{ "subsystem", R_STR, 200 }, { "windows_user", R_STR, 100 }, { "message", R_STR, 1000 },
	{ "exception_message", R_STR, 1000 }, { "user_directory", R_STR, 100 },
	{ "user_id", R_STR, 100 }, { "command", R_STR, 200 }, { "result_code", R_STR, 50 },
	{ "origin", R_STR, 200 }, { "context", R_STR, 200 },
};

static const struct field_spec scheduler_spec[] = {
	{ "source", R_STR, 100 }, { "log_row", R_INT, 0 }, { "ts_iso", R_TS_HYPHEN, 0 },
	{ "ts_local", R_TS_HYPHEN, 0 }, { "level", R_STR, 20 }, { "host", R_STR, 100 },
	{ "subsystem", R_STR, 200 }, { "windows_user", R_STR, 100 }, { "message", R_STR, 1000 },
	{ "exception_message", R_STR, 1000 }, { "user_directory", R_STR, 100 },
	{ "user_id", R_STR, 100 }, { "user_full", R_STR, 200 }, { "task_name", R_STR, 200 },
	{ "app_name", R_STR, 200 }, { "task_id", R_UUID, 0 }, { "app_id", R_UUID, 0 },
	{ "execution_id", R_UUID, 0 },
};

static const struct field_spec qix_spec[] = {
	{ "source", R_STR, 100 }, { "log_row", R_INT, 0 }, { "ts_iso", R_STR, 50 },
	{ "ts_local", R_STR, 50 }, { "level", R_STR, 20 }, { "host", R_STR, 100 },
	{ "subsystem", R_STR, 200 }, { "windows_user", R_STR, 100 },
	{ "proxy_session_id", R_UUID, 0 }, { "user_directory", R_STR, 100 },
	{ "user_id", R_STR, 100 }, { "engine_ts", R_STR, 50 }, { "session_id", R_UUID, 0 },
	{ "app_id", R_UUID, 0 }, { "request_id", R_UINT_99, 0 }, { "method", R_STR, 100 },
	{ "process_time", R_FLOAT, 0 }, { "work_time", R_FLOAT, 0 }, { "lock_time", R_FLOAT, 0 },
	{ "validate_time", R_FLOAT, 0 }, { "traverse_time", R_FLOAT, 0 },
	{ "handle", R_INT_99, 0 }, { "object_id", R_STR, 100 }, { "net_ram", R_UINT_1, 0 },
	{ "peak_ram", R_UINT_1, 0 }, { "object_type", R_STR, 100 },
};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct layout layouts[] = {
	{ "/qseow-engine/", "qseow-engine", "log_event", LS_ENGINE, N(engine_spec), engine_spec, 1,
	    10, 11, -1, 18 },
	{ "/qseow-proxy/", "qseow-proxy", "log_event", LS_PROXY, N(proxy_spec), proxy_spec, 2,
	    10, 11, -1, -1 },
	{ "/qseow-repository/", "qseow-repository", "log_event", LS_REPOSITORY, N(proxy_spec), proxy_spec, 2,
	    10, 11, -1, -1 },
	{ "/qseow-scheduler/", "qseow-scheduler", "log_event", LS_SCHEDULER, N(scheduler_spec), scheduler_spec, 2,
	    10, 11, 12, 16 },
	{ "/qseow-qix-perf/", "qseow-qix-perf", "qix_perf", LS_QIXPERF, N(qix_spec), qix_spec, 0,
	    9, 10, -1, 13 },
};

/* The positions above are written out for speed; prove them once. */
static void check_layouts(void)
{
	static bool checked;

	if (checked)
		return;
	for (size_t i = 0; i < N(layouts); i++) {
		const struct layout *l = &layouts[i];
		if (strcmp(l->spec[l->idir].key, "user_directory") != 0 ||
		    strcmp(l->spec[l->iid].key, "user_id") != 0 ||
		    (l->ifull >= 0 && strcmp(l->spec[l->ifull].key, "user_full") != 0) ||
		    (l->iapp >= 0 && strcmp(l->spec[l->iapp].key, "app_id") != 0)) {
			log_error("logevent: layout %s has wrong field positions", l->type);
			abort();
		}
	}
	checked = true;
}

/* Does text start like a .NET exception ("System.Net.WebException: ...")? */
static bool looks_like_exception(struct span s)
{
	size_t i = 0;
	bool dot = false;

	while (i < s.n && s.s[i] == ' ')
		i++;
	size_t start = i;
	while (i < s.n && (s.s[i] == '.' || s.s[i] == '_' || (s.s[i] >= 'a' && s.s[i] <= 'z') ||
	    (s.s[i] >= 'A' && s.s[i] <= 'Z') || (s.s[i] >= '0' && s.s[i] <= '9'))) {
		dot |= s.s[i] == '.';
		i++;
	}
	size_t len = i - start;
	return dot && ((len >= 9 && strncmp(s.s + i - 9, "Exception", 9) == 0) ||
	    (len >= 5 && strncmp(s.s + i - 5, "Error", 5) == 0));
}

/*
 * Maps wire fields to spec positions. Butler SOS splits on every ';', so a
 * ';' inside the message shifts every later field; senseops anchors the
 * fixed trailing fields from the right and gives the surplus back to the
 * message (and, for two free fields, splits message from exception at the
 * part that starts like an exception type, else before the last part).
 */
static void map_fields(const struct layout *l, const struct dgram *d, struct span *raw)
{
	size_t nf = d->nfields, extra = nf > l->nspec ? nf - l->nspec : 0;

	for (size_t i = 0; i < l->nspec; i++)
		raw[i] = dgram_field(d, i);
	if (extra == 0 || l->nfree == 0)
		return;
	size_t first = 8, last = 8 + l->nfree - 1 + extra;	/* free parts on the wire */
	for (size_t i = last + 1; i < nf; i++)
		raw[i - extra] = dgram_field(d, i);
	if (l->nfree == 1) {
		raw[first] = dgram_range(d, first, last);
		return;
	}
	size_t split = last;	/* first part of the exception */
	for (size_t j = first + 1; j <= last; j++)
		if (looks_like_exception(dgram_field(d, j))) {
			split = j;
			break;
		}
	raw[first] = dgram_range(d, first, split - 1);
	raw[first + 1] = dgram_range(d, split, last);
}

/* Field 0 lower case without its slashes, for counting unknown types. */
static const char *clean_type(struct span t, size_t *len)
{
	char low[128];
	size_t n = t.n < sizeof low ? t.n : sizeof low - 1;

	for (size_t i = 0; i < n; i++)
		low[i] = (char)((t.s[i] >= 'A' && t.s[i] <= 'Z') ? t.s[i] + 32 : t.s[i]);
	struct span s = { low, n, true };
	if (s.n && s.s[0] == '/')
		s.s++, s.n--;
	if (s.n && s.s[s.n - 1] == '/')
		s.n--;
	return fval_text(s, 100, len);
}

static const char *or_unknown(const char *s)
{
	return s && *s ? s : "Unknown";
}

/* Parses a hyphenated or compact ISO time with a +hhmm/-hhmm offset. */
static bool event_time(struct span s, int64_t *ms)
{
	char buf[40];
	size_t j = 0;

	if (s.n < 24 || s.n > 32)
		return false;
	for (size_t i = 0; i < s.n && j < sizeof buf - 1; i++) {
		/* drop the date's '-' and the time's ':' to reach the compact form */
		if ((i < 10 && s.s[i] == '-') || (i < 19 && s.s[i] == ':'))
			continue;
		buf[j++] = s.s[i];
	}
	buf[j] = '\0';
	return time_parse_sense_iso(buf, ms) == 0;
}

void logevent_parse(const struct ev_conf *conf, const char *dgram, size_t n, int64_t now_ms,
    struct jsonw *out, struct ev_result *res)
{
	struct dgram d;
	struct span raw[NFIELDS_MAX];
	struct fval v[NFIELDS_MAX];
	const struct layout *l = NULL;
	struct cat_pair cats[64];
	size_t ncats = 0, len;
	enum categorise_verdict cv = CAT_NONE;
	char ts[TIME_RFC3339_LEN];
	int64_t when;

	check_layouts();
	memset(res, 0, sizeof *res);
	fval_reset();
	dgram_split(&d, dgram, n);
	struct span type = dgram_field(&d, 0);
	if (d.len == 0 || strspn(d.text, " \t") == d.len) {
		res->verdict = EV_EMPTY;
		return;
	}
	for (size_t i = 0; i < N(layouts); i++)
		if (type.n == strlen(layouts[i].type) && strncasecmp(type.s, layouts[i].type, type.n) == 0)
			l = &layouts[i];
	if (!l || !conf->source_enable[l->ls]) {
		/* counted under the fields that really hold host and subsystem */
		res->verdict = l ? EV_DISABLED : EV_UNKNOWN_TYPE;
		res->counted = true;
		res->source = or_unknown(clean_type(type, &len));
		res->host = or_unknown(fval_text(dgram_field(&d, 5), 100, &len));
		res->subsystem = or_unknown(fval_text(dgram_field(&d, 6), 200, &len));
		return;
	}
	if (l->ls == LS_QIXPERF && !qixfilter_monitor_enabled(conf->qix)) {
		res->verdict = EV_QIX_OFF;
		res->counted = true;
		res->source = l->source;
		res->host = or_unknown(fval_text(dgram_field(&d, 5), 100, &len));
		res->subsystem = or_unknown(fval_text(dgram_field(&d, 6), 200, &len));
		return;
	}

	map_fields(l, &d, raw);
	for (size_t i = 0; i < l->nspec; i++)
		fval_apply(&l->spec[i], raw[i], &v[i]);
	v[0].s = l->source;	/* upper-case types are accepted, stored lower case */
	v[0].n = strlen(l->source);

	/* user name normalisation works in place on copies with room */
	int idir = l->idir, iid = l->iid, ifull = l->ifull;
	char dir[256], id[256], full[520];
	snprintf(dir, sizeof dir, "%s", v[idir].s);
	snprintf(id, sizeof id, "%s", v[iid].s);
	snprintf(full, sizeof full, "%s", ifull >= 0 ? v[ifull].s : "");
	sf_user_fields(dir, sizeof dir, id, sizeof id, full, sizeof full);

	const char *app_name = "";
	bool user_activity = true;
	if (l->ls == LS_QIXPERF) {
		int iapp = l->iapp;
		if (conf->appname_lookup && v[iapp].n) {
			const char *nm = appnames_get(conf->names, v[iapp].s, v[iapp].n);
			app_name = nm ? fval_text((struct span){ nm, strlen(nm), true }, 200, &len) : "";
		}
		user_activity = !(raw[8].n == 1 && raw[8].s[0] == '0');
		/* the filters compare raw values */
		const char *r_app = fval_text(raw[13], 65535, &len);
		const char *r_obj = fval_text(raw[22], 65535, &len);
		const char *r_type = fval_text(raw[25], 65535, &len);
		const char *r_method = fval_text(raw[15], 65535, &len);
		if (!qixfilter_accept(conf->qix, r_app, app_name, r_obj, r_type, r_method)) {
			res->verdict = EV_QIX_REJECTED;
			res->source = l->source;
			res->app_id = v[iapp].s;
			res->app_name = app_name;
			res->method = v[15].s;
			res->object_type = v[25].s;
			res->process_time = v[16].omit ? 0 : v[16].d;
			return;
		}
	}

	res->counted = true;
	res->source = l->source;
	res->host = or_unknown(v[5].s);
	res->subsystem = or_unknown(v[6].s);
	if (categorise_enabled(conf->cat)) {
		const char *msg = l->nfree ? v[8].s : "";
		cv = categorise_apply(conf->cat, v[4].s, msg, cats, N(cats), &ncats);
		if (cv == CAT_DROP) {
			res->verdict = EV_DROP_RULE;
			return;
		}
	}

	if (!event_time(raw[2], &when))
		when = now_ms;
	jsonw_open(out);
	jsonw_str(out, "kind", l->kind);
	jsonw_str(out, "ts", time_format_rfc3339(when, ts));
	ev_tags_write(out, &conf->log_tags, cats, ncats, NULL, 0);
	for (size_t i = 0; i < l->nspec; i++) {
		const char *key = l->spec[i].key;
		if ((int)i == idir)
			jsonw_str(out, key, dir);
		else if ((int)i == iid)
			jsonw_str(out, key, id);
		else if ((int)i == ifull)
			jsonw_str(out, key, full);
		else
			fval_write(out, key, &v[i]);
		if (l->ls == LS_QIXPERF && (int)i == l->iapp)
			jsonw_str(out, "app_name", app_name);
	}
	if (l->ls == LS_QIXPERF)
		jsonw_str(out, "event_activity_source", user_activity ? "user" : "non-user");
	if (ifull < 0)
		jsonw_str(out, "user_full", full);
	if (categorise_enabled(conf->cat)) {
		ev_categories_write(out, cats, ncats);
	}
	jsonw_close(out);
	res->verdict = out->overflow ? EV_TOO_BIG : EV_RECORD;
}
