/* xs_publish: write this guest's steal to xenstore (see xs_publish.h). */
#include "config.h"
#include "agent/xs_publish.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/dynlib.h"
#include "lib/log.h"
#ifdef HAVE_XENSTORE
#include <xenstore.h>
#endif

#define XS_KEY "data/vstop/stat"

bool xen_guest_detect(void)
{
	return access("/dev/xen/xenbus", F_OK) == 0 || access("/proc/xen/xenbus", F_OK) == 0;
}

void guest_stat_from_procstat(const struct procstat *ps, uint32_t user_hz, struct guest_stat *g)
{
	g->ncpus = ps->ncpus ? ps->ncpus : 1;
	g->user_hz = user_hz;
	g->total_ticks = cpu_times_total(&ps->total);
	g->steal_ticks = ps->total.nfields > CPU_STEAL ? ps->total.field[CPU_STEAL] : 0;
	if (g->steal_ticks > g->total_ticks)
		g->steal_ticks = g->total_ticks;
}

#ifdef HAVE_XENSTORE
/* libxenstore is loaded only on a Xen guest: the agent's package does not depend on
 * Xen's libraries, which a KVM or cloud guest never uses. */
static struct {
	struct xs_handle *(*open)(unsigned long flags);
	bool (*write)(struct xs_handle *h, xs_transaction_t t, const char *path, const void *data,
		      unsigned int len);
	void (*close)(struct xs_handle *h);
} xs;
static const char *const xs_syms[] = {"xs_open", "xs_write", "xs_close", NULL};
static const char *const xs_names[] = {"libxenstore.so.4", "libxenstore.so", NULL};

int xs_publish_open(struct xs_publish *p, char *err, size_t errsz)
{
	memset(p, 0, sizeof(*p));
	if (!xs.open && dynlib_open(xs_names, "libxenstore4", xs_syms, (void **)&xs, err, errsz) < 0)
		return -1;
	p->xsh = xs.open(0);
	if (!p->xsh) {
		snprintf(err, errsz, "cannot open xenbus: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int xs_publish_write(struct xs_publish *p, const struct guest_stat *g, double now)
{
	char buf[GUEST_STAT_MAX_LEN + 1];
	int n = guest_stat_format(buf, sizeof(buf), g);

	if (n > 0 && xs.write(p->xsh, XBT_NULL, XS_KEY, buf, (unsigned)n)) {
		p->written++;
		return 0;
	}
	p->errors++;
	if (log_limit_pass(&p->log_limit, now)) {
		log_warn("xenstore: cannot write %s: %s (%llu failures)", XS_KEY, strerror(errno),
			 (unsigned long long)p->errors);
	}
	return -1;
}

void xs_publish_close(struct xs_publish *p)
{
	if (p->xsh)
		xs.close(p->xsh);
	p->xsh = NULL;
}
#else
int xs_publish_open(struct xs_publish *p, char *err, size_t errsz)
{
	memset(p, 0, sizeof(*p));
	snprintf(err, errsz, "built without libxenstore");
	return -1;
}

int xs_publish_write(struct xs_publish *p, const struct guest_stat *g, double now)
{
	(void)p;
	(void)g;
	(void)now;
	return -1;
}

void xs_publish_close(struct xs_publish *p)
{
	(void)p;
}
#endif
