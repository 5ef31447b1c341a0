/* fuzz.h: the libFuzzer entry point each harness defines. */
#ifndef SENSEOPS_FUZZ_H
#define SENSEOPS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
