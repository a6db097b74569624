/*
 * probe: the guest steal probe. Keeps /proc/stat open and re-reads it with
 * pread into a buffer that grows by doubling and stays, so a sample in steady
 * state costs one syscall and no allocation.
 */
#ifndef VSTOP_PROBE_H
#define VSTOP_PROBE_H

#include <stddef.h>
#include "lib/pfile.h"
#include "lib/procstat.h"

/* /proc/stat is a few KiB even on big machines; anything past this is hostile. */
#define PROBE_MAX_BYTES (16u << 20)

struct probe {
	struct pfile f;		/* f.path: the file read */
};

/* proc_root: NULL or "" for /proc; else a directory holding a "stat" file.
 * Returns 0, or -1 with a message in err. */
int probe_open(struct probe *p, const char *proc_root, char *err, size_t errsz);
int probe_read(struct probe *p, struct procstat *out, char *err, size_t errsz);
void probe_close(struct probe *p);

/* The proc root from the environment (VSTOP_PROC_ROOT) or NULL. */
const char *probe_default_root(void);

#endif
