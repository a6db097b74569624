/* batch: `vstop -b`, one block (or JSON line) per interval, like top -b / xentop -b. */
#ifndef VSTOP_BATCH_H
#define VSTOP_BATCH_H

#include "tui/options.h"

/* Exit status: 0, or 1 with the reason on stderr. */
int batch_run(const struct vstop_options *o);

#endif
