/* dynlib: dlopen a library and resolve a table of its functions (see dynlib.h). */
#include "config.h"
#include "lib/dynlib.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

/* Open the first file of `names` and resolve `syms` into `table` (an array of
 * function pointers, in order). The library stays loaded for the process. */
int dynlib_open(const char *const *names, const char *package, const char *const *syms, void **table,
		char *err, size_t errsz)
{
	void *h = NULL;
	const char *why = "not found";
	for (int i = 0; names[i] && !h; i++) {
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
		if (!h)
			why = dlerror();
	}
	if (!h) {
		snprintf(err, errsz, "cannot load %s: %s (install %s)", names[0], why, package);
		return -1;
	}
	for (int i = 0; syms[i]; i++) {
		/* POSIX lets a data pointer hold a function's address from dlsym. */
		void *f = dlsym(h, syms[i]);
		if (!f) {
			snprintf(err, errsz, "%s has no %s (too old?)", names[0], syms[i]);
			return -1;
		}
		memcpy(&table[i], &f, sizeof(f));
	}
	return 0;
}
