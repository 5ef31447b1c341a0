/*
 * link: one connection to the MQTT broker through libmosquitto, driven by
 * the caller's poll loop (no threads, no sleeping): TLS (1.2 at least, the
 * broker's certificate and name verified unless turned off), a client
 * certificate, username and password, MQTT 3.1.1 or 5. A link that fails
 * is thrown away whole and a new one made, so nothing libmosquitto queued
 * is sent twice behind the caller's back.
 */
#ifndef SENSEOPS_TO_MQTT_LINK_H
#define SENSEOPS_TO_MQTT_LINK_H

#include <stdbool.h>
#include <stddef.h>

struct link_conf {
	const char	*host;
	int		 port;
	int		 protocol;		/* 4 (3.1.1) or 5 */
	const char	*client_id;
	bool		 clean_session;
	int		 keepalive;		/* s */
	const char	*username;
	const char	*password;
	bool		 tls;
	const char	*ca_file, *ca_path;	/* NULL, NULL: the system's CAs */
	const char	*cert, *key;		/* client certificate */
	const char	*key_passphrase;
	bool		 verify;		/* certificate and host name */
	int		 send_maximum;		/* unacknowledged messages on the wire */
};

/* What the link tells its owner. */
struct link_events {
	/* CONNACK: rc 0 accepted; else refused, with why. */
	void (*connected)(void *arg, int rc, const char *why);
	/* A message acknowledged (QoS 1, 2) or written (QoS 0); reason >= 128 is an MQTT 5 refusal. */
	void (*published)(void *arg, int mid, int reason);
	void *arg;
};

struct link;

/* NULL with a message in err when libmosquitto refuses the settings. */
struct link *link_new(const struct link_conf *c, const struct link_events *ev, char *err, size_t errlen);
void link_free(struct link *l);
/* Starts connecting (TCP, TLS, CONNECT) without waiting. 0, or -1 with why. */
int link_connect(struct link *l, char *why, size_t whylen);
/* The socket to poll (-1 when none), and whether to poll it for writing too. */
int link_fd(struct link *l);
bool link_want_write(struct link *l);
/*
 * After poll: readable, writable, and the periodic work (keepalive), which
 * the caller does at least once a second. 0, or -1 when the connection is
 * gone, with why.
 */
int link_io(struct link *l, bool readable, bool writable, char *why, size_t whylen);
/*
 * Publishes; *mid gets the message id. 0; 1 when this message can never be
 * sent (too big for the broker, a bad topic), with why; -1 when the
 * connection is gone.
 */
int link_publish(struct link *l, const char *topic, const void *payload, size_t len, int qos, bool retain,
    int *mid, char *why, size_t whylen);

/* A clean DISCONNECT, written before returning (bounded by a short wait). */
void link_close(struct link *l);

/* The text of an MQTT 5 reason code. */
const char *link_reason(int reason);

/* Once per process. */
void link_lib_init(void);
void link_lib_cleanup(void);

#endif
