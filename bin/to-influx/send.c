/* send: writes to InfluxDB 1.x, 2.x and 3.x over HTTP(S), one request at a time. */
#include "send.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cjson/cJSON.h>

#include "log.h"

#define ERR_BODY_MAX	4096		/* enough of an error answer to quote it */
#define QUERY_BODY_MAX	(1024 * 1024)	/* SHOW DATABASES on a big server */

struct sender {
	const struct conf *k;
	CURLM		*multi;
	CURL		*easy;
	struct curl_slist *headers;
	char		 write_url[4096], base[1024];
	bool		 busy;
	char		*resp;			/* the answer, bounded */
	size_t		 resp_len, resp_max;
	char		 errbuf[CURL_ERROR_SIZE];
	uint64_t	 requests, bytes_in, bytes_out;
};

struct body {
	char		*p;			/* the request, gzipped or not */
	size_t		 len, cap;
	size_t		 raw;			/* line protocol bytes added */
	bool		 gzip, failed;
	z_stream	 z;
};

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
	struct sender *s = arg;
	size_t len = size * n, room = s->resp_max - s->resp_len;
	size_t take = len < room ? len : room;

	memcpy(s->resp + s->resp_len, p, take);
	s->resp_len += take;
	s->resp[s->resp_len] = '\0';
	return len;	/* the rest is dropped, not an error */
}

/* Query strings: percent-encode everything but unreserved characters. */
static void urlenc(char *out, size_t len, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;

	for (; *s && o + 4 < len; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c)) {
			out[o++] = (char)c;
		} else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
}

/* The options every request shares: TLS, timeouts, no redirects, http(s) only, credentials. */
static int setup(struct sender *s, CURL *e)
{
	const struct conf *k = s->k;
	int rc = 0;

	rc |= (int)curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	rc |= (int)curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
	rc |= (int)curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	rc |= (int)curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)k->connect_ms);
	rc |= (int)curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)k->timeout_ms);
	rc |= (int)curl_easy_setopt(e, CURLOPT_ERRORBUFFER, s->errbuf);
	rc |= (int)curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	rc |= (int)curl_easy_setopt(e, CURLOPT_WRITEDATA, s);
	rc |= (int)curl_easy_setopt(e, CURLOPT_USERAGENT, "senseops-to-influx/" SENSEOPS_VERSION);
	rc |= (int)curl_easy_setopt(e, CURLOPT_HTTPHEADER, s->headers);
	if (k->https) {
		rc |= (int)curl_easy_setopt(e, CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
		rc |= (int)curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, k->verify ? 1L : 0L);
		rc |= (int)curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, k->verify ? 2L : 0L);
		if (k->ca)
			rc |= (int)curl_easy_setopt(e, CURLOPT_CAINFO, k->ca);
		if (k->cert) {
			rc |= (int)curl_easy_setopt(e, CURLOPT_SSLCERT, k->cert);
			rc |= (int)curl_easy_setopt(e, CURLOPT_SSLKEY, k->key);
		}
	}
	if (k->version == 1 && k->v1_auth) {
		rc |= (int)curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		rc |= (int)curl_easy_setopt(e, CURLOPT_USERNAME, k->user);
		rc |= (int)curl_easy_setopt(e, CURLOPT_PASSWORD, k->password);
	}
	return rc ? -1 : 0;
}

