/* xentop_log: xentop -b lines, with -n/-x/-v details, odd names and hostile rows. */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include "collector/xentop_log.h"
#include "t/tap.h"

#define HDR "      NAME  STATE   CPU(sec) CPU(%)     MEM(k) MEM(%)  MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS   VBD_OO   VBD_RD   VBD_WR  VBD_RSECT  VBD_WSECT SSID"

int main(void)
{
	struct xentop_parser p = { 0 };
	struct snapshot s = { 0 };
	char err[256] = "", name[64];

	ok(xentop_parse_line(&p, "  Domain-0 -----r", &s, err, sizeof(err)) < 0 && strstr(err, "header"),
	   "a row before any header is rejected (%s)", err);
	ok(xentop_parse_line(&p, HDR, &s, err, sizeof(err)) == XL_HEADER && p.ncols == 19, "header: 19 columns");
	ok(xentop_parse_line(&p, "  Domain-0 -----r        123    5.2    4194304   25.0   no limit       n/a     4    0        0        0    0        0        0        0          0          0    0",
			     &s, err, sizeof(err)) == XL_DOMAIN, "Domain-0 row with \"no limit\" (%s)", err);
	struct domain *d = &s.doms[0];
	ok(strcmp(domain_name(&s, d), "Domain-0") == 0 && d->state == DOM_RUNNING, "name and state");
	ok(d->cpu_ns == 123000000000ull && fabs(d->cpu_pct_reported - 5.2) < 1e-9, "CPU(sec) and CPU(%%)");
	ok(d->mem_bytes == 4194304ull * 1024 && d->maxmem_bytes == MAXMEM_UNLIMITED && d->vcpus == 4,
	   "memory, no limit, vcpus");
	ok(xentop_parse_line(&p, "my guest 1 --b--- 10 1.0 1024 0.1 2048 0.2 1 1 7 9 1 0 3 4 30 40 0",
			     &s, err, sizeof(err)) == XL_DOMAIN, "a name with a space (-f)");
	d = &s.doms[1];
	ok(strcmp(domain_name(&s, d), "my guest 1") == 0 && d->state == DOM_BLOCKED, "the name keeps its space");
	ok(d->net.tx_bytes == 7 * 1024 && d->net.rx_bytes == 9 * 1024 && d->vbd.rd_reqs == 3 &&
	   d->vbd.wr_sectors == 40, "net kB and VBD counters");
	ok(xentop_parse_line(&p, "VCPUs(sec):   0:         12s  1:          3s", &s, err, sizeof(err)) == XL_DETAIL &&
	   s.nvcpu_ns == 2 && s.vcpu_ns[0] == 12000000000ull, "VCPUs line");
	ok(xentop_parse_line(&p, "Net0 RX:     9300bytes       12pkts        0err        1drop  TX:     7200bytes        9pkts        0err        0drop",
			     &s, err, sizeof(err)) == XL_DETAIL && d->net.rx_bytes == 9300 && d->net.rx_drops == 1,
	   "Net line gives exact bytes (%s)", err);
	ok(xentop_parse_line(&p, "VBD BlkBack 51712 [ca: 0]  OO:        0   RD:        3   WR:        4   RSECT:         30   WSECT:         40",
			     &s, err, sizeof(err)) == XL_DETAIL && s.nvbds == 1 && s.vbds[0].dev == 51712,
	   "VBD line (%s)", err);
	ok(xentop_parse_line(&p, "VBD BlkBack 51728 [ca:10]  OO:        -   RD:        -   WR:        -   RSECT:          -   WSECT:          -",
			     &s, err, sizeof(err)) == XL_DETAIL && s.vbds[1].error && d->vbd.rd_reqs == 3,
	   "a VBD in error adds nothing");
	ok(xentop_row_name(&p, "  Domain-0 -----r 123 5.2 4194304 25.0 no limit n/a 4 0 0 0 0 0 0 0 0 0 0", name, sizeof(name)) == 0 &&
	   strcmp(name, "Domain-0") == 0, "row name peek");

	/* Hostile rows. */
	const char *bad[] = {
		"  Domain-0 -----r",
		"  Domain-0 xxxxxx 1 1.0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
		"  Domain-0 -----r abc 1.0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
		"  Domain-0 -----r 1 nan 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
		"  Domain-0 -----r 99999999999999999999 1.0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
		"  Domain-0 -----r 18446744074 1.0 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1",
		"  Domain-0 -----r 1 1.0 1 1 1 1 99999 1 1 1 1 1 1 1 1 1 1",
		"Net0 RX: 1bytes",
		"Net0 RX: xbytes 1pkts 0err 0drop TX: 1bytes 1pkts 0err 0drop",
		"VBD BlkBack 51712 OO: 1 RD: 1",
		"VCPUs(sec): 0: 12",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		ok(xentop_parse_line(&p, bad[i], &s, err, sizeof(err)) < 0 && err[0], "rejects \"%.30s\" (%s)", bad[i], err);
	}
	/* An older xentop without the sector columns. */
	struct xentop_parser old = { 0 };
	ok(xentop_parse_line(&old, "NAME STATE CPU(sec) CPU(%) MEM(k) MEM(%) MAXMEM(k) MAXMEM(%) VCPUS NETS NETTX(k) NETRX(k) VBDS VBD_OO VBD_RD VBD_WR SSID",
			     &s, err, sizeof(err)) == XL_HEADER && old.ncols == 17, "older header (17 columns)");
	ok(xentop_parse_line(&old, "vm1 --b--- 5 0.5 1024 1.0 1024 1.0 1 1 2 3 1 0 5 6 0", &s, err, sizeof(err)) == XL_DOMAIN,
	   "row of an older xentop");
	/* Found by fuzz/xentop_fuzz.c: a header naming NAME twice made a row read past its tokens. */
	{
		char path[4096], line[4096];
		snprintf(path, sizeof(path), "%s/t/fixtures/fuzz-xentop-crash-1.log", getenv("top_srcdir") ? getenv("top_srcdir") : ".");
		FILE *f = fopen(path, "r");
		struct xentop_parser fp = { 0 };
		int errors = 0, lines = 0;
		while (f && fgets(line, sizeof(line), f)) {
			line[strcspn(line, "\n")] = '\0';
			lines++;
			if (xentop_parse_line(&fp, line, &s, err, sizeof(err)) < 0)
				errors++;
		}
		if (f)
			fclose(f);
		ok(lines > 0 && errors > 0, "fuzz regression: the crashing log is rejected line by line (%d of %d lines)", errors, lines);
		struct xentop_parser dup = { 0 };
		ok(xentop_parse_line(&dup, "NAME STATE NAME CPU(sec)", &s, err, sizeof(err)) < 0 && strstr(err, "twice"),
		   "a header naming a column twice is rejected (%s)", err);
	}
	snapshot_free(&s);
	return done_testing();
}
