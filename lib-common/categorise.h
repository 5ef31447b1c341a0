/* categorise: Butler SOS log event categorisation (logEvents.categorise), compiled once, applied per event. */
#ifndef SENSEOPS_CATEGORISE_H
#define SENSEOPS_CATEGORISE_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define CAT_MAX_RULES	256	/* rules[] */
#define CAT_MAX_FILTERS	64	/* filter[] of one rule */
#define CAT_MAX_PAIRS	32	/* category[] of one rule, and of ruleDefault */
#define CAT_MAX_LEVELS	64	/* distinct logLevel values over all rules */
#define CAT_MAX_VALUE	1000	/* bytes of any string: level, filter value, name, value */

struct categorise;	/* compiled rules */

/*
 * Reads Butler-SOS.logEvents.categorise: enable (default false), rules[]
 * (null or absent: none) and ruleDefault (enable, category[]). Returns
 * NULL with cfg_error set ("FILE:LINE: KEYPATH: what") on a config error,
 * or when out of memory; else a compiled set, possibly disabled. The
 * rules are checked even when enable is false, as Butler SOS's schema does.
 *
 * Refused, where Butler SOS would warn or silently never match: a rule that
 * is not a mapping; logLevel absent, not a list, empty or holding a
 * non-string; filter absent, not a list or empty; a filter type other than
 * sw, ew or so; an action other than categorise or drop (a missing action
 * too: Butler SOS's schema requires one); a category item without string
 * name and value; more than the limits above. As Butler SOS's schema
 * (trim, toLowerCase) does, type and action are matched ignoring case and
 * surrounding blanks. A rule may have no category[] (a drop rule needs none).
 * The pairs of ruleDefault are de-duplicated like those of the rules.
 *
 * The result does not borrow from c: c may be freed first.
 */
struct categorise *categorise_load(struct cfg *c);
void categorise_free(struct categorise *k);
bool categorise_enabled(const struct categorise *k);
/* The most pairs categorise_apply can return: an out[] this big never truncates. */
size_t categorise_max_pairs(const struct categorise *k);

enum categorise_verdict { CAT_NONE, CAT_MATCHED, CAT_DEFAULT, CAT_DROP };

struct cat_pair {
	const char *name, *value;
};

/*
 * Applies the rules to one event with this level and (already sanitised)
 * message. Rules run in order; a rule applies when level is in its logLevel
 * list (ignoring ASCII case); its filters are tried in order and the first
 * match counts (sw starts with, ew ends with, so substring; case-sensitive).
 *   categorise: the rule's pairs are appended; duplicate (name, value)
 *     pairs are removed, the first occurrence keeps its place; verdict
 *     CAT_MATCHED (even when the rule has no pairs).
 *   drop: evaluation stops; verdict CAT_DROP with no pairs, also when an
 *     earlier rule had matched: drop wins.
 * When no rule matched: ruleDefault's pairs and CAT_DEFAULT if
 * ruleDefault.enable, else CAT_NONE with no pairs. When categorise.enable
 * is false: always CAT_NONE with no pairs.
 *
 * message may be NULL or "" (qix-perf events have none): filters then
 * match as against "" (sw "" matches, sw "x" does not). Butler SOS throws
 * there and loses the event.
 *
 * DIFFERENCE FROM BUTLER SOS: Butler SOS ignores the drop verdict and
 * publishes the event without any category; senseops returns CAT_DROP so
 * the caller drops the event and counts it.
 *
 * Writes at most max pairs to out (the rest is lost; see
 * categorise_max_pairs) and their count to *n. The strings belong to k.
 * No allocation, no locking: k may be shared by threads.
 */
enum categorise_verdict categorise_apply(const struct categorise *k, const char *level,
    const char *message, struct cat_pair *out, size_t max, size_t *n);

#endif
