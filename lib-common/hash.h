/*
 * hash: a fast 64-bit hash of bytes, for identities derived from content
 * (not for hash tables facing hostile keys, not cryptographic).
 */
#ifndef SENSEOPS_HASH_H
#define SENSEOPS_HASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t hash64(const void *p, size_t n);

#endif
