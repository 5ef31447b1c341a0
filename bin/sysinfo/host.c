/* host: machine facts (OS, CPU, memory, load, interfaces, filesystems) for the host record. */
#include "host.h"

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <sys/utsname.h>

#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "proc.h"
#include "timefmt.h"
#include "utf8.h"

/* cpuinfo has ~1.5 KiB per CPU; this allows some 10000 CPUs. */
#define CPUINFO_MAX	(16 * 1024 * 1024)
/* Hosts with many containers have thousands of mounts; beyond this we stop. */
#define MOUNTS_MAX	10000
#define MOUNTS_BYTES	(16 * 1024 * 1024)
/* os-release values longer than this are left out rather than cut. */
#define OSREL_VAL_MAX	256

struct jw {
	cJSON	*obj;
	int	 fail;
};

static void jw_str(struct jw *w, const char *k, const char *v)
{
	if (cJSON_AddStringToObject(w->obj, k, v) == NULL)
		w->fail = 1;
}

static void jw_num(struct jw *w, const char *k, double v)
{
	if (cJSON_AddNumberToObject(w->obj, k, v) == NULL)
		w->fail = 1;
}

static void jw_bool(struct jw *w, const char *k, int v)
{
	if (cJSON_AddBoolToObject(w->obj, k, v) == NULL)
		w->fail = 1;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Trims blanks at both ends in place; returns the new start. */
static char *trim(char *s)
{
	char *e;

	while (is_blank(*s))
		s++;
	e = s + strlen(s);
	while (e > s && is_blank(e[-1]))
		*--e = '\0';
	return s;
}

/* Reads a small file of root and returns its text trimmed, or NULL. */
static char *read_small(const char *root, const char *rel, char *buf, size_t size)
{
	char path[PATH_MAX];

	if (proc_path(path, sizeof(path), root, "%s", rel) == -1 ||
	    file_read(path, buf, size) == -1)
		return NULL;
	return trim(buf);
}

/* --- host id ------------------------------------------------------------- */

static int machine_id(const char *root, char *out, size_t size)
{
	static const char *const files[] = { "/etc/machine-id", "/var/lib/dbus/machine-id" };
	char path[PATH_MAX], buf[256], *s;
	ssize_t n;

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (proc_path(path, sizeof(path), root, "%s", files[i]) == -1 ||
		    (n = file_read(path, buf, sizeof(buf))) == -1)
			continue;
		/* a first line that does not fit is not a machine id */
		if (memchr(buf, '\n', (size_t)n) == NULL && (size_t)n == sizeof(buf) - 1)
			continue;
		buf[strcspn(buf, "\n")] = '\0';
		s = trim(buf);
		/* systemd writes "uninitialized" until first boot completes */
		if (*s == '\0' || strcmp(s, "uninitialized") == 0 || strlen(s) >= size)
			continue;
		memcpy(out, s, strlen(s) + 1);
		return 0;
	}
	return -1;
}

