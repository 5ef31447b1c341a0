/*
 * sense-poll: polls every Qlik Sense server's engine health check and proxy
 * sessions, and the repository's app list, over verified mutual TLS, all
 * requests at once (curl multi), and writes health, sessions and error
 * records to standard output and app names to a file for udp-listen.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "appnames.h"
#include "cli.h"
#include "conf.h"
#include "httpc.h"
#include "log.h"
#include "ndjson.h"
#include "record.h"
#include "records.h"
#include "sig.h"
#include "timefmt.h"
#include "timer.h"

#define USAGE "sense-poll [-nqvV] [-c file] [--once] [--app-names file]\n" \
	"                  [--passphrase-file file] [--set key=value]... [--print-config]\n" \
	"                  [--ready-fd fd]"

enum { OPT_ONCE = CLI_OPT_TOOL, OPT_APP_NAMES, OPT_PASSPHRASE_FILE };
enum kind { K_HEALTH, K_SESSIONS, K_APPS, K_COUNT };

static const char *const kind_name[K_COUNT] = { "health check", "proxy sessions", "app names" };
static const char *const error_type[K_COUNT] = { "HEALTH_API", "PROXY_API", "APP_NAMES_EXTRACT" };

static const char *kind_str(enum kind k)
{
	return (unsigned)k < K_COUNT ? kind_name[k] : "request";
}

struct job {
	enum kind kind;
	const struct server *srv;	/* NULL for app names */
	const struct vproxy *vp;
	int64_t round_t0;		/* when its round started, monotonic ms */
	char url[1024];
};

struct state {
	struct conf k;
	struct appnames *names;
	const char *names_path;
	CURLM *multi;
	struct ndjson_writer out;
	int running[K_COUNT];		/* requests in flight per kind */
	unsigned long round_failed[K_COUNT];
	unsigned long failures;
	bool once;
};

static int emit(struct state *st, cJSON *rec)
{
	int rc = rec ? ndjson_write_record(&st->out, rec) : NDJSON_WERR;
	cJSON_Delete(rec);
	return rc;
}

/* Copies url up to its query or fragment: an Xrfkey must not reach a store. */
static void url_noquery(const char *url, char *out, size_t len)
{
	snprintf(out, len, "%.*s", (int)strcspn(url, "?#"), url);
}

/* The host:port a URL goes to, as written in it. */
static void url_authority(const char *url, char *out, size_t len)
{
	const char *p = strstr(url, "://");

	p = p ? p + 3 : url;
	snprintf(out, len, "%.*s", (int)strcspn(p, "/?#"), p);
}

/*
 * An error record: what failed (msg) and, after a transfer (f, else NULL),
 * the fields of Butler SOS's error tracker (butler_sos_errors).
 */
static void emit_error(struct state *st, const struct job *j, const char *msg, const struct httpc_failure *f)
{
	cJSON *rec = record_new("error", time_now_ms());
	struct httpc_class none = httpc_classify(CURLE_FAILED_INIT, 0, NULL);
	const struct httpc_class *c = f ? &f->cls : &none;
	char url[sizeof j->url], host[sizeof j->url];

	st->failures++;
	st->round_failed[j->kind]++;
	log_warn("%s %s: %s", kind_str(j->kind), j->url, msg);
	url_noquery(j->url, url, sizeof url);
	url_authority(j->url, host, sizeof host);
	if (!rec || record_str(rec, "tool", "sense-poll") || record_str(rec, "error_type", (unsigned)j->kind < K_COUNT ? error_type[j->kind] : "SENSE_API") ||
	    record_str(rec, "message", msg) || record_str(rec, "endpoint", url) ||
	    record_str(rec, "server_host", host) || record_str(rec, "error_category", c->category) ||
	    (c->code[0] && record_str(rec, "error_code", c->code)) ||
	    (f && f->status > 0 && record_num(rec, "http_status", (double)f->status)) ||
	    record_str(rec, "request_url", url) ||
	    record_num(rec, "request_timeout_ms", (double)st->k.timeout_ms) ||
	    (f && f->remote_ip[0] && (record_str(rec, "remote_address", f->remote_ip) ||
	    record_num(rec, "remote_port", (double)f->remote_port))) ||
	    (c->syscall && record_str(rec, "syscall", c->syscall))) {
		cJSON_Delete(rec);
		return;
	}
	if (j->srv) {
		server_tags(rec, j->srv);
		record_str(rec, "server", j->srv->name && *j->srv->name ? j->srv->name : j->srv->host);
	}
	if (j->vp)
		record_tag(rec, "user_session_virtual_proxy", j->vp->prefix);
	emit(st, rec);
}

