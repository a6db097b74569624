/* first_from: a lower bound over a table sorted by its elements' leading uint32_t (first_from.h). */
#include "config.h"
#include "lib/first_from.h"

#include <string.h>

uint32_t first_from(const void *base, size_t size, uint32_t n, uint32_t key)
{
	uint32_t lo = 0, hi = n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2, at;
		memcpy(&at, (const char *)base + (size_t)mid * size, sizeof(at));
		if (at < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}
