/* t-sysinfo-gather: host and process facts from fake /proc, /sys, /etc trees and the real system. */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <cjson/cJSON.h>
#include <openssl/evp.h>

#include "../../bin/sysinfo/host.h"
#include "../../bin/sysinfo/proc.h"
#include "tap.h"
#include "timefmt.h"
#include "utf8.h"

/* Path of a fake root under the test data directory. */
static const char *root(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;
	const char *data = getenv("SYSINFO_TESTDATA");

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", data ? data : "tests/unit/data/sysinfo", name);
	return buf[i];
}

static const char *str(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int has(const cJSON *o, const char *k)
{
	return cJSON_GetObjectItemCaseSensitive(o, k) != NULL;
}

static double num(const cJSON *o, const char *k)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static int near(double got, double want, double eps)
{
	return !isnan(got) && fabs(got - want) <= eps;
}

/* The expected host id, computed here with OpenSSL directly. */
static void sha256_hex(const char *s, char out[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	out[0] = '\0';
	if (EVP_Digest(s, strlen(s), md, &n, EVP_sha256(), NULL) != 1)
		return;
	for (unsigned int i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static const cJSON *find_by(const cJSON *arr, const char *key, const char *val)
{
	const cJSON *e;

	cJSON_ArrayForEach(e, arr)
		if (str(e, key) != NULL && strcmp(str(e, key), val) == 0)
			return e;
	return NULL;
}

static void test_helpers(void)
{
	char buf[64], s[64];
	const char *p;
	uint64_t u;
	double d;

	is_int(proc_path(buf, sizeof(buf), "", "/proc/%d/stat", 7), 0, "path, empty root");
	is_str(buf, "/proc/7/stat", "empty root is the real system");
	proc_path(buf, sizeof(buf), "/", "/proc");
	is_str(buf, "/proc", "root / is the real system");
	proc_path(buf, sizeof(buf), "/tmp/fake//", "/proc");
	is_str(buf, "/tmp/fake/proc", "trailing slashes of root dropped");
	errno = 0;
	is_int(proc_path(buf, 8, "/tmp/fake", "/proc"), -1, "path too long fails");
	is_int(errno, ENAMETOOLONG, "with ENAMETOOLONG");

	p = "18446744073709551615 x";
	ok(proc_parse_u64(&p, &u) == 0 && u == UINT64_MAX && *p == ' ', "u64 max parses");
	p = "18446744073709551616";
	is_int(proc_parse_u64(&p, &u), -1, "u64 overflow rejected");
	p = "-1";
	is_int(proc_parse_u64(&p, &u), -1, "negative rejected");
	p = "12.5x";
	ok(proc_parse_double(&p, &d) == 0 && d == 12.5 && *p == 'x', "double parses up to junk");
	p = "7.";
	ok(proc_parse_double(&p, &d) == 0 && d == 7.0 && *p == '.', "dot without digits stays");
	p = ".5";
	is_int(proc_parse_double(&p, &d), -1, "double needs a leading digit");

	snprintf(s, sizeof(s), "a\x01" "b\xff" "c\xc3\xa9\xed\xa0\x80" "d\xc2\x85");
	utf8_sanitize(s, 1);
	is_str(s, "a?b?c\xc3\xa9???d?", "sanitize: controls, bad bytes, surrogate, C1");
	snprintf(s, sizeof(s), "tab\there\xe2\x82");
	utf8_sanitize(s, 0);
	is_str(s, "tab\there??", "sanitize keeps controls when asked, cut sequence");
}

static void test_host_root1(void)
{
	cJSON *o = cJSON_CreateObject(), *back;
	const cJSON *ifs, *fss, *e, *prev = NULL;
	char host[HOST_NAME_MAX + 1] = "", want[65], id[65], buf[512], *json;
	struct utsname u;
	int64_t ms, now;
	int sorted = 1, shaped = 1;

	is_int(host_collect(o, root("root1")), 0, "host_collect root1");
	ok(gethostname(host, sizeof(host)) == 0, "gethostname");
	is_str(str(o, "hostname"), host, "hostname from gethostname");

	snprintf(buf, sizeof(buf), "0123456789abcdef0123456789abcdef%s", host);
	sha256_hex(buf, want);
	is_str(str(o, "host_id"), want, "host_id is sha256(machine-id + hostname)");
	is_int(host_id(root("root1"), "testhost", id), 0, "host_id with a given hostname");
	is_str(id, "e4494d353888697c209f9dbd3e441acc231da1c5d8bd5b799c7f2e55f0acc7c1",
	    "host_id matches sha256sum");

	is_str(str(o, "os_name"), "Debian GNU/Linux", "os_name, double quotes");
	is_str(str(o, "os_version"), "12 (bookworm)", "os_version, single quotes");
	is_str(str(o, "os_id"), "debian", "os_id, unquoted");
	is_str(str(o, "os_pretty_name"), "Debian \"Book\\worm\" $HOME \\n",
	    "os_pretty_name, backslash escapes");

	ok(uname(&u) == 0, "uname");
	is_str(str(o, "kernel"), u.release, "kernel");
	is_str(str(o, "kernel_version"), u.version, "kernel_version");
	is_str(str(o, "arch"), u.machine, "arch");

	is_str(str(o, "cpu_model"), "Intel(R) Xeon(R) CPU E5-2680 v4 @ 2.40GHz", "cpu_model");
	is_int(num(o, "cpu_cores"), 5, "cpu_cores from online 0-3,6");
	is_int(num(o, "cpu_physical_cores"), 3, "cpu_physical_cores: distinct pairs");
	ok(near(num(o, "cpu_mhz"), 10001.0 / 5, 1e-9), "cpu_mhz average: %f", num(o, "cpu_mhz"));

	is_int(num(o, "mem_total_bytes"), 16318160LL * 1024, "mem_total_bytes");
	is_int(num(o, "mem_available_bytes"), 9876543LL * 1024, "mem_available_bytes");
	is_int(num(o, "mem_free_bytes"), 1234567LL * 1024, "mem_free_bytes");
	is_int(num(o, "swap_total_bytes"), 2097148LL * 1024, "swap_total_bytes");
	is_int(num(o, "swap_free_bytes"), 2000000LL * 1024, "swap_free_bytes");

	ok(near(num(o, "uptime_seconds"), 12345.67, 1e-6), "uptime_seconds");
	now = time_now_ms();
	ok(str(o, "boot_time") && time_parse_rfc3339(str(o, "boot_time"), &ms) == 0 &&
	    llabs(now - 12345670 - ms) < 5000, "boot_time is now - uptime: %s",
	    str(o, "boot_time") ? str(o, "boot_time") : "(none)");
	ok(near(num(o, "load_1"), 0.52, 1e-12), "load_1");
	ok(near(num(o, "load_5"), 1.25, 1e-12), "load_5");
	ok(near(num(o, "load_15"), 2.0, 1e-12), "load_15");

	/* interfaces come from the real system; only MACs from the fake tree */
	ifs = cJSON_GetObjectItemCaseSensitive(o, "interfaces");
	ok(cJSON_IsArray(ifs), "interfaces is an array");
	cJSON_ArrayForEach(e, ifs) {
		if (prev != NULL && (!str(prev, "name") || !str(e, "name") ||
		    strcmp(str(prev, "name"), str(e, "name")) >= 0))
			sorted = 0;
		/* the fake tree has no non-zero MAC but eth0's */
		if (!str(e, "name") ||
		    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(e, "ipv4")) ||
		    !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(e, "ipv6")) ||
		    !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(e, "up")) ||
		    !cJSON_IsBool(cJSON_GetObjectItemCaseSensitive(e, "loopback")) ||
		    (strcmp(str(e, "name"), "eth0") != 0 && has(e, "mac")))
			shaped = 0;
		prev = e;
	}
	ok(sorted, "interfaces sorted by name, each once");
	ok(shaped, "interfaces have name, ipv4, ipv6, up, loopback");
	if ((e = find_by(ifs, "name", "lo")) != NULL) {
		ok(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "loopback")), "lo is loopback");
		ok(!has(e, "mac"), "all-zero MAC omitted");
	} else {
		ok(1, "# skip no lo");
		ok(1, "# skip no lo");
	}
	if ((e = find_by(ifs, "name", "eth0")) != NULL)
		is_str(str(e, "mac"), "52:54:00:ab:cd:ef", "eth0 MAC from root, lower-cased");
	else
		ok(1, "# skip no eth0");

	fss = cJSON_GetObjectItemCaseSensitive(o, "filesystems");
	is_int(cJSON_GetArraySize(fss), 5, "filesystems: pseudo, squashfs, garbage skipped");
	e = cJSON_GetArrayItem(fss, 0);
	ok(e && !strcmp(str(e, "mount"), "/") && !strcmp(str(e, "device"), "/dev/sda1") &&
	    !strcmp(str(e, "type"), "ext4"), "root filesystem");
	ok(e && !has(e, "size_bytes") && !has(e, "files"), "no statvfs with a fake root");
	e = cJSON_GetArrayItem(fss, 1);
	is_str(e ? str(e, "mount") : NULL, "/mnt/my disk", "\\040 decoded");
	e = cJSON_GetArrayItem(fss, 2);
	ok(e && !strcmp(str(e, "mount"), "/data") && !strcmp(str(e, "device"), "/dev/sdd1") &&
	    !strcmp(str(e, "type"), "ext4"), "same mount point twice: last wins");
	e = cJSON_GetArrayItem(fss, 3);
	is_str(e ? str(e, "type") : NULL, "overlay", "overlay kept");
	e = cJSON_GetArrayItem(fss, 4);
	is_str(e ? str(e, "mount") : NULL, "/mnt/back\\slash", "\\134 decoded");

	json = cJSON_PrintUnformatted(o);
	back = json ? cJSON_Parse(json) : NULL;
	ok(back != NULL, "record prints and parses back");
	cJSON_Delete(back);
	free(json);
	cJSON_Delete(o);
}

