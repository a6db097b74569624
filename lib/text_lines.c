/* text_lines: a text file line by line (see text_lines.h). */
#include "config.h"
#include "lib/text_lines.h"

#include <string.h>

unsigned text_lines(const char *buf, size_t len, int (*take)(const char *line, size_t n, void *ctx), void *ctx)
{
	size_t i = 0;
	unsigned lineno = 0;
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len;
		lineno++;
		if (take(buf + i, end - i, ctx) < 0)
			return lineno;
		i = end + 1;
	}
	return 0;
}
