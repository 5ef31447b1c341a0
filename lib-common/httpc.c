/* httpc: hardened libcurl easy handles for HTTPS GETs with bounded bodies. */
#include "httpc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

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

/*
 * Opens the sockets for curl, noting the address each is for: a connection
 * that fails still says where it went (for error records).
 */
static curl_socket_t on_open(void *arg, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct httpc_req *r = arg;

	(void)purpose;
	r->tried_ip[0] = '\0';
	r->tried_port = 0;
	if (a->family == AF_INET && a->addrlen >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)&a->addr;
		if (inet_ntop(AF_INET, &in->sin_addr, r->tried_ip, sizeof r->tried_ip))
			r->tried_port = ntohs(in->sin_port);
	} else if (a->family == AF_INET6 && a->addrlen >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)&a->addr;
		if (inet_ntop(AF_INET6, &in6->sin6_addr, r->tried_ip, sizeof r->tried_ip))
			r->tried_port = ntohs(in6->sin6_port);
	}
	if (!r->tried_port)
		r->tried_ip[0] = '\0';
	return socket(a->family, a->socktype | SOCK_CLOEXEC, a->protocol);
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
	SET(CURLOPT_OPENSOCKETFUNCTION, on_open);
	SET(CURLOPT_OPENSOCKETDATA, r);
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
		/* without the query: it may carry a key */
		snprintf(err, errlen, "%.*s: %s", (int)strcspn(url, "?#"), url, curl_easy_strerror(rc));
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

/* Node.js's name for a socket errno (what Butler SOS reports as error_code), NULL if unlisted. */
static const char *errno_code(long e)
{
	switch (e) {
	case ECONNREFUSED: return "ECONNREFUSED";
	case ECONNRESET: return "ECONNRESET";
	case ETIMEDOUT: return "ETIMEDOUT";
	case EPIPE: return "EPIPE";
	case ECONNABORTED: return "ECONNABORTED";
	case EHOSTUNREACH: return "EHOSTUNREACH";
	case ENETUNREACH: return "ENETUNREACH";
	case ENETDOWN: return "ENETDOWN";
	case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
	case EACCES: return "EACCES";
	case EPERM: return "EPERM";
	default: return NULL;
	}
}

/*
 * Node.js's code for a failed peer verification: OpenSSL's X509_V_ERR_
 * name without the prefix, and ERR_TLS_CERT_ALTNAME_INVALID for a host
 * name mismatch. curl checks the name itself and then reports the chain
 * result as X509_V_OK or X509_V_ERR_UNSPECIFIED, so its text tells.
 */
static const char *verify_code(long v, const char *detail)
{
	if (v <= X509_V_OK || v == X509_V_ERR_UNSPECIFIED)
		return detail && strstr(detail, "host name") ? "ERR_TLS_CERT_ALTNAME_INVALID" : "CERT_VERIFY_FAILED";
	switch (v) {
	case X509_V_ERR_HOSTNAME_MISMATCH:
	case X509_V_ERR_IP_ADDRESS_MISMATCH: return "ERR_TLS_CERT_ALTNAME_INVALID";
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT: return "UNABLE_TO_GET_ISSUER_CERT";
	case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY: return "UNABLE_TO_GET_ISSUER_CERT_LOCALLY";
	case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE: return "UNABLE_TO_VERIFY_LEAF_SIGNATURE";
	case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT: return "DEPTH_ZERO_SELF_SIGNED_CERT";
	case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN: return "SELF_SIGNED_CERT_IN_CHAIN";
	case X509_V_ERR_CERT_HAS_EXPIRED: return "CERT_HAS_EXPIRED";
	case X509_V_ERR_CERT_NOT_YET_VALID: return "CERT_NOT_YET_VALID";
	case X509_V_ERR_CERT_REVOKED: return "CERT_REVOKED";
	case X509_V_ERR_CERT_SIGNATURE_FAILURE: return "CERT_SIGNATURE_FAILURE";
	case X509_V_ERR_CERT_UNTRUSTED: return "CERT_UNTRUSTED";
	case X509_V_ERR_CERT_REJECTED: return "CERT_REJECTED";
	case X509_V_ERR_INVALID_CA: return "INVALID_CA";
	default: return "CERT_VERIFY_FAILED";
	}
}

