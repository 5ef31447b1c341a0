/*
 * msgs: one record to the MQTT messages Butler SOS publishes for the same
 * data (output-model.md, section MQTT): a topic per health metric, the
 * proxy session list per virtual proxy, log events to the base topic and
 * per-subsystem topics, user events to the everything, session and
 * connection topics; records Butler SOS never published go to a topic of
 * their own (the topic template), whole.
 */
#ifndef SENSEOPS_TO_MQTT_MSGS_H
#define SENSEOPS_TO_MQTT_MSGS_H

#include <stdbool.h>
#include <stddef.h>

/* The classes retain is chosen for. */
enum msg_class { MC_HEALTH, MC_SESSIONS, MC_LOG, MC_USER, MC_OTHER, MC_COUNT };

struct user_topic {
	bool		 enable;
	const char	*topic;
};

struct msgs_conf {
	const char	*base;			/* mqttConfig.baseTopic: health and sessions */
	bool		 log_events;		/* logEvents.sendToMQTT.enable */
	const char	*log_base;		/* logEvents.sendToMQTT.baseTopic */
	bool		 log_to_base, log_to_subsystems;
	bool		 user_events;		/* userEvents.sendToMQTT.enable */
	struct user_topic everything, start, stop, open, close;
	const char	*other;			/* topic template for other kinds; NULL: not published */
};

struct msg {
	const char	*topic;			/* NUL-terminated */
	const char	*payload;
	size_t		 len;
	enum msg_class	 cls;
};

enum msgs_result {
	MSGS_OK = 0,	/* messages made (possibly none) */
	MSGS_OFF,	/* a kind the configuration does not publish */
	MSGS_BAD,	/* not a record, or without the fields it needs */
	MSGS_NOMEM,
};

#define MSGS_MAX 64	/* messages from one record, at most (a health record makes 22) */

struct msgs;

struct msgs *msgs_new(const struct msgs_conf *c);
void msgs_free(struct msgs *b);
/*
 * Makes the messages of one NDJSON line (n bytes). They stay valid until the
 * next call. On MSGS_BAD why says what was wrong.
 */
enum msgs_result msgs_build(struct msgs *b, const char *line, size_t n, char *why, size_t whylen);
size_t msgs_count(const struct msgs *b);
const struct msg *msgs_get(const struct msgs *b, size_t i);
/* The kind of the last record built ("" when none). */
const char *msgs_kind(const struct msgs *b);

/* The topic template with {kind}, {host} and {tag:NAME} filled in; MQTT wildcards and NULs become '_'. */
int msgs_expand(const char *tmpl, const char *kind, const char *host, size_t hostlen,
    const char *(*tag)(void *arg, const char *name, size_t namelen, size_t *vlen), void *arg,
    char *out, size_t outlen);

#endif
