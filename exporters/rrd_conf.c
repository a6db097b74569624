/* rrd_conf: [rrd] (see rrd_conf.h). */
#include "config.h"
#include "exporters/rrd_conf.h"
#include "lib/paths.h"

#include <stddef.h>
#include <stdio.h>
#include "lib/sink.h"

static void defaults(void *data)
{
	struct rrd_conf *c = data;
	snprintf(c->dir, sizeof(c->dir), "%s", VSTOP_RRD_DIR);
}

#define F(field) offsetof(struct rrd_conf, field)
static const struct conf_key keys[] = {
	{ "enabled", CONF_BOOL, F(enabled), 0, 0 },
	{ "dir", CONF_STR_T, F(dir), 0, 0 },
};

_Static_assert(sizeof(struct rrd_conf) <= CONF_SECTION_BYTES, "[rrd] fits its slot");
const struct conf_section rrd_conf_section = {
	.name = "rrd",
	.size = sizeof(struct rrd_conf),
	.keys = keys,
	.nkeys = sizeof(keys) / sizeof(keys[0]),
	.defaults = defaults,
};

bool rrd_wanted(const void *conf, const struct sink_overrides *o)
{
	return ((const struct rrd_conf *)conf)->enabled || o->rrd_dir;
}