int host_id(const char *root, const char *hostname, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	char id[256], data[256 + 256];
	size_t il, hl;

	out[0] = '\0';
	if (hostname == NULL)
		hostname = "";
	if (machine_id(root, id, sizeof(id)) == -1)
		return -1;
	il = strlen(id);
	hl = strlen(hostname);
	if (hl >= sizeof(data) - il)
		return -1;
	memcpy(data, id, il);
	memcpy(data + il, hostname, hl);
	if (EVP_Digest(data, il + hl, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
		return -1;
	for (unsigned int i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 0xf];
	}
	out[64] = '\0';
	return 0;
}

/* --- os-release ---------------------------------------------------------- */

/*
 * Unquotes a value the way systemd reads os-release(5): '...' is literal,
 * "..." honours \" \\ \$ \` (other backslashes stay), and outside quotes a
 * backslash escapes the next character and trailing blanks are dropped.
 * Returns -1 when the result does not fit.
 */
static int unquote(const char *s, char *out, size_t size)
{
	size_t n = 0, keep = 0;
	char q = 0, c;

	for (; *s != '\0'; s++) {
		c = *s;
		if (q == '\'') {
			if (c == '\'') {
				q = 0;
				continue;
			}
		} else if (q == '"') {
			if (c == '"') {
				q = 0;
				continue;
			}
			if (c == '\\' && s[1] != '\0' && strchr("\"\\$`", s[1]) != NULL)
				c = *++s;
		} else if (c == '"' || c == '\'') {
			q = c;
			continue;
		} else if (c == '\\' && s[1] != '\0') {
			c = *++s;
		} else if (is_blank(c)) {
			if (n + 1 >= size)
				return -1;
			out[n++] = c;
			continue;	/* not kept unless more follows */
		}
		if (n + 1 >= size)
			return -1;
		out[n++] = c;
		keep = n;
	}
	/* an unterminated quote keeps what it holds: the line was cut */
	out[q ? n : keep] = '\0';
	return 0;
}

static void os_release(struct jw *w, const char *root)
{
	enum { NAME, VERSION, VERSION_ID, ID, PRETTY, NKEYS };
	static const char *const keys[NKEYS] = {
		"NAME", "VERSION", "VERSION_ID", "ID", "PRETTY_NAME"
	};
	char vals[NKEYS][OSREL_VAL_MAX], path[PATH_MAX], val[OSREL_VAL_MAX];
	struct lines l;
	char *k, *eq, *e;
	int i;

	memset(vals, 0, sizeof(vals));
	if ((proc_path(path, sizeof(path), root, "/etc/os-release") == -1 ||
	    lines_open(&l, path, FILE_SMALL_MAX) == -1) &&
	    (proc_path(path, sizeof(path), root, "/usr/lib/os-release") == -1 ||
	    lines_open(&l, path, FILE_SMALL_MAX) == -1))
		return;
	while (lines_next(&l)) {
		k = l.line;
		while (is_blank(*k))
			k++;
		if (*k == '#' || *k == ';' || (eq = strchr(k, '=')) == NULL)
			continue;
		for (e = eq; e > k && is_blank(e[-1]); e--)
			;
		*e = '\0';
		for (e = eq + 1; is_blank(*e); e++)
			;
		for (i = 0; i < NKEYS && strcmp(k, keys[i]) != 0; i++)
			;
		/* the last assignment wins, as when the shell sources the file */
		if (i < NKEYS && unquote(e, val, sizeof(val)) == 0)
			memcpy(vals[i], val, sizeof(val));
	}
	lines_close(&l);

	for (i = 0; i < NKEYS; i++)
		utf8_sanitize(vals[i], false);
	if (vals[NAME][0] != '\0')
		jw_str(w, "os_name", vals[NAME]);
	if (vals[VERSION][0] != '\0')
		jw_str(w, "os_version", vals[VERSION]);
	else if (vals[VERSION_ID][0] != '\0')
		jw_str(w, "os_version", vals[VERSION_ID]);
	if (vals[ID][0] != '\0')
		jw_str(w, "os_id", vals[ID]);
	if (vals[PRETTY][0] != '\0')
		jw_str(w, "os_pretty_name", vals[PRETTY]);
}

/* --- CPU ----------------------------------------------------------------- */

struct core {
	uint64_t	phys, core;
};

static int core_cmp(const void *a, const void *b)
{
	const struct core *x = a, *y = b;

	if (x->phys != y->phys)
		return x->phys < y->phys ? -1 : 1;
	if (x->core != y->core)
		return x->core < y->core ? -1 : 1;
	return 0;
}

/* CPUs in a kernel CPU list such as "0-3,5,7-8"; -1 when malformed. */
static long cpu_list_count(const char *s)
{
	uint64_t a, b;
	long n = 0;

	for (;;) {
		if (proc_parse_u64(&s, &a) == -1)
			return -1;
		b = a;
		if (*s == '-') {
			s++;
			if (proc_parse_u64(&s, &b) == -1 || b < a)
				return -1;
		}
		/* far beyond any kernel's NR_CPUS: garbage */
		if (b >= 1u << 20 || (uint64_t)n + (b - a + 1) >= 1u << 20)
			return -1;
		n += (long)(b - a + 1);
		if (*s != ',')
			break;
		s++;
	}
	return *s == '\0' ? n : -1;
}

struct cpuinfo {
	char		 model[256];
	int		 model_rank;
	long		 processors;
	double		 mhz_sum;
	long		 mhz_n;
	struct core	*cores;
	size_t		 ncores, cap;
	struct core	 cur;
	int		 have_phys, have_core;
	int		 fail;
};

/* Ends a processor block: remember its (physical id, core id) pair. */
static void cpu_commit(struct cpuinfo *ci)
{
	struct core *nc;
	size_t ncap;

	if (ci->have_phys && ci->have_core && !ci->fail) {
		if (ci->ncores == ci->cap) {
			ncap = ci->cap ? ci->cap * 2 : 64;
			if ((nc = reallocarray(ci->cores, ncap, sizeof(*nc))) == NULL) {
				ci->fail = 1;
				goto out;
			}
			ci->cores = nc;
			ci->cap = ncap;
		}
		ci->cores[ci->ncores++] = ci->cur;
	}
out:
	ci->have_phys = ci->have_core = 0;
}

static void cpuinfo_line(struct cpuinfo *ci, char *line)
{
	/* x86 and most others say "model name"; some ARM boards only these */
	static const char *const model_keys[] = { "Hardware", "Model", "model name" };
	const char *p;
	char *k, *v;
	double d;
	int r;

	if (line[0] == '\0') {
		cpu_commit(ci);
		return;
	}
	if (proc_split_kv(line, &k, &v) == -1)
		return;
	p = v;
	if (strcmp(k, "processor") == 0) {
		cpu_commit(ci);
		ci->processors++;
	} else if (strcmp(k, "physical id") == 0) {
		ci->have_phys = proc_parse_u64(&p, &ci->cur.phys) == 0 && *p == '\0';
	} else if (strcmp(k, "core id") == 0) {
		ci->have_core = proc_parse_u64(&p, &ci->cur.core) == 0 && *p == '\0';
	} else if (strcmp(k, "cpu MHz") == 0) {
		if (proc_parse_double(&p, &d) == 0 && *p == '\0') {
			ci->mhz_sum += d;
			ci->mhz_n++;
		}
	} else {
		for (r = 0; r < 3 && strcmp(k, model_keys[r]) != 0; r++)
			;
		if (r < 3 && r + 1 > ci->model_rank && *v != '\0' &&
		    strlen(v) < sizeof(ci->model)) {
			memcpy(ci->model, v, strlen(v) + 1);
			ci->model_rank = r + 1;
		}
	}
}

static void cpu(struct jw *w, const char *root)
{
	struct cpuinfo ci;
	struct lines l;
	char path[PATH_MAX], buf[4096], *s;
	long cores = -1, phys = 0;

	memset(&ci, 0, sizeof(ci));
	if (proc_path(path, sizeof(path), root, "/proc/cpuinfo") == 0 &&
	    lines_open(&l, path, CPUINFO_MAX) == 0) {
		while (lines_next(&l))
			cpuinfo_line(&ci, l.line);
		cpu_commit(&ci);
		lines_close(&l);
	}
	if (ci.fail)
		w->fail = 1;

	if (ci.model[0] != '\0') {
		utf8_sanitize(ci.model, true);
		jw_str(w, "cpu_model", ci.model);
	}
	/* online CPUs; cpuinfo may list only those the container may use */
	if ((s = read_small(root, "/sys/devices/system/cpu/online", buf, sizeof(buf))) != NULL)
		cores = cpu_list_count(s);
	if (cores <= 0 && ci.processors > 0)
		cores = ci.processors;
	if (cores > 0)
		jw_num(w, "cpu_cores", (double)cores);
	if (ci.ncores > 0) {
		qsort(ci.cores, ci.ncores, sizeof(*ci.cores), core_cmp);
		for (size_t i = 0; i < ci.ncores; i++)
			if (i == 0 || core_cmp(&ci.cores[i - 1], &ci.cores[i]) != 0)
				phys++;
		jw_num(w, "cpu_physical_cores", (double)phys);
	}
	if (ci.mhz_n > 0)
		jw_num(w, "cpu_mhz", ci.mhz_sum / (double)ci.mhz_n);
	free(ci.cores);
}

/* --- memory, uptime, load ------------------------------------------------ */

static void memory(struct jw *w, const char *root)
{
	static const char *const keys[] = {
		"MemTotal", "MemAvailable", "MemFree", "SwapTotal", "SwapFree"
	};
	static const char *const fields[] = {
		"mem_total_bytes", "mem_available_bytes", "mem_free_bytes",
		"swap_total_bytes", "swap_free_bytes"
	};
	enum { NMEM = sizeof(keys) / sizeof(keys[0]) };
	struct lines l;
	char path[PATH_MAX], *k, *v;
	const char *p;
	int64_t vals[NMEM];
	uint64_t n;
	size_t i;

	for (i = 0; i < NMEM; i++)
		vals[i] = -1;
	if (proc_path(path, sizeof(path), root, "/proc/meminfo") == -1 ||
	    lines_open(&l, path, FILE_SMALL_MAX) == -1)
		return;
	while (lines_next(&l)) {
		if (proc_split_kv(l.line, &k, &v) == -1)
			continue;
		for (i = 0; i < NMEM && strcmp(k, keys[i]) != 0; i++)
			;
		if (i == NMEM || vals[i] >= 0)
			continue;
		p = v;
		/* the unit is always kB; without it the line was cut */
		if (proc_parse_u64(&p, &n) == 0 && strcmp(p, " kB") == 0 &&
		    n <= (uint64_t)INT64_MAX / 1024)
			vals[i] = (int64_t)(n * 1024);
	}
	lines_close(&l);
	for (i = 0; i < NMEM; i++)
		if (vals[i] >= 0)
			jw_num(w, fields[i], (double)vals[i]);
}

static void uptime(struct jw *w, const char *root)
{
	char buf[256], ts[TIME_RFC3339_LEN];
	const char *p;
	double up;

	if ((p = read_small(root, "/proc/uptime", buf, sizeof(buf))) == NULL ||
	    proc_parse_double(&p, &up) == -1 || (*p != ' ' && *p != '\0'))
		return;
	jw_num(w, "uptime_seconds", up);
	/* beyond a few centuries it is garbage, and would overflow in ms */
	if (up < 1e10)
		jw_str(w, "boot_time",
		    time_format_rfc3339(time_now_ms() - (int64_t)(up * 1000.0), ts));
}

static void load(struct jw *w, const char *root)
{
	static const char *const fields[] = { "load_1", "load_5", "load_15" };
	char buf[256];
	const char *p;
	double v;

	if ((p = read_small(root, "/proc/loadavg", buf, sizeof(buf))) == NULL)
		return;
	for (int i = 0; i < 3; i++) {
		if (proc_parse_double(&p, &v) == -1 || (*p != ' ' && *p != '\0'))
			return;
		jw_num(w, fields[i], v);
		while (*p == ' ')
			p++;
	}
}

/* --- interfaces ---------------------------------------------------------- */

/* "AA:bb:..." from ROOT/sys/class/net/NAME/address, lower-cased; -1 if none. */
static int read_mac(const char *root, const char *name, char *out, size_t size)
{
	char path[PATH_MAX], buf[256], *s;
	int nonzero = 0;
	size_t i, n;

	/* names come from the kernel, but keep the path inside root anyway */
	if (strchr(name, '/') != NULL || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
	    proc_path(path, sizeof(path), root, "/sys/class/net/%s/address", name) == -1 ||
	    file_read(path, buf, sizeof(buf)) == -1)
		return -1;
	s = trim(buf);
	n = strlen(s);
	if (n < 2 || n >= size || n % 3 != 2)
		return -1;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (i % 3 == 2) {
			if (c != ':')
				return -1;
			out[i] = c;
			continue;
		}
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return -1;
		if (c != '0')
			nonzero = 1;
		out[i] = c;
	}
	out[n] = '\0';
	return nonzero ? 0 : -1;
}

