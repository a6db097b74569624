/* libFuzzer target: vstop.conf text into the INI loader. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/conf.h"
#include "sinks/conf_sections.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct vstop_conf c;
	char err[512];
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	conf_defaults(&c, sink_conf_sections, sink_conf_nsections);
	conf_load_string(&c, "fuzz.conf", text, err, sizeof(err));
	free(text);
	return 0;
}
