/*
 * conf_sections: every section of vstop.conf besides [general]: the sources'
 * ([xen], [kvm]) and one per sink ([http], [rrd], [push], [alerts]), whether this build
 * has the sink or not (a section of a sink left out of the build still parses, so a
 * shared vstop.conf works everywhere). The daemons and the dashboard read them all.
 */
#ifndef VSTOP_CONF_SECTIONS_H
#define VSTOP_CONF_SECTIONS_H

#include "lib/conf.h"

extern const struct conf_section *const sink_conf_sections[];
extern const unsigned sink_conf_nsections;

#endif
