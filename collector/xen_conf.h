/* xen_conf: the [xen] section of vstop.conf, the xen source's settings. */
#ifndef VSTOP_XEN_CONF_H
#define VSTOP_XEN_CONF_H

#include "lib/conf.h"
#include "collector/source.h"

struct xen_conf {
	char trace[CONF_STR];		/* auto | on | off */
	char xentrace[CONF_STR];	/* the trace reader, a name in PATH or a path */
};

extern const struct conf_section xen_conf_section;
/* Its values as the xen source takes them. */
void xen_conf_apply(const struct xen_conf *c, struct source_options *so);

#endif