static void test_host_bad(void)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *fss, *e;
	char host[HOST_NAME_MAX + 1] = "", want[65], id[65], buf[512];

	gethostname(host, sizeof(host));
	is_int(host_collect(o, root("root2")), 0, "host_collect root2 (truncated, garbage)");
	snprintf(buf, sizeof(buf), "abcdef%s", host);
	sha256_hex(buf, want);
	is_str(str(o, "host_id"), want, "empty machine-id: dbus one, trimmed");
	is_int(host_id(root("root2"), "testhost", id), 0, "host_id root2");
	is_str(id, "7b5157ddd14d6066c102b3374167b86b9974faf880077bf55dd73660e61e7079",
	    "host_id root2 matches sha256sum");
	is_str(str(o, "os_name"), "Fallback", "usr/lib/os-release, unterminated quote");
	is_str(str(o, "os_id"), "fallback", "trailing blanks dropped");
	is_str(str(o, "os_version"), "1.0", "overlong VERSION omitted, VERSION_ID used");
	is_str(str(o, "os_pretty_name"), "Fallback OS", "unquoted backslash escape");
	ok(!has(o, "cpu_model"), "cut cpuinfo: no cpu_model");
	is_int(num(o, "cpu_cores"), 1, "bad online list: processor lines counted");
	ok(!has(o, "cpu_physical_cores"), "bad core id: no cpu_physical_cores");
	ok(!has(o, "cpu_mhz"), "bad MHz: no cpu_mhz");
	ok(!has(o, "mem_total_bytes") && !has(o, "mem_free_bytes") &&
	    !has(o, "mem_available_bytes") && !has(o, "swap_total_bytes") &&
	    !has(o, "swap_free_bytes"), "garbage meminfo: no memory fields");
	ok(!has(o, "uptime_seconds") && !has(o, "boot_time"), "garbage uptime omitted");
	ok(near(num(o, "load_1"), 0.1, 1e-12), "load_1 before garbage");
	ok(!has(o, "load_5") && !has(o, "load_15"), "load_5, load_15 omitted");
	fss = cJSON_GetObjectItemCaseSensitive(o, "filesystems");
	is_int(cJSON_GetArraySize(fss), 1, "cut mounts line skipped");
	e = cJSON_GetArrayItem(fss, 0);
	is_str(e ? str(e, "mount") : NULL, "/", "whole mounts line kept");
	cJSON_Delete(o);

	o = cJSON_CreateObject();
	is_int(host_collect(o, root("root3")), 0, "host_collect root3 (empty files)");
	ok(has(o, "hostname") && !has(o, "host_id"), "empty machine-id: no host_id");
	ok(!has(o, "os_name") && !has(o, "os_id") && !has(o, "os_version") &&
	    !has(o, "os_pretty_name"), "empty os-release: no os fields");
	ok(!has(o, "cpu_model") && !has(o, "cpu_cores") && !has(o, "cpu_mhz") &&
	    !has(o, "cpu_physical_cores"), "empty cpuinfo: no cpu fields");
	ok(!has(o, "mem_total_bytes") && !has(o, "uptime_seconds") && !has(o, "load_1"),
	    "empty meminfo, uptime, loadavg");
	ok(!has(o, "filesystems"), "no mounts file: no filesystems");
	ok(cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(o, "interfaces")),
	    "interfaces still from the system");
	cJSON_Delete(o);

	o = cJSON_CreateObject();
	is_int(host_collect(o, root("nonexistent")), 0, "host_collect, missing root");
	ok(has(o, "hostname") && has(o, "kernel") && !has(o, "host_id") &&
	    !has(o, "mem_total_bytes") && !has(o, "filesystems"), "only system-call facts");
	cJSON_Delete(o);
	strcpy(id, "junk");
	is_int(host_id(root("nonexistent"), "h", id), -1, "host_id without machine id");
	is_str(id, "", "and out is empty");
}

