/* conf: influxdbConfig and the switches of what to store, with Butler SOS's defaults. */
#include "conf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#define IX "Butler-SOS.influxdbConfig."

/* Butler SOS's switch defaults: a key that is absent stores the data. */
static int gate(struct cfg *c, const char *key, bool *out)
{
	return cfg_bool(c, key, true, out);
}

static int name(struct cfg *c, const char *key, const char *def, const char **out)
{
	if (cfg_string(c, key, def, out))
		return -1;
	if (!*out)
		return cfg_set_err(c, "%s: missing", key);
	if (!**out)
		return cfg_node_err(c, cfg_get(c, key), key, "must not be empty");
	return 0;
}

/* An InfluxQL duration: digits and a unit (10d, 1h30m, 52w), or INF. */
static bool duration_ok(const char *s)
{
	if (strcmp(s, "INF") == 0 || strcmp(s, "inf") == 0)
		return true;
	if (!*s)
		return false;
	while (*s) {
		size_t d = strspn(s, "0123456789");
		if (d == 0 || d > 12)
			return false;
		s += d;
		if (strncmp(s, "ms", 2) == 0)
			s += 2;
		else if (*s && strchr("nuµsmhdw", *s))
			s += 1;
		else
			return false;
	}
	return true;
}

int conf_load(struct cfg *c, struct conf *k, const char *password_file, const char *token_file)
{
	long long v;
	bool qse = true, ec = true, rec = true, et = true, et_ix = true, up = true;
	bool mqtt = false, le_mqtt = false;

	memset(k, 0, sizeof *k);
	if (cfg_bool(c, IX "enable", true, &k->enable) ||
	    cfg_int(c, IX "version", 1, 1, 3, &v) ||
	    cfg_string(c, IX "host", "localhost", &k->host) ||
	    cfg_int(c, IX "port", 8086, 1, 65535, &k->port) ||
	    cfg_bool(c, IX "tls.enable", false, &k->https) ||
	    cfg_string(c, IX "tls.ca", NULL, &k->ca) ||
	    cfg_string(c, IX "tls.clientCert", NULL, &k->cert) ||
	    cfg_string(c, IX "tls.clientCertKey", NULL, &k->key) ||
	    cfg_bool(c, IX "tls.rejectUnauthorized", true, &k->verify) ||
	    cfg_int(c, IX "flushInterval", 1000, 10, 3600000, &k->flush_ms) ||
	    cfg_int(c, IX "connectTimeout", 5000, 100, 600000, &k->connect_ms) ||
	    cfg_bool(c, IX "gzip", true, &k->gzip) ||
	    cfg_bool(c, IX "includeFields.activeDocs", false, &k->map.include_active) ||
	    cfg_bool(c, IX "includeFields.loadedDocs", false, &k->map.include_loaded) ||
	    cfg_bool(c, IX "includeFields.inMemoryDocs", false, &k->map.include_inmem))
		return -1;
	k->version = (int)v;
	if (!*k->host)
		return cfg_node_err(c, cfg_get(c, IX "host"), IX "host", "must not be empty");
	if (!!k->cert != !!k->key)
		return cfg_set_err(c, IX "tls: clientCert and clientCertKey go together");

	/* maxBatchSize: Butler SOS takes 1000 for anything outside 1..10000 */
	const cJSON *mb = cfg_get(c, IX "maxBatchSize");
	if (cfg_int(c, IX "maxBatchSize", 1000, 1, 10000, &k->max_batch)) {
		char where[256];
		cfg_where(c, mb, where, sizeof where);
		log_warn("%s: %smaxBatchSize: not a whole number in 1..10000; using 1000", where, IX);
		k->max_batch = 1000;
	}
	const char *timeout_key = k->version == 3 ? IX "v3Config.writeTimeout" : IX "requestTimeout";
	if (cfg_int(c, timeout_key, 10000, 100, 600000, &k->timeout_ms))
		return -1;

	switch (k->version) {
	case 1:
		if (name(c, IX "v1Config.dbName", "senseops", &k->db) ||
		    name(c, IX "v1Config.retentionPolicy.name", "10d", &k->rp_name) ||
		    name(c, IX "v1Config.retentionPolicy.duration", "10d", &k->rp_duration) ||
		    cfg_bool(c, IX "v1Config.auth.enable", false, &k->v1_auth))
			return -1;
		if (!duration_ok(k->rp_duration))
			return cfg_node_err(c, cfg_get(c, IX "v1Config.retentionPolicy.duration"),
			    IX "v1Config.retentionPolicy.duration", "\"%s\" is not a duration such as 10d or 1h30m", k->rp_duration);
		if (k->v1_auth) {
			if (name(c, IX "v1Config.auth.username", NULL, &k->user))
				return -1;
			if (cfg_secret(c, IX "v1Config.auth.password", password_file, "SENSEOPS_INFLUX_PASSWORD",
			    &k->password, &k->secret_from))
				return -1;
			if (!k->password)
				return cfg_set_err(c, IX "v1Config.auth.password: missing (or give --password-file)");
		}
		break;
	case 2:
		if (name(c, IX "v2Config.org", NULL, &k->org) || name(c, IX "v2Config.bucket", NULL, &k->bucket) ||
		    cfg_secret(c, IX "v2Config.token", token_file, "SENSEOPS_INFLUX_TOKEN", &k->token, &k->secret_from))
			return -1;
		break;
	default:
		if (name(c, IX "v3Config.database", NULL, &k->bucket) ||
		    cfg_secret(c, IX "v3Config.token", token_file, "SENSEOPS_INFLUX_TOKEN", &k->token, &k->secret_from))
			return -1;
		break;
	}
	if (k->version != 1 && !k->token)
		return cfg_set_err(c, "%sv%dConfig.token: missing (or give --token-file)", IX, k->version);

	/* what is stored: Butler SOS's switches */
	struct map_conf *m = &k->map;
	m->version = k->version;
	if (gate(c, "Butler-SOS.logEvents.sendToInfluxdb.enable", &m->log_events) ||
	    gate(c, "Butler-SOS.userEvents.sendToInfluxdb.enable", &m->user_events) ||
	    gate(c, "Butler-SOS.qlikSenseEvents.influxdb.enable", &qse) ||
	    gate(c, "Butler-SOS.qlikSenseEvents.eventCount.enable", &ec) ||
	    gate(c, "Butler-SOS.qlikSenseEvents.rejectedEventCount.enable", &rec) ||
	    gate(c, "Butler-SOS.logEvents.udpServerConfig.queueMetrics.influxdb.enable", &m->queue_log) ||
	    gate(c, "Butler-SOS.userEvents.udpServerConfig.queueMetrics.influxdb.enable", &m->queue_user) ||
	    gate(c, "Butler-SOS.errorTracking.enable", &et) ||
	    gate(c, "Butler-SOS.errorTracking.influxdb.enable", &et_ix) ||
	    gate(c, "Butler-SOS.uptimeMonitor.storeInInfluxdb.butlerSOSMemoryUsage", &up) ||
	    gate(c, "Butler-SOS.systemInfo.enable", &m->host) ||
	    cfg_bool(c, "Butler-SOS.mqttConfig.enable", false, &mqtt) ||
	    cfg_bool(c, "Butler-SOS.logEvents.sendToMQTT.enable", false, &le_mqtt))
		return -1;
	m->event_counts = qse && ec;
	m->rejected_counts = qse && rec;
	m->errors = et && et_ix;
	m->memory = up;
	m->raw_event_tags = mqtt && le_mqtt;
	if (name(c, "Butler-SOS.qlikSenseEvents.eventCount.influxdb.measurementName", "event_count", &m->m_event_count) ||
	    name(c, "Butler-SOS.qlikSenseEvents.rejectedEventCount.influxdb.measurementName", "rejected_event_count", &m->m_rejected) ||
	    name(c, "Butler-SOS.logEvents.udpServerConfig.queueMetrics.influxdb.measurementName", "log_events_queue", &m->m_queue_log) ||
	    name(c, "Butler-SOS.userEvents.udpServerConfig.queueMetrics.influxdb.measurementName", "user_events_queue", &m->m_queue_user) ||
	    name(c, "Butler-SOS.errorTracking.influxdb.measurementName", "butler_sos_errors", &m->m_errors))
		return -1;
	m->version_tag = "senseops-" SENSEOPS_VERSION;
	return 0;
}

void conf_free(struct conf *k)
{
	cfg_secret_free(k->password);
	cfg_secret_free(k->token);
	k->password = k->token = NULL;
}

void conf_base_url(const struct conf *k, char *buf, size_t len)
{
	bool v6 = strchr(k->host, ':') != NULL;

	snprintf(buf, len, "%s://%s%s%s:%lld", k->https ? "https" : "http", v6 ? "[" : "", k->host,
	    v6 ? "]" : "", k->port);
}