struct ifc {
	const char	*name;		/* points into the getifaddrs list */
	unsigned int	 flags;
	cJSON		*v4, *v6;
};

static int ifc_cmp(const void *a, const void *b)
{
	return strcmp(((const struct ifc *)a)->name, ((const struct ifc *)b)->name);
}

static int add_addr(cJSON *arr, int family, const void *src)
{
	char buf[INET6_ADDRSTRLEN];
	cJSON *s;

	if (inet_ntop(family, src, buf, sizeof(buf)) == NULL)
		return 0;	/* cannot happen for a valid family; skip it */
	if ((s = cJSON_CreateString(buf)) == NULL)
		return -1;
	if (!cJSON_AddItemToArray(arr, s)) {
		cJSON_Delete(s);
		return -1;
	}
	return 0;
}

/* Builds one interface object; takes the address arrays from f. */
static int ifc_object(cJSON *arr, struct ifc *f, const char *root)
{
	struct jw w;
	char mac[128], name[IF_NAMESIZE * 4 + 1];

	if ((w.obj = cJSON_CreateObject()) == NULL)
		return -1;
	if (!cJSON_AddItemToArray(arr, w.obj)) {
		cJSON_Delete(w.obj);
		return -1;
	}
	w.fail = 0;
	if (strlen(f->name) < sizeof(name)) {
		memcpy(name, f->name, strlen(f->name) + 1);
		utf8_sanitize(name, true);
		jw_str(&w, "name", name);
	} else {
		jw_str(&w, "name", "?");
	}
	if (read_mac(root, f->name, mac, sizeof(mac)) == 0)
		jw_str(&w, "mac", mac);
	if (!cJSON_AddItemToObject(w.obj, "ipv4", f->v4))
		return -1;
	f->v4 = NULL;
	if (!cJSON_AddItemToObject(w.obj, "ipv6", f->v6))
		return -1;
	f->v6 = NULL;
	jw_bool(&w, "up", (f->flags & IFF_UP) != 0);
	jw_bool(&w, "loopback", (f->flags & IFF_LOOPBACK) != 0);
	return w.fail ? -1 : 0;
}

