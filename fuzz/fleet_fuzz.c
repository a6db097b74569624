/* libFuzzer target: a query API's answer for the fleet view (tui/fleet.h), which
 * comes from a store every host writes to. The first byte picks the query; every
 * answer gives a refusal or rows whose strings and numbers are within bounds, and
 * every name, measured in columns as the dashboard does (lib/text_width.h), fits. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/text_width.h"
#include "tui/fleet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fleet f;
	char err[512];
	if (!size)
		return 0;
	fleet_init(&f);
	/* Rows first, so the other answers have rows to fill. */
	(void)fleet_add_answer(&f, FQ_VCPUS, (const char *)data + 1, size - 1, err, sizeof(err));
	(void)fleet_add_answer(&f, (enum fleet_query)(data[0] % FQ_COUNT), (const char *)data + 1, size - 1, err,
			       sizeof(err));
	fleet_finish(&f, 1e9, 30);
	for (uint32_t i = 0; i < f.nguests; i++)
		if (strlen(f.guest[i].host) + strlen(f.guest[i].name) > size)
			abort();
	for (uint32_t i = 0; i < f.nguests; i++) {
		int used;
		size_t n = text_fit(f.guest[i].name, 24, true, &used);
		if (used > 24 || n > strlen(f.guest[i].name) || text_width(f.guest[i].name, true) < used)
			abort();
	}
	for (uint32_t i = 0; i < f.nhosts; i++)
		if (strlen(f.host[i].host) > size)
			abort();
	fleet_free(&f);
	return 0;
}
