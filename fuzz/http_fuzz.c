/* libFuzzer target: what the HTTP handler and the plugins see: a method and a path
 * (http_route), and /metrics text read back (prom_text). */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lib/prom_text.h"
#include "exporters/http.h"

static int visit(const char *label, double v, void *ctx)
{
	(void)ctx;
	return label[0] == 'x' && v > 1e300;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	char *space = strchr(text, ' ');
	if (space) {
		*space = '\0';
		http_route(text, space + 1);
		*space = ' ';
	}
	prom_each((const char *)data, size, "vstop_domain_steal_ratio", "domain", visit, NULL);
	free(text);
	return 0;
}