static void interfaces(struct jw *w, const char *root)
{
	struct ifaddrs *all, *ifa;
	struct ifc *v = NULL, *nv;
	size_t n = 0, cap = 0, i;
	cJSON *arr;
	int fam;

	if (getifaddrs(&all) == -1)
		return;
	for (ifa = all; ifa != NULL; ifa = ifa->ifa_next) {
		if (ifa->ifa_name == NULL)
			continue;
		for (i = 0; i < n && strcmp(v[i].name, ifa->ifa_name) != 0; i++)
			;
		if (i == n) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL)
					goto nomem;
				v = nv;
			}
			v[n].name = ifa->ifa_name;
			v[n].flags = ifa->ifa_flags;
			v[n].v4 = cJSON_CreateArray();
			v[n].v6 = cJSON_CreateArray();
			n++;
			if (v[i].v4 == NULL || v[i].v6 == NULL)
				goto nomem;
		}
		if (ifa->ifa_addr == NULL)
			continue;
		fam = ifa->ifa_addr->sa_family;
		if (fam == AF_INET && add_addr(v[i].v4, AF_INET,
		    &((const struct sockaddr_in *)(const void *)ifa->ifa_addr)->sin_addr) == -1)
			goto nomem;
		if (fam == AF_INET6 && add_addr(v[i].v6, AF_INET6,
		    &((const struct sockaddr_in6 *)(const void *)ifa->ifa_addr)->sin6_addr) == -1)
			goto nomem;
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), ifc_cmp);
	if ((arr = cJSON_AddArrayToObject(w->obj, "interfaces")) == NULL)
		goto nomem;
	for (i = 0; i < n; i++)
		if (ifc_object(arr, &v[i], root) == -1)
			goto nomem;
	goto out;
