/*
 * userevent: /qseow-proxy-session/ and /qseow-proxy-connection/ datagrams
 * (port 9997) to user_event records (udp-formats.md section 5).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "event.h"
#include "fields.h"
#include "sensefield.h"
#include "timefmt.h"
#include "useragent.h"

static const char *const types[] = { "/qseow-proxy-session/", "/qseow-proxy-connection/" };

/* Only the first 7 separators count: the message keeps its own ';'. */
static struct span user_field(const struct dgram *d, size_t i)
{
	if (i < 7)
		return dgram_field(d, i);
	struct span s = dgram_field(d, 7);
	if (s.present)
		s.n = d->len - (size_t)(s.s - d->text);
	return s;
}

/*
 * Sense users keep their browsers: a handful of user agents make up nearly
 * all connection events, so parsed results are kept in a small cache.
 */
#define UA_CACHE 64
#define UA_CACHE_LEN 512

static struct ua_slot {
	size_t n;
	char ua[UA_CACHE_LEN];
	struct ua_info info;
} ua_cache[UA_CACHE];

static const struct ua_info *ua_lookup(const char *ua, size_t n)
{
	static struct ua_info fresh;
	uint64_t h = 1469598103934665603ULL;

	if (n >= UA_CACHE_LEN) {
		ua_parse(ua, &fresh);
		return &fresh;
	}
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)ua[i]) * 1099511628211ULL;
	struct ua_slot *slot = &ua_cache[h % UA_CACHE];
	if (slot->n != n || memcmp(slot->ua, ua, n) != 0) {
		ua_parse(ua, &slot->info);
		memcpy(slot->ua, ua, n);
		slot->n = n;
	}
	return &slot->info;
}

/* "/app/<uuid>[?...]" gives the app id when the id is an RFC 4122 UUID. */
static bool context_app(const char *ctx, size_t n, const char **id)
{
	if (n < 5 || strncmp(ctx, "/app/", 5) != 0)
		return false;
	const char *q = memchr(ctx + 5, '?', n - 5);
	size_t len = q ? (size_t)(q - ctx - 5) : n - 5;
	if (!sf_uuid_rfc(ctx + 5, len))
		return false;
	*id = ctx + 5;
	return true;
}

void userevent_parse(const struct ev_conf *conf, const char *dgram, size_t n, int64_t now_ms,
    struct jsonw *out, struct ev_result *res)
{
	static const unsigned short max[] = { 100, 100, 100, 100, 100, 200, 500, 1000 };
	struct dgram d;
	const char *f[8];
	size_t fl[8], tl;
	char dir[128], id[128], full[260], ts[TIME_RFC3339_LEN], uabuf[1024];
	const char *type = NULL;

	memset(res, 0, sizeof *res);
	fval_reset();
	dgram_split(&d, dgram, n);
	if (d.len == 0 || strspn(d.text, " \t") == d.len) {
		res->verdict = EV_EMPTY;
		return;
	}
	struct span t = dgram_field(&d, 0);
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (t.n == strlen(types[i]) && strncasecmp(t.s, types[i], t.n) == 0)
			type = types[i] + 1;
	if (!type) {
		res->verdict = EV_UNKNOWN_TYPE;
		res->counted = true;
		res->source = res->host = res->subsystem = "Unknown";
		return;
	}
	for (size_t i = 0; i < 8; i++)
		f[i] = fval_text(user_field(&d, i), max[i], &fl[i]);
	tl = strlen(type) - 1;	/* without the closing slash */

	res->counted = true;
	res->source = fval_text((struct span){ type, tl, true }, 100, &tl);
	res->host = *f[1] ? f[1] : "Unknown";
	res->subsystem = *f[5] ? f[5] : "Unknown";	/* Butler SOS counts user events by origin */
	if (userlist_has(&conf->exclude, f[3], f[4])) {
		res->verdict = EV_EXCLUDED_USER;
		return;
	}

	snprintf(dir, sizeof dir, "%s", f[3]);
	snprintf(id, sizeof id, "%s", f[4]);
	full[0] = '\0';
	sf_user_fields(dir, sizeof dir, id, sizeof id, full, sizeof full);

	jsonw_open(out);
	jsonw_str(out, "kind", "user_event");
	jsonw_str(out, "ts", time_format_rfc3339(now_ms, ts));
	jsonw_open_object(out, "tags");
	for (size_t i = 0; i < conf->user_tags.n; i++)
		jsonw_str(out, conf->user_tags.name[i], conf->user_tags.value[i]);
	jsonw_close(out);
	jsonw_str(out, "messageType", res->source);
	jsonw_strn(out, "host", f[1], fl[1]);
	jsonw_strn(out, "command", f[2], fl[2]);
	jsonw_str(out, "userDir", dir);
	jsonw_str(out, "userId", id);
	jsonw_str(out, "userFull", full);
	jsonw_strn(out, "origin", f[5], fl[5]);
	jsonw_strn(out, "context", f[6], fl[6]);
	jsonw_strn(out, "message", f[7], fl[7]);

	const char *app;
	if (context_app(f[6], fl[6], &app)) {
		const char *name = appnames_get(conf->names, app, 36);
		jsonw_strn(out, "appId", app, 36);
		jsonw_str(out, "appName", name ? name : "<unknown app name>");
	}
	size_t ual = ua_extract(f[7], uabuf, sizeof uabuf);
	if (ual > 0) {
		const struct ua_info *ua = ua_lookup(uabuf, ual);
		if (*ua->browser_name)
			jsonw_str(out, "uaBrowserName", ua->browser_name);
		if (*ua->browser_major)
			jsonw_str(out, "uaBrowserMajorVersion", ua->browser_major);
		if (*ua->os_name)
			jsonw_str(out, "uaOsName", ua->os_name);
		if (*ua->os_version)
			jsonw_str(out, "uaOsVersion", ua->os_version);
	}
	jsonw_close(out);
	res->verdict = out->overflow ? EV_TOO_BIG : EV_RECORD;
}
