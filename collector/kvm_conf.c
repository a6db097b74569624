/* kvm_conf: [kvm] (see kvm_conf.h). */
#include "config.h"
#include "collector/kvm_conf.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

_Static_assert(LIBVIRT_AUTO == 0 && LIBVIRT_ON == 1 && LIBVIRT_OFF == 2, "in conf_auto_on_off's order");

static void defaults(void *data)
{
	struct kvm_conf *c = data;
	snprintf(c->libvirt, sizeof(c->libvirt), "auto");
	snprintf(c->libvirt_uri, sizeof(c->libvirt_uri), "qemu:///system");
}

static int check(const void *data, struct conf_fault *f)
{
	const struct kvm_conf *c = data;
	if (conf_auto_on_off(c->libvirt) < 0) {
		conf_fault(f, "kvm", "libvirt", NULL, "[kvm] libvirt is auto, on or off, not \"%s\"", c->libvirt);
		return -1;
	}
	/* A URI names a driver: "qemu:///system", "qemu+ssh://host/system". */
	const char *colon = strchr(c->libvirt_uri, ':');
	if (!colon || colon == c->libvirt_uri || strncmp(colon, "://", 3) != 0) {
		conf_fault(f, "kvm", "libvirt_uri", NULL, "[kvm] libvirt_uri \"%s\" is not a libvirt URI (like qemu:///system)",
			   c->libvirt_uri);
		return -1;
	}
	return 0;
}

#define F(field) offsetof(struct kvm_conf, field)
static const struct conf_key keys[] = {
	{ "libvirt", CONF_STR_T, F(libvirt), 0, 0 },
	{ "libvirt_uri", CONF_STR_T, F(libvirt_uri), 0, 0 },
};

_Static_assert(sizeof(struct kvm_conf) <= CONF_SECTION_BYTES, "[kvm] fits its slot");
const struct conf_section kvm_conf_section = {
	.name = "kvm",
	.size = sizeof(struct kvm_conf),
	.keys = keys,
	.nkeys = sizeof(keys) / sizeof(keys[0]),
	.defaults = defaults,
	.check = check,
	.reloads = true,
};

void kvm_conf_apply(const struct kvm_conf *c, struct source_options *so)
{
	so->libvirt = (enum libvirt_mode)(conf_auto_on_off(c->libvirt) < 0 ? LIBVIRT_AUTO : conf_auto_on_off(c->libvirt));
	so->libvirt_uri = c->libvirt_uri;
}
