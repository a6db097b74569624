/* rrd_conf: the [rrd] section of vstop.conf. */
#ifndef VSTOP_RRD_CONF_H
#define VSTOP_RRD_CONF_H

#include <stdbool.h>
#include "lib/conf.h"

struct rrd_conf {
	bool enabled;
	char dir[CONF_STR];
};

extern const struct conf_section rrd_conf_section;
struct sink_overrides;
/* Whether [rrd] (or the command line) turns it on. */
bool rrd_wanted(const void *conf, const struct sink_overrides *o);

#endif
