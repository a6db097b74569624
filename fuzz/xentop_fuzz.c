/* libFuzzer target: xentop -b lines, one by one, into one snapshot; and
 * what a Dom0 lists of its domains' devices: /proc/net/dev, vif names and
 * nodenames, VBD entries (xen_devices.h). */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "collector/xen_devices.h"
#include "collector/xentop_log.h"
#include "lib/net_dev.h"

static void count(void *ctx, const char *name, const uint64_t f[NET_DEV_FIELDS])
{
	uint32_t domid, id;
	*(uint64_t *)ctx += f[0] + xd_vif_name(name, &domid, &id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xentop_parser p = { 0 };
	struct snapshot s = { 0 };
	char err[256], name[600];
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	uint64_t sum = 0;
	uint32_t bad, domid, id;
	net_dev_each(text, size, count, &sum, &bad);
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		xentop_row_name(&p, line, name, sizeof(name));
		xd_vif_nodename(line, strlen(line), &domid, &id);
		xd_vbd_entry(line, &domid, &id);
		xentop_parse_line(&p, line, &s, err, sizeof(err));
	}
	snapshot_free(&s);
	free(text);
	return 0;
}
