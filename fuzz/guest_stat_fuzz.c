/* libFuzzer target: a hostile guest's data/vstop/stat value, parsed, formatted, re-parsed;
 * and the same bytes as the toolstack's /libxl/DOMID/type and a VBD's physical-device. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "collector/xs_import.h"
#include "lib/guest_stat.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct guest_stat g, back;
	char buf[GUEST_STAT_MAX_LEN + 1];
	if (xs_import_type((const char *)data, size) > DOM_TYPE_PVH)
		abort();	/* only PV, HVM or PVH come from the toolstack */
	if (xs_memory_target((const char *)data, size) && (size > 10 || data[0] < '1' || data[0] > '9'))
		abort();	/* KiB in decimal, no leading zero, at most ten digits */
	uint32_t dev = xs_physical_device((const char *)data, size);
	if (dev && (dev >> 20 == 0 || size < 3 || size > 13))
		abort();	/* a device number, from "M:m" to "fff:fffff" */
	if (guest_stat_parse((const char *)data, size, &g) != GS_OK)
		return 0;
	int n = guest_stat_format(buf, sizeof(buf), &g);
	if (n <= 0 || guest_stat_parse(buf, (size_t)n, &back) != GS_OK || memcmp(&g, &back, sizeof(g)) != 0)
		abort();	/* what we accept, we must be able to write back identically */
	return 0;
}
