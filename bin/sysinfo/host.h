/*
 * host: facts about the machine for the "host" record, read from /proc,
 * /sys and /etc and from a few system calls; never by running a command.
 */
#ifndef SENSEOPS_SYSINFO_HOST_H
#define SENSEOPS_SYSINFO_HOST_H

#include <cjson/cJSON.h>

/*
 * Fills obj (an existing cJSON object, the record) with host facts. root
 * is the prefix for /proc, /sys and /etc (NULL, "" or "/" for the real
 * system). A fact that cannot be read is left out. Returns 0, or -1 (errno
 * ENOMEM) only on allocation failure; obj may then hold some fields.
 *
 * Fields: hostname, host_id, os_name, os_version, os_id, os_pretty_name,
 * kernel, kernel_version, arch, cpu_model, cpu_cores, cpu_physical_cores,
 * cpu_mhz, mem_total_bytes, mem_available_bytes, mem_free_bytes,
 * swap_total_bytes, swap_free_bytes, uptime_seconds, boot_time, load_1,
 * load_5, load_15, interfaces, filesystems.
 *
 * root does not apply to what comes from system calls: the hostname
 * (gethostname), the kernel fields (uname), the interface list and its
 * addresses (getifaddrs; only each MAC is read from ROOT/sys/class/net) and
 * the current time. Filesystem sizes (statvfs) are only reported for the
 * real system: with another root, filesystems carry mount, device and type.
 */
int host_collect(cJSON *obj, const char *root);

/*
 * Hex SHA-256 of the machine id (the first line of ROOT/etc/machine-id,
 * else of ROOT/var/lib/dbus/machine-id; trimmed; empty or "uninitialized"
 * counts as none) followed directly by hostname. out gets 64 lower-case hex
 * digits and a NUL. Returns 0, or -1 when no machine id can be read or the
 * digest fails (then out is "").
 */
int host_id(const char *root, const char *hostname, char out[65]);

#endif
