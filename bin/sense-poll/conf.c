/* conf: Butler SOS server list, intervals, certificates, with Butler SOS's checks. */
#include "conf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static char kb[512];

static const char *key(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static const char *key(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(kb, sizeof kb, fmt, ap);
	va_end(ap);
	return kb;
}

/* A mapping of scalar values (serverTags, headers); values as text. */
static int scalar_map(struct cfg *c, const char *path, const char **names, const char **values,
    size_t *n, size_t max)
{
	const cJSON *m = cfg_get(c, path), *it;

	*n = 0;
	if (!m || cJSON_IsNull(m))
		return 0;
	if (!cJSON_IsObject(m))
		return cfg_type_error(c, path, m, "a mapping");
	cJSON_ArrayForEach(it, m) {
		if (*n == max)
			return cfg_node_err(c, it, path, "more than %zu entries", max);
		if (!cJSON_IsString(it) && !cJSON_IsNumber(it) && !cJSON_IsBool(it) && !cJSON_IsNull(it))
			return cfg_node_err(c, it, path, "%s: expected a scalar value", it->string);
		names[*n] = it->string;
		if (cJSON_IsString(it)) {
			values[*n] = it->valuestring;
		} else if (cJSON_IsNull(it)) {
			values[*n] = NULL;
		} else {
			char *txt = cJSON_PrintUnformatted(it);	/* lives with the process */
			if (!txt)
				return cfg_set_err(c, "out of memory");
			values[*n] = txt;
		}
		(*n)++;
	}
	return 0;
}

static int server_load(struct cfg *c, struct conf *k, size_t i, const cJSON *def)
{
	struct server *s = &k->servers[i];
	const char *base = key("Butler-SOS.serversToMonitor.servers.%zu", i);
	char p[256], hk[300];
	const char *hn[MAX_HEADERS], *hv[MAX_HEADERS];
	const cJSON *vps, *it;

	snprintf(p, sizeof p, "%s", base);
	if (cfg_string(c, key("%s.host", p), NULL, &s->host) || cfg_string(c, key("%s.serverName", p), "", &s->name) ||
	    cfg_string(c, key("%s.serverDescription", p), "", &s->description) ||
	    cfg_bool(c, key("%s.userSessions.enable", p), false, &s->sessions) ||
	    cfg_string(c, key("%s.userSessions.host", p), NULL, &s->session_host))
		return -1;
	if (!s->host || !*s->host)
		return cfg_node_err(c, cfg_get(c, p), key("%s.host", p), "missing");
	snprintf(s->host_noport, sizeof s->host_noport, "%.*s", (int)strcspn(s->host, ":"), s->host);
	if (s->sessions && (!s->session_host || !*s->session_host))
		return cfg_node_err(c, cfg_get(c, p), key("%s.userSessions.host", p), "missing");

	vps = cfg_get(c, key("%s.userSessions.virtualProxies", p));
	if (vps && !cJSON_IsNull(vps)) {
		if (!cJSON_IsArray(vps))
			return cfg_type_error(c, key("%s.userSessions.virtualProxies", p), vps, "a list");
		cJSON_ArrayForEach(it, vps) {
			const cJSON *v = cJSON_GetObjectItemCaseSensitive(it, "virtualProxy");
			if (!cJSON_IsString(v))
				return cfg_node_err(c, it, key("%s.userSessions.virtualProxies", p),
				    "each item needs a virtualProxy string");
			if (v->valuestring[0] != '/')
				return cfg_node_err(c, it, key("%s.userSessions.virtualProxies", p),
				    "\"%s\" must start with /", v->valuestring);
			if (s->nvps == MAX_VPS)
				return cfg_node_err(c, it, p, "more than %d virtual proxies", MAX_VPS);
			s->vp[s->nvps++].prefix = v->valuestring;
		}
	}
	if (scalar_map(c, key("%s.serverTags", p), s->tag_name, s->tag_value, &s->ntags, MAX_TAGS))
		return -1;
	/* Butler SOS's check: every defined tag on every server, no others, no null */
	for (size_t t = 0; t < s->ntags; t++) {
		bool declared = false;
		const cJSON *d;
		cJSON_ArrayForEach(d, def)
			declared |= cJSON_IsString(d) && strcmp(d->valuestring, s->tag_name[t]) == 0;
		if (!declared)
			return cfg_node_err(c, cfg_get(c, key("%s.serverTags", p)), key("%s.serverTags", p),
			    "tag %s is not in serverTagsDefinition", s->tag_name[t]);
		if (!s->tag_value[t])
			return cfg_node_err(c, cfg_get(c, key("%s.serverTags", p)), key("%s.serverTags", p),
			    "tag %s has no value", s->tag_name[t]);
	}
	const cJSON *d;
	cJSON_ArrayForEach(d, def) {
		bool set = false;
		for (size_t t = 0; t < s->ntags; t++)
			set |= cJSON_IsString(d) && strcmp(d->valuestring, s->tag_name[t]) == 0;
		if (!set)
			return cfg_node_err(c, cfg_get(c, p), key("%s.serverTags", p), "tag %s of serverTagsDefinition is not set",
			    cJSON_IsString(d) ? d->valuestring : "?");
	}
	snprintf(hk, sizeof hk, "%s.headers", p);
	if (scalar_map(c, hk, hn, hv, &s->nheaders, MAX_HEADERS))
		return -1;
	for (size_t h = 0; h < s->nheaders; h++) {
		if (!hv[h] || strpbrk(hn[h], ":\r\n") || strpbrk(hv[h], "\r\n"))
			return cfg_node_err(c, cfg_get(c, hk), hk, "header %s: not a valid header", hn[h]);
		size_t len = strlen(hn[h]) + strlen(hv[h]) + 3;
		if (!(s->header[h] = malloc(len)))
			return cfg_set_err(c, "out of memory");
		snprintf(s->header[h], len, "%s: %s", hn[h], hv[h]);
	}
	return 0;
}

int conf_load(struct cfg *c, struct conf *k, const char *passphrase_file)
{
	const cJSON *servers, *def;
	const char *from;

	memset(k, 0, sizeof *k);
	k->tls.verify = true;
	if (cfg_int(c, "Butler-SOS.serversToMonitor.pollingInterval", 30000, 1000, 86400000, &k->health_ms) ||
	    cfg_bool(c, "Butler-SOS.serversToMonitor.rejectUnauthorized", true, &k->tls.verify) ||
	    cfg_bool(c, "Butler-SOS.userSessions.enableSessionExtract", false, &k->sessions_on) ||
	    cfg_int(c, "Butler-SOS.userSessions.pollingInterval", 30000, 1000, 86400000, &k->sessions_ms) ||
	    cfg_bool(c, "Butler-SOS.appNames.enableAppNameExtract", false, &k->apps_on) ||
	    cfg_int(c, "Butler-SOS.appNames.extractInterval", 60000, 1000, 86400000, &k->apps_ms) ||
	    cfg_string(c, "Butler-SOS.appNames.hostIP", NULL, &k->apps_host) ||
	    cfg_bool(c, "Butler-SOS.influxdbConfig.includeFields.activeDocs", false, &k->include_active) ||
	    cfg_bool(c, "Butler-SOS.influxdbConfig.includeFields.loadedDocs", false, &k->include_loaded) ||
	    cfg_bool(c, "Butler-SOS.influxdbConfig.includeFields.inMemoryDocs", false, &k->include_inmem) ||
	    cfg_string(c, "Butler-SOS.cert.clientCert", NULL, &k->tls.cert) ||
	    cfg_string(c, "Butler-SOS.cert.clientCertKey", NULL, &k->tls.key) ||
	    cfg_string(c, "Butler-SOS.cert.clientCertCA", NULL, &k->tls.ca) ||
	    cfg_int(c, "Butler-SOS.serversToMonitor.connectTimeout", 3000, 100, 600000, &k->connect_ms) ||
	    cfg_int(c, "Butler-SOS.serversToMonitor.requestTimeout", 5000, 100, 600000, &k->timeout_ms) ||
	    cfg_int(c, "Butler-SOS.serversToMonitor.maxResponseBytes", 16 << 20, 1024, 1 << 30, &k->max_body) ||
	    cfg_int(c, "Butler-SOS.serversToMonitor.maxConnections", 0, 0, 100000, &k->max_conn))
		return -1;
	if (cfg_secret(c, "Butler-SOS.cert.clientCertPassphrase", passphrase_file, "SENSEOPS_CERT_PASSPHRASE",
	    &k->passphrase, &from))
		return -1;
	/* an empty passphrase in the YAML means an unencrypted key, as in Butler SOS */
	if (k->passphrase && *k->passphrase)
		k->tls.passphrase = k->passphrase;
	if (k->apps_on && (!k->apps_host || !*k->apps_host))
		return cfg_node_err(c, cfg_get(c, "Butler-SOS.appNames"), "Butler-SOS.appNames.hostIP",
		    "missing while enableAppNameExtract is true");

	def = cfg_get(c, "Butler-SOS.serversToMonitor.serverTagsDefinition");
	if (def && !cJSON_IsNull(def) && !cJSON_IsArray(def))
		return cfg_type_error(c, "Butler-SOS.serversToMonitor.serverTagsDefinition", def, "a list");
	servers = cfg_get(c, "Butler-SOS.serversToMonitor.servers");
	if (servers && !cJSON_IsNull(servers)) {
		if (!cJSON_IsArray(servers))
			return cfg_type_error(c, "Butler-SOS.serversToMonitor.servers", servers, "a list");
		size_t n = (size_t)cJSON_GetArraySize(servers);
		if (n > MAX_SERVERS)
			return cfg_node_err(c, servers, "Butler-SOS.serversToMonitor.servers", "more than %d servers",
			    MAX_SERVERS);
		if (n && !(k->servers = calloc(n, sizeof *k->servers)))
			return cfg_set_err(c, "out of memory");
		for (k->nservers = 0; k->nservers < n; k->nservers++)
			if (server_load(c, k, k->nservers, def)) {
				k->nservers++;
				return -1;
			}
	}

	if (userlist_load(c, "Butler-SOS.userSessions.excludeUser", &k->exclude))
		return -1;
	return 0;
}

void conf_free(struct conf *k)
{
	for (size_t i = 0; i < k->nservers; i++)
		for (size_t h = 0; h < k->servers[i].nheaders; h++)
			free(k->servers[i].header[h]);
	free(k->servers);
	cfg_secret_free(k->passphrase);
	memset(k, 0, sizeof *k);
}
