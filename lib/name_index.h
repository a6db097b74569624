/*
 * name_index: find an entry of an array by its name in O(1). Open addressing
 * over FNV-1a, at most half full, rebuilt by doubling. The entries stay in
 * the caller's array (the model's domain tracks, the RRD sink's files); the
 * index only knows where each entry keeps its `char *` name.
 */
#ifndef VSTOP_NAME_INDEX_H
#define VSTOP_NAME_INDEX_H

#include <stddef.h>
#include <stdint.h>

#define NAME_INDEX_NONE UINT32_MAX

struct name_index {
	uint32_t *slot;		/* entry index + 1; 0 = empty */
	uint32_t cap;		/* a power of two, or 0 */
	size_t stride, key_off;	/* sizeof the entry, offsetof its char *name */
};

/* FNV-1a: also what makes hashed file names stable across versions. */
uint32_t name_hash(const char *s);
void name_index_init(struct name_index *x, size_t stride, size_t key_off);
/* The index of the entry named `name` in base[0..n), or NAME_INDEX_NONE. */
uint32_t name_index_find(const struct name_index *x, const void *base, const char *name);
/* The caller appended base[n - 1]. */
void name_index_added(struct name_index *x, const void *base, uint32_t n);
/* The caller moved or removed entries: index base[0..n) afresh. */
void name_index_rebuild(struct name_index *x, const void *base, uint32_t n);
void name_index_free(struct name_index *x);

#endif
