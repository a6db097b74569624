/*
 * pfile: a file kept open and re-read whole with pread, into a buffer that
 * grows by doubling up to a bound and stays. For the kernel's small text
 * files read every sample (/proc/stat, /proc/diskstats, the pressure files):
 * one syscall and no allocation in steady state.
 */
#ifndef VSTOP_PFILE_H
#define VSTOP_PFILE_H

#include <stddef.h>

struct pfile {
	int fd;
	char *buf;
	size_t cap, max;
	char path[4096];
};

/* Open root/name (root NULL or "": name as given), reading at most max bytes
 * later. 0, or -1 with a message naming the path in err (errno kept). */
int pfile_open(struct pfile *f, const char *root, const char *name, size_t max, char *err, size_t errsz);
/* The whole file now: its bytes in f->buf, their count in *len (the buffer
 * holds len + 1 bytes, NUL-terminated). 0, or -1 + err. */
int pfile_read(struct pfile *f, size_t *len, char *err, size_t errsz);
void pfile_close(struct pfile *f);
/* How many files a source may keep open: half of what the process may
 * open, its soft limit first raised to the hard one (64Ki at most). */
unsigned pfile_fd_budget(void);
static inline int pfile_is_open(const struct pfile *f) { return f->fd >= 0; }

#endif
