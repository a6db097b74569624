/* kvm_libvirt: libvirtd's domain statistics for the kvm source (kvm_libvirt.h). */
#include "config.h"
#include "collector/kvm_libvirt.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/clock.h"
#include "lib/dynlib.h"
#include "lib/log.h"
#include "lib/xalloc.h"

#ifdef HAVE_LIBVIRT
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define RETRY_NS (60 * 1000000000ll)

/* libvirt is loaded when the kvm source starts (lib/dynlib.h): a Xen host's
 * vstopd never maps it, nor glib and GnuTLS behind it. */
static struct {
	virConnectPtr (*open_ro)(const char *);
	int (*close)(virConnectPtr);
	int (*all_stats)(virConnectPtr, unsigned int, virDomainStatsRecordPtr **, unsigned int);
	void (*stats_free)(virDomainStatsRecordPtr *);
	const char *(*dom_name)(virDomainPtr);
	virErrorPtr (*last_error)(void);
	void (*set_error_func)(void *, virErrorFunc);
} lv_fn;
static const char *const lv_syms[] = { "virConnectOpenReadOnly", "virConnectClose", "virConnectGetAllDomainStats",
	"virDomainStatsRecordListFree", "virDomainGetName", "virGetLastError", "virSetErrorFunc", NULL };
static const char *const lv_names[] = { "libvirt.so.0", "libvirt.so", NULL };
#define virConnectOpenReadOnly lv_fn.open_ro
#define virConnectClose lv_fn.close
#define virConnectGetAllDomainStats lv_fn.all_stats
#define virDomainStatsRecordListFree lv_fn.stats_free
#define virDomainGetName lv_fn.dom_name
#define virGetLastError lv_fn.last_error
#define virSetErrorFunc lv_fn.set_error_func

struct kvm_libvirt {
	char uri[256];
	virConnectPtr conn;
	int64_t retry_ns;
	struct lv_dom *doms;
	uint32_t ndoms, cap;
};

/* libvirt prints its errors to stderr by default; ours go to the log, once. */
static void quiet(void *ctx, virErrorPtr e)
{
	(void)ctx;
	(void)e;
}

static bool lv_connect(struct kvm_libvirt *lv, char *err, size_t errsz)
{
	lv->conn = virConnectOpenReadOnly(lv->uri[0] ? lv->uri : NULL);
	if (lv->conn)
		return true;
	const virError *e = virGetLastError();
	snprintf(err, errsz, "libvirt %s: %s", lv->uri[0] ? lv->uri : "(default URI)",
		 e && e->message ? e->message : "cannot connect");
	lv->retry_ns = clock_now_ns() + RETRY_NS;
	return false;
}

struct kvm_libvirt *kvm_libvirt_open(const char *uri, bool required, char *err, size_t errsz)
{
	static int loaded;	/* 1 loaded, -1 failed: once per process */
	static char why_not[300];
	if (!loaded)
		loaded = dynlib_open(lv_names, "libvirt0", lv_syms, (void **)&lv_fn, why_not, sizeof(why_not)) == 0 ? 1 : -1;
	if (loaded < 0) {
		if (required)
			snprintf(err, errsz, "libvirt: %s", why_not);
		else
			log_info("libvirt: %s; VMs are read from /proc alone", why_not);
		return NULL;
	}
	virSetErrorFunc(NULL, quiet);
	struct kvm_libvirt *lv = xcalloc(1, sizeof(*lv));
	snprintf(lv->uri, sizeof(lv->uri), "%s", uri ? uri : "qemu:///system");
	char why[400];
	if (lv_connect(lv, why, sizeof(why))) {
		log_info("libvirt: connected to %s", lv->uri);
		return lv;
	}
	if (required) {
		snprintf(err, errsz, "%s", why);
		free(lv);
		return NULL;
	}
	log_info("%s; VMs are read from /proc alone (tried again every minute)", why);
	return lv;
}

