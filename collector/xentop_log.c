/* xentop_log: `xentop -b` line parser (see xentop_log.h). */
#include "config.h"
#include "collector/xentop_log.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "lib/log.h"
#include "lib/num.h"

#define MAX_TOKENS 96

struct tok { const char *s; size_t n; };

static const struct { const char *name; enum xentop_col col; } headers[] = {
	{ "NAME", XC_NAME }, { "STATE", XC_STATE }, { "CPU(sec)", XC_CPU_SEC },
	{ "CPU(%)", XC_CPU_PCT }, { "MEM(k)", XC_MEM_K }, { "MEM(%)", XC_MEM_PCT },
	{ "MAXMEM(k)", XC_MAXMEM_K }, { "MAXMEM(%)", XC_MAXMEM_PCT }, { "VCPUS", XC_VCPUS },
	{ "NETS", XC_NETS }, { "NETTX(k)", XC_NETTX_K }, { "NETRX(k)", XC_NETRX_K },
	{ "VBDS", XC_VBDS }, { "VBD_OO", XC_VBD_OO }, { "VBD_RD", XC_VBD_RD },
	{ "VBD_WR", XC_VBD_WR }, { "VBD_RSECT", XC_VBD_RSECT }, { "VBD_WSECT", XC_VBD_WSECT },
	{ "SSID", XC_SSID },
};


static int tokenize(const char *line, struct tok *t, int max)
{
	int n = 0;
	const char *p = line;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			return n;
		if (n == max)
			return -1;
		t[n].s = p;
		while (*p && *p != ' ' && *p != '\t')
			p++;
		t[n].n = (size_t)(p - t[n].s);
		n++;
	}
}

static bool tok_is(const struct tok *t, const char *s)
{
	return t->n == strlen(s) && memcmp(t->s, s, t->n) == 0;
}

static int tok_u64(const struct tok *t, uint64_t *v)
{
	return num_u64n(t->s, t->n, v);
}

static int tok_double(const struct tok *t, double *v)
{
	char buf[32];
	if (t->n >= sizeof(buf))
		return -1;
	memcpy(buf, t->s, t->n);
	buf[t->n] = '\0';
	return num_double(buf, 0, 1e9, v);
}

/* Leading "1234bytes" style number with a unit suffix. */
static int tok_u64_suffix(const struct tok *t, const char *suffix, uint64_t *v)
{
	size_t sl = strlen(suffix);
	if (t->n <= sl || memcmp(t->s + t->n - sl, suffix, sl) != 0)
		return -1;
	return num_u64n(t->s, t->n - sl, v);
}

static int parse_header(struct xentop_parser *p, const struct tok *t, int n, char *err, size_t errsz)
{
	if (n > XENTOP_MAX_COLS)
		return errorf(err, errsz, "header has %d columns, at most %d expected", n, XENTOP_MAX_COLS);
	unsigned seen = 0;
	for (int i = 0; i < n; i++) {
		p->cols[i] = XC_UNKNOWN;
		for (size_t k = 0; k < sizeof(headers) / sizeof(headers[0]); k++)
			if (tok_is(&t[i], headers[k].name))
				p->cols[i] = headers[k].col;
		if (p->cols[i] != XC_UNKNOWN) {
			if (seen & (1u << p->cols[i])) {
				p->ncols = 0;
				return errorf(err, errsz, "header names column %.*s twice", (int)t[i].n, t[i].s);
			}
			seen |= 1u << p->cols[i];
		}
	}
	if (p->cols[0] != XC_NAME)
		return errorf(err, errsz, "header does not start with NAME");
	p->ncols = (unsigned)n;
	return 0;
}

static uint32_t parse_state(const struct tok *t, int *ok)
{
	static const char letters[] = "dsbcpr";
	uint32_t st = 0;

	*ok = t->n == 6;
	for (size_t i = 0; *ok && i < 6; i++) {
		if (t->s[i] == letters[i])
			st |= 1u << i;
		else if (t->s[i] != '-')
			*ok = 0;
	}
	return st;
}

/* Where the columns after NAME start, reading from the right; -1 if the row
 * has too few tokens. Handles MAXMEM(k)'s two-word "no limit". */
static int row_split(const struct xentop_parser *p, const struct tok *t, int n)
{
	int i = n - 1;
	for (int c = (int)p->ncols - 1; c >= 1; c--, i--) {
		if (i < 1)
			return -1;
		if (p->cols[c] == XC_MAXMEM_K && tok_is(&t[i], "limit") && i >= 2 && tok_is(&t[i - 1], "no"))
			i--;
	}
	return i + 1;
}

int xentop_row_name(const struct xentop_parser *p, const char *line, char *name, size_t namesz)
{
	struct tok t[MAX_TOKENS];
	int n = tokenize(line, t, MAX_TOKENS);
	int first = n > 0 && p->ncols ? row_split(p, t, n) : -1;

	if (first < 1)
		return -1;
	size_t len = (size_t)(t[first - 1].s + t[first - 1].n - t[0].s);
	if (len >= namesz)
		len = namesz - 1;
	memcpy(name, t[0].s, len);
	name[len] = '\0';
	return 0;
}

