/* libFuzzer target: the push queue's reader (push_disk.h) over a segment file
 * and a cursor as a crash, a power cut or a hand could leave them: the input's
 * first 4 bytes are the cursor's offset, the rest the segment. Whatever it
 * holds, opening recovers, every record handed out passes its checksum, and
 * draining ends. */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/log.h"
#include "exporters/push_disk.h"
#include "exporters/push_record.h"

static char dir[64];

static void put(const char *name, const void *data, size_t n)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	if (!f)
		abort();
	if (n && fwrite(data, 1, n, f) != n)
		abort();
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/tmp/vstop-fuzz-pushq-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		log_init("fuzz", false);
	}
	uint32_t off = 0;
	if (size >= 4) {
		memcpy(&off, data, 4);
		data += 4;
		size -= 4;
	}
	char cursor[80];
	int n = snprintf(cursor, sizeof(cursor), "vstop push cursor 1\n0000000000000001 %u\n", off);
	put("cursor", cursor, (size_t)n);
	put("0000000000000001.seg", data, size);
	char err[256];
	struct push_disk *d = pd_open(dir, 1u << 20, 1e9, err, sizeof(err));
	if (d) {
		const uint8_t *body;
		size_t len;
		uint32_t points;
		for (int i = 0; i < 100000 && pd_peek(d, &body, &len, &points) == 1; i++) {
			if (len == 0 || len > PR_MAX_BODY)
				abort();
			pd_commit(d);
		}
		pd_close(d);
	}
	/* Start the next input from an empty directory. */
	char path[128];
	for (int id = 1; id < 4; id++) {
		snprintf(path, sizeof(path), "%s/%016x.seg", dir, id);
		unlink(path);
	}
	return 0;
}
