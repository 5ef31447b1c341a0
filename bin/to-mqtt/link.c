/* link: libmosquitto on the caller's poll loop. */
#include "link.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mosquitto.h>
#include <mqtt_protocol.h>

struct link {
	struct link_conf c;
	struct link_events ev;
	struct mosquitto *mosq;
};

const char *link_reason(int reason)
{
	return mosquitto_reason_string(reason);
}

void link_lib_init(void)
{
	mosquitto_lib_init();
}

void link_lib_cleanup(void)
{
	mosquitto_lib_cleanup();
}

static void on_connect(struct mosquitto *m, void *arg, int rc, int flags, const mosquitto_property *props)
{
	struct link *l = arg;

	(void)m;
	(void)flags;
	(void)props;
	l->ev.connected(l->ev.arg, rc, rc == 0 ? "" :
	    l->c.protocol == 5 ? mosquitto_reason_string(rc) : mosquitto_connack_string(rc));
}

static void on_publish(struct mosquitto *m, void *arg, int mid, int reason, const mosquitto_property *props)
{
	struct link *l = arg;

	(void)m;
	(void)props;
	l->ev.published(l->ev.arg, mid, reason);
}

/* The key's passphrase, for OpenSSL through libmosquitto. */
static const char *passphrase;

static int pw_callback(char *buf, int size, int rwflag, void *userdata)
{
	(void)rwflag;
	(void)userdata;
	if (!passphrase || size <= 0)
		return 0;
	int n = snprintf(buf, (size_t)size, "%s", passphrase);
	return n < size ? n : 0;
}

static const char *why_of(int rc)
{
	return rc == MOSQ_ERR_ERRNO ? strerror(errno) : mosquitto_strerror(rc);
}

struct link *link_new(const struct link_conf *c, const struct link_events *ev, char *err, size_t errlen)
{
	struct link *l = calloc(1, sizeof *l);
	int rc;

	if (!l) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	l->c = *c;
	l->ev = *ev;
	if (!(l->mosq = mosquitto_new(c->client_id, c->clean_session, l))) {
		snprintf(err, errlen, "cannot create an MQTT client: %s", strerror(errno));
		free(l);
		return NULL;
	}
	mosquitto_int_option(l->mosq, MOSQ_OPT_PROTOCOL_VERSION, c->protocol == 5 ? MQTT_PROTOCOL_V5 : MQTT_PROTOCOL_V311);
	mosquitto_connect_v5_callback_set(l->mosq, on_connect);
	mosquitto_publish_v5_callback_set(l->mosq, on_publish);
	/*
	 * Unacknowledged messages on the wire: libmosquitto holds the rest of
	 * the caller's window until acknowledgements come; with MQTT 5 it
	 * follows the broker's receive maximum instead.
	 */
	mosquitto_int_option(l->mosq, MOSQ_OPT_SEND_MAXIMUM, c->send_maximum);
	if (c->username && (rc = mosquitto_username_pw_set(l->mosq, c->username, c->password)) != MOSQ_ERR_SUCCESS)
		goto fail;
	if (c->tls) {
		passphrase = c->key_passphrase;
		if (!c->ca_file && !c->ca_path)
			rc = mosquitto_int_option(l->mosq, MOSQ_OPT_TLS_USE_OS_CERTS, 1);
		else
			rc = mosquitto_tls_set(l->mosq, c->ca_file, c->ca_path, c->cert, c->key, pw_callback);
		if (rc == MOSQ_ERR_SUCCESS && !c->ca_file && !c->ca_path && c->cert)
			rc = mosquitto_tls_set(l->mosq, NULL, NULL, c->cert, c->key, pw_callback);
		/* TLS 1.2 or later; verify the peer; the host name too unless turned off */
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_tls_opts_set(l->mosq, c->verify ? 1 : 0, "tlsv1.2", NULL);
		if (rc == MOSQ_ERR_SUCCESS)
			rc = mosquitto_tls_insecure_set(l->mosq, !c->verify);
		if (rc != MOSQ_ERR_SUCCESS)
			goto fail;
	}
	return l;
fail:
	snprintf(err, errlen, "MQTT settings refused: %s", why_of(rc));
	mosquitto_destroy(l->mosq);
	free(l);
	return NULL;
}

void link_free(struct link *l)
{
	if (!l)
		return;
	mosquitto_destroy(l->mosq);
	free(l);
}

void link_close(struct link *l)
{
	if (!l || mosquitto_disconnect(l->mosq) != MOSQ_ERR_SUCCESS)
		return;
	for (int i = 0; i < 20 && mosquitto_want_write(l->mosq); i++) {
		struct pollfd p = { .fd = mosquitto_socket(l->mosq), .events = POLLOUT };
		if (p.fd < 0 || poll(&p, 1, 50) <= 0 || mosquitto_loop_write(l->mosq, 1) != MOSQ_ERR_SUCCESS)
			break;
	}
}

int link_connect(struct link *l, char *why, size_t whylen)
{
	int rc = mosquitto_connect_async(l->mosq, l->c.host, l->c.port, l->c.keepalive);

	if (rc == MOSQ_ERR_SUCCESS || (rc == MOSQ_ERR_ERRNO && errno == EINPROGRESS))
		return 0;
	snprintf(why, whylen, "%s", why_of(rc));
	return -1;
}

int link_fd(struct link *l)
{
	return mosquitto_socket(l->mosq);
}

bool link_want_write(struct link *l)
{
	return mosquitto_want_write(l->mosq);
}

int link_io(struct link *l, bool readable, bool writable, char *why, size_t whylen)
{
	int rc = MOSQ_ERR_SUCCESS;

	if (readable)
		rc = mosquitto_loop_read(l->mosq, 1);
	if (rc == MOSQ_ERR_SUCCESS && (writable || mosquitto_want_write(l->mosq)))
		rc = mosquitto_loop_write(l->mosq, 1);
	if (rc == MOSQ_ERR_SUCCESS)
		rc = mosquitto_loop_misc(l->mosq);
	if (rc == MOSQ_ERR_SUCCESS)
		return 0;
	snprintf(why, whylen, "%s", rc == MOSQ_ERR_CONN_LOST ? "connection lost" : why_of(rc));
	return -1;
}

int link_publish(struct link *l, const char *topic, const void *payload, size_t len, int qos, bool retain,
    int *mid, char *why, size_t whylen)
{
	int rc;

	if (len > MQTT_MAX_PAYLOAD) {
		snprintf(why, whylen, "payload of %zu bytes is over MQTT's limit", len);
		return 1;
	}
	rc = mosquitto_publish_v5(l->mosq, mid, topic, (int)len, payload, qos, retain, NULL);
	switch (rc) {
	case MOSQ_ERR_SUCCESS:
		return 0;
	case MOSQ_ERR_OVERSIZE_PACKET:
		snprintf(why, whylen, "%zu bytes is more than the broker takes (its maximum packet size)", len);
		return 1;
	case MOSQ_ERR_PAYLOAD_SIZE:
	case MOSQ_ERR_MALFORMED_UTF8:
	case MOSQ_ERR_INVAL:
	case MOSQ_ERR_QOS_NOT_SUPPORTED:
		snprintf(why, whylen, "%s", why_of(rc));
		return 1;
	default:
		snprintf(why, whylen, "%s", why_of(rc));
		return -1;
	}
}
