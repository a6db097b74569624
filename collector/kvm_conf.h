/* kvm_conf: the [kvm] section of vstop.conf, the kvm source's settings. */
#ifndef VSTOP_KVM_CONF_H
#define VSTOP_KVM_CONF_H

#include "lib/conf.h"
#include "collector/source.h"

struct kvm_conf {
	char libvirt[CONF_STR];		/* auto | on | off */
	char libvirt_uri[CONF_STR];	/* a read-only connection's URI */
};

extern const struct conf_section kvm_conf_section;
/* Its values as the kvm source takes them. */
void kvm_conf_apply(const struct kvm_conf *c, struct source_options *so);

#endif
