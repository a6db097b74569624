/* dynlibs: dlopen of the optional heavy libraries (see dynlibs.h). */
#include "config.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#ifdef HAVE_CURL
#define DYNLIB_CURL
#endif
#ifdef HAVE_RRD
#define DYNLIB_RRD
#endif
#ifdef HAVE_SNAPPY
#define DYNLIB_SNAPPY
#endif
#include "lib/dynlibs.h"
#include "lib/dynlib.h"

/* Each library is loaded once, whichever thread asks first. */
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

#define LOADER(fn, flag, tbl, package, ...) \
	int fn(char *err, size_t errsz) \
	{ \
		static const char *const names[] = { __VA_ARGS__, NULL }; \
		static int state;	/* 0 not tried, 1 loaded, -1 failed */ \
		static char saved[256]; \
		pthread_mutex_lock(&lock); \
		if (!state) \
			state = dynlib_open(names, package, tbl##_syms, (void **)&tbl, saved, sizeof(saved)) == 0 ? 1 : -1; \
		pthread_mutex_unlock(&lock); \
		if (state < 0) \
			snprintf(err, errsz, "%s", saved); \
		return state > 0 ? 0 : -1; \
	}

#ifdef HAVE_CURL
struct dyn_curl dyn_curl;
static const char *const dyn_curl_syms[] = {
	"curl_easy_init", "curl_easy_setopt", "curl_easy_perform", "curl_easy_getinfo", "curl_easy_cleanup",
	"curl_easy_strerror", "curl_slist_append", "curl_slist_free_all", "curl_easy_escape", "curl_free", NULL,
};
LOADER(dynlib_load_curl, HAVE_CURL, dyn_curl, "libcurl4", "libcurl.so.4", "libcurl.so")
#else
int dynlib_load_curl(char *err, size_t errsz)
{
	snprintf(err, errsz, "built without libcurl");
	return -1;
}
#endif

#ifdef HAVE_RRD
struct dyn_rrd dyn_rrd;
static const char *const dyn_rrd_syms[] = {
	"rrd_create_r2", "rrd_update_r", "rrd_get_error", "rrd_test_error", "rrd_clear_error", "rrd_info_r",
	"rrd_info_free", NULL,
};
LOADER(dynlib_load_rrd, HAVE_RRD, dyn_rrd, "librrd8", "librrd.so.8", "librrd.so")
#else
int dynlib_load_rrd(char *err, size_t errsz)
{
	snprintf(err, errsz, "built without librrd");
	return -1;
}
#endif

#ifdef HAVE_SNAPPY
struct dyn_snappy dyn_snappy;
static const char *const dyn_snappy_syms[] = { "snappy_compress", "snappy_max_compressed_length", NULL };
LOADER(dynlib_load_snappy, HAVE_SNAPPY, dyn_snappy, "libsnappy1v5", "libsnappy.so.1", "libsnappy.so")
#else
int dynlib_load_snappy(char *err, size_t errsz)
{
	snprintf(err, errsz, "built without snappy");
	return -1;
}
#endif
