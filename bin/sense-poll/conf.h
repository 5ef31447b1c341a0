/*
 * conf: sense-poll's settings from the Butler SOS configuration
 * (serversToMonitor, userSessions, appNames, cert, influxdbConfig.includeFields)
 * and its own options.
 */
#ifndef SENSEOPS_SENSE_POLL_CONF_H
#define SENSEOPS_SENSE_POLL_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "httpc.h"
#include "userlist.h"

#define MAX_SERVERS 1000
#define MAX_VPS 64
#define MAX_TAGS 64
#define MAX_HEADERS 32

struct vproxy {
	const char *prefix;		/* as configured: "/", "/hdr" */
};

struct server {
	const char *host;		/* with port: qliksense1.corp.example.com:4747 */
	char host_noport[256];		/* the host tag */
	const char *name, *description;
	size_t ntags;
	const char *tag_name[MAX_TAGS], *tag_value[MAX_TAGS];
	size_t nheaders;
	char *header[MAX_HEADERS];	/* "Name: value" */
	bool sessions;			/* userSessions.enable */
	const char *session_host;	/* with port */
	size_t nvps;
	struct vproxy vp[MAX_VPS];
};

struct conf {
	size_t nservers;
	struct server *servers;
	long long health_ms, sessions_ms, apps_ms;
	bool sessions_on, apps_on;
	const char *apps_host;		/* appNames.hostIP, may carry :port */
	struct userlist exclude;	/* userSessions.excludeUser */
	bool include_active, include_loaded, include_inmem;
	struct httpc_tls tls;
	char *passphrase;		/* owned, cleared on free */
	long long connect_ms, timeout_ms, max_body, max_conn;
};

/* Reads the configuration; 0, or -1 with cfg_error set. */
int conf_load(struct cfg *c, struct conf *k, const char *passphrase_file);
void conf_free(struct conf *k);

#endif
