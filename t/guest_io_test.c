/* What a VM waits on besides CPU: the parsers of the pressure files,
 * /proc/diskstats and /proc/vmstat (good and hostile input), the rates
 * between two readings (iostat's await, queue and busy; PSI shares; a
 * counter going back gives none), a disk's baseline, and the guest alarms
 * disk_latency and memory_stall with what they say. */
#include "config.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alerts/alarms.h"
#include "lib/diskstats.h"
#include "lib/psi.h"
#include "lib/vmstat.h"
#include "model/io_rates.h"
#include "t/tap.h"

static void test_psi(void)
{
	struct psi p;
	char err[200];
	const char *good = "some avg10=1.50 avg60=0.00 avg300=0.00 total=1234567\n"
			   "full avg10=0.00 avg60=0.00 avg300=0.00 total=42\n";
	ok(psi_parse(good, strlen(good), &p, err, sizeof(err)) == 0 && p.has[PSI_SOME] && p.has[PSI_FULL] &&
	   p.total_us[PSI_SOME] == 1234567 && p.total_us[PSI_FULL] == 42, "psi: some and full totals");
	const char *irq = "full avg10=0.00 avg60=0.00 avg300=0.00 total=7";
	ok(psi_parse(irq, strlen(irq), &p, err, sizeof(err)) == 0 && !p.has[PSI_SOME] && p.total_us[PSI_FULL] == 7,
	   "psi: irq's file has only a full line, no trailing newline");
	const char *later = "some avg10=0.00 total=5 avg1200=0.00\n";
	ok(psi_parse(later, strlen(later), &p, err, sizeof(err)) == 0 && p.total_us[PSI_SOME] == 5,
	   "psi: a key a later kernel adds is skipped");
	static const char *const bad[] = {
		"", "\n", "some total=1\nsome total=2\n", "some avg10=0.00\n", "some total=-1\n", "some total=1x\n",
		"most total=1\n", "some  total=1\n", "some total=1 \n", "some total=\n", "some =1 total=1\n",
		"some total=1 total=2\n", "some avg10=1e9 total=1\n", "some total=18446744073709551616\n",
		"some TOTAL=1\n", "some total=1\nfull total=1\nfull total=1\n", "some total=1\n\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(psi_parse(bad[i], strlen(bad[i]), &p, err, sizeof(err)) < 0, "psi: hostile input %zu refused (%s)", i, err);
	char nul[] = "some total=1\0\n";
	ok(psi_parse(nul, sizeof(nul) - 1, &p, err, sizeof(err)) < 0, "psi: a NUL in a value is refused");
}

static const char disks_v1[] =
	"   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	" 253       0 vda 1000 0 8000 2000 500 0 4000 1000 0 1500 3000 0 0 0 0 0 0\n"
	" 253       1 vda1 990 0 7900 1990 500 0 4000 1000 0 1490 2990 0 0 0 0 0 0\n"
	" 259       0 nvme0n1 10 0 80 5 0 0 0 0 0 5 5\n"
	" 259       1 nvme0n1p1 10 0 80 5 0 0 0 0 0 5 5\n"
	"   7       1 loop1 5 0 40 1 0 0 0 0 0 1 1 0 0 0 0\n"
	"   7      10 loop10 5 0 40 1 0 0 0 0 0 1 1 0 0 0 0\n";
/* One second later: vda read 100 requests in 4000 ms (40 ms each) and wrote
 * 100 in 1000 ms (10 ms), 800 sectors each way; busy 900 ms; 2500 ms queued. */
static const char disks_v2[] =
	"   7       0 loop0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n"
	" 253       0 vda 1100 0 8800 6000 600 0 4800 2000 3 2400 5500 0 0 0 0 0 0\n"
	" 253       1 vda1 1090 0 8700 5990 600 0 4800 2000 3 2390 5490 0 0 0 0 0 0\n"
	" 259       0 nvme0n1 10 0 80 5 0 0 0 0 0 5 5\n"
	" 259       1 nvme0n1p1 10 0 80 5 0 0 0 0 0 5 5\n"
	"   7       1 loop1 5 0 40 1 0 0 0 0 0 1 1 0 0 0 0\n"
	"   7      10 loop10 5 0 40 1 0 0 0 0 0 1 1 0 0 0 0\n";

static uint32_t index_of(const struct diskstats *d, const char *name)
{
	for (uint32_t i = 0; i < d->n; i++)
		if (!strcmp(d->d[i].name, name))
			return i;
	return UINT32_MAX;
}

static void test_diskstats(void)
{
	struct diskstats d = { 0 };
	char err[200];
	ok(diskstats_parse(disks_v1, strlen(disks_v1), &d, err, sizeof(err)) == 0 && d.n == 7, "diskstats: 7 devices, "
	   "18, 14 and 15-counter lines (%s)", d.n == 7 ? "ok" : err);
	const struct disk_counters *v = diskstats_find(&d, 253, 0);
	ok(v && !strcmp(v->name, "vda") && v->rd_ios == 1000 && v->rd_sectors == 8000 && v->rd_ms == 2000 &&
	   v->wr_ios == 500 && v->wr_ms == 1000 && v->io_ms == 1500 && v->queue_ms == 3000, "diskstats: vda's counters");
	ok(diskstats_is_partition(&d, index_of(&d, "vda1")) && diskstats_is_partition(&d, index_of(&d, "nvme0n1p1")),
	   "vda1 and nvme0n1p1 are partitions");
	ok(!diskstats_is_partition(&d, index_of(&d, "vda")) && !diskstats_is_partition(&d, index_of(&d, "loop10")) &&
	   !diskstats_is_partition(&d, index_of(&d, "nvme0n1")), "vda, nvme0n1, loop10 (not of loop1) are disks");
	static const char *const bad[] = {
		"253 0 vda 1 2 3\n", "253 0 vda 1 0 8 2 5 0 4 1 0 1 3 x 0 0 0 0 0\n",
		"253 0 v/da 1 0 8 2 5 0 4 1 0 1 3\n", "4294967296 0 vda 1 0 8 2 5 0 4 1 0 1 3\n",
		"253 0 vda -1 0 8 2 5 0 4 1 0 1 3\n", "253 0 vda 1 0 8 2 5 0 4 1 0 1 3 0 0 0 0 0 0 0 0\n",
		"253 0 averyveryveryverylongdevicename0 1 0 8 2 5 0 4 1 0 1 3\n", "\n",
		"253 0 vda 1 0 8 2 5 0 4 1 0 1 99999999999999999999\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(diskstats_parse(bad[i], strlen(bad[i]), &d, err, sizeof(err)) < 0 && d.n == 0,
		   "diskstats: hostile input %zu refused (%s)", i, err);
	char tab[] = "253\t0 vda 1 0 8 2 5 0 4 1 0 1 3\n";
	ok(diskstats_parse(tab, strlen(tab), &d, err, sizeof(err)) < 0, "diskstats: a tab is not a separator");
	/* A file of 20000 lines: refused past DISKSTATS_MAX, not grown without bound. */
	size_t cap = 20000 * 40, n = 0;
	char *big = malloc(cap);
	for (int i = 0; i < 20000; i++)
		n += (size_t)snprintf(big + n, cap - n, "7 %d loop%d 0 0 0 0 0 0 0 0 0 0 0\n", i, i);
	ok(diskstats_parse(big, n, &d, err, sizeof(err)) < 0 && strstr(err, "more than"), "diskstats: %s", err);
	free(big);
	diskstats_free(&d);
}

static void test_vmstat(void)
{
	struct vmstat v;
	char err[200];
	const char *good = "nr_free_pages 100\npswpin 7\npswpout 9\npgmajfault 65143\nballoon_inflate 3\nballoon_deflate 1\n";
	ok(vmstat_parse(good, strlen(good), &v, err, sizeof(err)) == 0 && v.v[VM_PSWPIN] == 7 &&
	   v.v[VM_PGMAJFAULT] == 65143 && v.has[VM_BALLOON_INFLATE] && v.v[VM_BALLOON_DEFLATE] == 1, "vmstat: counters");
	const char *noballoon = "pswpin 0\npgmajfault 1\n";
	ok(vmstat_parse(noballoon, strlen(noballoon), &v, err, sizeof(err)) == 0 && !v.has[VM_BALLOON_INFLATE],
	   "vmstat: no balloon driver, no balloon counters");
	static const char *const bad[] = {
		"pswpin 1\n", "pswpin 1\npgmajfault x\n", "pswpin 1\npgmajfault 1\npswpin 2\n", "Pswpin 1\npgmajfault 1\n",
		"pswpin  1\npgmajfault 1\n", "pswpin 1\npgmajfault 1\n\n", " pswpin 1\npgmajfault 1\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(vmstat_parse(bad[i], strlen(bad[i]), &v, err, sizeof(err)) < 0, "vmstat: hostile input %zu refused (%s)", i, err);
}

static void reading(struct io_reading *r, const char *disks, uint64_t mem_us, uint64_t swapin)
{
	char err[200], vm[128];
	memset(r->has_psi, 0, sizeof(r->has_psi));
	r->has_psi[PSI_MEMORY] = true;
	r->psi[PSI_MEMORY] = (struct psi){ { mem_us, mem_us / 2 }, { true, true } };
	if (diskstats_parse(disks, strlen(disks), &r->disks, err, sizeof(err)) < 0)
		diag("%s", err);
	snprintf(vm, sizeof(vm), "pswpin %llu\npgmajfault 10\nballoon_inflate 0\nballoon_deflate 0\n", (unsigned long long)swapin);
	r->has_vm = vmstat_parse(vm, strlen(vm), &r->vm, err, sizeof(err)) == 0;
}

static void test_rates(void)
{
	struct io_reading a = { 0 }, b = { 0 };
	struct io_rates r = { 0 };
	reading(&a, disks_v1, 1000000, 0);
	reading(&b, disks_v2, 1250000, 120);
	ok(io_rates_compute(&r, &a, &b, 1.0) == 0, "rates computed");
	ok(r.ndisks == 4, "whole disks that did I/O: vda, nvme0n1, and loop1 and loop10 (%u); loop0 never used, "
	   "partitions left out", r.ndisks);
	const struct disk_rate *v = &r.disks[0];
	ok(!strcmp(v->name, "vda") && v->valid, "vda first, with a rate");
	is_num(v->rd_await_ms, 40, 1e-9, "vda read await: 4000 ms / 100 requests");
	is_num(v->wr_await_ms, 10, 1e-9, "vda write await: 1000 ms / 100 requests");
	is_num(v->await_ms, 25, 1e-9, "vda await: 5000 ms / 200 requests");
	is_num(v->rd_s + v->wr_s, 200, 1e-9, "200 requests/s");
	is_num(v->rd_bytes_s, 800 * 512, 1e-6, "800 sectors read: 409600 bytes/s");
	is_num(v->busy_pct, 90, 1e-9, "busy 900 ms of 1000: 90%%");
	is_num(v->queue, 2.5, 1e-9, "queue 2500 ms over 1 s: 2.5 in flight");
	is_num(r.psi_pct[PSI_MEMORY][PSI_SOME], 25, 1e-9, "memory stalled 250 ms of 1 s: 25%%");
	is_num(r.psi_pct[PSI_MEMORY][PSI_FULL], 12.5, 1e-9, "full 125 ms: 12.5%%");
	ok(isnan(r.psi_pct[PSI_IO][PSI_SOME]), "no io file: no io rate");
	is_num(r.mem_per_s[VM_PSWPIN], 120, 1e-9, "120 swap-ins/s");
	ok(isnan(disk_latency_ratio(v)), "one interval is no baseline: no ratio yet");
	/* Going back (a device replaced, a wrap): no rate, never a negative one. */
	ok(io_rates_compute(&r, &b, &a, 1.0) == 0 && !r.disks[0].valid && isnan(r.psi_pct[PSI_MEMORY][PSI_SOME]) &&
	   isnan(r.mem_per_s[VM_PSWPIN]), "counters going back: no disk, pressure or memory rate");
	io_rates_free(&r);
	io_reading_free(&a);
	io_reading_free(&b);
}

/* A disk at `ms` per request for `secs` seconds, 100 requests a second. */
static void run_disk(struct io_rates *r, struct io_reading *rd, uint64_t *ios, uint64_t *ms, double ms_each, int secs,
		     struct alarms *al, double *now)
{
	char line[200];
	for (int s = 0; s < secs; s++) {
		struct io_reading *prev = &rd[s % 2 ? 1 : 0], *cur = &rd[s % 2 ? 0 : 1];
		*ios += 100;
		*ms += (uint64_t)(100 * ms_each);
		snprintf(line, sizeof(line), "253 0 vda %llu 0 %llu %llu 0 0 0 0 0 900 %llu\n", (unsigned long long)*ios,
			 (unsigned long long)*ios * 8, (unsigned long long)*ms, (unsigned long long)*ms);
		reading(cur, line, (uint64_t)(*now * 1e6 * (ms_each > 20 ? 0.3 : 0.0)), 0);
		io_rates_compute(r, prev, cur, 1.0);
		*now += 1;
		if (al) {
			struct guest_rates none;
			memset(&none, 0, sizeof(none));
			struct guest_view view = { .rates = &none, .io = r };
			alarms_eval(al, &(struct sample){ .now = *now, .guest = &view });
		}
	}
}

static const struct alarm *get(const struct alarms *al, enum alert_rule rule, const char *subject)
{
	for (uint32_t i = 0; i < al->n; i++)
		if (al->a[i].rule == rule && !strcmp(al->a[i].subject, subject))
			return &al->a[i];
	return NULL;
}

static void test_baseline_and_alarms(void)
{
	struct io_reading rd[2];
	memset(rd, 0, sizeof(rd));
	struct io_rates r = { 0 };
	struct alarms_conf c;
	struct alarms al;
	uint64_t ios = 0, ms = 0;
	double now = 0;

	alarms_conf_section.defaults(&c);
	alarms_init(&al, &c, NULL);
	run_disk(&r, rd, &ios, &ms, 1.0, 20, &al, &now);
	ok(isnan(disk_latency_ratio(&r.disks[0])), "20 s of I/O: the baseline is not ready (30 s)");
	run_disk(&r, rd, &ios, &ms, 1.0, 300, &al, &now);
	is_num(r.disks[0].baseline_ms, 1.0, 1e-6, "a steady 1 ms: the baseline is 1 ms");
	is_num(disk_latency_ratio(&r.disks[0]), 0.5, 1e-6, "1 ms against the 2 ms floor: ratio 0.5");
	ok(!get(&al, AR_DISK_LATENCY, "vda"), "no disk alarm while usual");
	/* The neighbor's backup starts: 40 ms a request, and memory stalls 30%. */
	run_disk(&r, rd, &ios, &ms, 40.0, 12, &al, &now);
	const struct alarm *a = get(&al, AR_DISK_LATENCY, "vda");
	ok(a && a->state == ALARM_FIRING && a->level == 2, "40 ms for 12 s against a 1 ms usual: disk_latency fires "
	   "critical (%.1fx)", a ? a->value : NAN);
	ok(r.disks[0].baseline_ms < 4.0, "12 s of 40 ms move the baseline no further than doublings would (%.2f ms)",
	   r.disks[0].baseline_ms);
	ok(a && strstr(a->neighbors, "vda 40.0 ms, usually") && strstr(a->neighbors, "100 requests/s"),
	   "it says what the guest sees: %s", a ? a->neighbors : "");
	a = get(&al, AR_MEMORY_STALL, "");
	ok(a && a->state == ALARM_FIRING && a->level == 2, "memory stalled 30%% for 12 s: memory_stall fires critical");
	/* Back to normal: both resolve (clear 2x, 5%). */
	run_disk(&r, rd, &ios, &ms, 1.0, 3, &al, &now);
	a = get(&al, AR_DISK_LATENCY, "vda");
	ok(!a || a->state == ALARM_OK, "back to 1 ms: disk_latency resolved");
	io_rates_free(&r);
	io_reading_free(&rd[0]);
	io_reading_free(&rd[1]);
	alarms_free(&al);
}

int main(void)
{
	test_psi();
	test_diskstats();
	test_vmstat();
	test_rates();
	test_baseline_and_alarms();
	return done_testing();
}
