/*
 * guest_io: this VM's pressure files, /proc/diskstats and /proc/vmstat, kept
 * open and read each sample beside /proc/stat (guest_sampler.h). A file the
 * kernel does not have (no PSI: CONFIG_PSI off or psi=0; irq before 6.1) is
 * left out and said once in `missing`; a file that stops parsing is an
 * error of that sample, like /proc/stat's.
 */
#ifndef VSTOP_GUEST_IO_H
#define VSTOP_GUEST_IO_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/pfile.h"
#include "model/io_rates.h"

/* The largest these files are on a big guest is a few KiB; diskstats with
 * thousands of devices tens of KiB. */
#define GUEST_IO_MAX_BYTES (4u << 20)

struct guest_io {
	struct pfile psi[PSI_RESOURCES], diskstats, vmstat;
	struct io_reading r[2];
	int cur;			/* r[cur] is the newest reading */
	int64_t read_ns;		/* monotonic time of r[cur] */
	bool have_prev;			/* r[cur] holds a good reading */
	struct io_rates rates;
	char missing[256];		/* what this kernel does not have, for the views */
};

/* Closed, so that guest_io_close is harmless before an open. */
void guest_io_init(struct guest_io *g);
/* Open what proc_root (NULL: /proc) has and take the first reading. A file
 * absent or unreadable is left out (said in missing); a first reading that
 * fails is taken again at the next read. 0, or -1 + err (out of memory). */
int guest_io_open(struct guest_io *g, const char *proc_root, int64_t now_ns, char *err, size_t errsz);
/* A new reading at monotonic now_ns and the rates since the previous one.
 * 0; 1: a first good reading, no rates yet; -1 + err: the previous reading
 * is kept, so the next success spans both. */
int guest_io_read(struct guest_io *g, int64_t now_ns, char *err, size_t errsz);
void guest_io_close(struct guest_io *g);

#endif
