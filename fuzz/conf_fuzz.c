/* libFuzzer target: vstop.conf text into the INI loader, then printed back
 * (--print-config: URLs without their password); the text as a URL to redact. */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/conf.h"
#include "lib/url_redact.h"
#include "exporters/conf_sections.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vstop_conf c;
	char err[512];
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	conf_defaults(&c, sink_conf_sections, sink_conf_nsections);
	if (conf_load_string(&c, "fuzz.conf", text, err, sizeof(err)) == 0) {
		FILE *f = fopen("/dev/null", "w");
		if (f) {
			conf_print(&c, f);
			fclose(f);
		}
	}
	char shown[64];
	url_redact(text, shown, sizeof(shown));
	if (strlen(shown) >= sizeof(shown))
		abort();
	free(text);
	return 0;
}