nomem:
	w->fail = 1;
out:
	for (i = 0; i < n; i++) {
		cJSON_Delete(v[i].v4);
		cJSON_Delete(v[i].v6);
	}
	free(v);
	freeifaddrs(all);
}

/* --- filesystems --------------------------------------------------------- */

/*
 * Kernel and helper filesystems that hold no user data. squashfs is here
 * too: snap packages mount one image each, always full, and would drown
 * the real disks. overlay (containers) stays: it is where data is written.
 */
static const char *const pseudo_fs[] = {
	"autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs",
	"debugfs", "devpts", "devtmpfs", "efivarfs", "fuse.gvfsd-fuse",
	"fuse.lxcfs", "fuse.portal", "fusectl", "hugetlbfs", "mqueue", "nsfs",
	"proc", "pstore", "ramfs", "rootfs", "rpc_pipefs", "securityfs",
	"selinuxfs", "squashfs", "sysfs", "tmpfs", "tracefs",
};

static int is_pseudo(const char *type)
{
	for (size_t i = 0; i < sizeof(pseudo_fs) / sizeof(pseudo_fs[0]); i++)
		if (strcmp(type, pseudo_fs[i]) == 0)
			return 1;
	return 0;
}

/* Decodes the kernel's octal escapes (\040 space, \011, \012, \134) in place. */
static void unescape_octal(char *s)
{
	char *w = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			int c = (s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0');
			if (c != 0) {
				*w++ = (char)c;
				s += 3;
				continue;
			}
		}
		*w++ = *s;
	}
	*w = '\0';
}

struct mnt {
	char	*mount, *device, *type;
};

static void mnt_free(struct mnt *m)
{
	free(m->mount);
	free(m->device);
	free(m->type);
}

