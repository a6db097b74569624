/* http_conf: the [http] section of vstop.conf (/metrics and /healthz). */
#ifndef VSTOP_HTTP_CONF_H
#define VSTOP_HTTP_CONF_H

#include <stdbool.h>
#include "lib/conf.h"

struct http_conf {
	bool enabled;
	char listen[CONF_STR];		/* lib/listen_addr.h */
	char tls_cert[CONF_STR], tls_key[CONF_STR];	/* PEM files: TLS when both are set */
	char auth_user[CONF_STR], auth_hash[CONF_STR];	/* basic auth: crypt(3) hash */
};

extern const struct conf_section http_conf_section;
struct sink_overrides;
/* Whether [http] (or the command line) turns it on. */
bool http_wanted(const void *conf, const struct sink_overrides *o);

#endif
