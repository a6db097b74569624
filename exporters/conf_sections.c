/* conf_sections: the sinks' sections of vstop.conf (see conf_sections.h). */
#include "config.h"
#include "exporters/conf_sections.h"

#include "alerts/alarms_conf.h"
#include "exporters/http_conf.h"
#include "exporters/push_conf.h"
#include "exporters/rrd_conf.h"
#include "exporters/stream_conf.h"
#include "collector/kvm_conf.h"
#include "collector/xen_conf.h"

/* In the order --print-config shows them. */
const struct conf_section *const sink_conf_sections[] = {
	&xen_conf_section, &kvm_conf_section, &http_conf_section, &rrd_conf_section, &push_conf_section, &stream_conf_section,
	&alarms_conf_section,
};
const unsigned sink_conf_nsections = sizeof(sink_conf_sections) / sizeof(sink_conf_sections[0]);