static void test_proc_root1(void)
{
	cJSON *o = cJSON_CreateObject();
	long hz = sysconf(_SC_CLK_TCK);
	char ts[TIME_RFC3339_LEN];
	pid_t pids[8];
	int64_t start;

	is_int(proc_collect(o, root("root1"), 4242), 0, "proc_collect 4242");
	is_int(num(o, "pid"), 4242, "pid");
	is_str(str(o, "name"), "(evil) name)", "name from comm");
	is_str(str(o, "cmdline"), "/usr/bin/evil --flag two words ?bad? caf\xc3\xa9",
	    "cmdline joined, bad bytes replaced");
	is_str(str(o, "state"), "S", "state after the last ')'");
	is_int(num(o, "ppid"), 1, "ppid");
	is_int(num(o, "rss_bytes"), 1200 * 1024, "rss_bytes");
	is_int(num(o, "rss_peak_bytes"), 2048 * 1024, "rss_peak_bytes");
	is_int(num(o, "vm_size_bytes"), 120564LL * 1024, "vm_size_bytes");
	is_int(num(o, "threads"), 3, "threads");
	ok(hz > 0, "sysconf(_SC_CLK_TCK) = %ld", hz);
	if (hz <= 0)
		hz = 100;
	ok(near(num(o, "cpu_user_seconds"), 250.0 / hz, 1e-9), "cpu_user_seconds");
	ok(near(num(o, "cpu_system_seconds"), 125.0 / hz, 1e-9), "cpu_system_seconds");
	ok(near(num(o, "cpu_seconds"), 375.0 / hz, 1e-9), "cpu_seconds");
	start = 1700000000LL * 1000 + 5000LL * 1000 / hz;
	is_str(str(o, "start_time"), time_format_rfc3339(start, ts), "start_time = btime + ticks");
	if (hz == 100)
		is_str(str(o, "start_time"), "2023-11-14T22:14:10.000Z", "start_time at 100 Hz");
	else
		ok(1, "# skip clock tick is not 100 Hz");
	ok(near(num(o, "uptime_seconds"), (double)(time_now_ms() - start) / 1000.0, 5.0),
	    "uptime_seconds = now - start");
	is_int(num(o, "open_fds"), 3, "open_fds");
	cJSON_Delete(o);

	o = cJSON_CreateObject();
	is_int(proc_collect(o, root("root1"), 4243), 0, "proc_collect 4243");
	is_str(str(o, "name"), "worker", "4243 name");
	is_str(str(o, "cmdline"), "/opt/x/evil -d", "4243 cmdline, trailing NUL dropped");
	is_str(str(o, "state"), "R", "4243 state");
	is_int(num(o, "ppid"), 4242, "4243 ppid");
	is_int(num(o, "threads"), 1, "threads from stat without status");
	ok(!has(o, "rss_bytes") && !has(o, "open_fds"), "no status, no fd dir: omitted");
	cJSON_Delete(o);

	o = cJSON_CreateObject();
	is_int(proc_collect(o, root("root1"), 4244), 0, "proc_collect zombie");
	is_str(str(o, "state"), "Z", "zombie state");
	is_int(num(o, "rss_bytes"), 0, "a zombie holds no memory: rss_bytes 0, not absent");
	cJSON_Delete(o);

	o = cJSON_CreateObject();
	errno = 0;
	is_int(proc_collect(o, root("root1"), 99999), -1, "nonexistent pid");
	is_int(errno, ENOENT, "errno ENOENT");
	is_int(cJSON_GetArraySize(o), 0, "nothing written");
	is_int(proc_collect(o, root("root1"), 0), -1, "pid 0");
	is_int(proc_collect(o, root("root1"), -3), -1, "negative pid");
	cJSON_Delete(o);

	is_int(proc_find_by_name(root("root1"), "evil", pids, 8, 0), 3, "find evil: 3");
	ok(pids[0] == 77 && pids[1] == 4242 && pids[2] == 4243,
	    "by comm, by argv[0] basename, ascending");
	pids[2] = 0;
	is_int(proc_find_by_name(root("root1"), "evil", pids, 2, 0), 3, "max 2: count still 3");
	ok(pids[0] == 77 && pids[1] == 4242 && pids[2] == 0, "lowest two stored");
	is_int(proc_find_by_name(root("root1"), "evil", pids, 8, 4242), 2, "self_skip");
	ok(pids[0] == 77 && pids[1] == 4243, "skipped pid left out");
	is_int(proc_find_by_name(root("root1"), "(evil) name)", pids, 8, 0), 1, "odd comm");
	is_int(proc_find_by_name(root("root1"), "worker", pids, 8, 0), 1, "find worker");
	is_int(pids[0], 4243, "worker pid");
	is_int(proc_find_by_name(root("root1"), "nope", pids, 8, 0), 0, "no match");
	is_int(proc_find_by_name(root("root1"), "", pids, 8, 0), 0, "empty name");
	is_int(proc_find_by_name(root("root1"), "evil", NULL, 0, 0), 3, "count only");
	is_int(proc_find_by_name(root("nonexistent"), "evil", pids, 8, 0), -1,
	    "missing proc: -1");
}

