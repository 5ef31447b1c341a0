/*
 * httpc: libcurl set-up shared by every senseops tool that speaks HTTPS:
 * TLS with a client certificate, verification on by default, bounded
 * response bodies, timeouts, HTTPS only. One request is one struct httpc_req
 * on an easy handle; the caller drives them (easy or multi interface).
 */
#ifndef SENSEOPS_HTTPC_H
#define SENSEOPS_HTTPC_H

#include <stdbool.h>
#include <stddef.h>
#include <curl/curl.h>

struct httpc_tls {
	const char *cert;	/* client certificate (PEM), NULL for none */
	const char *key;	/* its key (PEM) */
	const char *passphrase;	/* for an encrypted key, NULL for none */
	const char *ca;		/* CA bundle to verify the server with, NULL: system store */
	bool verify;		/* verify the server's certificate and name */
};

struct httpc_req {
	CURL *easy;
	struct curl_slist *headers;
	char *body;		/* response, NUL-terminated */
	size_t len, max;
	bool too_big;
	char errbuf[CURL_ERROR_SIZE];
	char tried_ip[64];	/* the last address curl opened a socket for, "" for none */
	long tried_port;
	void *user;		/* the caller's */
};

/* Once per process, before threads: curl_global_init. Returns 0 or -1. */
int httpc_global_init(void);
/*
 * A GET request for url with the TLS settings, a connect and a total
 * timeout (ms) and a body limit (bytes). headers is a NULL-terminated list
 * of "Name: value" strings (copied). Returns NULL with a message in err.
 */
struct httpc_req *httpc_get(const char *url, const struct httpc_tls *tls, const char *const *headers,
    long connect_ms, long total_ms, size_t max_body, char *err, size_t errlen);
void httpc_free(struct httpc_req *r);
/*
 * After the transfer ended with result rc: 0 for an HTTP 200, else -1 with
 * a one-line reason in err (TLS, connect, timeout, size, status).
 */
int httpc_result(struct httpc_req *r, CURLcode rc, char *err, size_t errlen);
/*
 * Failure classification, as Butler SOS's error tracker stores it
 * (measurement butler_sos_errors): a category, a Node.js-style error code
 * and the system call that failed. Pure: no curl handle needed, so every
 * source and sink can use it.
 */
struct httpc_facts {
	long os_errno;		/* CURLINFO_OS_ERRNO: errno of the last socket failure, 0 if none */
	long verify;		/* CURLINFO_SSL_VERIFYRESULT: X509_V_* of the peer check
				   (curl leaves 0 or X509_V_ERR_UNSPECIFIED when it has none) */
	bool established;	/* TCP and TLS were up (a new or a reused connection) before it failed */
	const char *detail;	/* curl's error text, NULL for none */
};

struct httpc_class {
	const char *category;	/* always: timeout, connection_refused, host_not_found,
				   connection_reset, auth_error, not_found, rate_limited,
				   http_5xx, http_4xx, certificate_error or unknown */
	char code[64];		/* Node.js-style: ECONNREFUSED, ETIMEDOUT, ENOTFOUND, ECONNRESET,
				   CERT_HAS_EXPIRED, ERR_TLS_CERT_ALTNAME_INVALID, CERT_VERIFY_FAILED,
				   ERR_SSL_TLSV1_ALERT_UNKNOWN_CA, SSL_ERROR, ...; "" when none applies */
	const char *syscall;	/* "connect", "getaddrinfo"; NULL when none applies */
};

/*
 * Classifies a request that ended with curl result rc and HTTP status
 * (0: no response); f may be NULL when nothing more is known.
 * category and syscall point to static strings.
 */
struct httpc_class httpc_classify(CURLcode rc, long status, const struct httpc_facts *f);

/* Everything an error record says about a failed request. */
struct httpc_failure {
	struct httpc_class cls;
	long status;		/* HTTP status; 0 when no response came back */
	char remote_ip[64];	/* CURLINFO_PRIMARY_IP, else the last address curl tried to
				   connect to (curl 7.88 leaves PRIMARY_IP empty for a refused
				   connection); "" when curl got no address */
	long remote_port;	/* its port; 0 with no address */
};

/* Collects the facts of r's transfer that ended with rc and classifies them. */
void httpc_describe(struct httpc_req *r, CURLcode rc, struct httpc_failure *out);

/* 16 random characters from [0-9a-zA-Z], for Qlik's Xrfkey. */
void httpc_xrfkey(char out[17]);

#endif