/* Adds one line of the mounts file; a later mount on the same point wins. */
static int mnt_add(struct mnt **v, size_t *n, size_t *cap, char *line)
{
	char *dev, *mnt, *type, *save;
	struct mnt m, *nv;
	size_t i;

	if ((dev = strtok_r(line, " \t", &save)) == NULL ||
	    (mnt = strtok_r(NULL, " \t", &save)) == NULL ||
	    (type = strtok_r(NULL, " \t", &save)) == NULL || is_pseudo(type))
		return 0;
	unescape_octal(dev);
	unescape_octal(mnt);
	if (mnt[0] != '/')
		return 0;
	for (i = 0; i < *n && strcmp((*v)[i].mount, mnt) != 0; i++)
		;
	if (i < *n) {
		mnt_free(&(*v)[i]);
		memmove(&(*v)[i], &(*v)[i + 1], (*n - i - 1) * sizeof(**v));
		(*n)--;
	}
	if (*n >= MOUNTS_MAX)
		return 0;
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		if ((nv = reallocarray(*v, ncap, sizeof(**v))) == NULL)
			return -1;
		*v = nv;
		*cap = ncap;
	}
	m.mount = strdup(mnt);
	m.device = strdup(dev);
	m.type = strdup(type);
	if (m.mount == NULL || m.device == NULL || m.type == NULL) {
		mnt_free(&m);
		return -1;
	}
	(*v)[(*n)++] = m;
	return 0;
}

static int fs_object(cJSON *arr, struct mnt *m, int real)
{
	struct statvfs sv;
	struct jw w;
	double frsize;

	if ((w.obj = cJSON_CreateObject()) == NULL)
		return -1;
	if (!cJSON_AddItemToArray(arr, w.obj)) {
		cJSON_Delete(w.obj);
		return -1;
	}
	w.fail = 0;
	/* statvfs before sanitising: it needs the path as the kernel has it */
	if (real && statvfs(m->mount, &sv) == 0) {
		frsize = (double)(sv.f_frsize ? sv.f_frsize : sv.f_bsize);
	} else {
		real = 0;
		frsize = 0;
	}
	utf8_sanitize(m->mount, false);
	utf8_sanitize(m->device, false);
	utf8_sanitize(m->type, false);
	jw_str(&w, "mount", m->mount);
	jw_str(&w, "device", m->device);
	jw_str(&w, "type", m->type);
	if (real) {
		jw_num(&w, "size_bytes", (double)sv.f_blocks * frsize);
		jw_num(&w, "free_bytes", (double)sv.f_bfree * frsize);
		jw_num(&w, "available_bytes", (double)sv.f_bavail * frsize);
		jw_num(&w, "files", (double)sv.f_files);
		jw_num(&w, "files_free", (double)sv.f_ffree);
	}
	return w.fail ? -1 : 0;
}

static void filesystems(struct jw *w, const char *root)
{
	struct lines l;
	struct mnt *v = NULL;
	size_t n = 0, cap = 0, i;
	char path[PATH_MAX];
	cJSON *arr;
	int real = proc_root_is_real(root);

	if (proc_path(path, sizeof(path), root, "/proc/self/mounts") == -1 ||
	    lines_open(&l, path, MOUNTS_BYTES) == -1)
		return;
	while (lines_next(&l))
		if (mnt_add(&v, &n, &cap, l.line) == -1) {
			w->fail = 1;
			break;
		}
	lines_close(&l);
	if (w->fail)
		goto out;
	if ((arr = cJSON_AddArrayToObject(w->obj, "filesystems")) == NULL) {
		w->fail = 1;
		goto out;
	}
	for (i = 0; i < n; i++)
		if (fs_object(arr, &v[i], real) == -1) {
			w->fail = 1;
			break;
		}
out:
	for (i = 0; i < n; i++)
		mnt_free(&v[i]);
	free(v);
}

/* --- the record ---------------------------------------------------------- */

int host_collect(cJSON *obj, const char *root)
{
	struct jw w = { obj, 0 };
	struct utsname u;
	char host[HOST_NAME_MAX + 1], id[65];

	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		/* the id hashes the name as the kernel has it */
		if (host[0] != '\0' && host_id(root, host, id) == 0) {
			utf8_sanitize(host, true);
			jw_str(&w, "hostname", host);
			jw_str(&w, "host_id", id);
		} else if (host[0] != '\0') {
			utf8_sanitize(host, true);
			jw_str(&w, "hostname", host);
		}
	}
	os_release(&w, root);
	if (uname(&u) == 0) {
		utf8_sanitize(u.release, true);
		utf8_sanitize(u.version, true);
		utf8_sanitize(u.machine, true);
		jw_str(&w, "kernel", u.release);
		jw_str(&w, "kernel_version", u.version);
		jw_str(&w, "arch", u.machine);
	}
	cpu(&w, root);
	memory(&w, root);
	uptime(&w, root);
	load(&w, root);
	interfaces(&w, root);
	filesystems(&w, root);
	if (w.fail) {
		errno = ENOMEM;
		return -1;
	}
	return 0;
}
