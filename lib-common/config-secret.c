/* config-secret: secrets (files, environment, keys) and the redacted dump of a configuration. */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "config-int.h"
#include "fileio.h"
#include "log.h"

/* --- secrets ------------------------------------------------------------ */

/* Reads a secret file; errors name what, never the content. */
static int secret_file(struct cfg *c, const char *what, const char *path, char **out)
{
	struct stat st;
	char *buf, *s;
	size_t len;
	int rc;

	*out = NULL;
	rc = file_slurp(path, CFG_MAX_SECRET, &buf, &len, &st);
	if (rc == -1)
		return cfg_set_err(c, "%s%s: %s", what, path, strerror(errno));
	if (rc == -2)
		return cfg_set_err(c, "%s%s: secret file larger than %d KiB", what, path,
		    CFG_MAX_SECRET >> 10);
	if (len > 0 && buf[len - 1] == '\n')
		len--;
	if (len > 0 && buf[len - 1] == '\r' && buf[len] == '\n')
		len--;
	if (len == 0)
		rc = cfg_set_err(c, "%s%s: secret file is empty", what, path);
	else if (memchr(buf, '\0', len) != NULL)
		rc = cfg_set_err(c, "%s%s: secret file holds a NUL byte", what, path);
	else if ((s = malloc(len + 1)) == NULL)
		rc = cfg_set_err(c, "%s%s: out of memory", what, path);
	else {
		memcpy(s, buf, len);
		s[len] = '\0';
		*out = s;
		if (S_ISREG(st.st_mode) && (st.st_mode & (S_IRGRP | S_IROTH)))
			log_warn("secret file %s is readable by group or others (mode %03o)",
			    path, (unsigned)(st.st_mode & 0777));
	}
	explicit_bzero(buf, CFG_MAX_SECRET + 2);
	free(buf);
	return rc;
}

int cfg_secret(struct cfg *c, const char *keypath, const char *file_override,
    const char *envname, char **out, const char **from)
{
	char kp[1024], w[PATH_MAX + 32], what[PATH_MAX + 1100];
	const cJSON *n;
	const char *env;

	*out = NULL;
	*from = NULL;
	if (file_override != NULL) {
		if (secret_file(c, "", file_override, out) == -1)
			return -1;
		snprintf(c->from, sizeof c->from, "file %s", file_override);
		*from = c->from;
		return 0;
	}
	/* Set but empty is how a shell unsets for one command: treat as absent. */
	if (envname != NULL && (env = getenv(envname)) != NULL && *env != '\0') {
		if ((*out = strdup(env)) == NULL)
			return cfg_set_err(c, "environment %s: out of memory", envname);
		snprintf(c->from, sizeof c->from, "environment %s", envname);
		*from = c->from;
		return 0;
	}
	if ((size_t)snprintf(kp, sizeof kp, "%sFile", keypath) >= sizeof kp)
		return cfg_set_err(c, "%.200s: key path too long", keypath);
	n = cfg_get(c, kp);
	if (n != NULL && !cJSON_IsNull(n)) {
		if (!cJSON_IsString(n))
			return cfg_type_error(c, kp, n, "a file name");
		cfg_where(c, n, w, sizeof w);
		snprintf(what, sizeof what, "%s: %s: ", w, kp);
		if (secret_file(c, what, n->valuestring, out) == -1)
			return -1;
		snprintf(c->from, sizeof c->from, "file %s", n->valuestring);
		*from = c->from;
		return 0;
	}
	n = cfg_get(c, keypath);
	if (n == NULL || cJSON_IsNull(n))
		return 0;
	if (!cJSON_IsString(n)) {
		cfg_where(c, n, w, sizeof w);
		/* A number would lose leading zeros or digits: ask for quotes. */
		return cfg_set_err(c, "%s: %s: expected a string (quote it), got %s", w, keypath,
		    cJSON_IsNumber(n) ? "a number" : cJSON_IsBool(n) ? "a bool" :
		    cJSON_IsArray(n) ? "a list" : "a mapping");
	}
	if ((*out = strdup(n->valuestring)) == NULL)
		return cfg_set_err(c, "%s: out of memory", keypath);
	snprintf(c->from, sizeof c->from, "config key");
	*from = c->from;
	return 0;
}

void cfg_secret_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

bool cfg_is_secret_key(const char *key)
{
	static const char *const words[] = {
		"password", "passphrase", "passwd", "token", "secret", "apikey",
		"api_key", "insertapikey", "privatekey",
	};
	size_t n;

	if (key == NULL)
		return false;
	n = strlen(key);
	/* tokenFile, password_file: the value names a file, it is not the secret. */
	if ((n >= 4 && strcmp(key + n - 4, "File") == 0) ||
	    (n >= 5 && strcasecmp(key + n - 5, "_file") == 0))
		return false;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (strcasestr(key, words[i]) != NULL)
			return true;
	return false;
}

static bool is_header_key(const char *k)
{
	return strcasecmp(k, "header") == 0 || strcasecmp(k, "headers") == 0;
}

/* Does any component of keypath make its value a secret? */
bool cfg_path_is_secret(const char *keypath)
{
	char comp[256];
	const char *p = keypath;

	for (;;) {
		size_t n = strcspn(p, ".");

		snprintf(comp, sizeof comp, "%.*s", (int)(n < sizeof comp ? n : sizeof comp - 1), p);
		if (cfg_is_secret_key(comp) || is_header_key(comp))
			return true;
		if (p[n] == '\0')
			return false;
		p += n + 1;
	}
}

/* --- redacted dump ------------------------------------------------------ */

static int redact_leaf(cJSON *parent, cJSON *n)
{
	cJSON *r;

	if (!cJSON_IsString(n) && !cJSON_IsNumber(n))
		return 0;
	if ((r = cJSON_CreateString("<redacted>")) == NULL)
		return -1;
	cfg_replace_item(NULL, parent, n, r);
	return 0;
}

/* Header lists [{name, value}] and header mappings {Name: value}. */
static int redact_headers(cJSON *h)
{
	cJSON *ch, *next, *v;

	for (ch = h->child; ch != NULL; ch = next) {
		next = ch->next;
		if (cJSON_IsObject(h)) {
			if (redact_leaf(h, ch) == -1)
				return -1;
		} else if (cJSON_IsObject(ch) && (v = cJSON_GetObjectItemCaseSensitive(ch, "value")) != NULL) {
			if (redact_leaf(ch, v) == -1)
				return -1;
		}
	}
	return 0;
}

static int redact(cJSON *node, bool secret)
{
	cJSON *ch, *next;

	for (ch = node->child; ch != NULL; ch = next) {
		bool s = secret || (ch->string != NULL && cfg_is_secret_key(ch->string));

		next = ch->next;
		if (cJSON_IsObject(ch) || cJSON_IsArray(ch)) {
			if (ch->string != NULL && is_header_key(ch->string) && redact_headers(ch) == -1)
				return -1;
			if (redact(ch, s) == -1)
				return -1;
		} else if (s && redact_leaf(node, ch) == -1)
			return -1;
	}
	return 0;
}

char *cfg_print_redacted(const struct cfg *c)
{
	cJSON *dup = cJSON_Duplicate(c->root, 1);
	char *s = NULL;

	if (dup == NULL)
		return NULL;
	if (redact(dup, false) == 0)
		s = cJSON_Print(dup);
	cJSON_Delete(dup);
	return s;
}
