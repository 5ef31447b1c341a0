/* fuzz-config: the YAML loader, look-ups and redacted printing on any input. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "fuzz.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	int code, fd = memfd_create("fuzz-config", MFD_CLOEXEC);
	struct cfg *c;

	log_set_level(-1);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	c = cfg_load(path, err, sizeof err, &code);
	close(fd);
	if (!c)
		return 0;
	bool b;
	long long i;
	double d;
	const char *s;
	char *secret = NULL, *p;
	const char *from;
	(void)cfg_bool(c, "Butler-SOS.systemInfo.enable", true, &b);
	(void)cfg_int(c, "Butler-SOS.logEvents.udpServerConfig.portLogEvents", 9996, 1, 65535, &i);
	(void)cfg_double(c, "a.b", 0, &d);
	(void)cfg_string(c, "Butler-SOS.serversToMonitor.servers.0.host", "", &s);
	if (cfg_secret(c, "Butler-SOS.influxdbConfig.v2Config.token", NULL, NULL, &secret, &from) == 0)
		cfg_secret_free(secret);
	(void)cfg_set(c, "Butler-SOS.a.0.b", "12");
	p = cfg_print_redacted(c);
	free(p);
	cfg_free(c);
	return 0;
}
