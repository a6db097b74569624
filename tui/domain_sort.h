/* domain_sort: the order of domain rows, shared by batch output and the dashboard. */
#ifndef VSTOP_DOMAIN_SORT_H
#define VSTOP_DOMAIN_SORT_H

#include <stdbool.h>
#include <stdint.h>
#include "model/model.h"
#include "tui/options.h"

/* Fill idx[0..ndoms) with domain indexes in display order. Numbers sort
 * largest first (what you look for is at the top); names and domids ascend;
 * reverse flips it. Unknown values (NaN) always go last. */
/* The dashboard key that sorts by k ('C' for CPU...), and back (-1: none). */
int sort_key_letter(enum sort_key k);
int sort_key_from_letter(int ch);

void domain_sort(const struct model *m, enum sort_key key, bool reverse, uint32_t *idx);

#endif
