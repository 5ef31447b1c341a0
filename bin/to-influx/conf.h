/*
 * conf: to-influx's settings: Butler SOS's influxdbConfig (version, host,
 * port, maxBatchSize, v1Config, v2Config, v3Config, includeFields), the
 * switches and measurement names of the data it stores, and senseops's
 * own keys beside them (influxdbConfig.tls, flushInterval, ...).
 */
#ifndef SENSEOPS_TO_INFLUX_CONF_H
#define SENSEOPS_TO_INFLUX_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "map.h"

struct conf {
	struct map_conf	 map;
	int		 version;
	bool		 enable;		/* influxdbConfig.enable */
	const char	*host;
	long long	 port;
	bool		 https;			/* influxdbConfig.tls.enable */
	const char	*ca, *cert, *key;	/* influxdbConfig.tls.{ca,clientCert,clientCertKey} */
	bool		 verify;		/* influxdbConfig.tls.rejectUnauthorized */
	long long	 max_batch;		/* points per request (records, see the man page) */
	long long	 flush_ms, timeout_ms, connect_ms;
	bool		 gzip;
	/* v1 */
	const char	*db, *rp_name, *rp_duration;
	bool		 v1_auth;
	const char	*user;
	char		*password;		/* owned */
	/* v2, v3 */
	const char	*org, *bucket;
	char		*token;			/* owned */
	const char	*secret_from;		/* where the password or token came from */
};

/*
 * Reads the settings; password_file and token_file (may be NULL) override
 * the configuration's secrets. 0, or -1 with cfg_error set.
 */
int conf_load(struct cfg *c, struct conf *k, const char *password_file, const char *token_file);
void conf_free(struct conf *k);
/* "http://host:port" into buf; the host in brackets when it is an IPv6 address. */
void conf_base_url(const struct conf *k, char *buf, size_t len);

#endif
