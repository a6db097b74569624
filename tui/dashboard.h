/* dashboard: the interactive curses view of `vstop` (host and guest). */
#ifndef VSTOP_DASHBOARD_H
#define VSTOP_DASHBOARD_H

#include "tui/options.h"

int dashboard_run(const struct vstop_options *o);

#endif
