/* name_index: an open-addressing index of names (see name_index.h). */
#include "config.h"
#include "lib/name_index.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include "lib/xalloc.h"

uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;
	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Where a name goes in the table: FNV-1a, then mixed with a seed of this
 * process's. Names come from guests, command lines and files; without the
 * seed, names made to share their low bits would pile up in one run of slots
 * (quadratic). name_hash itself stays unseeded: file names depend on it. */
static uint32_t seed;

/* Before main, so every thread's indexes use the one seed. */
__attribute__((constructor)) static void seed_init(void)
{
	uint32_t r = 0;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != (ssize_t)sizeof(r))
		r = (uint32_t)(uintptr_t)&seed ^ (uint32_t)getpid();
	seed = r;
}

static uint32_t slot_hash(const char *s)
{
	uint32_t h = name_hash(s) ^ seed;
	h ^= h >> 16;	/* murmur3's finalizer: every bit of the seed reaches the low bits */
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	return h ^ (h >> 16);
}

void name_index_init(struct name_index *x, size_t stride, size_t key_off)
{
	*x = (struct name_index){ .stride = stride, .key_off = key_off };
}

static const char *key(const struct name_index *x, const void *base, uint32_t i)
{
	const char *k;
	memcpy(&k, (const char *)base + (size_t)i * x->stride + x->key_off, sizeof(k));
	return k;
}

static void put(struct name_index *x, const char *name, uint32_t i)
{
	uint32_t h = slot_hash(name) & (x->cap - 1);
	while (x->slot[h])
		h = (h + 1) & (x->cap - 1);
	x->slot[h] = i + 1;
}

uint32_t name_index_find(const struct name_index *x, const void *base, const char *name)
{
	if (!x->cap)
		return NAME_INDEX_NONE;
	for (uint32_t h = slot_hash(name) & (x->cap - 1); x->slot[h]; h = (h + 1) & (x->cap - 1))
		if (strcmp(key(x, base, x->slot[h] - 1), name) == 0)
			return x->slot[h] - 1;
	return NAME_INDEX_NONE;
}

void name_index_rebuild(struct name_index *x, const void *base, uint32_t n)
{
	uint32_t cap = 64;
	while (cap < n * 2 + 2)
		cap *= 2;
	if (cap != x->cap) {
		x->slot = xreallocarray(x->slot, cap, sizeof(*x->slot));
		x->cap = cap;
	}
	memset(x->slot, 0, cap * sizeof(*x->slot));
	for (uint32_t i = 0; i < n; i++)
		put(x, key(x, base, i), i);
}

void name_index_added(struct name_index *x, const void *base, uint32_t n)
{
	if (n * 2 + 2 > x->cap)
		name_index_rebuild(x, base, n);	/* doubling: amortised O(1) per entry */
	else
		put(x, key(x, base, n - 1), n - 1);
}

void name_index_free(struct name_index *x)
{
	free(x->slot);
	x->slot = NULL;
	x->cap = 0;
}
