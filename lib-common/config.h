/* config: loads a Butler SOS YAML configuration into a cJSON tree and answers typed look-ups by key path. */
#ifndef SENSEOPS_CONFIG_H
#define SENSEOPS_CONFIG_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/*
 * Scalars resolve as js-yaml (which Butler SOS uses) resolves them with
 * the YAML 1.2 core schema: so "yes" and "on" stay strings, 0x1F and 0o17
 * are numbers, quoted and block scalars are always strings.
 */
#define CFG_MAX_FILE	(4 * 1024 * 1024)	/* bytes */
#define CFG_MAX_NODES	100000			/* stops alias bombs */
#define CFG_MAX_DEPTH	64			/* nested mappings and lists */
#define CFG_MAX_SECRET	(64 * 1024)		/* bytes of a secret file */

struct cfg;

/*
 * Loads path. Returns NULL on failure and writes a one-line message
 * "FILE:LINE: what" (or "FILE: strerror" for I/O) into err (err may be NULL,
 * errlen 0). *code (code may be NULL) gets 78 (EX_CONFIG) for bad content,
 * 66 (EX_NOINPUT) when the file can't be opened or read, 71 (EX_OSERR) when
 * memory runs out. Files over CFG_MAX_FILE are refused. An empty file, or
 * one holding only comments or an empty document, loads as an empty
 * mapping; any other top level that is not a mapping is refused.
 */
struct cfg *cfg_load(const char *path, char *err, size_t errlen, int *code);
/* An empty configuration, for a tool started without -c. NULL when out of memory. */
struct cfg *cfg_new(void);
/* Frees c and everything borrowed from it (NULL is fine). */
void cfg_free(struct cfg *c);
/* The file name given to cfg_load, or "(none)". */
const char *cfg_path(const struct cfg *c);
/* The whole tree; always an object. */
const cJSON *cfg_root(const struct cfg *c);
/*
 * The node at keypath, NULL when absent. Components are separated by '.';
 * a component that is all digits indexes a list ("...servers.0.host"), or
 * names a key when the node there is a mapping (a key holding '.' cannot be
 * named). The node belongs to c and lives until cfg_free or a cfg_set that
 * replaces it.
 */
const cJSON *cfg_get(const struct cfg *c, const char *keypath);
/* The source line of node, 0 when unknown or set from the command line. */
int cfg_line(const struct cfg *c, const cJSON *node);

/*
 * Typed getters. Absent key or YAML null: *out = def, return 0. Present
 * with the right type: *out = the value, return 0. Wrong type or out of
 * range: return -1, *out untouched, and cfg_error says
 * "FILE:LINE: KEYPATH: expected an integer in [1, 65535], got \"abc\""
 * (or "command line: ..." for a value given by cfg_set). Values of secret
 * keys are never quoted in that message.
 */
/* true/false only: "yes", "on" or 1 are wrong types, as in YAML 1.2. */
int cfg_bool(struct cfg *c, const char *keypath, bool def, bool *out);
/* A whole number within [min, max] and within +-2^53 (exact in a double); "9996" quoted is a string, not an int. */
int cfg_int(struct cfg *c, const char *keypath, long long def, long long min,
    long long max, long long *out);
/* Any number, .inf and .nan included. */
int cfg_double(struct cfg *c, const char *keypath, double def, double *out);
/* Strings only: numbers and bools are not converted. *out belongs to c, as with cfg_get. */
int cfg_string(struct cfg *c, const char *keypath, const char *def, const char **out);
/* A list of non-empty strings, at most max (absent or null: none); *out point into c. */
int cfg_strings(struct cfg *c, const char *keypath, const char **out, size_t max, size_t *n);
/* The last error message, "" when none. */
const char *cfg_error(const struct cfg *c);

/*
 * A command-line flag overrides the file: value is resolved as a YAML plain
 * scalar with the same rules ("9996" is an int, "true" a bool, "" null).
 * Missing intermediate mappings are created, and a null on the way becomes
 * a mapping; an existing list element can be addressed by index. The new
 * node has line 0, and getter messages about it say "command line".
 * Returns 0, or -1 with cfg_error set (empty component, path through a
 * string, index out of range, out of memory).
 */
int cfg_set(struct cfg *c, const char *keypath, const char *value);
/* As cfg_set, but value is always a string. */
int cfg_set_string(struct cfg *c, const char *keypath, const char *value);

/*
 * Secrets, looked up in order:
 *   1. file_override, a path given by a flag such as --password-file (may be NULL);
 *   2. the environment variable envname (may be NULL; set but empty counts as unset);
 *   3. the key keypath+"File" ("...v2Config.token" -> "...v2Config.tokenFile") naming a file;
 *   4. the value at keypath itself (a string; "" is returned as is).
 * Files: at most CFG_MAX_SECRET bytes, one trailing "\n" or "\r\n" is
 * stripped, empty content or a NUL byte is refused, and a file readable by
 * group or others is used with a log_warn. On success *out is a malloc'd
 * string the caller frees with cfg_secret_free, and *from says where it
 * came from ("file PATH", "environment VAR", "config key"; valid until
 * the next cfg_secret on c or cfg_free). Absent everywhere: *out = NULL,
 * *from = NULL, return 0. Errors (unreadable or bad file, wrong type):
 * return -1, *out = NULL, cfg_error set; the secret is never in the message.
 */
int cfg_secret(struct cfg *c, const char *keypath, const char *file_override,
    const char *envname, char **out, const char **from);
/* Clears s with explicit_bzero, then frees it (NULL is fine). */
void cfg_secret_free(char *s);

/*
 * True for a key whose value is a secret: its name contains, ignoring case,
 * password, passphrase, passwd, token, secret, apikey, api_key,
 * insertapikey or privatekey, and does not end in "File" or "_file" (tokenFile names
 * a file). "key" alone is not enough: clientCertKey is a file name.
 */
bool cfg_is_secret_key(const char *key);
/*
 * The effective configuration as indented JSON with every secret string or
 * number replaced by "<redacted>", structure kept. Secrets are the values of
 * cfg_is_secret_key keys (everything below them), and header values under
 * a key named "header" or "headers": the "value" of each {name, value}
 * item of a list (New Relic) and each value of a mapping (Sense server
 * headers such as X-Qlik-User, which authenticate). Caller frees with
 * free(); NULL when out of memory.
 */
char *cfg_print_redacted(const struct cfg *c);

/*
 * For modules that read their own sections (categorise, qixfilter, tools):
 * errors in the same one-line form as the getters'.
 */
/* Formats the message cfg_error returns, on one line; returns -1. */
__attribute__((format(printf, 2, 3)))
int cfg_set_err(struct cfg *c, const char *fmt, ...);
/* Where a node came from: "FILE:LINE", "command line", or "FILE". */
void cfg_where(const struct cfg *c, const cJSON *node, char *buf, size_t sz);
/* "WHERE: KEYPATH: expected WANT, got ..." into cfg_error, secrets not shown; returns -1. */
int cfg_type_error(struct cfg *c, const char *keypath, const cJSON *n, const char *want);
/* "WHERE: KEYPATH: message" into cfg_error, WHERE from node as cfg_where says; returns -1. */
__attribute__((format(printf, 4, 5)))
int cfg_node_err(struct cfg *c, const cJSON *node, const char *keypath, const char *fmt, ...);

#endif
