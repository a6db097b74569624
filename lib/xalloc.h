/*
 * xalloc: allocation that cannot fail. A monitor that runs out of memory
 * has nothing useful left to do, so these print why and abort instead of
 * making every caller handle NULL.
 */
#ifndef VSTOP_XALLOC_H
#define VSTOP_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* realloc to n elements of size, checking the multiplication. */
void *xreallocarray(void *p, size_t n, size_t size);
char *xstrdup(const char *s);

#endif
