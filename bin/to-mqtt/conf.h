/*
 * conf: to-mqtt's settings: Butler SOS's mqttConfig (enable, brokerHost,
 * brokerPort, baseTopic) and the sendToMQTT sections of logEvents and
 * userEvents, plus senseops's keys beside them in mqttConfig: TLS,
 * credentials, protocol version, QoS, retain, client id, the topic
 * template.
 */
#ifndef SENSEOPS_TO_MQTT_CONF_H
#define SENSEOPS_TO_MQTT_CONF_H

#include <stdbool.h>

#include "config.h"
#include "link.h"
#include "msgs.h"

struct conf {
	bool		 enable;
	struct link_conf link;
	struct msgs_conf msgs;
	int		 qos;
	bool		 retain[MC_COUNT];
	long long	 window;		/* messages in flight at most */
	long long	 connect_ms;
	char		 client_id[128];
	char		*password, *passphrase;	/* owned */
	char		 password_from[300];	/* where the password came from, for messages */
};

/* Reads the settings; the files override the configuration's secrets. 0, or -1 with cfg_error set. */
int conf_load(struct cfg *c, struct conf *k, const char *password_file, const char *passphrase_file,
    const char *topic_template);
void conf_free(struct conf *k);

#endif