struct sender *sender_new(const struct conf *k, char *err, size_t errlen)
{
	struct sender *s = calloc(1, sizeof *s);
	char a[512], b[512];

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	s->k = k;
	s->resp_max = ERR_BODY_MAX;
	conf_base_url(k, s->base, sizeof s->base);
	switch (k->version) {
	case 1:
		urlenc(a, sizeof a, k->db);
		snprintf(s->write_url, sizeof s->write_url, "%s/write?db=%s&precision=ns", s->base, a);
		break;
	case 2:
		urlenc(a, sizeof a, k->org);
		urlenc(b, sizeof b, k->bucket);
		snprintf(s->write_url, sizeof s->write_url, "%s/api/v2/write?org=%s&bucket=%s&precision=ns", s->base, a, b);
		break;
	default:
		urlenc(b, sizeof b, k->bucket);
		snprintf(s->write_url, sizeof s->write_url, "%s/api/v2/write?bucket=%s&precision=ns", s->base, b);
		break;
	}
	s->headers = curl_slist_append(NULL, "Content-Type: text/plain; charset=utf-8");
	if (s->headers && k->gzip)
		s->headers = curl_slist_append(s->headers, "Content-Encoding: gzip");
	if (s->headers && k->token) {
		size_t n = strlen(k->token) + 32;
		char *h = malloc(n);
		if (h) {
			snprintf(h, n, "Authorization: Token %s", k->token);
			s->headers = curl_slist_append(s->headers, h);
			explicit_bzero(h, n);
			free(h);
		} else {
			curl_slist_free_all(s->headers);
			s->headers = NULL;
		}
	}
	s->multi = curl_multi_init();
	s->easy = curl_easy_init();
	s->resp = malloc(QUERY_BODY_MAX + 1);
	if (!s->headers || !s->multi || !s->easy || !s->resp || setup(s, s->easy)) {
		snprintf(err, errlen, "cannot set up libcurl");
		sender_free(s);
		return NULL;
	}
	return s;
}

void sender_free(struct sender *s)
{
	if (!s)
		return;
	if (s->busy)
		curl_multi_remove_handle(s->multi, s->easy);
	curl_easy_cleanup(s->easy);
	curl_multi_cleanup(s->multi);
	if (s->headers) {
		/* the token header: clear it before it goes back to the heap */
		for (struct curl_slist *h = s->headers; h; h = h->next)
			explicit_bzero(h->data, strlen(h->data));
		curl_slist_free_all(s->headers);
	}
	free(s->resp);
	free(s);
}

CURLM *sender_multi(struct sender *s)
{
	return s->multi;
}

bool sender_busy(const struct sender *s)
{
	return s->busy;
}

struct body *body_new(bool gzip)
{
	struct body *b = calloc(1, sizeof *b);

	if (!b)
		return NULL;
	b->gzip = gzip;
	/* level 1: a third of the bytes for little CPU; line protocol is repetitive */
	if (gzip && deflateInit2(&b->z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
		free(b);
		return NULL;
	}
	return b;
}

void body_free(struct body *b)
{
	if (!b)
		return;
	if (b->gzip)
		deflateEnd(&b->z);
	free(b->p);
	free(b);
}

void body_reset(struct body *b)
{
	b->len = b->raw = 0;
	b->failed = false;
	if (b->gzip)
		deflateReset(&b->z);
}

static bool body_room(struct body *b, size_t n)
{
	if (n <= b->cap - b->len)
		return true;
	size_t cap = b->cap ? b->cap : 64 * 1024;
	while (cap - b->len < n) {
		if (cap > SIZE_MAX / 2)
			return false;
		cap *= 2;
	}
	char *p = realloc(b->p, cap);
	if (!p)
		return false;
	b->p = p;
	b->cap = cap;
	return true;
}

/* Compresses (or copies) n bytes; flush: Z_NO_FLUSH or Z_FINISH. */
static int body_put(struct body *b, const char *lp, size_t n, int flush)
{
	if (b->failed || n > UINT32_MAX)
		return -1;
	if (!b->gzip) {
		if (!body_room(b, n))
			goto fail;
		memcpy(b->p + b->len, lp, n);
		b->len += n;
		return 0;
	}
	b->z.next_in = (Bytef *)(uintptr_t)lp;
	b->z.avail_in = (uInt)n;
	for (;;) {
		if (!body_room(b, n / 2 + 4096))
			goto fail;
		b->z.next_out = (Bytef *)b->p + b->len;
		b->z.avail_out = (uInt)(b->cap - b->len);
		int rc = deflate(&b->z, flush);
		b->len = b->cap - b->z.avail_out;
		if (rc == Z_STREAM_END || (flush == Z_NO_FLUSH && b->z.avail_in == 0 && b->z.avail_out > 0))
			return 0;
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			goto fail;
	}
fail:
	b->failed = true;
	return -1;
}

int body_add(struct body *b, const char *lp, size_t n)
{
	b->raw += n;
	return body_put(b, lp, n, Z_NO_FLUSH);
}

int body_finish(struct body *b)
{
	return b->gzip ? body_put(b, "", 0, Z_FINISH) : (b->failed ? -1 : 0);
}

size_t body_raw_len(const struct body *b)
{
	return b->raw;
}

int sender_start(struct sender *s, const struct body *b)
{
	s->resp_len = 0;
	s->resp[0] = '\0';
	s->resp_max = ERR_BODY_MAX;
	s->errbuf[0] = '\0';
	if (curl_easy_setopt(s->easy, CURLOPT_URL, s->write_url) ||
	    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, b->p ? b->p : "") ||
	    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)b->len) ||
	    curl_multi_add_handle(s->multi, s->easy))
		return -1;
	s->busy = true;
	s->requests++;
	s->bytes_in += b->raw;
	s->bytes_out += b->len;
	return 0;
}