static int parse_row(struct xentop_parser *p, const struct tok *t, int n, struct snapshot *snap,
		     char *err, size_t errsz)
{
	int first = row_split(p, t, n);
	if (first < 1)
		return errorf(err, errsz, "domain row has %d fields, the header names %u columns", n, p->ncols);
	size_t namelen = (size_t)(t[first - 1].s + t[first - 1].n - t[0].s);
	/* xentop prints no domid: the replay source numbers names as it meets them. */
	struct domain *d = snapshot_add_domain(snap, 0, t[0].s, namelen);
	d->maxmem_bytes = MAXMEM_UNLIMITED;
	int i = first;
	for (unsigned c = 1; c < p->ncols; c++, i++) {
		if (i >= n)	/* "no" "limit" read differently than row_split did */
			return errorf(err, errsz, "domain row ends before the header's last column");
		const struct tok *v = &t[i];
		uint64_t u = 0;
		double x = 0;
		int ok = 1;
		switch (p->cols[c]) {
		case XC_STATE: d->state = parse_state(v, &ok); break;
		case XC_CPU_SEC: ok = tok_u64(v, &u) == 0; d->cpu_ns = u * 1000000000ull; ok = ok && u <= UINT64_MAX / 1000000000ull; break;
		case XC_CPU_PCT: ok = tok_double(v, &x) == 0; d->cpu_pct_reported = x; break;
		case XC_MEM_K: ok = tok_u64(v, &u) == 0 && u <= UINT64_MAX / 1024; d->mem_bytes = u * 1024; break;
		case XC_MAXMEM_K:
			if (tok_is(v, "no") && i + 1 < n && tok_is(&t[i + 1], "limit")) {
				i++;
				break;
			}
			ok = tok_u64(v, &u) == 0 && u <= UINT64_MAX / 1024;
			d->maxmem_bytes = u * 1024;
			break;
		case XC_MEM_PCT: case XC_MAXMEM_PCT:
			ok = tok_is(v, "n/a") || tok_double(v, &x) == 0;
			break;
		case XC_VCPUS: ok = tok_u64(v, &u) == 0 && u <= 8192; d->vcpus = (uint32_t)u; break;
		case XC_NETTX_K: ok = tok_u64(v, &u) == 0 && u <= UINT64_MAX / 1024; d->net.tx_bytes = u * 1024; break;
		case XC_NETRX_K: ok = tok_u64(v, &u) == 0 && u <= UINT64_MAX / 1024; d->net.rx_bytes = u * 1024; break;
		case XC_VBD_OO: case XC_VBD_RD: case XC_VBD_WR: case XC_VBD_RSECT: case XC_VBD_WSECT:
			if (tok_is(v, "-"))
				break;	/* every device in error */
			ok = tok_u64(v, &u) == 0;
			if (p->cols[c] == XC_VBD_OO) d->vbd.oo_reqs = u;
			else if (p->cols[c] == XC_VBD_RD) d->vbd.rd_reqs = u;
			else if (p->cols[c] == XC_VBD_WR) d->vbd.wr_reqs = u;
			else if (p->cols[c] == XC_VBD_RSECT) d->vbd.rd_sectors = u;
			else d->vbd.wr_sectors = u;
			break;
		case XC_NETS: case XC_VBDS: case XC_SSID: ok = tok_u64(v, &u) == 0; break;
		default: break;	/* a column this parser does not know: skipped */
		}
		if (!ok)
			return errorf(err, errsz, "column %s: \"%.*s\" is not valid",
				    p->cols[c] < XC_UNKNOWN ? headers[p->cols[c]].name : "?", (int)v->n, v->s);
	}
	p->net_seen = p->vbd_seen = false;
	return XL_DOMAIN;
}

/* "Net0 RX: 1bytes 2pkts 3err 4drop  TX: 5bytes 6pkts 7err 8drop" */
static int parse_net(struct xentop_parser *p, const struct tok *t, int n, struct snapshot *snap,
		     char *err, size_t errsz)
{
	struct dom_net net = { 0 };
	uint64_t id, *f[8] = { &net.c.rx_bytes, &net.c.rx_packets, &net.c.rx_errors, &net.c.rx_drops,
			       &net.c.tx_bytes, &net.c.tx_packets, &net.c.tx_errors, &net.c.tx_drops };
	static const char *const suf[4] = { "bytes", "pkts", "err", "drop" };

	if (n != 11 || !tok_is(&t[1], "RX:") || !tok_is(&t[6], "TX:") ||
	    num_u64n(t[0].s + 3, t[0].n - 3, &id) < 0 || id > UINT32_MAX)
		return errorf(err, errsz, "malformed Net line");
	for (int k = 0; k < 8; k++)
		if (tok_u64_suffix(&t[k < 4 ? 2 + k : 3 + k], suf[k % 4], f[k]) < 0)
			return errorf(err, errsz, "malformed Net line: \"%.*s\"", (int)t[k < 4 ? 2 + k : 3 + k].n,
				    t[k < 4 ? 2 + k : 3 + k].s);
	net.id = (uint32_t)id;
	struct domain *d = &snap->doms[snap->ndoms - 1];
	if (!p->net_seen) {	/* exact bytes replace the row's rounded kB */
		memset(&d->net, 0, sizeof(d->net));
		p->net_seen = true;
	}
	snapshot_add_net(snap, &net);
	return XL_DETAIL;
}