/* Writes the app list to path atomically: a reader sees the old or the new file, whole. */
static int write_names(const char *path, const cJSON *apps)
{
	char tmp[4096];
	struct ndjson_writer w;
	const cJSON *it;
	int fd, rc = 0;

	if (snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid()) >= (int)sizeof tmp)
		return -1;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || ndjson_writer_init(&w, fd, 0) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	cJSON_ArrayForEach(it, apps) {
		const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
		const cJSON *name = cJSON_GetObjectItemCaseSensitive(it, "name");
		const cJSON *desc = cJSON_GetObjectItemCaseSensitive(it, "description");
		if (!cJSON_IsString(id) || !cJSON_IsString(name))
			continue;
		cJSON *o = cJSON_CreateObject();
		if (!o || !cJSON_AddStringToObject(o, "id", id->valuestring) ||
		    !cJSON_AddStringToObject(o, "name", name->valuestring) ||
		    !cJSON_AddStringToObject(o, "description", cJSON_IsString(desc) ? desc->valuestring : "")) {
			cJSON_Delete(o);
			rc = -1;
			break;
		}
		rc = ndjson_write_record(&w, o) == NDJSON_WOK ? 0 : -1;
		cJSON_Delete(o);
		if (rc)
			break;
	}
	if (rc == 0 && ndjson_flush(&w) != NDJSON_WOK)
		rc = -1;
	ndjson_writer_free(&w);
	if (rc == 0 && fsync(fd) != 0)
		rc = -1;
	if (close(fd) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -1;
	if (rc != 0)
		unlink(tmp);
	return rc;
}

/* An error record for a request that was answered with 200 but could not be used. */
static void body_error(struct state *st, const struct job *j, struct httpc_req *r, const char *msg)
{
	struct httpc_failure f;

	httpc_describe(r, CURLE_OK, &f);
	emit_error(st, j, msg, &f);
}

static void handle_body(struct state *st, struct job *j, struct httpc_req *r)
{
	char why[512];
	cJSON *body = cJSON_ParseWithLength(r->body ? r->body : "", r->len);
	int64_t now = time_now_ms();

	if (!body) {
		body_error(st, j, r, "response is not JSON");
		return;
	}
	switch (j->kind) {
	case K_HEALTH: {
		cJSON *rec = health_record(&st->k, j->srv, body, st->names, now, why, sizeof why);
		if (rec)
			emit(st, rec);
		else
			body_error(st, j, r, why);
		break;
	}
	case K_SESSIONS: {
		cJSON *rec = sessions_record(&st->k, j->srv, j->vp, body, now, why, sizeof why);
		if (rec)
			emit(st, rec);
		else
			body_error(st, j, r, why);
		break;
	}
	case K_APPS: {
		long n;
		if (!cJSON_IsArray(body) || (n = appnames_set(st->names, body)) < 0) {
			body_error(st, j, r, "not a list of apps");
			break;
		}
		if (n == 0 && cJSON_GetArraySize(body) > 0) {
			body_error(st, j, r, "no app in the list has an id and a name");
			break;
		}
		log_info("app names: %ld apps", n);
		if (st->names_path && write_names(st->names_path, body) != 0) {
			snprintf(why, sizeof why, "writing %s: %s", st->names_path, strerror(errno));
			body_error(st, j, r, why);
		}
		break;
	}
	case K_COUNT:
		break;
	}
	cJSON_Delete(body);
}

