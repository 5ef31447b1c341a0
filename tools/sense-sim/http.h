/* http: a strict, bounded HTTP/1.x request-head parser for sense-sim. */
#ifndef SENSE_SIM_HTTP_H
#define SENSE_SIM_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#define HTTP_HEAD_MAX (16 * 1024)	/* request line and headers; more is 431 */
#define HTTP_MAX_HEADERS 100

struct http_header {
	char *name;		/* lower-cased */
	char *value;		/* without surrounding white space */
};

struct http_req {
	char *method;
	char *target;		/* as sent; cut at "?" by the parser */
	char *path;		/* the target's path, before '?' */
	char *query;		/* after '?', or NULL */
	int minor;		/* HTTP/1.minor */
	struct http_header h[HTTP_MAX_HEADERS];
	int nh;
	bool keep_alive;
	long long content_length;	/* -1: none */
	bool chunked;
};

/*
 * Where the head in buf[0..n) ends: the length up to and including the
 * empty line (CRLF CRLF, or bare LFs), 0 when it has not ended yet.
 */
size_t http_head_end(const char *buf, size_t n);
/*
 * Parses a complete head of len bytes in place: parts are NUL-terminated
 * in the buffer and header names lower-cased. Returns 0, or the status to
 * answer with: 400, 431 (too many headers), 501 (a transfer coding), 505.
 */
int http_parse(char *head, size_t len, struct http_req *r);
/* The first value of the header named lname (lower case), or NULL. */
const char *http_header(const struct http_req *r, const char *lname);
/*
 * Copies the percent-decoded value of query parameter name (matched
 * without regard to case, as Sense does for xrfkey) into out. Returns
 * false when the parameter is missing or does not fit.
 */
bool http_query_param(const char *query, const char *name, char *out, size_t cap);
const char *http_reason(int status);

#endif
