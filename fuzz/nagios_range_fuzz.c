/* libFuzzer target: Nagios threshold ranges, parsed and printed back. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "contrib/nagios/nagios_range.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nagios_range r;
	char err[256], buf[128], s[128];
	if (size >= sizeof(s))
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if (nagios_range_parse(s, &r, err, sizeof(err)) == 0) {
		nagios_range_alert(&r, 0);
		nagios_range_str(&r, buf, sizeof(buf));
	}
	return 0;
}
