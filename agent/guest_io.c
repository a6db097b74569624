/* guest_io: this VM's pressure, disks and memory events (see guest_io.h). */
#include "config.h"
#include "agent/guest_io.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char *const psi_files[PSI_RESOURCES] = { "pressure/cpu", "pressure/memory", "pressure/io", "pressure/irq" };

/* An absent file is this kernel's lack, not an error; anything else is. */
static int open_optional(struct guest_io *g, struct pfile *f, const char *root, const char *name, char *err, size_t errsz)
{
	if (pfile_open(f, root, name, GUEST_IO_MAX_BYTES, err, errsz) == 0)
		return 0;
	bool absent = errno == ENOENT || errno == EOPNOTSUPP;
	if (absent && f == &g->psi[PSI_IRQ])
		return 0;	/* new in 6.1 and only with IRQ time accounting: nothing to say */
	size_t used = strlen(g->missing);
	/* Not readable is said with why; steal is never lost to it. */
	snprintf(g->missing + used, sizeof(g->missing) - used, "%s%s%s%s%s", used ? " " : "", name, absent ? "" : " (",
		 absent ? "" : strerror(errno), absent ? "" : ")");
	return 0;
}

static int read_one(struct pfile *f, int (*parse)(const char *, size_t, void *, char *, size_t), void *out,
		    char *err, size_t errsz)
{
	size_t n;
	char msg[200];
	if (pfile_read(f, &n, err, errsz) < 0)
		return -1;
	if (parse(f->buf, n, out, msg, sizeof(msg)) < 0) {
		snprintf(err, errsz, "%s: %s", f->path, msg);
		return -1;
	}
	return 0;
}

static int parse_psi(const char *b, size_t n, void *o, char *e, size_t es) { return psi_parse(b, n, o, e, es); }
static int parse_disks(const char *b, size_t n, void *o, char *e, size_t es) { return diskstats_parse(b, n, o, e, es); }
static int parse_vm(const char *b, size_t n, void *o, char *e, size_t es) { return vmstat_parse(b, n, o, e, es); }

static int take(struct guest_io *g, struct io_reading *r, char *err, size_t errsz)
{
	for (int k = 0; k < PSI_RESOURCES; k++)
		if ((r->has_psi[k] = pfile_is_open(&g->psi[k])) && read_one(&g->psi[k], parse_psi, &r->psi[k], err, errsz) < 0)
			return -1;
	if (pfile_is_open(&g->diskstats) && read_one(&g->diskstats, parse_disks, &r->disks, err, errsz) < 0)
		return -1;
	if ((r->has_vm = pfile_is_open(&g->vmstat)) && read_one(&g->vmstat, parse_vm, &r->vm, err, errsz) < 0)
		return -1;
	return 0;
}

void guest_io_init(struct guest_io *g)
{
	memset(g, 0, sizeof(*g));
	for (int k = 0; k < PSI_RESOURCES; k++)
		g->psi[k].fd = -1;
	g->diskstats.fd = g->vmstat.fd = -1;
}

int guest_io_open(struct guest_io *g, const char *proc_root, int64_t now_ns, char *err, size_t errsz)
{
	guest_io_init(g);
	const char *root = proc_root && *proc_root ? proc_root : "/proc";
	int rc = 0;
	for (int k = 0; k < PSI_RESOURCES && rc == 0; k++)
		rc = open_optional(g, &g->psi[k], root, psi_files[k], err, errsz);
	if (rc == 0)
		rc = open_optional(g, &g->diskstats, root, "diskstats", err, errsz);
	if (rc == 0)
		rc = open_optional(g, &g->vmstat, root, "vmstat", err, errsz);
	if (rc < 0) {
		guest_io_close(g);
		return -1;
	}
	/* A first reading that fails is tried again at the next sample. */
	g->have_prev = take(g, &g->r[0], err, errsz) == 0;
	g->read_ns = now_ns;
	return 0;
}

int guest_io_read(struct guest_io *g, int64_t now_ns, char *err, size_t errsz)
{
	struct io_reading *next = &g->r[g->cur ^ 1];
	if (take(g, next, err, errsz) < 0)
		return -1;
	if (!g->have_prev) {	/* the first good reading: rates from the next */
		g->have_prev = true;
		g->cur ^= 1;
		g->read_ns = now_ns;
		return 1;
	}
	if (io_rates_compute(&g->rates, &g->r[g->cur], next, (double)(now_ns - g->read_ns) / 1e9) < 0) {
		snprintf(err, errsz, "out of memory");
		return -1;
	}
	g->cur ^= 1;
	g->read_ns = now_ns;
	return 0;
}

void guest_io_close(struct guest_io *g)
{
	for (int k = 0; k < PSI_RESOURCES; k++)
		pfile_close(&g->psi[k]);
	pfile_close(&g->diskstats);
	pfile_close(&g->vmstat);
	io_reading_free(&g->r[0]);
	io_reading_free(&g->r[1]);
	io_rates_free(&g->rates);
}
