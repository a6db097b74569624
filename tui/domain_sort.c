/* domain_sort: row order by a column (see domain_sort.h). */
#include "config.h"
#include "tui/domain_sort.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const key_names[SORT_NKEYS] = {
	"domid", "name", "state", "cpu", "steal", "vcpus", "mem", "maxmem",
	"netrx", "nettx", "vbdrd", "vbdwr",
};

/* The dashboard's sort keys: one capital letter per column. */
static const struct { int letter; enum sort_key key; } letters[] = {
	{ 'N', SORT_NAME }, { 'I', SORT_DOMID }, { 'E', SORT_STATE }, { 'C', SORT_CPU },
	{ 'S', SORT_STEAL }, { 'P', SORT_VCPUS }, { 'M', SORT_MEM }, { 'X', SORT_MAXMEM },
	{ 'R', SORT_NETRX }, { 'T', SORT_NETTX }, { 'B', SORT_VBDRD }, { 'W', SORT_VBDWR },
};

int sort_key_letter(enum sort_key k)
{
	for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (letters[i].key == k)
			return letters[i].letter;
	return 0;
}

int sort_key_from_letter(int ch)
{
	for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (letters[i].letter == ch)
			return (int)letters[i].key;
	return -1;
}

int sort_key_parse(const char *s)
{
	for (int i = 0; i < SORT_NKEYS; i++)
		if (strcmp(s, key_names[i]) == 0)
			return i;
	return -1;
}

const char *sort_key_name(enum sort_key k)
{
	return (unsigned)k < SORT_NKEYS ? key_names[k] : "?";
}

/* qsort has no context argument in C11: the comparison reads these. */
static const struct model *cmp_model;
static enum sort_key cmp_key;
static int cmp_dir;

static double value(uint32_t i)
{
	const struct domain *d = &model_snapshot(cmp_model)->doms[i];
	const struct dom_rates *r = &cmp_model->rates[i];
	switch (cmp_key) {
	case SORT_CPU: return r->valid ? r->cpu_pct : NAN;
	case SORT_STEAL: return r->steal_pct;
	case SORT_VCPUS: return d->vcpus;
	case SORT_MEM: return (double)d->mem_bytes;
	case SORT_MAXMEM: return (double)d->maxmem_bytes;
	case SORT_NETRX: return r->net_rx_Bps;
	case SORT_NETTX: return r->net_tx_Bps;
	case SORT_VBDRD: return r->vbd_rd_iops;
	case SORT_VBDWR: return r->vbd_wr_iops;
	case SORT_STATE: return d->state;
	default: return d->domid;
	}
}

static int compare(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	const struct snapshot *s = model_snapshot(cmp_model);
	int c;

	if (cmp_key == SORT_NAME) {
		c = strcmp(domain_name(s, &s->doms[x]), domain_name(s, &s->doms[y]));
	} else {
		double vx = value(x), vy = value(y);
		if (isnan(vx) || isnan(vy)) {
			if (isnan(vx) != isnan(vy))
				return isnan(vx) ? 1 : -1;
			c = 0;
		} else {
			c = (vx > vy) - (vx < vy);
			if (cmp_key != SORT_DOMID)
				c = -c;	/* biggest first */
		}
	}
	if (c == 0)	/* stable and total: fall back to domid */
		return (s->doms[x].domid > s->doms[y].domid) - (s->doms[x].domid < s->doms[y].domid);
	return c * cmp_dir;
}

void domain_sort(const struct model *m, enum sort_key key, bool reverse, uint32_t *idx)
{
	uint32_t n = model_snapshot(m)->ndoms;
	for (uint32_t i = 0; i < n; i++)
		idx[i] = i;
	cmp_model = m;
	cmp_key = key;
	cmp_dir = reverse ? -1 : 1;
	qsort(idx, n, sizeof(*idx), compare);
}
