/* utf8: strict UTF-8 validation (no overlongs, no surrogates, max U+10FFFF). */
#ifndef SENSEOPS_UTF8_H
#define SENSEOPS_UTF8_H

#include <stdbool.h>
#include <stddef.h>

bool utf8_valid(const char *s, size_t n);

#endif
