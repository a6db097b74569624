/* guest_series: the catalog of a VM's sample (its /proc/stat and the rates). */
#ifndef VSTOP_GUEST_SERIES_H
#define VSTOP_GUEST_SERIES_H

#include <stdint.h>
#include "lib/procstat.h"
#include "lib/series.h"
#include "model/cpu_rates.h"
#include "model/io_rates.h"

/* One reading of this VM and the rates since the one before. */
struct guest_view {
	const struct procstat *ps;
	const struct guest_rates *rates;	/* NULL or not valid: no rates yet */
	uint32_t user_hz;
	double cap_ceiling;			/* steal holding its use flat: the ceiling, % of its CPUs; NaN none */
	const struct io_rates *io;		/* pressure, disks, memory events; NULL: none this interval */
	const char *io_missing;			/* the files this kernel lacks ("pressure/irq ..."), "" none */
	const char *io_error;			/* why io is NULL when a file failed, "" otherwise */
};

struct series_set guest_series_set(const struct guest_view *g);

#endif
