/*
 * lp: InfluxDB line protocol, one point at a time.
 *
 * A point is collected first (tags and fields may be set in any order; a
 * key set twice keeps the last value, as Butler SOS's clients do) and then
 * encoded with the escaping rules of InfluxDB 1.x, 2.x and 3.x:
 *   measurement			\ before , and space
 *   tag keys and values, field keys	\ before , = and space; backslashes
 *					as they are, but none at the end (line
 *					protocol cannot carry it: dropped)
 *   string field values		\ before " and \
 * Line protocol has no way to write a newline in a name or tag, so CR and
 * LF there become spaces. Empty tag values are left out: every InfluxDB
 * version refuses them.
 */
#ifndef SENSEOPS_TO_INFLUX_LP_H
#define SENSEOPS_TO_INFLUX_LP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LP_MAX_TAGS	64
#define LP_MAX_FIELDS	96

enum lp_type { LP_STR, LP_RAWSTR, LP_INT, LP_UINT, LP_FLOAT, LP_FLOATTEXT, LP_BOOL };

struct lp_tag {
	const char	*k, *v;
	size_t		 kn, vn;
	bool		 clean;		/* InfluxDB 3 tag cleaning: drop < > \ CR LF */
};

struct lp_field {
	const char	*k;
	size_t		 kn;
	enum lp_type	 t;
	const char	*s;		/* LP_STR */
	size_t		 sn;
	int64_t		 i;		/* LP_INT, LP_UINT (never negative) */
	double		 d;		/* LP_FLOAT */
	bool		 b;		/* LP_BOOL */
};

struct lp_point {
	const char	*meas;
	size_t		 measn;
	struct lp_tag	 tags[LP_MAX_TAGS];
	struct lp_field	 fields[LP_MAX_FIELDS];
	int		 ntags, nfields;
	bool		 strip_crlf;	/* string fields without CR and LF (InfluxDB 3) */
	bool		 overflow;	/* more tags or fields than fit: the point is refused */
};

/* A growing output buffer of whole lines. */
struct lp_buf {
	char		*p;
	size_t		 len, cap;
	size_t		 lines;		/* points encoded into it */
	bool		 oom;
};

void lp_begin(struct lp_point *pt, const char *meas);
void lp_tagn(struct lp_point *pt, const char *k, size_t kn, const char *v, size_t vn, bool clean);
void lp_tag(struct lp_point *pt, const char *k, const char *v);	/* NUL-terminated, not cleaned */
void lp_strn(struct lp_point *pt, const char *k, const char *s, size_t n);
void lp_str(struct lp_point *pt, const char *k, const char *s);
/* A string field already escaped for line protocol (no CR or LF in it either). */
void lp_rawstrn(struct lp_point *pt, const char *k, const char *s, size_t n);
void lp_int(struct lp_point *pt, const char *k, int64_t v);
void lp_uint(struct lp_point *pt, const char *k, int64_t v);	/* negative values become 0 */
void lp_float(struct lp_point *pt, const char *k, double v);	/* NaN and infinities are left out */
void lp_bool(struct lp_point *pt, const char *k, bool v);
/* A float given as the text of a JSON number (which line protocol reads as a float). */
void lp_floattext(struct lp_point *pt, const char *k, const char *s, size_t n);
/* Is key k among the point's tags? Among its fields? */
bool lp_has_tag(const struct lp_point *pt, const char *k, size_t kn);
bool lp_has_field(const struct lp_point *pt, const char *k);

/*
 * Appends the point as one line ending in "\n", with timestamp ts (ns).
 * Returns 1 when a line was written, 0 when the point has no fields (line
 * protocol needs one) or overflowed, -1 when memory ran out.
 */
int lp_encode(const struct lp_point *pt, int64_t ts_ns, struct lp_buf *out);

void lp_buf_free(struct lp_buf *b);
/* Makes room for n more bytes; false when memory runs out. */
bool lp_buf_reserve(struct lp_buf *b, size_t n);

#endif
