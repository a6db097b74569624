/* sparkline: block-character history rows (see sparkline.h). */
#include "config.h"
#include "tui/sparkline.h"

#include <math.h>
#include <string.h>

static const char *const blocks[8] = {
	"\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88",
};
static const char ascii[] = "_.-:=+*#";

char *sparkline(char *buf, size_t bufsz, int width, double max, bool utf8,
		double (*value)(unsigned i, const void *ctx), const void *ctx)
{
	size_t len = 0;

	for (int col = 0; col < width; col++) {
		double v = value((unsigned)(width - 1 - col), ctx);
		const char *cell = " ";
		char one[2] = { 0, 0 };
		if (!isnan(v)) {
			int level = v <= 0 ? 0 : (int)ceil(v / max * 8) - 1;
			if (level < 0)
				level = 0;
			if (level > 7)
				level = 7;
			if (utf8) {
				cell = blocks[level];
			} else {
				one[0] = ascii[level];
				cell = one;
			}
		}
		size_t n = strlen(cell);
		if (len + n + 1 > bufsz)
			break;
		memcpy(buf + len, cell, n);
		len += n;
	}
	buf[len] = '\0';
	return buf;
}
