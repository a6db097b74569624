/*
 * probe: reads /proc/stat (or $VSTOP_PROC_ROOT/stat, for tests) whole, with
 * pread on a kept-open file (lib/pfile.h).
 */
#include "config.h"
#include "agent/probe.h"

#include <stdio.h>
#include <stdlib.h>

const char *probe_default_root(void)
{
	const char *r = getenv("VSTOP_PROC_ROOT");
	return r && *r ? r : NULL;
}

int probe_open(struct probe *p, const char *proc_root, char *err, size_t errsz)
{
	return pfile_open(&p->f, proc_root && *proc_root ? proc_root : "/proc", "stat", PROBE_MAX_BYTES, err, errsz);
}

int probe_read(struct probe *p, struct procstat *out, char *err, size_t errsz)
{
	size_t n;
	char msg[200];

	if (pfile_read(&p->f, &n, err, errsz) < 0)
		return -1;
	if (procstat_parse(p->f.buf, n, out, msg, sizeof(msg)) < 0) {
		snprintf(err, errsz, "%s: %s", p->f.path, msg);
		return -1;
	}
	return 0;
}

void probe_close(struct probe *p)
{
	pfile_close(&p->f);
}
