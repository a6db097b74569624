/* libFuzzer target: xentop -b lines, one by one, into one snapshot. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "collector/xentop_log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xentop_parser p = { 0 };
	struct snapshot s = { 0 };
	char err[256], name[600];
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		xentop_row_name(&p, line, name, sizeof(name));
		xentop_parse_line(&p, line, &s, err, sizeof(err));
	}
	snapshot_free(&s);
	free(text);
	return 0;
}
