/* push_conf: [push] (see push_conf.h). */
#include "config.h"
#include "exporters/push_conf.h"

#include <stddef.h>
#include <stdio.h>
#include "lib/sink.h"

static void defaults(void *data)
{
	struct push_conf *c = data;
	snprintf(c->job, sizeof(c->job), "vstop");
	c->queue_s = 900;
	c->queue_max_bytes = 256ull << 20;	/* docs/PERFORMANCE.md: 15 minutes of 1000 domains */
	c->timeout_s = 10;
}

#define F(field) offsetof(struct push_conf, field)
static const struct conf_key keys[] = {
	{ "enabled", CONF_SWITCH, F(enabled), 0, 0 },
	{ "url", CONF_URL, F(url), 0, 0 },
	{ "instance", CONF_STR_T, F(instance), 0, 0 },
	{ "job", CONF_STR_T, F(job), 0, 0 },
	{ "queue", CONF_SECONDS, F(queue_s), 1, 86400 * 7 },
	{ "queue_dir", CONF_STR_T, F(queue_dir), 0, 0 },
	{ "queue_max_bytes", CONF_BYTES, F(queue_max_bytes), 1 << 20, 1ull << 40 },
	{ "timeout", CONF_SECONDS, F(timeout_s), 0.1, 300 },
	{ "bearer_token", CONF_SECRET, F(bearer_token), 0, 0 },
	{ "username", CONF_STR_T, F(username), 0, 0 },
	{ "password", CONF_SECRET, F(password), 0, 0 },
	{ "ca_file", CONF_STR_T, F(ca_file), 0, 0 },
};

_Static_assert(sizeof(struct push_conf) <= CONF_SECTION_BYTES, "[push] fits its slot");
const struct conf_section push_conf_section = {
	.name = "push",
	.size = sizeof(struct push_conf),
	.keys = keys,
	.nkeys = sizeof(keys) / sizeof(keys[0]),
	.defaults = defaults,
};

bool push_wanted(const void *conf, const struct sink_overrides *o)
{
	const struct push_conf *c = conf;
	/* A url is a wish to push, as in Prometheus' remote_write; enabled = no still wins. */
	return c->enabled == CONF_SWITCH_YES || (c->enabled == CONF_SWITCH_UNSET && c->url[0]) || o->push_url;
}
