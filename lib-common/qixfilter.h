/* qixfilter: Butler SOS qix-perf event filters (enginePerformanceMonitor.monitorFilter), shared by udp-listen and log-tail. */
#ifndef SENSEOPS_QIXFILTER_H
#define SENSEOPS_QIXFILTER_H

#include <stdbool.h>

#include "config.h"

#define QF_MAX_APPS	256	/* appSpecific.app[] entries */
#define QF_MAX_ITEMS	1024	/* items of any one list */
#define QF_MAX_VALUE	1000	/* bytes of any string */

struct qixfilter;

/*
 * Reads Butler-SOS.logEvents.enginePerformanceMonitor: enable (default
 * false) and monitorFilter.allApps (enable, appExclude[], objectType,
 * method) and monitorFilter.appSpecific (enable, app[] of include[],
 * objectType, appObject, method). Returns NULL with cfg_error set
 * ("FILE:LINE: KEYPATH: what") on a config error or when out of memory.
 * Checked even when disabled, as Butler SOS's schema does.
 *
 * include[] and appExclude[] items are mappings with appId and/or appName
 * (strings); an item with neither matches every app. Other keys in them
 * are refused, as Butler SOS's schema refuses them: a misspelt "appID"
 * would otherwise make an item that matches every app.
 * allAppObjectsExclude[] and someAppObjectsInclude[] items may be plain
 * strings or mappings with just an objectId string. Butler SOS's code only
 * honours the mapping form and its schema only allows the string form;
 * senseops takes both. Object type and method lists hold strings. A null
 * or absent list is empty; a null or absent section (objectType, method,
 * appObject) or all* flag means "all, nothing excluded" (Butler SOS
 * requires them and fails at run time without them).
 *
 * The result does not borrow from c.
 */
struct qixfilter *qixfilter_load(struct cfg *c);
void qixfilter_free(struct qixfilter *f);
/* enginePerformanceMonitor.enable: are qix-perf events wanted at all? */
bool qixfilter_monitor_enabled(const struct qixfilter *f);

/*
 * true = accepted. Exact, case-sensitive comparison of the raw
 * (unsanitised) values; NULL counts as "", and app_name is "" when
 * unknown. The app-specific filter is tried first (entries in order; the
 * first whose include[] matches and whose object type, app object and
 * method rules all pass accepts); when it does not accept, the all-apps
 * filter decides (appExclude[], then object type, then method; no
 * app-object rule). Both disabled: false. A rule with all* true rejects
 * the values in its *Exclude list; with all* false it accepts only the
 * values in its *Include list. Does not allocate; f may be shared by threads.
 */
bool qixfilter_accept(const struct qixfilter *f, const char *app_id, const char *app_name,
    const char *object_id, const char *object_type, const char *method);

#endif
