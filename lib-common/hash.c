/* hash: eight bytes at a time in four lanes, multiply and fold; a final avalanche (splitmix64). */
#include "hash.h"

#include <string.h>

static uint64_t mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static inline uint64_t lane(uint64_t h, const unsigned char *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	h = (h ^ w) * 0x9e3779b97f4a7c15ULL;
	return h ^ (h >> 29);
}

uint64_t hash64(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t a = 0x9e3779b97f4a7c15ULL ^ n, b = 0xc2b2ae3d27d4eb4fULL, c = 0x165667b19e3779f9ULL, d = 0x27d4eb2f165667c5ULL, w;

	/* four independent lanes: the multiplies overlap */
	for (; n >= 32; s += 32, n -= 32) {
		a = lane(a, s);
		b = lane(b, s + 8);
		c = lane(c, s + 16);
		d = lane(d, s + 24);
	}
	for (; n >= 8; s += 8, n -= 8)
		a = lane(a, s);
	w = 0;
	memcpy(&w, s, n);
	return mix(a ^ w ^ mix(b) ^ (mix(c) << 1) ^ (mix(d) << 2));
}
