/* guest_io_series: the catalog of what a VM waits on besides CPU (pressure, disks, memory events). */
#ifndef VSTOP_GUEST_IO_SERIES_H
#define VSTOP_GUEST_IO_SERIES_H

#include "lib/series.h"
#include "model/guest_series.h"

/* pressure.rrd's series (pressure, memory events) and the disks' (disk-NAME.rrd). */
struct series_set guest_pressure_series_set(const struct guest_view *g);
struct series_set guest_disk_series_set(const struct guest_view *g);

#endif