/* "net.3.rx.bytes" -> index 3 and "rx.bytes". */
static bool indexed(const char *field, const char *prefix, unsigned *i, const char **rest)
{
	size_t n = strlen(prefix);
	char *end;
	if (strncmp(field, prefix, n) != 0 || field[n] < '0' || field[n] > '9')
		return false;
	unsigned long v = strtoul(field + n, &end, 10);
	if (*end != '.' || v > 4096)
		return false;
	*i = (unsigned)v;
	*rest = end + 1;
	return true;
}

static void take(struct lv_dom *d, const virTypedParameter *p)
{
	unsigned long long v;
	if (p->type == VIR_TYPED_PARAM_ULLONG)
		v = p->value.ul;
	else if (p->type == VIR_TYPED_PARAM_UINT)
		v = p->value.ui;
	else
		return;
	unsigned i;
	const char *f;
	if (strcmp(p->field, "balloon.current") == 0)
		d->balloon_bytes = v << 10;
	else if (strcmp(p->field, "balloon.maximum") == 0)
		d->balloon_max_bytes = v << 10;
	else if (indexed(p->field, "vcpu.", &i, &f) && strcmp(f, "delay") == 0)
		d->delay_ns += v, d->has_delay = true;
	else if (indexed(p->field, "net.", &i, &f) && i + 1 > d->nnets)
		d->nnets = i + 1;
}

void kvm_libvirt_fetch(struct kvm_libvirt *lv)
{
	char why[400];
	lv->ndoms = 0;
	if (!lv->conn && (clock_now_ns() < lv->retry_ns || !lv_connect(lv, why, sizeof(why))))
		return;
	virDomainStatsRecordPtr *recs = NULL;
	int n = virConnectGetAllDomainStats(lv->conn, VIR_DOMAIN_STATS_INTERFACE | VIR_DOMAIN_STATS_BALLOON |
					    VIR_DOMAIN_STATS_VCPU,
					    &recs, VIR_CONNECT_GET_ALL_DOMAINS_STATS_ACTIVE);
	if (n < 0) {
		const virError *e = virGetLastError();
		log_warn("libvirt: %s; VMs are read from /proc alone (tried again in a minute)",
			 e && e->message ? e->message : "domain statistics failed");
		virConnectClose(lv->conn);
		lv->conn = NULL;
		lv->retry_ns = clock_now_ns() + RETRY_NS;
		return;
	}
	if ((uint32_t)n > lv->cap) {
		lv->cap = (uint32_t)n;
		lv->doms = xreallocarray(lv->doms, lv->cap, sizeof(*lv->doms));
	}
	for (int i = 0; i < n; i++) {
		struct lv_dom *d = &lv->doms[lv->ndoms];
		memset(d, 0, sizeof(*d));
		const char *name = virDomainGetName(recs[i]->dom);
		if (!name || strlen(name) >= sizeof(d->name))
			continue;
		snprintf(d->name, sizeof(d->name), "%s", name);
		for (int j = 0; j < recs[i]->nparams; j++)
			take(d, &recs[i]->params[j]);
		lv->ndoms++;
	}
	virDomainStatsRecordListFree(recs);
}

const struct lv_dom *kvm_libvirt_find(const struct kvm_libvirt *lv, const char *name)
{
	for (uint32_t i = 0; lv && i < lv->ndoms; i++)
		if (strcmp(lv->doms[i].name, name) == 0)
			return &lv->doms[i];
	return NULL;
}

void kvm_libvirt_close(struct kvm_libvirt *lv)
{
	if (!lv)
		return;
	if (lv->conn)
		virConnectClose(lv->conn);
	free(lv->doms);
	free(lv);
}

#else

struct kvm_libvirt *kvm_libvirt_open(const char *uri, bool required, char *err, size_t errsz)
{
	(void)uri;
	if (required)
		snprintf(err, errsz, "libvirt: this vstop was built without it (apt install libvirt-dev, then configure)");
	return NULL;
}

void kvm_libvirt_fetch(struct kvm_libvirt *lv) { (void)lv; }

const struct lv_dom *kvm_libvirt_find(const struct kvm_libvirt *lv, const char *name)
{
	(void)lv;
	(void)name;
	return NULL;
}

void kvm_libvirt_close(struct kvm_libvirt *lv) { (void)lv; }

#endif
