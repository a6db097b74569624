/* http_conf: [http] (see http_conf.h). */
#include "config.h"
#include "exporters/http_conf.h"

#include <stddef.h>
#include <stdio.h>
#include "lib/sink.h"

static void defaults(void *data)
{
	struct http_conf *c = data;
	c->enabled = true;
	/* Loopback by default: metrics say who is busy, which is not for everyone. */
	snprintf(c->listen, sizeof(c->listen), "127.0.0.1:9945");
}

#define F(field) offsetof(struct http_conf, field)
static const struct conf_key keys[] = {
	{ "enabled", CONF_BOOL, F(enabled), 0, 0 },
	{ "listen", CONF_STR_T, F(listen), 0, 0 },
	{ "tls_cert_file", CONF_STR_T, F(tls_cert), 0, 0 },
	{ "tls_key_file", CONF_STR_T, F(tls_key), 0, 0 },
	{ "basic_auth_user", CONF_STR_T, F(auth_user), 0, 0 },
	{ "basic_auth_hash", CONF_SECRET, F(auth_hash), 0, 0 },
};

static int check(const void *data, struct conf_fault *f)
{
	const struct http_conf *c = data;
	if ((!c->tls_cert[0]) != (!c->tls_key[0])) {
		conf_fault(f, "http", "tls_cert_file", "tls_key_file", "[http] tls_cert_file and tls_key_file go together");
		return -1;
	}
	if ((!c->auth_user[0]) != (!c->auth_hash[0])) {
		conf_fault(f, "http", "basic_auth_user", "basic_auth_hash", "[http] basic_auth_user and basic_auth_hash go together");
		return -1;
	}
	return 0;
}

_Static_assert(sizeof(struct http_conf) <= CONF_SECTION_BYTES, "[http] fits its slot");
const struct conf_section http_conf_section = {
	.name = "http",
	.size = sizeof(struct http_conf),
	.keys = keys,
	.nkeys = sizeof(keys) / sizeof(keys[0]),
	.defaults = defaults,
	.check = check,
};

bool http_wanted(const void *conf, const struct sink_overrides *o)
{
	return ((const struct http_conf *)conf)->enabled && !o->no_http;
}