/* InfluxDB's error text: {"error":"..."} (1.x), {"code":..,"message":".."} (2.x, 3.x), or plain text. */
static void server_error(const struct sender *s, char *out, size_t len)
{
	cJSON *j = cJSON_ParseWithLength(s->resp, s->resp_len);
	const cJSON *e = j ? cJSON_GetObjectItemCaseSensitive(j, "error") : NULL;

	if (!cJSON_IsString(e))
		e = j ? cJSON_GetObjectItemCaseSensitive(j, "message") : NULL;
	if (e && cJSON_IsString(e) && e->valuestring)
		snprintf(out, len, "%s", e->valuestring);
	else
		snprintf(out, len, "%.*s", (int)strcspn(s->resp, "\r\n"), s->resp);
	cJSON_Delete(j);
}

static enum send_result classify(struct sender *s, CURLcode rc, char *why, size_t whylen, int64_t *retry_ms)
{
	long status = 0;
	curl_off_t ra = 0;
	char text[512];

	*retry_ms = 0;
	if (rc != CURLE_OK) {
		snprintf(why, whylen, "%s", s->errbuf[0] ? s->errbuf : curl_easy_strerror(rc));
		return SEND_RETRY;
	}
	curl_easy_getinfo(s->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status >= 200 && status < 300)
		return SEND_OK;
	if (curl_easy_getinfo(s->easy, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
		*retry_ms = ra > 3600 ? 3600000 : (int64_t)ra * 1000;
	server_error(s, text, sizeof text);
	snprintf(why, whylen, "HTTP %ld%s%s", status, text[0] ? ": " : "", text);
	if (status == 400 || status == 413 || status == 422)
		return SEND_BAD_DATA;
	if (status == 401 || status == 403)
		return SEND_AUTH;
	return SEND_RETRY;
}

bool sender_poll(struct sender *s, enum send_result *res, char *why, size_t whylen, int64_t *retry_after_ms)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(s->multi, &left))) {
		if (msg->msg != CURLMSG_DONE || msg->easy_handle != s->easy)
			continue;
		CURLcode rc = msg->data.result;
		curl_multi_remove_handle(s->multi, s->easy);
		s->busy = false;
		*res = classify(s, rc, why, whylen, retry_after_ms);
		return true;
	}
	return false;
}

void sender_cancel(struct sender *s)
{
	if (s->busy) {
		curl_multi_remove_handle(s->multi, s->easy);
		s->busy = false;
	}
}

