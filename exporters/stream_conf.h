/* stream_conf: the [stream] section of vstop.conf (vstopd's local stream, which
 * vstop on the same host reads instead of sampling by itself). */
#ifndef VSTOP_STREAM_CONF_H
#define VSTOP_STREAM_CONF_H

#include <stdbool.h>
#include "lib/conf.h"
#include "lib/snapshot_wire.h"

/* Where vstopd serves it, and where vstop looks for it. */
#define STREAM_DEFAULT_PATH WIRE_STREAM_PATH
#define STREAM_DEFAULT_GROUP "adm"

struct stream_conf {
	enum conf_switch enabled;	/* unset: on when vstopd samples this host (xen, kvm) */
	char path[CONF_STR];		/* a unix socket, in a directory only its owner writes */
	char group[CONF_STR];		/* who besides root may read it, as the journal's adm */
};

extern const struct conf_section stream_conf_section;
struct sink_overrides;
/* Whether [stream] turns it on for this daemon. */
bool stream_wanted(const void *conf, const struct sink_overrides *o);

#endif
