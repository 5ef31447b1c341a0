/* sim: what the modules of sense-sim share: the simulated servers, the faults, the run. */
#ifndef SENSE_SIM_H
#define SENSE_SIM_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#define MAX_SERVERS 1000
#define MAX_CONNS 1024		/* connection threads at once; more wait in the backlog */
#define MAX_APPS 100000		/* --apps */
#define MAX_FAULTS 256
#define MAX_LATENCY_MS 600000
#define MAX_PSESS 64		/* proxy sessions a server keeps */
#define MAX_RESPONDS 16		/* --respond */
#define RESPOND_MAX (1 << 20)	/* a --respond FILE may hold this many bytes */

/* The endpoints a request can reach; EP_OTHER is every other path (404). */
enum endpoint { EP_HEALTH, EP_SESSION, EP_APPS, EP_OTHER, EP_N };

enum fault_kind { FK_STATUS, FK_MALFORMED, FK_OVERSIZED, FK_HANG, FK_CLOSE, FK_LATENCY };

struct fault {
	const char *text;	/* as given, for messages */
	int first, last;	/* servers first..last */
	int kind;
	long long value;	/* the status, the size or the latency */
	int endpoint;		/* an enum endpoint, or -1 for every request */
	long long count;	/* only the first count matching requests per server; 0: all */
	atomic_llong *used;	/* per server: how many requests it has hit */
};

/* A proxy session a simulated server keeps between requests. */
struct psess {
	int user;		/* index into the user pool */
	char id[37];
};

struct server {
	int index;
	int fd;			/* listening socket */
	int port;
	pthread_mutex_t mu;	/* guards everything below */
	uint64_t rng;
	double total_phys, committed, reserved, other_use;
	double cpu;
	int sess_total, sess_active, users_total, users_active;
	long long calls, selections, hits, lookups, added, replaced, bytes_added;
	char session_app[48];	/* "SessionApp_<uuid>" while one is loaded, else "" */
	struct psess psess[MAX_PSESS];
	int npsess;
};

/* --respond PATH=FILE: a fixed body, read once at start, served as it is. */
struct respond {
	char path[256];		/* a path route() knows, without a trailing "/" */
	const char *file;	/* as given, for messages */
	char *body;
	size_t len;
};

struct app {
	char id[37];
	char name[64];
};

struct sim {
	struct server *servers;
	int nservers;
	SSL_CTX *ctx;
	int latency_ms;
	struct fault faults[MAX_FAULTS];
	int nfaults;
	struct app *apps;
	int napps;
	char *qrs_body;		/* built once: the app list does not change */
	size_t qrs_len;
	struct respond responds[MAX_RESPONDS];
	int nresponds;
	char started[64];	/* the health check's "started" */
	int stop_fd;		/* read end of a pipe whose write end is closed to stop */
	int log_fd;		/* --log-requests, or -1 */
	pthread_mutex_t log_mu;
	atomic_int nconns;
	atomic_ullong requests;
	pthread_mutex_t conns_mu;
	pthread_cond_t conns_cv;	/* signalled when nconns drops */
};

/* log.h's rate limiter is not thread-safe: every thread logs through this. */
__attribute__((format(printf, 2, 3)))
void sim_log(int level, const char *fmt, ...);

/* jsonw keeps a static key cache: every thread writes JSON under this lock. */
void json_lock(void);
void json_unlock(void);

/* splitmix64: tiny, and good enough to vary test data */
uint64_t rng_next(uint64_t *s);
/* Uniform in [0, n), n > 0. */
uint32_t rng_below(uint64_t *s, uint32_t n);
double rng_unit(uint64_t *s);
/* A lower-case version 4 GUID and its NUL. */
void rng_uuid(uint64_t *s, char out[37]);

/* body.c: the JSON the endpoints answer with */
int apps_init(struct sim *s, int extra, uint64_t seed);
void apps_free(struct sim *s);
void server_init(struct server *srv, int index, uint64_t seed, const struct sim *s);
/* Malloc'd bodies; NULL when out of memory. */
char *body_health(const struct sim *s, struct server *srv, size_t *len);
char *body_sessions(const struct sim *s, struct server *srv, size_t *len);
/* The head and tail of an oversized body for ep: head + padding + tail is valid JSON. */
void body_oversized_parts(const struct sim *s, int ep, const char **head, const char **tail);

/* fault.c */
/* Parses a --fault SPEC into f; returns 0, or -1 with a message in err. */
int fault_parse(const char *spec, int nservers, struct fault *f, char *err, size_t errlen);
/* Allocates the per-server counters; returns -1 when out of memory. */
int fault_arm(struct fault *f, int nservers);
void fault_free(struct fault *f);
/*
 * What happens to a request of server srv to endpoint ep: the last
 * matching response fault (NULL: none) and the latency, from the last
 * matching latency fault or --latency.
 */
const struct fault *fault_pick(struct sim *s, int srv, int ep, int *latency_ms);
const char *endpoint_name(int ep);

/* certs.c */
/* --make-certs: returns an exit status. */
int certs_make(const char *dir);
/* The server context: cert from server.pem or other_server.pem, clients verified against root.pem. */
SSL_CTX *certs_server_ctx(const char *dir, bool other, char *err, size_t errlen);

/* conn.c */
/* Which endpoint a path (without the query) is. */
int route(const char *path);
/* The thread that serves one accepted connection; arg is a struct conn_start *. */
struct conn_start {
	struct sim *sim;
	struct server *srv;
	int fd;
};
void *conn_main(void *arg);

/* udp.c: log4net datagrams to loopback while the simulator runs */
struct udp_opts {
	const char *log, *user;	/* ADDR:PORT or NULL */
	long long rate;
};
/* Checks and opens the destinations; returns 0, or -1 with a message in err. */
int udp_open(const struct udp_opts *o, char *err, size_t errlen);
/* Starts the sending thread; returns 0 or -1 (errno). */
int udp_start(struct sim *s, uint64_t seed);
/* After the stop pipe closed: waits for the thread and closes the sockets. */
void udp_join(void);

#endif
