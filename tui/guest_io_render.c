/* guest_io_render: pressure, disks and memory events of the guest view (see guest_io_render.h). */
#include "config.h"
#include "tui/guest_io_render.h"

#include <math.h>
#include <stddef.h>
#include <string.h>
#include "lib/json.h"

static void text_num(struct strbuf *b, const char *fmt, double v, int width)
{
	if (isnan(v))
		sb_printf(b, " %*s", width, "-");
	else
		sb_printf(b, fmt, width, v);
}

static void text_pressure(struct strbuf *b, const struct io_rates *io)
{
	sb_printf(b, "%-8s %7s %7s   (share of the interval its tasks stalled)\n", "PRESSURE", "some", "full");
	for (int r = 0; r < PSI_RESOURCES; r++) {
		if (isnan(io->psi_pct[r][PSI_SOME]) && isnan(io->psi_pct[r][PSI_FULL]))
			continue;
		sb_printf(b, "%-8s", psi_resource_names[r]);
		text_num(b, " %*.1f", io->psi_pct[r][PSI_SOME], 7);
		text_num(b, " %*.1f", io->psi_pct[r][PSI_FULL], 7);
		sb_putc(b, '\n');
	}
}

static void text_disks(struct strbuf *b, const struct io_rates *io)
{
	sb_printf(b, "%-8s %7s %7s %7s %7s %8s %8s %6s %6s\n", "DISK", "r/s", "w/s", "rMB/s", "wMB/s", "await ms",
		  "usual ms", "queue", "busy%");
	for (uint32_t i = 0; i < io->ndisks; i++) {
		const struct disk_rate *d = &io->disks[i];
		sb_printf(b, "%-8s", d->name);
		if (!d->valid) {
			sb_puts(b, "       -\n");
			continue;
		}
		sb_printf(b, " %7.1f %7.1f %7.2f %7.2f", d->rd_s, d->wr_s, d->rd_bytes_s / 1e6, d->wr_bytes_s / 1e6);
		text_num(b, " %*.2f", d->await_ms, 8);
		text_num(b, " %*.2f", d->learned_s >= DISK_BASELINE_READY_S ? d->baseline_ms : NAN, 8);
		sb_printf(b, " %6.2f %6.1f", d->queue, d->busy_pct);
		double ratio = disk_latency_ratio(d);
		if (ratio >= 2)
			sb_printf(b, "  %.0fx its usual", ratio);
		sb_putc(b, '\n');
	}
}

static double or_zero(double v) { return isnan(v) ? 0 : v; }

void guest_io_render_text(struct strbuf *b, const struct guest_view *v)
{
	const struct io_rates *io = v->io;
	if (!io) {
		if (v->io_error && *v->io_error)
			sb_printf(b, "pressure and disks: %s\n\n", v->io_error);
		return;
	}
	text_pressure(b, io);
	if (io->ndisks)
		text_disks(b, io);
	const double *m = io->mem_per_s;
	if (!isnan(m[VM_PSWPIN]))
		sb_printf(b, "MEMORY   swap-in %.0f pages/s  major faults %.0f/s  balloon +%.0f -%.0f pages/s\n",
			  m[VM_PSWPIN], or_zero(m[VM_PGMAJFAULT]), or_zero(m[VM_BALLOON_INFLATE]), or_zero(m[VM_BALLOON_DEFLATE]));
	if (v->io_missing && *v->io_missing)
		sb_printf(b, "(this kernel has no %s)\n", v->io_missing);
	sb_putc(b, '\n');
}

static void json_disk(struct strbuf *b, const struct disk_rate *d)
{
	static const struct { const char *key; size_t off; int dec; } f[] = {
		{ "read_s", offsetof(struct disk_rate, rd_s), 2 },
		{ "write_s", offsetof(struct disk_rate, wr_s), 2 },
		{ "read_bytes_s", offsetof(struct disk_rate, rd_bytes_s), 0 },
		{ "write_bytes_s", offsetof(struct disk_rate, wr_bytes_s), 0 },
		{ "await_ms", offsetof(struct disk_rate, await_ms), 3 },
		{ "read_await_ms", offsetof(struct disk_rate, rd_await_ms), 3 },
		{ "write_await_ms", offsetof(struct disk_rate, wr_await_ms), 3 },
		{ "queue", offsetof(struct disk_rate, queue), 3 },
		{ "busy_pct", offsetof(struct disk_rate, busy_pct), 2 },
	};
	sb_puts(b, "{\"disk\":");
	json_str(b, d->name);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		double x;
		memcpy(&x, (const char *)d + f[i].off, sizeof(x));
		sb_printf(b, ",\"%s\":", f[i].key);
		json_num(b, x, f[i].dec, d->valid && !isnan(x));
	}
	bool ready = d->learned_s >= DISK_BASELINE_READY_S;
	sb_puts(b, ",\"baseline_ms\":");
	json_num(b, d->baseline_ms, 3, ready && !isnan(d->baseline_ms));
	double ratio = disk_latency_ratio(d);
	sb_puts(b, ",\"latency_ratio\":");
	json_num(b, ratio, 2, !isnan(ratio));
	sb_putc(b, '}');
}

void guest_io_render_json(struct strbuf *b, const struct guest_view *v)
{
	const struct io_rates *io = v->io;
	sb_puts(b, ",\"pressure\":{");
	for (int r = 0; r < PSI_RESOURCES; r++) {
		sb_printf(b, "%s\"%s\":{\"some\":", r ? "," : "", psi_resource_names[r]);
		json_num(b, io ? io->psi_pct[r][PSI_SOME] : NAN, 2, io && !isnan(io->psi_pct[r][PSI_SOME]));
		sb_puts(b, ",\"full\":");
		json_num(b, io ? io->psi_pct[r][PSI_FULL] : NAN, 2, io && !isnan(io->psi_pct[r][PSI_FULL]));
		sb_putc(b, '}');
	}
	sb_puts(b, "},\"disks\":[");
	for (uint32_t i = 0; io && i < io->ndisks; i++) {
		if (i)
			sb_putc(b, ',');
		json_disk(b, &io->disks[i]);
	}
	sb_puts(b, "],\"memory\":{");
	static const char *const keys[VM_NCOUNTERS] = {
		"balloon_inflate_pages_s", "balloon_deflate_pages_s", "swapin_pages_s", "swapout_pages_s", "major_faults_s",
	};
	for (int k = 0; k < VM_NCOUNTERS; k++) {
		sb_printf(b, "%s\"%s\":", k ? "," : "", keys[k]);
		json_num(b, io ? io->mem_per_s[k] : NAN, 1, io && !isnan(io->mem_per_s[k]));
	}
	sb_puts(b, "},\"io_error\":");
	json_str(b, v->io_error ? v->io_error : "");
}