static const char *status_category(long status)
{
	if (status == 401 || status == 403)
		return "auth_error";
	if (status == 404)
		return "not_found";
	if (status == 429)
		return "rate_limited";
	if (status >= 500 && status <= 599)
		return "http_5xx";
	if (status >= 400 && status <= 499)
		return "http_4xx";
	return "unknown";
}

/* curl results that are TLS failures whatever the socket did. */
static bool tls_result(CURLcode rc)
{
	switch (rc) {
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_SSL_ENGINE_INITFAILED:
	case CURLE_SSL_SHUTDOWN_FAILED:
	case CURLE_USE_SSL_FAILED:
	case CURLE_SSL_CLIENTCERT:
		return true;
	default:
		return false;
	}
}

/*
 * Node.js's code for an OpenSSL error in curl's text: ERR_SSL_ and the
 * reason in capitals, "tlsv1 alert unknown ca" -> ERR_SSL_TLSV1_ALERT_UNKNOWN_CA.
 * OpenSSL 3 writes "error:0A000418:SSL routines::tlsv1 alert unknown ca",
 * 1.1 "error:14094418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca".
 * 0 with the code in out, -1 when the text has none.
 */
static int ssl_reason_code(const char *s, char *out, size_t len)
{
	const char *p = s ? strstr(s, "SSL routines:") : NULL;
	size_t n, o;

	if (!p)
		return -1;
	p += strlen("SSL routines:");
	n = strcspn(p, ",\n");
	for (const char *q = memchr(p, ':', n); q; q = memchr(p, ':', n)) {
		n -= (size_t)(q + 1 - p);
		p = q + 1;
	}
	while (n > 0 && p[n - 1] == ' ')
		n--;
	if (n == 0 || n + sizeof "ERR_SSL_" > len)
		return -1;
	o = strlen("ERR_SSL_");
	memcpy(out, "ERR_SSL_", o);
	for (size_t i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];
		if (ch >= 'a' && ch <= 'z')
			out[o++] = (char)(ch - 'a' + 'A');
		else if ((ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'))
			out[o++] = (char)ch;
		else if (ch == ' ' || ch == '_' || ch == '-')
			out[o++] = '_';
		else
			return -1;
	}
	out[o] = '\0';
	return 0;
}

/* OpenSSL's error text, as curl passes it on for a failed TLS read or write. */
static bool tls_text(const char *s)
{
	return s && (strstr(s, "SSL") || strstr(s, "TLS") || strstr(s, "alert") || strstr(s, "certificate"));
}

static void set_code(struct httpc_class *c, const char *code)
{
	snprintf(c->code, sizeof c->code, "%s", code ? code : "");
}

struct httpc_class httpc_classify(CURLcode rc, long status, const struct httpc_facts *f)
{
	static const struct httpc_facts none = { 0, 0, false, NULL };
	struct httpc_class c = { "unknown", "", NULL };
	bool early;

	if (!f)
		f = &none;
	early = !f->established;
	switch (rc) {
	case CURLE_OK:
		c.category = status_category(status);
		return c;
	case CURLE_OPERATION_TIMEDOUT:
		c.category = "timeout";
		set_code(&c, "ETIMEDOUT");
		if (early)	/* curl: "Resolving timed out after ..." */
			c.syscall = f->detail && strncmp(f->detail, "Resolving", 9) == 0 ? "getaddrinfo" : "connect";
		return c;
	case CURLE_COULDNT_RESOLVE_HOST:
		c.category = "host_not_found";
		set_code(&c, "ENOTFOUND");
		c.syscall = "getaddrinfo";
		return c;
	case CURLE_COULDNT_CONNECT:
		c.syscall = "connect";
		switch (f->os_errno) {
		case 0:	/* curl did not keep it: refused is by far the likeliest */
		case ECONNREFUSED:
			c.category = "connection_refused";
			set_code(&c, "ECONNREFUSED");
			break;
		case ETIMEDOUT:
			c.category = "timeout";
			set_code(&c, "ETIMEDOUT");
			break;
		case ECONNRESET:
			c.category = "connection_reset";
			set_code(&c, "ECONNRESET");
			break;
		default:
			set_code(&c, errno_code(f->os_errno));
		}
		return c;
	case CURLE_GOT_NOTHING:	/* closed without a response: Node's "socket hang up" */
		c.category = "connection_reset";
		set_code(&c, "ECONNRESET");
		c.syscall = early ? "connect" : NULL;
		return c;
	default:
		break;
	}
	/* the peer reset or closed the socket, during the handshake or after it */
	if ((f->os_errno == ECONNRESET || f->os_errno == EPIPE) &&
	    (rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR || rc == CURLE_SSL_CONNECT_ERROR)) {
		c.category = "connection_reset";
		set_code(&c, errno_code(f->os_errno));
		c.syscall = early ? "connect" : NULL;
		return c;
	}
	if (rc == CURLE_PEER_FAILED_VERIFICATION || (tls_result(rc) && f->verify > X509_V_ERR_UNSPECIFIED)) {
		c.category = "certificate_error";
		set_code(&c, verify_code(f->verify, f->detail));
		return c;
	}
	if (tls_result(rc) || ((rc == CURLE_RECV_ERROR || rc == CURLE_SEND_ERROR) && tls_text(f->detail))) {
		c.category = "certificate_error";
		if (ssl_reason_code(f->detail, c.code, sizeof c.code) != 0)
			set_code(&c, "SSL_ERROR");
		return c;
	}
	/* the transfer failed after a response began (a body too large, a bad redirect), or otherwise */
	c.category = status_category(status);
	if (status < 100)
		set_code(&c, errno_code(f->os_errno));
	return c;
}

void httpc_describe(struct httpc_req *r, CURLcode rc, struct httpc_failure *out)
{
	struct httpc_facts f = { 0, 0, false, NULL };
	curl_off_t appconnect = 0, pretransfer = 0;
	char *ip = NULL;
	long port = 0;

	memset(out, 0, sizeof *out);
	if (!r || !r->easy) {
		out->cls = httpc_classify(rc, 0, NULL);
		return;
	}
	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &out->status);
	curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &f.os_errno);
	curl_easy_getinfo(r->easy, CURLINFO_SSL_VERIFYRESULT, &f.verify);
	/* a reused connection has no appconnect time (curl 7.88), but it has a pretransfer time */
	curl_easy_getinfo(r->easy, CURLINFO_APPCONNECT_TIME_T, &appconnect);
	curl_easy_getinfo(r->easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer);
	f.established = appconnect > 0 || pretransfer > 0;
	f.detail = r->errbuf[0] ? r->errbuf : NULL;
	out->cls = httpc_classify(rc, out->status, &f);
	if (curl_easy_getinfo(r->easy, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK && ip && *ip &&
	    curl_easy_getinfo(r->easy, CURLINFO_PRIMARY_PORT, &port) == CURLE_OK && port > 0 &&
	    strlen(ip) < sizeof out->remote_ip) {
		memcpy(out->remote_ip, ip, strlen(ip) + 1);
		out->remote_port = port;
	} else if (r->tried_ip[0]) {
		memcpy(out->remote_ip, r->tried_ip, sizeof out->remote_ip);
		out->remote_port = r->tried_port;
	}
}

void httpc_xrfkey(char out[17])
{
	static const char set[] = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

	for (int i = 0; i < 16; i++)
		out[i] = set[arc4random_uniform(sizeof set - 1)];
	out[16] = '\0';
}
