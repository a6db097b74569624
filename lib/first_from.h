/*
 * first_from: a binary search shared by tables kept in ascending order of a
 * uint32_t key that is their elements' first member (a pid, a domid, a
 * thief id): one loop, written once, for the sampler's merges and lookups.
 */
#ifndef VSTOP_FIRST_FROM_H
#define VSTOP_FIRST_FROM_H

#include <stddef.h>
#include <stdint.h>

/* The index of the first of the n elements (size bytes each, from base),
 * ascending by their leading uint32_t, whose key is not below key; n when none. */
uint32_t first_from(const void *base, size_t size, uint32_t n, uint32_t key);

#endif
