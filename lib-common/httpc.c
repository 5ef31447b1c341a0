/* httpc: hardened libcurl easy handles for HTTPS GETs with bounded bodies. */
#include "httpc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

/*
 * Idle keep-alive connections should not hold their TLS buffers: with
 * hundreds of Sense servers that is most of a poller's memory.
 */
static CURLcode on_ssl_ctx(CURL *e, void *ctx, void *arg)
{
	(void)e;
	(void)arg;
	SSL_CTX_set_mode((SSL_CTX *)ctx, SSL_MODE_RELEASE_BUFFERS);
	return CURLE_OK;
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct httpc_req *r = arg;
	size_t n = size * nmemb;

	if (n > r->max - r->len) {
		r->too_big = true;
		return 0;	/* makes curl abort with CURLE_WRITE_ERROR */
	}
	char *nb = realloc(r->body, r->len + n + 1);
	if (!nb)
		return 0;
	r->body = nb;
	memcpy(r->body + r->len, data, n);
	r->len += n;
	r->body[r->len] = '\0';
	return n;
}

int httpc_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

void httpc_free(struct httpc_req *r)
{
	if (!r)
		return;
	if (r->easy)
		curl_easy_cleanup(r->easy);
	curl_slist_free_all(r->headers);
	free(r->body);
	free(r);
}

struct httpc_req *httpc_get(const char *url, const struct httpc_tls *tls, const char *const *headers,
    long connect_ms, long total_ms, size_t max_body, char *err, size_t errlen)
{
	struct httpc_req *r = calloc(1, sizeof *r);
	CURL *e;
	CURLcode rc = CURLE_OK;

	if (!r || !(e = curl_easy_init())) {
		snprintf(err, errlen, "out of memory");
		free(r);
		return NULL;
	}
	r->easy = e;
	r->max = max_body;
	for (const char *const *h = headers; h && *h; h++) {
		struct curl_slist *n = curl_slist_append(r->headers, *h);
		if (!n) {
			snprintf(err, errlen, "out of memory");
			httpc_free(r);
			return NULL;
		}
		r->headers = n;
	}
#define SET(opt, val) \
	do { \
		if (rc == CURLE_OK) \
			rc = curl_easy_setopt(e, opt, val); \
	} while (0)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "https");
	SET(CURLOPT_REDIR_PROTOCOLS_STR, "https");
	SET(CURLOPT_FOLLOWLOCATION, 1L);
	SET(CURLOPT_MAXREDIRS, 5L);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_CONNECTTIMEOUT_MS, connect_ms);
	SET(CURLOPT_TIMEOUT_MS, total_ms);
	SET(CURLOPT_HTTPHEADER, r->headers);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, r);
	SET(CURLOPT_ERRORBUFFER, r->errbuf);
	SET(CURLOPT_PRIVATE, r);
	SET(CURLOPT_USERAGENT, "senseops/" SENSEOPS_VERSION);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	SET(CURLOPT_SSL_VERIFYPEER, tls->verify ? 1L : 0L);
	SET(CURLOPT_SSL_VERIFYHOST, tls->verify ? 2L : 0L);
	if (tls->ca)
		SET(CURLOPT_CAINFO, tls->ca);
	/* parse the CA bundle once for all handles, not once per request */
	SET(CURLOPT_CA_CACHE_TIMEOUT, 3600L);
	SET(CURLOPT_SSL_CTX_FUNCTION, on_ssl_ctx);
	/* small transfer buffers: responses are small, and there may be hundreds at once */
	SET(CURLOPT_BUFFERSIZE, 8192L);
	SET(CURLOPT_UPLOAD_BUFFERSIZE, 16384L);
	if (tls->cert) {
		SET(CURLOPT_SSLCERT, tls->cert);
		SET(CURLOPT_SSLCERTTYPE, "PEM");
	}
	if (tls->key) {
		SET(CURLOPT_SSLKEY, tls->key);
		SET(CURLOPT_SSLKEYTYPE, "PEM");
	}
	if (tls->passphrase)
		SET(CURLOPT_KEYPASSWD, tls->passphrase);
#undef SET
	if (rc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s", url, curl_easy_strerror(rc));
		httpc_free(r);
		return NULL;
	}
	return r;
}

int httpc_result(struct httpc_req *r, CURLcode rc, char *err, size_t errlen)
{
	long status = 0;

	if (rc != CURLE_OK) {
		if (r->too_big)
			snprintf(err, errlen, "response larger than %zu bytes", r->max);
		else
			snprintf(err, errlen, "%s", r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc));
		return -1;
	}
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		snprintf(err, errlen, "HTTP status %ld", status);
		return -1;
	}
	return 0;
}

void httpc_xrfkey(char out[17])
{
	static const char set[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

	for (int i = 0; i < 16; i++)
		out[i] = set[arc4random_uniform(sizeof set - 1)];
	out[16] = '\0';
}