static void test_proc_bad(void)
{
	cJSON *o = cJSON_CreateObject();

	is_int(proc_collect(o, root("root2"), 4242), 0, "cut stat: still 0");
	ok(has(o, "pid") && !has(o, "name") && !has(o, "state") && !has(o, "ppid") &&
	    !has(o, "cpu_seconds") && !has(o, "cmdline") && !has(o, "open_fds"),
	    "cut stat: only pid");
	cJSON_Delete(o);

	o = cJSON_CreateObject();
	is_int(proc_collect(o, root("root2"), 4243), 0, "short stat");
	is_str(str(o, "name"), "x", "name from stat without comm file");
	is_str(str(o, "state"), "S", "state from short stat");
	is_int(num(o, "ppid"), 7, "ppid from short stat");
	ok(!has(o, "cpu_seconds") && !has(o, "start_time") && !has(o, "threads"),
	    "missing stat fields omitted");
	ok(!has(o, "rss_bytes"), "VmRSS without unit omitted");
	is_int(num(o, "vm_size_bytes"), 99 * 1024, "VmSize kept");
	ok(!has(o, "cmdline"), "all-NUL cmdline omitted");
	cJSON_Delete(o);

	o = cJSON_CreateObject();
	errno = 0;
	is_int(proc_collect(o, root("root2"), 4244), -1, "pid dir without stat");
	is_int(errno, ENOENT, "errno ENOENT");
	cJSON_Delete(o);

	o = cJSON_CreateObject();
	is_int(proc_collect(o, root("root2"), 4245), 0, "garbage stat numbers");
	ok(!has(o, "cpu_seconds") && !has(o, "cpu_user_seconds") && !has(o, "start_time"),
	    "bad stime and starttime: cpu and start omitted");
	is_int(num(o, "threads"), 2, "threads from stat");
	cJSON_Delete(o);

	o = cJSON_CreateObject();
	is_int(proc_collect(o, root("root3"), 4242), 0, "empty stat");
	is_int(cJSON_GetArraySize(o), 1, "empty files: only pid");
	cJSON_Delete(o);
}

