/* fuzz-ndjson: the line reader and record validation on any byte stream. */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "log.h"
#include "ndjson.h"
#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ndjson_reader r;
	cJSON *rec;
	int fd = memfd_create("fuzz-ndjson", MFD_CLOEXEC);

	log_set_level(-1);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET) != 0 ||
	    ndjson_reader_init(&r, fd, 256, "fuzz") != 0) {
		close(fd);
		return 0;
	}
	while (ndjson_read_record(&r, &rec) == NDJSON_LINE) {
		char why[256];
		int64_t ms;
		(void)record_check(rec, why, sizeof why);
		(void)record_ts(rec, &ms);
		cJSON_Delete(rec);
	}
	ndjson_reader_free(&r);
	close(fd);
	return 0;
}
