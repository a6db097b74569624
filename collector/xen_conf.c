/* xen_conf: [xen] (see xen_conf.h). */
#include "config.h"
#include "collector/xen_conf.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

_Static_assert(TRACE_AUTO == 0 && TRACE_ON == 1 && TRACE_OFF == 2, "in conf_auto_on_off's order");

static void defaults(void *data)
{
	struct xen_conf *c = data;
	snprintf(c->trace, sizeof(c->trace), "auto");
	snprintf(c->xentrace, sizeof(c->xentrace), "xentrace");
}

static int check(const void *data, struct conf_fault *f)
{
	const struct xen_conf *c = data;
	if (conf_auto_on_off(c->trace) < 0) {
		conf_fault(f, "xen", "trace", NULL, "[xen] trace is auto, on or off, not \"%s\"", c->trace);
		return -1;
	}
	return 0;
}

#define F(field) offsetof(struct xen_conf, field)
static const struct conf_key keys[] = {
	{ "trace", CONF_STR_T, F(trace), 0, 0 },
	{ "xentrace", CONF_STR_T, F(xentrace), 0, 0 },
};

_Static_assert(sizeof(struct xen_conf) <= CONF_SECTION_BYTES, "[xen] fits its slot");
const struct conf_section xen_conf_section = {
	.name = "xen",
	.size = sizeof(struct xen_conf),
	.keys = keys,
	.nkeys = sizeof(keys) / sizeof(keys[0]),
	.defaults = defaults,
	.check = check,
	.reloads = true,
};

void xen_conf_apply(const struct xen_conf *c, struct source_options *so)
{
	so->trace = (enum trace_mode)(conf_auto_on_off(c->trace) < 0 ? TRACE_AUTO : conf_auto_on_off(c->trace));
	so->xentrace = c->xentrace;
}