/* A blocking request on the write handle: POST url with body. */
static enum send_result request(struct sender *s, const char *url, const char *body, size_t n, size_t max_resp,
    char *why, size_t whylen)
{
	int64_t ra;

	s->resp_len = 0;
	s->resp[0] = '\0';
	s->resp_max = max_resp;
	s->errbuf[0] = '\0';
	if (curl_easy_setopt(s->easy, CURLOPT_URL, url) || curl_easy_setopt(s->easy, CURLOPT_POSTFIELDS, body) ||
	    curl_easy_setopt(s->easy, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n)) {
		snprintf(why, whylen, "cannot set up the request");
		return SEND_RETRY;
	}
	return classify(s, curl_easy_perform(s->easy), why, whylen, &ra);
}

/* InfluxQL identifiers in double quotes, with " and \ escaped. */
static void ident(char *out, size_t len, const char *s)
{
	size_t o = 0;

	out[o++] = '"';
	for (; *s && o + 3 < len; s++) {
		if (*s == '"' || *s == '\\')
			out[o++] = '\\';
		out[o++] = *s;
	}
	out[o++] = '"';
	out[o] = '\0';
}

/* A POST to /query with q (form-encoded); the answer in s->resp. */
static enum send_result query(struct sender *s, const char *q, char *why, size_t whylen)
{
	char url[1200], *form;
	size_t n = strlen(q) * 3 + 8;
	enum send_result r;

	if (!(form = malloc(n))) {
		snprintf(why, whylen, "out of memory");
		return SEND_RETRY;
	}
	memcpy(form, "q=", 2);
	urlenc(form + 2, n - 2, q);
	snprintf(url, sizeof url, "%s/query", s->base);
	/* the query is form data, not line protocol: no gzip header for it */
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, NULL);
	r = request(s, url, form, strlen(form), QUERY_BODY_MAX, why, whylen);
	curl_easy_setopt(s->easy, CURLOPT_HTTPHEADER, s->headers);
	free(form);
	return r;
}

static bool has_database(const struct sender *s, const char *db)
{
	cJSON *j = cJSON_ParseWithLength(s->resp, s->resp_len);
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(j, "results");
	const cJSON *it;
	bool found = false;

	v = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(v, 0), "series");
	v = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(v, 0), "values");
	cJSON_ArrayForEach(it, v) {
		const cJSON *name = cJSON_GetArrayItem(it, 0);
		if (cJSON_IsString(name) && strcmp(name->valuestring, db) == 0)
			found = true;
	}
	cJSON_Delete(j);
	return found;
}

enum send_result sender_prepare(struct sender *s, char *why, size_t whylen)
{
	const struct conf *k = s->k;
	enum send_result r;
	char q[1024], db[300], rp[300];

	if (k->version != 1) {
		/* an empty write: refused with 401/403 when the token is wrong */
		r = request(s, s->write_url, "", 0, ERR_BODY_MAX, why, whylen);
		return r == SEND_BAD_DATA ? SEND_OK : r;
	}
	if ((r = query(s, "SHOW DATABASES", why, whylen)) != SEND_OK)
		return r;
	if (has_database(s, k->db))
		return SEND_OK;
	ident(db, sizeof db, k->db);
	ident(rp, sizeof rp, k->rp_name);
	snprintf(q, sizeof q, "CREATE DATABASE %s WITH DURATION %s REPLICATION 1 NAME %s", db, k->rp_duration, rp);
	if ((r = query(s, q, why, whylen)) != SEND_OK)
		return r;
	/* /query answers 200 with the error inside */
	if (strstr(s->resp, "\"error\"")) {
		server_error(s, why, whylen);
		return SEND_BAD_DATA;
	}
	log_info("created database %s with retention policy %s (%s)", k->db, k->rp_name, k->rp_duration);
	return SEND_OK;
}

void sender_stats(const struct sender *s, uint64_t *requests, uint64_t *bytes_in, uint64_t *bytes_out)
{
	*requests = s->requests;
	*bytes_in = s->bytes_in;
	*bytes_out = s->bytes_out;
}
