/*
 * conn: one thread per accepted connection. TLS over a non-blocking
 * socket, every wait a poll(2) on the socket and on the stop pipe, so a
 * stop reaches a thread wherever it waits: in the handshake, between
 * keep-alive requests, in --latency, in a hang fault, or in the middle of
 * a 50 MB body that the client does not read.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>

#include "http.h"
#include "jsonw.h"
#include "log.h"
#include "sim.h"
#include "timefmt.h"
#include "utf8.h"

#define HANDSHAKE_MS 10000	/* a client that does not finish its handshake by then is dropped */
#define IDLE_MS 15000		/* keep-alive: the next request must be complete by then */
#define WRITE_STALL_MS 30000	/* a client that takes nothing for this long is dropped */
#define MAX_REQ_BODY (1 << 20)	/* GETs have none; a bigger one is refused */
#define CHUNK (64 * 1024)

#define XSRF_TEXT "XSRF prevention check failed. Possible XSRF discovered."

struct conn {
	struct sim *s;
	struct server *srv;
	int fd;
	SSL *ssl;
	char peer[INET6_ADDRSTRLEN + 8];
	char subject[512];	/* the client certificate's subject, RFC 2253 */
	char buf[HTTP_HEAD_MAX];
	size_t len;		/* bytes in buf; may run into the next request */
	bool abrupt;		/* a close fault: no close_notify either */
};

/* Waits for events on the socket: 1 ready, 0 timed out, -1 stopping. deadline < 0: none. */
static int wait_fd(const struct conn *c, short events, int64_t deadline)
{
	struct pollfd p[2] = { { .fd = c->fd, .events = events }, { .fd = c->s->stop_fd, .events = POLLIN } };

	for (;;) {
		int64_t left = deadline < 0 ? -1 : deadline - time_mono_ms();
		if (deadline >= 0 && left <= 0)
			return 0;
		int r = poll(p, 2, left > INT_MAX ? INT_MAX : (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || p[1].revents)
			return -1;
		if (r > 0)
			return 1;
	}
}

/* Sleeps ms, or less when the run stops: returns false then. */
static bool pause_ms(const struct conn *c, int ms)
{
	struct pollfd p = { .fd = c->s->stop_fd, .events = POLLIN };
	int64_t end = time_mono_ms() + ms;

	for (;;) {
		int64_t left = end - time_mono_ms();
		if (left <= 0)
			return true;
		int r = poll(&p, 1, (int)left);
		if (r > 0 || (r < 0 && errno != EINTR))
			return false;
	}
}

/* Waits for what OpenSSL wants after a failed call; 1 to retry, else 0 or -1 as wait_fd. */
static int ssl_wait(const struct conn *c, int err, int64_t deadline)
{
	if (err == SSL_ERROR_WANT_READ)
		return wait_fd(c, POLLIN, deadline);
	if (err == SSL_ERROR_WANT_WRITE)
		return wait_fd(c, POLLOUT, deadline);
	return -1;
}

static void ssl_why(const struct conn *c, char *out, size_t cap)
{
	unsigned long e = ERR_peek_last_error();
	long vr = SSL_get_verify_result(c->ssl);

	if (vr != X509_V_OK)
		snprintf(out, cap, "client certificate: %s", X509_verify_cert_error_string(vr));
	else if (e)
		ERR_error_string_n(e, out, cap);
	else
		snprintf(out, cap, "%s", errno ? strerror(errno) : "connection closed");
}

static bool handshake(struct conn *c)
{
	int64_t deadline = time_mono_ms() + HANDSHAKE_MS;
	char why[256];

	for (;;) {
		ERR_clear_error();
		errno = 0;
		int r = SSL_accept(c->ssl);
		if (r == 1)
			return true;
		int err = SSL_get_error(c->ssl, r);
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
			int w = ssl_wait(c, err, deadline);
			if (w > 0)
				continue;
			if (w == 0)
				sim_log(LL_DEBUG, "server %d: %s: TLS handshake timed out", c->srv->index, c->peer);
			return false;
		}
		ssl_why(c, why, sizeof why);
		sim_log(LL_DEBUG, "server %d: %s: TLS handshake failed: %s", c->srv->index, c->peer, why);
		return false;
	}
}

