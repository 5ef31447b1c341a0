/* http: request-head parsing for sense-sim; never trusts a byte of it. */
#include "http.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

size_t http_head_end(const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] != '\n')
			continue;
		if (i + 1 < n && buf[i + 1] == '\n')
			return i + 2;
		if (i + 2 < n && buf[i + 1] == '\r' && buf[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* RFC 9110 tchar */
static bool is_tchar(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* Cuts the next line off *p (LF or CRLF); NULL at the end. */
static char *next_line(char **p, char *end)
{
	char *s = *p, *nl;

	if (s >= end)
		return NULL;
	nl = memchr(s, '\n', (size_t)(end - s));
	if (!nl)
		nl = end;
	*p = nl < end ? nl + 1 : end;
	if (nl > s && nl[-1] == '\r')
		nl--;
	*nl = '\0';
	return s;
}

/* True when the comma-separated list has token tok (any case). */
static bool has_token(const char *list, const char *tok)
{
	size_t tl = strlen(tok);

	while (*list) {
		while (*list == ' ' || *list == '\t' || *list == ',')
			list++;
		size_t n = strcspn(list, ",");
		size_t m = n;
		while (m > 0 && (list[m - 1] == ' ' || list[m - 1] == '\t'))
			m--;
		if (m == tl && strncasecmp(list, tok, tl) == 0)
			return true;
		list += n;
	}
	return false;
}

static int parse_request_line(char *line, struct http_req *r)
{
	char *sp1 = strchr(line, ' '), *sp2;

	if (!sp1)
		return 400;
	*sp1 = '\0';
	sp2 = strchr(sp1 + 1, ' ');
	if (!sp2)
		return 400;
	*sp2 = '\0';
	r->method = line;
	r->target = sp1 + 1;
	if (!*r->method || !*r->target)
		return 400;
	for (const char *m = r->method; *m; m++)
		if (!is_tchar((unsigned char)*m))
			return 400;
	for (const char *t = r->target; *t; t++)
		if ((unsigned char)*t <= ' ' || (unsigned char)*t == 0x7f)
			return 400;
	const char *v = sp2 + 1;
	if (strncmp(v, "HTTP/", 5) != 0 || !isdigit((unsigned char)v[5]) || v[6] != '.' ||
	    !isdigit((unsigned char)v[7]) || v[8])
		return 400;
	if (v[5] != '1')
		return 505;
	r->minor = v[7] - '0';

	/* absolute form: skip scheme and authority */
	char *path = r->target;
	if (*path != '/') {
		char *ss = strstr(path, "://");
		if (!ss)
			return 400;
		path = strchr(ss + 3, '/');
		if (!path)
			return 400;	/* "http://host" alone has no path to answer */
	}
	r->path = path;
	return 0;
}

int http_parse(char *head, size_t len, struct http_req *r)
{
	char *p = head, *end = head + len, *line;
	int rc;

	memset(r, 0, sizeof *r);
	r->content_length = -1;
	line = next_line(&p, end);
	/* RFC 9112 2.2: one empty line before the request line may be ignored */
	if (line && !*line)
		line = next_line(&p, end);
	if (!line)
		return 400;
	if ((rc = parse_request_line(line, r)) != 0)
		return rc;

	while ((line = next_line(&p, end)) && *line) {
		char *colon = strchr(line, ':');
		if (!colon || colon == line)
			return 400;
		*colon = '\0';
		for (char *n = line; *n; n++) {
			if (!is_tchar((unsigned char)*n))
				return 400;	/* also white space before the colon and obs-fold */
			*n = (char)tolower((unsigned char)*n);
		}
		char *v = colon + 1, *ve;
		while (*v == ' ' || *v == '\t')
			v++;
		ve = v + strlen(v);
		while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
			ve--;
		*ve = '\0';
		for (const char *c = v; *c; c++)
			if (((unsigned char)*c < ' ' && *c != '\t') || *c == 0x7f)
				return 400;
		if (r->nh == HTTP_MAX_HEADERS)
			return 431;
		r->h[r->nh].name = line;
		r->h[r->nh].value = v;
		r->nh++;
	}

	for (int i = 0; i < r->nh; i++) {
		const char *n = r->h[i].name, *v = r->h[i].value;
		if (strcmp(n, "content-length") == 0) {
			char *e;
			long long cl;
			if (!isdigit((unsigned char)*v))
				return 400;
			errno = 0;
			cl = strtoll(v, &e, 10);
			if (errno || *e || (r->content_length >= 0 && cl != r->content_length))
				return 400;
			r->content_length = cl;
		} else if (strcmp(n, "transfer-encoding") == 0) {
			r->chunked = true;
		}
	}
	if (r->chunked)
		return r->content_length >= 0 ? 400 : 501;

	const char *conn = http_header(r, "connection");
	r->keep_alive = r->minor >= 1;
	if (conn && has_token(conn, "close"))
		r->keep_alive = false;
	else if (conn && has_token(conn, "keep-alive"))
		r->keep_alive = true;

	/* the log keeps path and query apart, so the target may be cut */
	r->path[strcspn(r->path, "#")] = '\0';
	char *q = strchr(r->path, '?');
	if (q) {
		*q = '\0';
		r->query = q + 1;
	}
	return 0;
}

const char *http_header(const struct http_req *r, const char *lname)
{
	for (int i = 0; i < r->nh; i++)
		if (strcmp(r->h[i].name, lname) == 0)
			return r->h[i].value;
	return NULL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool http_query_param(const char *query, const char *name, char *out, size_t cap)
{
	size_t nl = strlen(name);

	if (!query)
		return false;
	for (const char *p = query; *p;) {
		size_t n = strcspn(p, "&");
		const char *eq = memchr(p, '=', n);
		size_t kl = eq ? (size_t)(eq - p) : n;

		if (kl == nl && strncasecmp(p, name, nl) == 0) {
			const char *v = eq ? eq + 1 : p + n, *ve = p + n;
			size_t o = 0;
			while (v < ve) {
				int c = (unsigned char)*v++;
				int hi = ve - v >= 2 ? hexval(v[0]) : -1, lo = ve - v >= 2 ? hexval(v[1]) : -1;
				if (c == '+') {
					c = ' ';
				} else if (c == '%' && hi >= 0 && lo >= 0) {
					c = hi * 16 + lo;
					v += 2;
				}
				if (o + 1 >= cap)
					return false;
				out[o++] = (char)c;
			}
			if (cap == 0)
				return false;
			out[o] = '\0';
			return true;
		}
		p += n;
		if (*p == '&')
			p++;
	}
	return false;
}

const char *http_reason(int status)
{
	static const struct {
		int status;
		const char *reason;
	} r[] = {
		{ 200, "OK" }, { 201, "Created" }, { 204, "No Content" },
		{ 301, "Moved Permanently" }, { 302, "Found" }, { 304, "Not Modified" },
		{ 400, "Bad Request" }, { 401, "Unauthorized" }, { 403, "Forbidden" },
		{ 404, "Not Found" }, { 405, "Method Not Allowed" }, { 408, "Request Timeout" },
		{ 409, "Conflict" }, { 411, "Length Required" }, { 413, "Content Too Large" },
		{ 429, "Too Many Requests" }, { 431, "Request Header Fields Too Large" },
		{ 500, "Internal Server Error" }, { 501, "Not Implemented" }, { 502, "Bad Gateway" },
		{ 503, "Service Unavailable" }, { 504, "Gateway Timeout" },
		{ 505, "HTTP Version Not Supported" },
	};
	for (size_t i = 0; i < sizeof r / sizeof r[0]; i++)
		if (r[i].status == status)
			return r[i].reason;
	return "Status";
}
