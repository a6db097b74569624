/* stream_conf: [stream] (see stream_conf.h). */
#include "config.h"
#include "exporters/stream_conf.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "lib/sink.h"

static void defaults(void *data)
{
	struct stream_conf *c = data;
	snprintf(c->path, sizeof(c->path), "%s", STREAM_DEFAULT_PATH);
	snprintf(c->group, sizeof(c->group), "%s", STREAM_DEFAULT_GROUP);
}

static int check(const void *data, struct conf_fault *f)
{
	const struct stream_conf *c = data;
	if (c->path[0] != '/') {
		conf_fault(f, "stream", "path", NULL, "\"%s\" is not an absolute path", c->path);
		return -1;
	}
	if (strlen(c->path) >= 108) {	/* sun_path */
		conf_fault(f, "stream", "path", NULL, "a unix socket's path has at most 107 bytes");
		return -1;
	}
	return 0;
}

#define F(field) offsetof(struct stream_conf, field)
static const struct conf_key keys[] = {
	{ "enabled", CONF_SWITCH, F(enabled), 0, 0 },
	{ "path", CONF_STR_T, F(path), 0, 0 },
	{ "group", CONF_STR_T, F(group), 0, 0 },
};

_Static_assert(sizeof(struct stream_conf) <= CONF_SECTION_BYTES, "[stream] fits its slot");
const struct conf_section stream_conf_section = {
	.name = "stream",
	.size = sizeof(struct stream_conf),
	.keys = keys,
	.nkeys = sizeof(keys) / sizeof(keys[0]),
	.defaults = defaults,
	.check = check,
};

bool stream_wanted(const void *conf, const struct sink_overrides *o)
{
	const struct stream_conf *c = conf;
	if (o->guest)
		return false;	/* vstop-agent: a guest has no host stream to serve */
	return c->enabled == CONF_SWITCH_YES || (c->enabled == CONF_SWITCH_UNSET && o->samples_host);
}
