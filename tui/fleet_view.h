/*
 * fleet_view: `vstop --source=prom:URL`: the fleet's guests across every host
 * reporting to a central Prometheus or VictoriaMetrics, worst steal first, with
 * a line per host (overcommit, saturation, how long since its last sample).
 * As `-b` text or JSON lines, or a dashboard refreshed every -d seconds.
 */
#ifndef VSTOP_FLEET_VIEW_H
#define VSTOP_FLEET_VIEW_H

#include <stdio.h>
#include "lib/strbuf.h"
#include "tui/fleet.h"
#include "tui/fleet_query.h"
#include "tui/options.h"

/* The URL of a --source=prom:URL, or NULL when the source is another one. */
const char *fleet_source_url(const char *source);


/* Batch or dashboard; exit status 0, or 1 with the reason on stderr. */
int fleet_run(const struct vstop_options *o, const char *url);

#endif
