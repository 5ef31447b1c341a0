/*
 * gen: realistic Qlik Sense log4net datagrams, the seven kinds the Butler
 * SOS appenders send (udp-formats.md §4 and §5), each carrying a sequence
 * number where udp-listen keeps it in the record.
 */
#ifndef UDP_BLAST_GEN_H
#define UDP_BLAST_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum dg_type {
	DG_ENGINE,
	DG_PROXY,
	DG_REPOSITORY,
	DG_SCHEDULER,
	DG_QIXPERF,
	DG_SESSION,
	DG_CONNECTION,
	DG_NTYPES
};

/* The longest datagram gen_datagram() writes, with room to spare. */
#define DG_MAX 2048

/* "engine", "qixperf", ...; the names --types takes. */
const char *dg_type_name(int type);
/* The type named by the first len bytes of s, or -1. */
int dg_type_parse(const char *s, size_t len);
/* True for the user-event types (port 9997), false for log events (9996). */
bool dg_type_is_user(int type);

struct gen;

/* Draws the pool of hosts, apps, users and sessions from seed; NULL when out of memory. */
struct gen *gen_new(uint64_t seed, int64_t wall_ms);
void gen_free(struct gen *g);
/*
 * Writes datagram number seq of the given type, stamped wall_ms (ms since
 * the epoch), into buf without a terminating NUL or newline. Returns its
 * length, or 0 when it does not fit in cap.
 */
size_t gen_datagram(struct gen *g, int type, uint64_t seq, int64_t wall_ms, char *buf, size_t cap);

#endif
