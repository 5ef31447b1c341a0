/* conf: mqttConfig, the sendToMQTT sections, and senseops's MQTT keys. */
#include "conf.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MQ "Butler-SOS.mqttConfig."
#define UT "Butler-SOS.userEvents.sendToMQTT.postTo."

static int topic(struct cfg *c, const char *key, const char *def, const char **out)
{
	if (cfg_string(c, key, def, out))
		return -1;
	if (strchr(*out, '+') || strchr(*out, '#'))
		return cfg_node_err(c, cfg_get(c, key), key, "\"%s\": a topic to publish to has no wildcards", *out);
	return 0;
}

static int user_topic(struct cfg *c, const char *name, const char *def, struct user_topic *t)
{
	char k1[160], k2[160];

	snprintf(k1, sizeof k1, UT "%s.enable", name);
	snprintf(k2, sizeof k2, UT "%s.topic", name);
	return cfg_bool(c, k1, true, &t->enable) || topic(c, k2, def, &t->topic);
}

int conf_load(struct cfg *c, struct conf *k, const char *password_file, const char *passphrase_file,
    const char *topic_template)
{
	static const char *const cls[MC_COUNT] = { "health", "sessions", "logEvents", "userEvents", "other" };
	struct link_conf *l = &k->link;
	struct msgs_conf *m = &k->msgs;
	long long port, proto = 4, qos, keepalive;
	const char *proto_s = NULL, *id = NULL;
	char host[64] = "localhost";

	memset(k, 0, sizeof *k);
	if (cfg_bool(c, MQ "enable", true, &k->enable) ||
	    cfg_string(c, MQ "brokerHost", "localhost", &l->host) ||
	    cfg_int(c, MQ "brokerPort", 0, 0, 65535, &port) ||
	    topic(c, MQ "baseTopic", "butler-sos/", &m->base) ||
	    cfg_bool(c, MQ "tls.enable", false, &l->tls) ||
	    cfg_string(c, MQ "tls.ca", NULL, &l->ca_file) ||
	    cfg_string(c, MQ "tls.caPath", NULL, &l->ca_path) ||
	    cfg_string(c, MQ "tls.clientCert", NULL, &l->cert) ||
	    cfg_string(c, MQ "tls.clientCertKey", NULL, &l->key) ||
	    cfg_bool(c, MQ "tls.rejectUnauthorized", true, &l->verify) ||
	    cfg_string(c, MQ "username", NULL, &l->username) ||
	    cfg_int(c, MQ "qos", 1, 0, 2, &qos) ||
	    cfg_int(c, MQ "keepalive", 60, 5, 65535, &keepalive) ||
	    cfg_bool(c, MQ "cleanSession", true, &l->clean_session) ||
	    cfg_string(c, MQ "clientId", NULL, &id) ||
	    cfg_int(c, MQ "maxInflight", 100, 1, 65000, &k->window) ||
	    cfg_int(c, MQ "connectTimeout", 10000, 100, 600000, &k->connect_ms))
		return -1;
	/* protocolVersion: "3.1.1" (default), "5", or 4 and 5 as numbers */
	const cJSON *pv = cfg_get(c, MQ "protocolVersion");
	if (pv && cJSON_IsNumber(pv)) {
		if (cfg_int(c, MQ "protocolVersion", 4, 4, 5, &proto))
			return -1;
	} else if (cfg_string(c, MQ "protocolVersion", "3.1.1", &proto_s)) {
		return -1;
	} else if (strcmp(proto_s, "5") == 0 || strcmp(proto_s, "5.0") == 0) {
		proto = 5;
	} else if (strcmp(proto_s, "3.1.1") != 0) {
		return cfg_node_err(c, pv, MQ "protocolVersion", "\"%s\" is not 3.1.1 or 5", proto_s);
	}
	l->protocol = (int)proto;
	l->port = port ? (int)port : l->tls ? 8883 : 1883;
	l->keepalive = (int)keepalive;
	k->qos = (int)qos;
	/*
	 * With MQTT 3.1.1 a broker cannot say it takes fewer unacknowledged
	 * messages, and mosquitto drops a QoS 2 message over its quota (20 by
	 * default) without telling: QoS 2 keeps to 20 on the wire.
	 */
	l->send_maximum = k->qos == 2 ? 20 : (int)(k->window < 65535 ? k->window : 65535);
	if (!*l->host)
		return cfg_node_err(c, cfg_get(c, MQ "brokerHost"), MQ "brokerHost", "must not be empty");
	if (!!l->cert != !!l->key)
		return cfg_set_err(c, MQ "tls: clientCert and clientCertKey go together");
	for (int i = 0; i < MC_COUNT; i++) {
		char key[160];
		snprintf(key, sizeof key, MQ "retain.%s", cls[i]);
		if (cfg_bool(c, key, false, &k->retain[i]))
			return -1;
	}
	/* a stable default client id: a persistent session survives a restart */
	gethostname(host, sizeof host - 1);
	snprintf(k->client_id, sizeof k->client_id, "%s", id && *id ? id : "");
	if (!k->client_id[0])
		snprintf(k->client_id, sizeof k->client_id, "senseops-to-mqtt-%s", host);
	l->client_id = k->client_id;

	const char *from = NULL;
	if (cfg_secret(c, MQ "password", password_file, "SENSEOPS_MQTT_PASSWORD", &k->password, &from))
		return -1;
	snprintf(k->password_from, sizeof k->password_from, "%s", from ? from : "");
	if (cfg_secret(c, MQ "tls.clientCertKeyPassphrase", passphrase_file, "SENSEOPS_MQTT_KEY_PASSPHRASE",
	    &k->passphrase, &from))
		return -1;
	if (k->password && !l->username)
		return cfg_set_err(c, MQ "password given without " MQ "username");
	l->password = k->password;
	l->key_passphrase = k->passphrase;

	if (cfg_bool(c, "Butler-SOS.logEvents.sendToMQTT.enable", false, &m->log_events) ||
	    topic(c, "Butler-SOS.logEvents.sendToMQTT.baseTopic", "qliksense/logevent", &m->log_base) ||
	    cfg_bool(c, "Butler-SOS.logEvents.sendToMQTT.postTo.baseTopic", true, &m->log_to_base) ||
	    cfg_bool(c, "Butler-SOS.logEvents.sendToMQTT.postTo.subsystemTopics", false, &m->log_to_subsystems) ||
	    cfg_bool(c, "Butler-SOS.userEvents.sendToMQTT.enable", false, &m->user_events) ||
	    user_topic(c, "everythingTopic", "qliksense/userevent", &m->everything) ||
	    user_topic(c, "sessionStartTopic", "qliksense/userevent/session/start", &m->start) ||
	    user_topic(c, "sessionStopTopic", "qliksense/userevent/session/stop", &m->stop) ||
	    user_topic(c, "connectionOpenTopic", "qliksense/userevent/connection/open", &m->open) ||
	    user_topic(c, "connectionCloseTopic", "qliksense/userevent/connection/close", &m->close))
		return -1;
	if (topic_template) {
		if (strchr(topic_template, '+') || strchr(topic_template, '#'))
			return cfg_set_err(c, "--topic-template \"%s\": a topic to publish to has no wildcards", topic_template);
		m->other = topic_template;
	} else if (topic(c, MQ "topicTemplate", "senseops/{kind}/{host}", &m->other)) {
		return -1;
	}
	if (m->log_events && m->log_to_base && !*m->log_base)
		return cfg_node_err(c, cfg_get(c, "Butler-SOS.logEvents.sendToMQTT.baseTopic"),
		    "Butler-SOS.logEvents.sendToMQTT.baseTopic", "must not be empty");
	if (!*m->other)
		m->other = NULL;	/* "": records Butler SOS never published are not published */
	return 0;
}

void conf_free(struct conf *k)
{
	cfg_secret_free(k->password);
	cfg_secret_free(k->passphrase);
	k->password = k->passphrase = NULL;
}
