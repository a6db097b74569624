/*
 * name_marks: which domains' names, as shown (lib/name_safe.h), need their
 * domid beside them to be told apart: a name that reads as Domain-0 on another
 * domain, or two domains whose names show the same (a literal "\u202e" and the
 * real U+202E, or names cut alike). The dashboard and the text output show
 * "#DOMID NAME" for those.
 */
#ifndef VSTOP_NAME_MARKS_H
#define VSTOP_NAME_MARKS_H

#include <stdbool.h>
#include <stddef.h>
#include "lib/snapshot.h"

/* marks[i] for s->doms[i]; `shown` is the width names are cut at (0: whole). */
void name_marks(const struct snapshot *s, size_t shown, bool *marks);
/* The name as shown, with "#DOMID " before it when marked. */
void name_shown(char *out, size_t outsz, const struct snapshot *s, const struct domain *d, bool marked);

#endif
