/* libFuzzer target: a whole replay file (xentop log or vstop JSON records) through the
 * replay source and the model, as `vstop -b --source=replay:FILE` reads it. */
#define _GNU_SOURCE
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
#include "model/model.h"
#include "collector/source.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[512];
	int fd = memfd_create("replay", 0);
	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "replay:/proc/self/fd/%d", fd);
	struct source *src = source_open(path, NULL, err, sizeof(err));
	if (src) {
		struct model m;
		model_init(&m, 8);
		for (int i = 0; i < 64 && source_sample(src, model_next(&m), err, sizeof(err)) == 0; i++)
			model_commit(&m);
		model_free(&m);
		source_close(src);
	}
	close(fd);
	return 0;
}
