/*
 * records: health and sessions records from the engine health check and
 * the proxy session list of one server (sense-apis.md sections 2 and 3).
 * A response that lacks what Butler SOS reads is refused with a reason.
 */
#ifndef SENSEOPS_SENSE_POLL_RECORDS_H
#define SENSEOPS_SENSE_POLL_RECORDS_H

#include <stdint.h>
#include <cjson/cJSON.h>

#include "appnames.h"
#include "conf.h"

/* The server's tags: host (without port), server_name, server_description, serverTags. */
int server_tags(cJSON *rec, const struct server *s);
/* "D days, Hh MMm SSs" since started (Qlik's compact time), "" when it does not parse. */
void uptime_text(const char *started, int64_t now_ms, char *out, size_t size);
/* NULL with a reason in why when body is not a health check response. */
cJSON *health_record(const struct conf *k, const struct server *s, const cJSON *body,
    const struct appnames *names, int64_t now_ms, char *why, size_t whylen);
cJSON *sessions_record(const struct conf *k, const struct server *s, const struct vproxy *vp,
    const cJSON *body, int64_t now_ms, char *why, size_t whylen);

#endif
