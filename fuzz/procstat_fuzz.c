/* libFuzzer target: /proc/stat text into procstat_parse and the rates. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include "model/cpu_rates.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct procstat a, b;
	static struct guest_rates r;
	char err[256];
	if (procstat_parse((const char *)data, size, &a, err, sizeof(err)) == 0 &&
	    procstat_parse((const char *)data, size / 2, &b, err, sizeof(err)) == 0)
		guest_rates_compute(&b, &a, 1.0, &r);
	return 0;
}
