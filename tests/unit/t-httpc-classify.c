/* t-httpc-classify: failed requests sorted the way Butler SOS's error tracker sorts them. */
#include <errno.h>
#include <stddef.h>

#include <openssl/x509_vfy.h>

#include "httpc.h"
#include "tap.h"

/* One case: the three strings, "" for none. */
static void check(CURLcode rc, long status, const struct httpc_facts *f, const char *cat, const char *code,
    const char *sys, const char *what)
{
	struct httpc_class c = httpc_classify(rc, status, f);

	is_str(c.category, cat, "%s: error_category %s", what, cat);
	is_str(c.code, code, "%s: error_code '%s'", what, code);
	is_str(c.syscall ? c.syscall : "", sys, "%s: syscall '%s'", what, sys);
}

int main(void)
{
	struct httpc_facts early = { 0, 0, false, NULL };	/* nothing connected yet */
	struct httpc_facts up = { 0, 0, true, NULL };		/* TCP and TLS up */
	struct httpc_facts f;

	/* HTTP status answers */
	check(CURLE_OK, 401, &up, "auth_error", "", "", "401");
	check(CURLE_OK, 403, &up, "auth_error", "", "", "403");
	check(CURLE_OK, 404, &up, "not_found", "", "", "404");
	check(CURLE_OK, 429, &up, "rate_limited", "", "", "429");
	check(CURLE_OK, 500, &up, "http_5xx", "", "", "500");
	check(CURLE_OK, 503, NULL, "http_5xx", "", "", "503 without facts");
	check(CURLE_OK, 400, &up, "http_4xx", "", "", "400");
	check(CURLE_OK, 418, &up, "http_4xx", "", "", "418");
	check(CURLE_OK, 200, &up, "unknown", "", "", "200 with a bad body");
	check(CURLE_OK, 302, &up, "unknown", "", "", "a redirect left over");

	/* connecting */
	f = early;
	f.os_errno = ECONNREFUSED;
	check(CURLE_COULDNT_CONNECT, 0, &f, "connection_refused", "ECONNREFUSED", "connect", "refused");
	check(CURLE_COULDNT_CONNECT, 0, NULL, "connection_refused", "ECONNREFUSED", "connect",
	    "could not connect, errno unknown");
	f.os_errno = ETIMEDOUT;
	check(CURLE_COULDNT_CONNECT, 0, &f, "timeout", "ETIMEDOUT", "connect", "connect timed out in the kernel");
	f.os_errno = EHOSTUNREACH;
	check(CURLE_COULDNT_CONNECT, 0, &f, "unknown", "EHOSTUNREACH", "connect", "no route to host");
	f.os_errno = ENETUNREACH;
	check(CURLE_COULDNT_CONNECT, 0, &f, "unknown", "ENETUNREACH", "connect", "network unreachable");
	check(CURLE_COULDNT_RESOLVE_HOST, 0, NULL, "host_not_found", "ENOTFOUND", "getaddrinfo", "no such host");

	/* timeouts: in the connect phase (TCP or TLS) or later */
	check(CURLE_OPERATION_TIMEDOUT, 0, &early, "timeout", "ETIMEDOUT", "connect", "connect timeout");
	check(CURLE_OPERATION_TIMEDOUT, 0, &up, "timeout", "ETIMEDOUT", "", "response timeout");
	f = early;
	f.detail = "Resolving timed out after 3000 milliseconds";
	check(CURLE_OPERATION_TIMEDOUT, 0, &f, "timeout", "ETIMEDOUT", "getaddrinfo", "name resolution timeout");
	f.detail = "Connection timed out after 3001 milliseconds";
	check(CURLE_OPERATION_TIMEDOUT, 0, &f, "timeout", "ETIMEDOUT", "connect", "connect timeout, curl's text");
	check(CURLE_OPERATION_TIMEDOUT, 200, &up, "timeout", "ETIMEDOUT", "", "timeout in the middle of a body");

	/* resets and closes */
	check(CURLE_GOT_NOTHING, 0, &up, "connection_reset", "ECONNRESET", "", "empty reply");
	f = up;
	f.os_errno = ECONNRESET;
	check(CURLE_RECV_ERROR, 0, &f, "connection_reset", "ECONNRESET", "", "reset while reading");
	f.os_errno = EPIPE;
	check(CURLE_SEND_ERROR, 0, &f, "connection_reset", "EPIPE", "", "closed while writing");
	f = early;
	f.os_errno = ECONNRESET;
	check(CURLE_SSL_CONNECT_ERROR, 0, &f, "connection_reset", "ECONNRESET", "connect",
	    "reset during the TLS handshake");
	f.detail = "Recv failure: Connection reset by peer";
	check(CURLE_RECV_ERROR, 0, &f, "connection_reset", "ECONNRESET", "connect", "reset before TLS was up");

	/* certificates and TLS */
	f = early;
	f.verify = X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN;
	check(CURLE_PEER_FAILED_VERIFICATION, 0, &f, "certificate_error", "SELF_SIGNED_CERT_IN_CHAIN", "",
	    "unknown CA");
	f.verify = X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY;
	check(CURLE_PEER_FAILED_VERIFICATION, 0, &f, "certificate_error", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "",
	    "issuer not in the CA bundle");
	f.verify = X509_V_ERR_CERT_HAS_EXPIRED;
	check(CURLE_PEER_FAILED_VERIFICATION, 0, &f, "certificate_error", "CERT_HAS_EXPIRED", "",
	    "server certificate expired");
	f.verify = X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT;
	check(CURLE_SSL_CONNECT_ERROR, 0, &f, "certificate_error", "DEPTH_ZERO_SELF_SIGNED_CERT", "",
	    "a verify result wins over a handshake error");
	f.verify = X509_V_ERR_AKID_SKID_MISMATCH;
	check(CURLE_PEER_FAILED_VERIFICATION, 0, &f, "certificate_error", "CERT_VERIFY_FAILED", "",
	    "an unlisted verify result");
	f.verify = X509_V_OK;
	f.detail = "SSL: no alternative certificate subject name matches target host name '127.0.0.2'";
	check(CURLE_PEER_FAILED_VERIFICATION, 0, &f, "certificate_error", "ERR_TLS_CERT_ALTNAME_INVALID", "",
	    "host name mismatch (curl's own check)");
	f.verify = X509_V_ERR_UNSPECIFIED;	/* what curl 7.88 leaves after its own name check */
	check(CURLE_PEER_FAILED_VERIFICATION, 0, &f, "certificate_error", "ERR_TLS_CERT_ALTNAME_INVALID", "",
	    "host name mismatch, chain result unspecified");
	f.detail = NULL;
	check(CURLE_PEER_FAILED_VERIFICATION, 0, &f, "certificate_error", "CERT_VERIFY_FAILED", "",
	    "verification failed, nothing more known");
	f.detail = "OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake failure";
	check(CURLE_SSL_CONNECT_ERROR, 0, &f, "certificate_error", "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", "",
	    "an unspecified chain result does not make a handshake failure a verification failure");
	f.verify = X509_V_ERR_HOSTNAME_MISMATCH;
	check(CURLE_PEER_FAILED_VERIFICATION, 0, &f, "certificate_error", "ERR_TLS_CERT_ALTNAME_INVALID", "",
	    "host name mismatch (OpenSSL's check)");

	f = up;
	f.detail = "OpenSSL SSL_read: OpenSSL/3.0.19: error:0A000418:SSL routines::tlsv1 alert unknown ca, errno 0";
	check(CURLE_RECV_ERROR, 0, &f, "certificate_error", "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", "",
	    "client certificate refused (TLS 1.3: after the handshake)");
	f.detail = "OpenSSL SSL_read: error:14094415:SSL routines:ssl3_read_bytes:sslv3 alert certificate expired, errno 0";
	check(CURLE_RECV_ERROR, 0, &f, "certificate_error", "ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED", "",
	    "expired client certificate, OpenSSL 1.1 text");
	f = early;
	f.detail = "OpenSSL/3.0.19: error:0A00010B:SSL routines::wrong version number";
	check(CURLE_SSL_CONNECT_ERROR, 0, &f, "certificate_error", "ERR_SSL_WRONG_VERSION_NUMBER", "",
	    "not TLS on the other end");
	f.detail = "OpenSSL/3.0.19: error:0A000410:SSL routines::sslv3 alert handshake failure";
	check(CURLE_SSL_CONNECT_ERROR, 0, &f, "certificate_error", "ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE", "",
	    "handshake failure alert");
	f.detail = "OpenSSL SSL_connect: SSL_ERROR_SYSCALL in connection to x:1";
	check(CURLE_SSL_CONNECT_ERROR, 0, &f, "certificate_error", "SSL_ERROR", "", "TLS error without a reason");
	check(CURLE_SSL_CONNECT_ERROR, 0, NULL, "certificate_error", "SSL_ERROR", "", "TLS error without facts");
	f.detail = "error:0A000418:SSL routines::weird/reason";
	check(CURLE_SSL_CONNECT_ERROR, 0, &f, "certificate_error", "SSL_ERROR", "",
	    "a reason with odd characters is not turned into a code");
	f.detail = "error:0A000418:SSL routines::";
	check(CURLE_SSL_CONNECT_ERROR, 0, &f, "certificate_error", "SSL_ERROR", "", "an empty reason");
	f.detail = "error:0A000418:SSL routines::a reason far too long to be a code and longer than any buffer the code has room for";
	check(CURLE_SSL_CONNECT_ERROR, 0, &f, "certificate_error", "SSL_ERROR", "", "a reason too long");
	f.detail = "could not load PEM client certificate from /nonexistent.pem";
	check(CURLE_SSL_CERTPROBLEM, 0, &f, "certificate_error", "SSL_ERROR", "", "bad client certificate file");
	check(CURLE_SSL_CLIENTCERT, 0, NULL, "certificate_error", "SSL_ERROR", "", "client certificate required");
	check(CURLE_SSL_CACERT_BADFILE, 0, NULL, "certificate_error", "SSL_ERROR", "", "bad CA file");
	f = up;
	f.detail = "Failure when receiving data from the peer";
	check(CURLE_RECV_ERROR, 0, &f, "unknown", "", "", "a read error that is not TLS");

	/* everything else */
	check(CURLE_WRITE_ERROR, 200, &up, "unknown", "", "", "body too large");
	check(CURLE_WRITE_ERROR, 500, &up, "http_5xx", "", "", "an error status whose body was too large");
	check(CURLE_TOO_MANY_REDIRECTS, 302, &up, "unknown", "", "", "too many redirects");
	check(CURLE_FAILED_INIT, 0, NULL, "unknown", "", "", "no transfer at all");
	check(CURLE_OUT_OF_MEMORY, 0, &early, "unknown", "", "", "out of memory");
	return done_testing();
}
