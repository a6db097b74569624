/* libFuzzer target: messages from vstopd's sampler (lib/snapshot_wire.h), which
 * the unprivileged side reads as hostile: any bytes give a refusal or a
 * snapshot whose every index and name is within its arrays. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/snapshot_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct snapshot s;
	char why[256];
	enum wire_type type;
	uint32_t len;
	const char *hw;
	if (wire_header(data, size, &type, &len, &hw) == 0 && type == WIRE_SNAPSHOT && len <= size - WIRE_HEADER &&
	    wire_get_snapshot(data + WIRE_HEADER, len, &s, why, sizeof(why)) == 0) {
		for (uint32_t i = 0; i < s.ndoms; i++) {
			const struct domain *d = &s.doms[i];
			if (strlen(domain_name(&s, d)) > DOMAIN_NAME_MAX || d->net_first + (uint64_t)d->net_count > s.nnets)
				abort();
		}
		for (uint32_t i = 0; i < s.nthief_names; i++)
			(void)strlen(s.names + s.thief_names[i].name_off);
	}
	/* The payload alone, whatever the header says. */
	if (size > WIRE_HEADER)
		(void)wire_get_snapshot(data + WIRE_HEADER, size - WIRE_HEADER, &s, why, sizeof(why));
	return 0;
}
