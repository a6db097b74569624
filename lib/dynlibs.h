/*
 * dynlibs: librrd, libcurl and libsnappy loaded with dlopen when a feature
 * that needs them is switched on, not linked into the daemons. Their
 * dependency trees (cairo, pango, glib and X11 for librrd; OpenSSL and
 * Kerberos for libcurl; libstdc++ for snappy) are most of a process's
 * resident memory, and a guest agent with only /metrics needs none of them.
 *
 * Files that use them include this header after the library's own: the
 * library's names become calls through a table that the loader fills.
 */
#ifndef VSTOP_DYNLIBS_H
#define VSTOP_DYNLIBS_H

#include <stddef.h>

/* 0, or -1 with "cannot load librrd.so.8: ... (install librrd8)" in err. */
int dynlib_load_rrd(char *err, size_t errsz);
int dynlib_load_curl(char *err, size_t errsz);
int dynlib_load_snappy(char *err, size_t errsz);

#ifdef DYNLIB_CURL
#include <curl/curl.h>
struct dyn_curl {
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode (*easy_perform)(CURL *);
	CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
	void (*easy_cleanup)(CURL *);
	const char *(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
	char *(*easy_escape)(CURL *, const char *, int);
	void (*free)(void *);
};
extern struct dyn_curl dyn_curl;
#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_easy_init dyn_curl.easy_init
#define curl_easy_setopt dyn_curl.easy_setopt
#define curl_easy_perform dyn_curl.easy_perform
#define curl_easy_getinfo dyn_curl.easy_getinfo
#define curl_easy_cleanup dyn_curl.easy_cleanup
#define curl_easy_strerror dyn_curl.easy_strerror
#define curl_slist_append dyn_curl.slist_append
#define curl_slist_free_all dyn_curl.slist_free_all
#define curl_easy_escape dyn_curl.easy_escape
#define curl_free dyn_curl.free
#endif

#ifdef DYNLIB_RRD
#include <rrd.h>
struct dyn_rrd {
	int (*create_r2)(const char *, unsigned long, time_t, int, const char **, const char *, int, const char **);
	int (*update_r)(const char *, const char *, int, const char **);
	char *(*get_error)(void);
	int (*test_error)(void);
	void (*clear_error)(void);
	rrd_info_t *(*info_r)(const char *);
	void (*info_free)(rrd_info_t *);
};
extern struct dyn_rrd dyn_rrd;
#define rrd_info_r dyn_rrd.info_r
#define rrd_info_free dyn_rrd.info_free
#define rrd_create_r2 dyn_rrd.create_r2
#define rrd_update_r dyn_rrd.update_r
#define rrd_get_error dyn_rrd.get_error
#define rrd_test_error dyn_rrd.test_error
#define rrd_clear_error dyn_rrd.clear_error
#endif

#ifdef DYNLIB_SNAPPY
#include <snappy-c.h>
struct dyn_snappy {
	snappy_status (*compress)(const char *, size_t, char *, size_t *);
	size_t (*max_compressed_length)(size_t);
};
extern struct dyn_snappy dyn_snappy;
#define snappy_compress dyn_snappy.compress
#define snappy_max_compressed_length dyn_snappy.max_compressed_length
#endif

#endif