/* Reads what is there: > 0 bytes, 0 at the end of the stream, -1 on error, timeout or stop. */
static ssize_t tls_read(struct conn *c, void *buf, size_t cap, int64_t deadline)
{
	for (;;) {
		size_t n;
		ERR_clear_error();
		if (SSL_read_ex(c->ssl, buf, cap, &n))
			return (ssize_t)n;
		int err = SSL_get_error(c->ssl, 0);
		if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) {
			if (ssl_wait(c, err, deadline) > 0)
				continue;
			return -1;
		}
		/* close_notify, or a peer that just went away: both end the connection */
		return err == SSL_ERROR_ZERO_RETURN || err == SSL_ERROR_SYSCALL || err == SSL_ERROR_SSL ? 0 : -1;
	}
}

static int tls_write(struct conn *c, const void *data, size_t n)
{
	const char *p = data;
	int64_t deadline = time_mono_ms() + WRITE_STALL_MS;

	while (n > 0) {
		size_t w;
		ERR_clear_error();
		if (SSL_write_ex(c->ssl, p, n, &w)) {
			p += w;
			n -= w;
			deadline = time_mono_ms() + WRITE_STALL_MS;
			continue;
		}
		int err = SSL_get_error(c->ssl, 0);
		/* a retry must pass the same buffer and length: p and n did not move */
		if ((err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) && ssl_wait(c, err, deadline) > 0)
			continue;
		return -1;
	}
	return 0;
}

