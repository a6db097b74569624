/*
 * probe: reads /proc/stat (or $VSTOP_PROC_ROOT/stat, for tests) with pread.
 * The whole file is read each time: the kernel builds it in one go whatever
 * we ask for, so a partial read saves nothing and could cut a cpu line.
 */
#include "config.h"
#include "agent/probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

const char *probe_default_root(void)
{
	const char *r = getenv("VSTOP_PROC_ROOT");
	return r && *r ? r : NULL;
}

int probe_open(struct probe *p, const char *proc_root, char *err, size_t errsz)
{
	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (!proc_root || !*proc_root)
		proc_root = "/proc";
	if ((size_t)snprintf(p->path, sizeof(p->path), "%s/stat", proc_root) >= sizeof(p->path)) {
		snprintf(err, errsz, "proc root path too long");
		return -1;
	}
	p->fd = open(p->path, O_RDONLY | O_CLOEXEC);
	if (p->fd < 0) {
		snprintf(err, errsz, "%s: %s", p->path, strerror(errno));
		return -1;
	}
	p->cap = 8192;
	p->buf = malloc(p->cap);
	if (!p->buf) {
		snprintf(err, errsz, "out of memory");
		probe_close(p);
		return -1;
	}
	return 0;
}

int probe_read(struct probe *p, struct procstat *out, char *err, size_t errsz)
{
	ssize_t n;
	char msg[200];

	for (;;) {
		n = pread(p->fd, p->buf, p->cap, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errsz, "%s: read: %s", p->path, strerror(errno));
			return -1;
		}
		if ((size_t)n < p->cap)
			break;
		if (p->cap >= PROBE_MAX_BYTES) {
			snprintf(err, errsz, "%s: larger than %u MiB, refusing to read it",
				 p->path, PROBE_MAX_BYTES >> 20);
			return -1;
		}
		char *b = realloc(p->buf, p->cap * 2);
		if (!b) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		p->buf = b;
		p->cap *= 2;
	}
	if (procstat_parse(p->buf, (size_t)n, out, msg, sizeof(msg)) < 0) {
		snprintf(err, errsz, "%s: %s", p->path, msg);
		return -1;
	}
	return 0;
}

void probe_close(struct probe *p)
{
	if (p->fd >= 0)
		close(p->fd);
	free(p->buf);
	p->fd = -1;
	p->buf = NULL;
	p->cap = 0;
}