static void start(struct state *st, enum kind kind, const struct server *srv, const struct vproxy *vp,
    int64_t t0)
{
	struct job *j = calloc(1, sizeof *j);
	char err[512], xrf[17], hx[64], vph[300];	/* httpc_get copies the headers */
	const char *headers[4 + MAX_HEADERS] = { "Cache-Control: no-cache", "Content-Type: application/json" };
	size_t nh = 2;
	const struct conf *k = &st->k;
	struct httpc_tls tls = k->tls;

	if (!j)
		die(EX_OSERR, "out of memory");
	j->kind = kind;
	j->srv = srv;
	j->vp = vp;
	j->round_t0 = t0;
	httpc_xrfkey(xrf);
	snprintf(hx, sizeof hx, "X-Qlik-Xrfkey: %s", xrf);
	switch (kind) {
	case K_HEALTH:
		snprintf(j->url, sizeof j->url, "https://%s/engine/healthcheck", srv->host);
		for (size_t i = 0; i < srv->nheaders; i++)
			headers[nh++] = srv->header[i];
		break;
	case K_SESSIONS:
		snprintf(j->url, sizeof j->url, "https://%s/qps%s/session?Xrfkey=%s", srv->session_host,
		    strcmp(vp->prefix, "/") == 0 ? "" : vp->prefix, xrf);
		headers[nh++] = hx;
		snprintf(vph, sizeof vph, "XVirtualProxy: %s", vp->prefix);
		headers[nh++] = vph;
		break;
	case K_APPS:
		/* hostIP may carry a port; Butler SOS always uses 4242 */
		snprintf(j->url, sizeof j->url, strchr(k->apps_host, ':') ? "https://%s/qrs/app?xrfkey=%s" :
		    "https://%s:4242/qrs/app?xrfkey=%s", k->apps_host, xrf);
		headers[nh++] = "X-Qlik-User: UserDirectory=Internal; UserId=sa_repository";
		headers[nh++] = hx;
		break;
	case K_COUNT:
		break;
	}
	headers[nh] = NULL;
	struct httpc_req *r = httpc_get(j->url, &tls, headers, (long)k->connect_ms, (long)k->timeout_ms,
	    (size_t)k->max_body, err, sizeof err);
	if (!r) {
		emit_error(st, j, err, NULL);
		free(j);
		return;
	}
	r->user = j;
	if (curl_multi_add_handle(st->multi, r->easy) != CURLM_OK) {
		emit_error(st, j, "cannot add the request", NULL);
		httpc_free(r);
		free(j);
		return;
	}
	st->running[kind]++;
}

/* Starts a round of one kind, unless the last one is still running. */
static void round_start(struct state *st, enum kind kind)
{
	if (st->running[kind] > 0) {
		log_warn("%s: the previous round is still running; skipping this one", kind_str(kind));
		return;
	}
	int64_t t0 = time_mono_ms();
	st->round_failed[kind] = 0;
	switch (kind) {
	case K_HEALTH:
		for (size_t i = 0; i < st->k.nservers; i++)
			start(st, K_HEALTH, &st->k.servers[i], NULL, t0);
		break;
	case K_SESSIONS:
		for (size_t i = 0; i < st->k.nservers; i++)
			for (size_t v = 0; st->k.servers[i].sessions && v < st->k.servers[i].nvps; v++)
				start(st, K_SESSIONS, &st->k.servers[i], &st->k.servers[i].vp[v], t0);
		break;
	case K_APPS:
		start(st, K_APPS, NULL, NULL, t0);
		break;
	case K_COUNT:
		break;
	}
}

