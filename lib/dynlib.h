/*
 * dynlib: load an optional heavy library when a feature needs it, not at
 * start (lib/dynlibs.h: librrd, libcurl, snappy; collector/kvm_libvirt.c:
 * libvirt). Their dependency trees are most of a process's resident memory.
 */
#ifndef VSTOP_DYNLIB_H
#define VSTOP_DYNLIB_H

#include <stddef.h>

/* Open the first file of `names` (NULL-ended) and resolve `syms` (NULL-ended)
 * into `table`, an array of function pointers in the same order. 0, or -1
 * with "cannot load NAME: ... (install PACKAGE)" in err. */
int dynlib_open(const char *const *names, const char *package, const char *const *syms, void **table,
		char *err, size_t errsz);

#endif
