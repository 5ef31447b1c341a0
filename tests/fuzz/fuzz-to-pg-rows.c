/*
 * fuzz-to-pg-rows: any bytes as a record line made into a COPY row; a row
 * must be one line of COPY text: no raw tab inside a value (the column
 * count is the table's), no raw newline but the last byte, no NUL byte.
 */
#include <stdlib.h>
#include <string.h>

#include "../../bin/to-pg/tables.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rows *rows;
	struct row r;
	char why[256];

	if (!rows && !(rows = rows_new()))
		abort();
	if (rows_build(rows, (const char *)data, size, &r, why, sizeof why) != ROWS_OK)
		return 0;
	if (r.len == 0 || r.text[r.len - 1] != '\n' || memchr(r.text, '\0', r.len))
		abort();
	size_t tabs = 0;
	for (size_t i = 0; i + 1 < r.len; i++) {
		if (r.text[i] == '\n' || r.text[i] == '\r')
			abort();
		tabs += r.text[i] == '\t';
	}
	/* ts, id, the columns, tags, extra */
	if (tabs != r.t->ncols + 3)
		abort();
	return 0;
}
