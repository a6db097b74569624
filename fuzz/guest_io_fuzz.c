/* libFuzzer target: the pressure, diskstats and vmstat parsers (the first
 * byte picks one), and the rates between the input and its first half:
 * never negative, a share never above 100%. */
#include "config.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "model/io_rates.h"

static void check(const struct io_rates *r)
{
	for (uint32_t i = 0; i < r->ndisks; i++) {
		const struct disk_rate *d = &r->disks[i];
		if (d->valid && (d->rd_s < 0 || d->wr_s < 0 || d->await_ms < 0 || d->queue < 0 || d->busy_pct < 0 ||
				 d->busy_pct > 100))
			abort();
	}
	for (int k = 0; k < PSI_RESOURCES; k++)
		for (int j = 0; j < PSI_KINDS; j++)
			if (r->psi_pct[k][j] < 0 || r->psi_pct[k][j] > 100)
				abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct io_reading a, b;
	static struct io_rates r;
	char err[256];
	if (size < 1)
		return 0;
	const char *s = (const char *)data + 1;
	size_t n = size - 1;
	switch (data[0] % 3) {
	case 0:
		a.has_psi[PSI_IO] = psi_parse(s, n, &a.psi[PSI_IO], err, sizeof(err)) == 0;
		b.has_psi[PSI_IO] = psi_parse(s, n / 2, &b.psi[PSI_IO], err, sizeof(err)) == 0;
		break;
	case 1:
		if (diskstats_parse(s, n, &a.disks, err, sizeof(err)) < 0)
			a.disks.n = 0;
		if (diskstats_parse(s, n / 2, &b.disks, err, sizeof(err)) < 0)
			b.disks.n = 0;
		break;
	default:
		a.has_vm = vmstat_parse(s, n, &a.vm, err, sizeof(err)) == 0;
		b.has_vm = vmstat_parse(s, n / 2, &b.vm, err, sizeof(err)) == 0;
		break;
	}
	io_rates_compute(&r, &b, &a, 0.5);
	check(&r);
	io_rates_compute(&r, &a, &b, 1.0);
	check(&r);
	return 0;
}
