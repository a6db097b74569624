#include "config.h"
#include "dashboard.h"
#include "batch.h"
int dashboard_run(const struct vstop_options *o)
{
	return o->host ? batch_host(o) : batch_guest(o);
}