/* "Date:" wants the IMF-fixdate of RFC 9110. */
static void http_date(char *out, size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, cap, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* Sends a head announcing len bytes, then body (NULL: the caller streams them). */
static int respond(struct conn *c, int status, const char *ctype, const char *body, unsigned long long len,
    bool keep, const char *extra)
{
	char head[768], date[64];
	int hl;
	bool nobody = status == 204 || status == 304;

	http_date(date, sizeof date);
	if (nobody)
		len = 0;
	hl = snprintf(head, sizeof head, "HTTP/1.1 %d %s\r\nDate: %s\r\n%s%s%s", status, http_reason(status),
	    date, nobody ? "" : "Content-Type: ", nobody ? "" : ctype, nobody ? "" : "\r\n");
	if (status != 204)
		hl += snprintf(head + hl, sizeof head - (size_t)hl, "Content-Length: %llu\r\n", len);
	hl += snprintf(head + hl, sizeof head - (size_t)hl, "%s%s\r\n", extra ? extra : "",
	    keep ? "Connection: keep-alive\r\nKeep-Alive: timeout=15\r\n" : "Connection: close\r\n");
	if ((size_t)hl >= sizeof head)
		return -1;
	if (!body || len == 0)
		return tls_write(c, head, (size_t)hl);
	/* small bodies go with the head in one TLS record */
	if (len <= CHUNK) {
		char *one = malloc((size_t)hl + len);
		if (one) {
			memcpy(one, head, (size_t)hl);
			memcpy(one + hl, body, len);
			int rc = tls_write(c, one, (size_t)hl + len);
			free(one);
			return rc;
		}
	}
	if (tls_write(c, head, (size_t)hl) != 0)
		return -1;
	return tls_write(c, body, len);
}

static int respond_text(struct conn *c, int status, const char *text, bool keep, const char *extra)
{
	return respond(c, status, "text/plain; charset=utf-8", text, strlen(text), keep, extra);
}

/* An oversized fault: exactly size bytes of valid JSON, padded, made on the fly. */
static int respond_oversized(struct conn *c, int ep, unsigned long long size, bool keep)
{
	const char *head, *tail;
	char *pad;
	int rc;

	body_oversized_parts(c->s, ep, &head, &tail);
	size_t hl = strlen(head), tl = strlen(tail);
	unsigned long long left = size - hl - tl;

	pad = malloc(CHUNK);
	if (!pad)
		return -1;
	memset(pad, 'x', CHUNK);
	rc = respond(c, 200, "application/json; charset=utf-8", NULL, size, keep, NULL);
	if (rc == 0)
		rc = tls_write(c, head, hl);
	while (rc == 0 && left > 0) {
		size_t n = left < CHUNK ? (size_t)left : CHUNK;
		rc = tls_write(c, pad, n);
		left -= n;
	}
	if (rc == 0)
		rc = tls_write(c, tail, tl);
	free(pad);
	return rc;
}

int route(const char *path)
{
	if (strcmp(path, "/engine/healthcheck") == 0 || strcmp(path, "/engine/healthcheck/") == 0)
		return EP_HEALTH;
	if (strcmp(path, "/qrs/app") == 0)
		return EP_APPS;
	if (strcmp(path, "/qps/session") == 0)
		return EP_SESSION;
	/* /qps/<prefix>/session: one path segment of virtual proxy prefix */
	if (strncmp(path, "/qps/", 5) == 0) {
		const char *seg = path + 5, *slash = strchr(seg, '/');
		if (slash && slash > seg && strcmp(slash, "/session") == 0)
			return EP_SESSION;
	}
	return EP_OTHER;
}

/*
 * The --respond body for the path of a known endpoint, or NULL. PATH was
 * stored without a trailing "/"; route() lets only the health check have
 * one, so "/engine/healthcheck/" finds it too.
 */
static const struct respond *fixed_body(const struct sim *s, const char *path)
{
	for (int i = 0; i < s->nresponds; i++) {
		const struct respond *f = &s->responds[i];
		size_t n = strlen(f->path);
		if (strncmp(path, f->path, n) == 0 && (path[n] == '\0' || strcmp(path + n, "/") == 0))
			return f;
	}
	return NULL;
}

/* X-Qlik-Xrfkey must be there and equal the xrfkey query parameter. */
static bool xrf_ok(const struct http_req *r)
{
	char key[256];
	const char *h = http_header(r, "x-qlik-xrfkey");

	return h && *h && http_query_param(r->query, "xrfkey", key, sizeof key) && strcmp(key, h) == 0;
}

/* A string member, made valid UTF-8 first: the request log must stay parseable. */
static void jstr(struct jsonw *w, const char *key, const char *s, char *tmp)
{
	size_t n = strlen(s);

	if (utf8_valid(s, n)) {
		jsonw_strn(w, key, s, n);
		return;
	}
	n = utf8_repair(tmp, s, n);
	jsonw_strn(w, key, tmp, n);
}

/* One NDJSON line per request for --log-requests; repeated headers joined with ", ". */
static void log_request(struct conn *c, const struct http_req *r, size_t head_len)
{
	size_t cap = 1024 + head_len * 6, tcap = head_len * 3 + 16;
	char *line = malloc(cap), *tmp = malloc(tcap), *joined = malloc(head_len + 16);
	char ts[TIME_RFC3339_LEN];
	struct jsonw w;

	if (!line || !tmp || !joined)
		goto out;
	json_lock();
	jsonw_init(&w, line, cap);
	jsonw_open(&w);
	jsonw_int(&w, "server", c->srv->index);
	jstr(&w, "method", r->method, tmp);
	jstr(&w, "path", r->path, tmp);
	if (r->query)
		jstr(&w, "query", r->query, tmp);
	else
		jsonw_raw(&w, "query", "null", 4);
	jsonw_open_object(&w, "headers");
	for (int i = 0; i < r->nh; i++) {
		bool seen = false;
		for (int j = 0; j < i && !seen; j++)
			seen = strcmp(r->h[j].name, r->h[i].name) == 0;
		if (seen)
			continue;
		size_t jl = 0;
		for (int j = i; j < r->nh; j++) {
			if (strcmp(r->h[j].name, r->h[i].name) != 0)
				continue;
			size_t vl = strlen(r->h[j].value);
			if (jl) {
				memcpy(joined + jl, ", ", 2);
				jl += 2;
			}
			memcpy(joined + jl, r->h[j].value, vl);
			jl += vl;
		}
		joined[jl] = '\0';
		jstr(&w, r->h[i].name, joined, tmp);
	}
	jsonw_close(&w);
	jstr(&w, "client_cert_subject", c->subject, tmp);
	jsonw_int(&w, "port", c->srv->port);
	jsonw_str(&w, "ts", time_format_rfc3339(time_now_ms(), ts));
	jsonw_close(&w);
	json_unlock();
	if (w.overflow || w.len >= cap) {
		sim_log(LL_WARN, "request log: line too long, skipped");
		goto out;
	}
	line[w.len++] = '\n';
	pthread_mutex_lock(&c->s->log_mu);
	for (size_t off = 0; off < w.len;) {
		ssize_t n = write(c->s->log_fd, line + off, w.len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			sim_log(LL_WARN, "request log: %s", strerror(errno));
			break;
		}
		off += (size_t)n;
	}
	pthread_mutex_unlock(&c->s->log_mu);
out:
	free(line);
	free(tmp);
	free(joined);
}

/* Reads the rest of a request body and drops it; false when it cannot. */
static bool skip_body(struct conn *c, size_t *consumed, long long cl)
{
	size_t have = c->len - *consumed;

	if (cl <= 0)
		return true;
	if ((unsigned long long)cl <= have) {
		*consumed += (size_t)cl;
		return true;
	}
	cl -= (long long)have;
	*consumed = c->len;
	while (cl > 0) {
		char scratch[4096];
		ssize_t n = tls_read(c, scratch, cl < (long long)sizeof scratch ? (size_t)cl : sizeof scratch,
		    time_mono_ms() + IDLE_MS);
		if (n <= 0)
			return false;
		cl -= n;
	}
	return true;
}

/* A hang fault: the request was read; now nothing until the client gives up or the run stops. */
static void hang(struct conn *c)
{
	char scratch[4096];

	while (wait_fd(c, POLLIN, -1) > 0)
		if (tls_read(c, scratch, sizeof scratch, time_mono_ms()) == 0)
			return;
}

/*
 * Serves one request whose head is in c->buf[0..head_len). Returns true
 * when the connection stays open for the next one.
 */
static bool serve(struct conn *c, size_t head_len)
{
	struct http_req r;
	size_t consumed = head_len;
	int status, lat, ep;
	bool keep;
	unsigned long long sent = 0;
	const struct respond *fixed = NULL;

	status = http_parse(c->buf, head_len, &r);
	if (status) {
		char text[64];
		sim_log(LL_DEBUG, "server %d: %s: bad request: %d", c->srv->index, c->peer, status);
		snprintf(text, sizeof text, "%s\n", http_reason(status));
		respond_text(c, status, text, false, NULL);
		return false;
	}
	keep = r.keep_alive;
	if (r.content_length > MAX_REQ_BODY) {
		respond_text(c, 413, "Request body too large\n", false, NULL);
		return false;
	}
	if (c->s->log_fd >= 0)
		log_request(c, &r, head_len);
	atomic_fetch_add(&c->s->requests, 1);
	if (!skip_body(c, &consumed, r.content_length))
		return false;

	ep = route(r.path);
	const struct fault *f = fault_pick(c->s, c->srv->index, ep, &lat);
	int kind = f ? f->kind : -1;

	if (kind == FK_HANG) {
		sim_log(LL_DEBUG, "server %d: %s %s: hanging (fault %s)", c->srv->index, r.method, r.path, f->text);
		hang(c);
		return false;
	}
	if (kind == FK_CLOSE) {
		sim_log(LL_DEBUG, "server %d: %s %s: closing (fault %s)", c->srv->index, r.method, r.path, f->text);
		c->abrupt = true;
		return false;
	}
	if (lat > 0 && !pause_ms(c, lat))
		return false;

	char *body = NULL;
	size_t len = 0;
	int rc;
	bool get = strcmp(r.method, "GET") == 0;

	if (kind == FK_STATUS) {
		char text[128];
		status = (int)f->value;
		snprintf(text, sizeof text, "sense-sim: simulated fault: %d %s\n", status, http_reason(status));
		rc = respond_text(c, status, text, keep, NULL);
		sent = strlen(text);
	} else if (ep == EP_OTHER) {
		status = 404;
		rc = respond_text(c, status, "Not Found\n", keep, NULL);
		sent = 10;
	} else if (!get) {
		status = 405;
		rc = respond_text(c, status, "Method Not Allowed\n", keep, "Allow: GET\r\n");
		sent = 19;
	} else if (ep != EP_HEALTH && !xrf_ok(&r)) {
		status = 403;
		rc = respond_text(c, status, XSRF_TEXT, keep, NULL);
		sent = sizeof XSRF_TEXT - 1;
	} else if (kind == FK_OVERSIZED) {
		status = 200;
		sent = (unsigned long long)f->value;
		rc = respond_oversized(c, ep, sent, keep);
	} else {
		const char *out;
		/* a fixed body replaces the generated one only: the checks and faults above still apply */
		if ((fixed = fixed_body(c->s, r.path))) {
			out = fixed->body;
			len = fixed->len;
		} else if (ep == EP_HEALTH) {
			out = body = body_health(c->s, c->srv, &len);
		} else if (ep == EP_SESSION) {
			out = body = body_sessions(c->s, c->srv, &len);
		} else {
			out = c->s->qrs_body;
			len = c->s->qrs_len;
		}
		if (!out) {
			status = 500;
			rc = respond_text(c, status, "out of memory\n", false, NULL);
			keep = false;
		} else {
			status = 200;
			/* malformed: the first half of a real body, cut in the middle of a value */
			if (kind == FK_MALFORMED && len > 1)
				len /= 2;
			rc = respond(c, status, "application/json; charset=utf-8", out, len, keep, NULL);
			sent = len;
		}
	}
	free(body);
	sim_log(LL_DEBUG, "server %d: %s: %s %s%s%s -> %d, %llu bytes%s%s%s%s", c->srv->index, c->peer,
	    r.method, r.path, r.query ? "?" : "", r.query ? r.query : "", status, sent, fixed ? " from " : "",
	    fixed ? fixed->file : "", f ? ", fault " : "", f ? f->text : "");
	if (rc != 0 || !keep)
		return false;
	/* whatever followed this request (a pipelined next one) moves to the front */
	memmove(c->buf, c->buf + consumed, c->len - consumed);
	c->len -= consumed;
	return true;
}

static void client_subject(struct conn *c)
{
	X509 *x = SSL_get0_peer_certificate(c->ssl);
	BIO *b;

	c->subject[0] = '\0';
	if (!x || !(b = BIO_new(BIO_s_mem())))
		return;
	if (X509_NAME_print_ex(b, X509_get_subject_name(x), 0, XN_FLAG_RFC2253) >= 0) {
		int n = BIO_read(b, c->subject, (int)sizeof c->subject - 1);
		c->subject[n > 0 ? n : 0] = '\0';
	}
	BIO_free(b);
}

static void peer_name(struct conn *c)
{
	struct sockaddr_storage ss = { 0 };
	socklen_t sl = sizeof ss;
	char a[INET6_ADDRSTRLEN] = "?";
	int port = 0;

	if (getpeername(c->fd, (struct sockaddr *)&ss, &sl) == 0) {
		if (ss.ss_family == AF_INET) {
			const struct sockaddr_in *in = (const struct sockaddr_in *)&ss;
			inet_ntop(AF_INET, &in->sin_addr, a, sizeof a);
			port = ntohs(in->sin_port);
		} else if (ss.ss_family == AF_INET6) {
			const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&ss;
			inet_ntop(AF_INET6, &in6->sin6_addr, a, sizeof a);
			port = ntohs(in6->sin6_port);
		}
	}
	snprintf(c->peer, sizeof c->peer, "%s:%d", a, port);
}

static void run(struct conn *c)
{
	peer_name(c);
	c->ssl = SSL_new(c->s->ctx);
	if (!c->ssl || !SSL_set_fd(c->ssl, c->fd)) {
		sim_log(LL_WARN, "server %d: out of memory for TLS", c->srv->index);
		return;
	}
	if (!handshake(c))
		return;
	client_subject(c);
	for (;;) {
		int64_t deadline = time_mono_ms() + IDLE_MS;
		size_t end;

		while (!(end = http_head_end(c->buf, c->len))) {
			if (c->len >= sizeof c->buf) {
				respond_text(c, 431, "Request header fields too large\n", false, NULL);
				return;
			}
			ssize_t n = tls_read(c, c->buf + c->len, sizeof c->buf - c->len, deadline);
			if (n <= 0)
				return;
			c->len += (size_t)n;
		}
		if (!serve(c, end))
			return;
	}
}

void *conn_main(void *arg)
{
	struct conn_start *st = arg;
	struct conn *c = calloc(1, sizeof *c);
	struct sim *s = st->sim;

	if (c) {
		c->s = s;
		c->srv = st->srv;
		c->fd = st->fd;
		run(c);
		if (c->ssl) {
			/* one polite try at close_notify; a client that is gone is not waited for */
			ERR_clear_error();
			if (SSL_is_init_finished(c->ssl) && !c->abrupt)
				SSL_shutdown(c->ssl);
			SSL_free(c->ssl);
		}
		free(c);
	}
	close(st->fd);
	free(st);
	/* OpenSSL's per-thread state goes now, before the main thread may exit */
	ERR_clear_error();
	OPENSSL_thread_stop();
	pthread_mutex_lock(&s->conns_mu);
	atomic_fetch_sub(&s->nconns, 1);
	pthread_cond_broadcast(&s->conns_cv);
	pthread_mutex_unlock(&s->conns_mu);
	return NULL;
}
