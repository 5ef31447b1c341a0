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
/* 16 random characters from [0-9a-zA-Z], for Qlik's Xrfkey. */
void httpc_xrfkey(char out[17]);

#endif
