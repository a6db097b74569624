/*
 * url_redact: a URL as it may be shown. A password in its user part
 * ("http://user:pw@host/") is credentials, never logged or printed: it
 * becomes <secret>, as Prometheus shows one. Hand-written: a dozen lines
 * libcurl's URL API would do only with an allocation per call and a copy of
 * what it re-encodes.
 */
#ifndef VSTOP_URL_REDACT_H
#define VSTOP_URL_REDACT_H

#include <stddef.h>

/* url with its password replaced, in out (cut to outsz); returns out. */
const char *url_redact(const char *url, char *out, size_t outsz);

#endif