/* "VBD BlkBack 51712 [ca: 0]  OO: 0 RD: 1 WR: 2 RSECT: 3 WSECT: 4" (dev details vary) */
static int parse_vbd(struct xentop_parser *p, const struct tok *t, int n, struct snapshot *snap,
		     char *err, size_t errsz)
{
	struct dom_vbd v = { 0 };
	uint64_t dev, *f[5] = { &v.c.oo_reqs, &v.c.rd_reqs, &v.c.wr_reqs, &v.c.rd_sectors, &v.c.wr_sectors };
	static const char *const key[5] = { "OO:", "RD:", "WR:", "RSECT:", "WSECT:" };
	int k = 0;

	if (n < 13 || tok_u64(&t[2], &dev) < 0 || dev > UINT32_MAX)
		return errorf(err, errsz, "malformed VBD line");
	v.dev = (uint32_t)dev;
	v.type = tok_is(&t[1], "BlkBack") ? 1 : tok_is(&t[1], "BlkTap") ? 2 : 0;
	for (int i = 3; i + 1 < n && k < 5; i++) {
		if (!tok_is(&t[i], key[k]))
			continue;
		if (tok_is(&t[i + 1], "-"))
			v.error = true;
		else if (tok_u64(&t[i + 1], f[k]) < 0)
			return errorf(err, errsz, "malformed VBD line: %s \"%.*s\"", key[k], (int)t[i + 1].n, t[i + 1].s);
		k++;
		i++;
	}
	if (k != 5)
		return errorf(err, errsz, "malformed VBD line: missing %s", key[k]);
	struct domain *d = &snap->doms[snap->ndoms - 1];
	if (!p->vbd_seen) {
		memset(&d->vbd, 0, sizeof(d->vbd));
		p->vbd_seen = true;
	}
	snapshot_add_vbd(snap, &v);
	return XL_DETAIL;
}

/* "VCPUs(sec):   0:        12s  1:         3s" and continuation lines. */
static int parse_vcpus(const struct tok *t, int n, int start, struct snapshot *snap,
		       char *err, size_t errsz)
{
	for (int i = start; i < n; i += 2) {
		uint64_t id, sec;
		if (i + 1 >= n || t[i].n < 2 || t[i].s[t[i].n - 1] != ':' ||
		    num_u64n(t[i].s, t[i].n - 1, &id) < 0 || tok_u64_suffix(&t[i + 1], "s", &sec) < 0 ||
		    sec > UINT64_MAX / 1000000000ull)
			return errorf(err, errsz, "malformed VCPUs line");
		snapshot_add_vcpu(snap, sec * 1000000000ull);
	}
	return XL_DETAIL;
}

int xentop_parse_line(struct xentop_parser *p, const char *line, struct snapshot *snap,
		      char *err, size_t errsz)
{
	struct tok t[MAX_TOKENS];
	int n = tokenize(line, t, MAX_TOKENS), kind;

	if (n < 0)
		return errorf(err, errsz, "too many fields");
	if (n == 0)
		return XL_BLANK;
	if (tok_is(&t[0], "NAME") && n > 1 && tok_is(&t[1], "STATE")) {
		kind = parse_header(p, t, n, err, errsz) < 0 ? -1 : XL_HEADER;
	} else if (!p->ncols) {
		return errorf(err, errsz, "not a xentop -b log (no NAME STATE header before this line)");
	} else if (tok_is(&t[0], "VCPUs(sec):") || (p->last == XL_DETAIL + 10 && t[0].n > 1 &&
		   t[0].s[t[0].n - 1] == ':' && t[0].s[0] >= '0' && t[0].s[0] <= '9')) {
		if (!snap->ndoms)
			return errorf(err, errsz, "detail line before any domain row");
		kind = parse_vcpus(t, n, tok_is(&t[0], "VCPUs(sec):") ? 1 : 0, snap, err, errsz);
		if (kind >= 0) {
			p->last = XL_DETAIL + 10;	/* continuation lines may follow */
			return kind;
		}
	} else if (t[0].n > 3 && memcmp(t[0].s, "Net", 3) == 0 && n > 1 && tok_is(&t[1], "RX:")) {
		kind = snap->ndoms ? parse_net(p, t, n, snap, err, errsz)
				   : errorf(err, errsz, "detail line before any domain row");
	} else if (tok_is(&t[0], "VBD") && n > 2 && t[2].s[0] >= '0' && t[2].s[0] <= '9') {
		kind = snap->ndoms ? parse_vbd(p, t, n, snap, err, errsz)
				   : errorf(err, errsz, "detail line before any domain row");
	} else {
		kind = parse_row(p, t, n, snap, err, errsz);
	}
	p->last = kind;
	return kind;
}