static void finished(struct state *st)
{
	CURLMsg *m;
	int left;

	while ((m = curl_multi_info_read(st->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		struct httpc_req *r = NULL;
		char err[512];
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&r);
		struct job *j = r->user;
		CURLcode rc = m->data.result;
		curl_multi_remove_handle(st->multi, m->easy_handle);
		st->running[j->kind]--;
		if (httpc_result(r, rc, err, sizeof err) != 0) {
			struct httpc_failure f;
			httpc_describe(r, rc, &f);
			emit_error(st, j, err, &f);
		} else
			handle_body(st, j, r);
		if (st->running[j->kind] == 0)
			log_debug("%s round done in %lld ms, %lu failed", kind_str(j->kind),
			    (long long)(time_mono_ms() - j->round_t0), st->round_failed[j->kind]);
		httpc_free(r);
		free(j);
	}
}

static int busy(const struct state *st)
{
	return st->running[K_HEALTH] + st->running[K_SESSIONS] + st->running[K_APPS];
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		CLI_LONGOPTS,
		{ "once", no_argument, NULL, OPT_ONCE },
		{ "app-names", required_argument, NULL, OPT_APP_NAMES },
		{ "passphrase-file", required_argument, NULL, OPT_PASSPHRASE_FILE },
		{ NULL, 0, NULL, 0 },
	};
	struct cli cli;
	struct state st = { 0 };
	const char *passfile = NULL;
	struct timer tick[K_COUNT];
	bool on[K_COUNT];
	struct cfg *c;
	int opt;

	cli_init(&cli, "sense-poll", USAGE);
	while ((opt = cli_next(&cli, argc, argv, longopts)) != -1) {
		switch (opt) {
		case OPT_ONCE:
			st.once = true;
			break;
		case OPT_APP_NAMES:
			st.names_path = optarg;
			break;
		case OPT_PASSPHRASE_FILE:
			passfile = optarg;
			break;
		default:
			cli_usage_error(&cli, "unknown option");
		}
	}
	cli_no_operands(&cli, argc, argv);
	c = cli_load_config(&cli);
	cli_config_done(&cli, c, conf_load(c, &st.k, passfile));
	if (st.k.nservers == 0 && !st.k.apps_on)
		die(EX_CONFIG, "%s: Butler-SOS.serversToMonitor.servers is empty and appNames is off: nothing to poll",
		    cfg_path(c));
	if (!st.k.tls.verify)
		log_warn("serversToMonitor.rejectUnauthorized is false: Sense servers' certificates are NOT verified");
	if (!st.k.tls.cert || !st.k.tls.key)
		log_warn("no client certificate (Butler-SOS.cert.clientCert, clientCertKey): Sense will refuse the requests");

	if (httpc_global_init() != 0 || !(st.multi = curl_multi_init()))
		die(EX_OSERR, "cannot initialise libcurl");
	curl_multi_setopt(st.multi, CURLMOPT_MAX_HOST_CONNECTIONS, 4L);
	/* 0: every server at once; a limit trades round time for memory (about 90 KiB a connection) */
	curl_multi_setopt(st.multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)st.k.max_conn);
	/* keep a connection per endpoint between rounds: no new handshakes every round */
	long endpoints = 1;
	for (size_t i = 0; i < st.k.nservers; i++)
		endpoints += 1 + (long)st.k.servers[i].nvps;
	curl_multi_setopt(st.multi, CURLMOPT_MAXCONNECTS,
	    st.k.max_conn > 0 && st.k.max_conn < endpoints ? (long)st.k.max_conn : endpoints);
	if (!(st.names = appnames_new(NULL)) || ndjson_writer_init(&st.out, STDOUT_FILENO, 0) != 0)
		die(EX_OSERR, "out of memory");
	cli_running(&cli);

	on[K_HEALTH] = st.k.nservers > 0;
	on[K_SESSIONS] = st.k.sessions_on;
	on[K_APPS] = st.k.apps_on;
	long long every[K_COUNT] = { st.k.health_ms, st.k.sessions_ms, st.k.apps_ms };
	int64_t now = time_mono_ms();
	/* app names first, so the first health records already carry names */
	if (on[K_APPS])
		round_start(&st, K_APPS);
	for (int i = 0; i < K_COUNT; i++)
		timer_start(&tick[i], every[i], now);
	tick[K_APPS].next += every[K_APPS];	/* the first round started above */
	int wrc = NDJSON_WOK;
	bool gate = false;	/* opens once the first app list is in (or failed) */
	bool fired[K_COUNT] = { false };
	while (!sig_stopping() && wrc == NDJSON_WOK) {
		now = time_mono_ms();
		if (!gate && st.running[K_APPS] == 0) {
			gate = true;
			for (int i = 0; i < K_APPS; i++)
				timer_start(&tick[i], every[i], now);
		}
		for (int i = 0; gate && i < K_APPS; i++)
			if (on[i] && !(st.once && fired[i]) && timer_fire(&tick[i], now)) {
				round_start(&st, (enum kind)i);
				fired[i] = true;
			}
		if (on[K_APPS] && !st.once && timer_fire(&tick[K_APPS], now))
			round_start(&st, K_APPS);
		if (st.once && gate && busy(&st) == 0)
			break;

		int64_t wait = 60000;
		for (int i = 0; i < K_COUNT; i++)
			if (on[i] && timer_left(&tick[i], now) < wait)
				wait = timer_left(&tick[i], now);
		struct curl_waitfd extra = { .fd = sig_fd(), .events = CURL_WAIT_POLLIN };
		int still = 0;
		curl_multi_poll(st.multi, &extra, 1, (int)(wait > 0 ? wait : 0), NULL);
		if (sig_read() == SIG_RELOAD)
			log_info("SIGHUP: certificates are re-read with every connection");
		curl_multi_perform(st.multi, &still);
		finished(&st);
		wrc = ndjson_flush(&st.out);
	}

	curl_multi_cleanup(st.multi);	/* abandons requests still running at a stop */
	ndjson_writer_free(&st.out);
	appnames_free(st.names);
	conf_free(&st.k);
	cfg_free(c);
	curl_global_cleanup();
	if (wrc == NDJSON_WPIPE)
		return EX_OK;
	if (wrc != NDJSON_WOK) {
		log_error("writing records: %s", strerror(errno));
		return EX_IOERR;
	}
	/* made for cron: --once says whether every request succeeded */
	return st.once && st.failures ? EX_UNAVAILABLE : EX_OK;
}
