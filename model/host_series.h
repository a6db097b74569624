/* host_series: the catalog of a Dom0's sample (the model's domains and host). */
#ifndef VSTOP_HOST_SERIES_H
#define VSTOP_HOST_SERIES_H

#include "lib/series.h"
#include "model/model.h"

struct series_set host_series_set(const struct model *m);

#endif