static void test_real(const char *argv0)
{
	cJSON *o = cJSON_CreateObject();
	const cJSON *fss, *e;
	char comm[64] = "", path[PATH_MAX];
	const char *base;
	pid_t pids[64], me = getpid();
	int n, found, sized = 0;
	int64_t ms;

	is_int(host_collect(o, ""), 0, "host_collect real system");
	ok(str(o, "hostname") && str(o, "hostname")[0], "hostname non-empty");
	ok(num(o, "mem_total_bytes") > 0, "mem_total_bytes > 0");
	ok(num(o, "cpu_cores") >= 1, "cpu_cores >= 1");
	ok(str(o, "kernel") && str(o, "arch"), "kernel, arch");
	ok(num(o, "uptime_seconds") > 0, "uptime_seconds > 0");
	ok(num(o, "load_1") >= 0, "load_1 >= 0");
	fss = cJSON_GetObjectItemCaseSensitive(o, "filesystems");
	ok(cJSON_IsArray(fss), "filesystems is an array");
	cJSON_ArrayForEach(e, fss)
		if (num(e, "size_bytes") > 0 && num(e, "available_bytes") <= num(e, "size_bytes"))
			sized++;
	ok(cJSON_GetArraySize(fss) == 0 || sized > 0, "statvfs sizes on the real system");
	cJSON_Delete(o);

	o = cJSON_CreateObject();
	is_int(host_collect(o, "/"), 0, "host_collect root /");
	ok(num(o, "mem_total_bytes") > 0, "root / reads the real /proc");
	cJSON_Delete(o);

	/* the kernel truncates comm to 15 bytes; argv[0] has the whole name */
	if (proc_path(path, sizeof(path), "", "/proc/self/comm") == 0)
		file_read(path, comm, sizeof(comm));
	comm[strcspn(comm, "\n")] = '\0';
	ok(comm[0] != '\0', "own comm: %s", comm);
	n = proc_find_by_name("", comm, pids, 64, 0);
	found = 0;
	for (int i = 0; i < n && i < 64; i++)
		found |= pids[i] == me;
	ok(n >= 1 && found, "own pid found by comm");
	base = strrchr(argv0, '/');
	base = base ? base + 1 : argv0;
	n = proc_find_by_name("", base, pids, 64, 0);
	found = 0;
	for (int i = 0; i < n && i < 64; i++)
		found |= pids[i] == me;
	ok(n >= 1 && found, "own pid found by argv[0] basename %s", base);
	n = proc_find_by_name("", comm, pids, 64, me);
	found = 0;
	for (int i = 0; i < n && i < 64; i++)
		found |= pids[i] == me;
	ok(n >= 0 && !found, "self_skip leaves own pid out");

	o = cJSON_CreateObject();
	is_int(proc_collect(o, "", me), 0, "proc_collect self");
	is_int(num(o, "pid"), me, "own pid");
	is_str(str(o, "name"), comm, "own name");
	is_str(str(o, "state"), "R", "running");
	ok(num(o, "rss_bytes") > 0, "rss_bytes > 0");
	ok(num(o, "open_fds") >= 3, "open_fds >= 3");
	ok(num(o, "threads") >= 1, "threads >= 1");
	ok(num(o, "cpu_seconds") >= 0, "cpu_seconds >= 0");
	ok(str(o, "start_time") && time_parse_rfc3339(str(o, "start_time"), &ms) == 0,
	    "start_time is RFC 3339");
	ok(num(o, "uptime_seconds") >= 0 && num(o, "uptime_seconds") < 3600,
	    "uptime_seconds of a young process");
	cJSON_Delete(o);
}

int main(int argc, char **argv)
{
	(void)argc;
	if (access(root("root1/proc/cpuinfo"), R_OK) != 0) {
		printf("Bail out! test data not found at %s (run from the source tree, "
		    "or set SYSINFO_TESTDATA)\n", root(""));
		return 1;
	}
	test_helpers();
	test_host_root1();
	test_host_bad();
	test_proc_root1();
	test_proc_bad();
	test_real(argv[0]);
	return done_testing();
}
