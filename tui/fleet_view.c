/* fleet_view: the fleet as text, JSON and a dashboard (see fleet_view.h). */
#include "config.h"
#include "tui/fleet_view.h"

#include <curses.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/json.h"
#include "lib/log.h"
#include "lib/name_safe.h"
#include "lib/num.h"
#include "lib/text_width.h"
#include "tui/fleet_query.h"

const char *fleet_source_url(const char *source)
{
	return source && strncmp(source, "prom:", 5) == 0 ? source + 5 : NULL;
}

/* A value with a width, or "-" when not known. */
static void col(struct strbuf *b, int width, int decimals, double v, double scale)
{
	if (isnan(v))
		sb_printf(b, " %*s", width, "-");
	else
		sb_printf(b, " %*.*f", width, decimals, v * scale);
}

static void age_str(double s, char *out, size_t sz)
{
	if (s < 120)
		snprintf(out, sz, "%.0fs", s < 0 ? 0 : s);
	else if (s < 7200)
		snprintf(out, sz, "%.0fm%02.0fs", floor(s / 60), fmod(s, 60));
	else
		snprintf(out, sz, "%.0fh%02.0fm", floor(s / 3600), fmod(s / 60, 60));
}

/* s (shown safely already), padded to `cols` columns: counted in columns,
 * not bytes, so a name in UTF-8 keeps the table aligned (a longer one is whole). */
static void sb_cols(struct strbuf *b, const char *s, int cols)
{
	sb_printf(b, "%s%*s", s, text_pad(s, cols, MB_CUR_MAX > 1), "");
}

/* One refresh as text (hosts, then guests; names shown safely); `rows` caps
 * the guests printed (0: all). */
static void fleet_text(struct strbuf *b, const struct fleet *f, const char *url, double now, const struct fleet_cost *cost,
		double took_s, unsigned rows)
{
	char when[32], safe[4 * DOMAIN_NAME_MAX], safe2[4 * DOMAIN_NAME_MAX], age[32];
	time_t t = (time_t)now;
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&t));
	uint32_t stale = 0;
	for (uint32_t i = 0; i < f->nhosts; i++)
		stale += f->host[i].stale;
	name_safe(safe, sizeof(safe), url);
	/* What matters first: a terminal cuts the line at its width. */
	sb_printf(b, "vstop fleet  hosts %u (%u stale)  guests %u  %s  %s  %d queries, %zu KiB in %.0f ms (store %.0f ms)\n",
		  f->nhosts, stale, f->nguests, safe, when, FQ_COUNT, (cost->bytes + 1023) / 1024, took_s * 1e3,
		  cost->http_s * 1e3);
	if (f->unlabelled)
		sb_printf(b, "(%llu series without an instance or domain label ignored)\n",
			  (unsigned long long)f->unlabelled);
	sb_printf(b, "%-20s %5s %5s %7s %6s %6s %9s %7s  %s\n", "HOST", "DOMS", "PCPUS", "VCPU-OC", "MEM-OC", "SAT%",
		  "STEAL-MAX", "MSTALL%", "LAST SAMPLE");
	for (uint32_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *h = &f->host[i];
		name_safe(safe, sizeof(safe), h->host);
		sb_cols(b, safe, 20);
		col(b, 5, 0, h->domains, 1);
		col(b, 5, 0, h->pcpus, 1);
		col(b, 7, 2, h->vcpu_overcommit, 1);
		col(b, 6, 2, h->mem_overcommit, 1);
		col(b, 6, 1, h->saturation, 100);
		col(b, 8, 1, h->steal_max, 100);
		sb_putc(b, '%');
		col(b, 7, 1, h->mem_stall, 100);
		age_str(now - h->last, age, sizeof(age));
		sb_printf(b, "  %s%s%s\n", h->stale ? "STALE " : "", h->last > 0 ? age : "never", h->last > 0 ? " ago" : "");
	}
	sb_printf(b, "%-20s %-24s %6s %6s %5s %6s %6s  %s\n", "HOST", "NAME", "STEAL%", "CPU%", "VCPUS", "MEM", "DISK",
		  "THIEF");
	for (uint32_t i = 0; i < f->nguests && (!rows || i < rows); i++) {
		const struct fleet_guest *g = &f->guest[i];
		char mem[16] = "-";
		if (!isnan(g->mem))
			num_bytes_str((uint64_t)g->mem, mem, sizeof(mem));
		name_safe(safe, sizeof(safe), g->host);
		name_safe(safe2, sizeof(safe2), g->name);
		sb_cols(b, safe, 20);
		sb_putc(b, ' ');
		sb_cols(b, safe2, 24);
		col(b, 6, 1, g->steal, 100);
		col(b, 6, 1, g->cpu, 100);
		col(b, 5, 0, g->vcpus, 1);
		sb_printf(b, " %6s", mem);
		char disk[16] = "-";	/* its disks' device against its usual: 12.0x */
		if (!isnan(g->disk_ratio))
			snprintf(disk, sizeof(disk), "%.1fx", g->disk_ratio);
		sb_printf(b, " %6s", disk);
		if (g->thief && g->steal > 0) {	/* the thief's share is over a minute: no steal now, no thief */
			name_safe(safe, sizeof(safe), g->thief);
			sb_printf(b, "  %s %.0f%%", safe, g->thief_ratio * 100);
		}
		sb_putc(b, '\n');
	}
}

static void json_field(struct strbuf *b, const char *name, double v, int decimals, double scale)
{
	sb_printf(b, ",\"%s\":", name);
	json_num(b, v * scale, decimals, !isnan(v));
}

/* One refresh as one JSON line (names exact, escaped). */
static void fleet_json(struct strbuf *b, const struct fleet *f, const char *url, double now)
{
	sb_printf(b, "{\"time\":%.3f,\"view\":\"fleet\",\"source\":", now);
	json_str(b, url);
	sb_printf(b, ",\"unlabelled_series\":%llu,\"hosts\":[", (unsigned long long)f->unlabelled);
	for (uint32_t i = 0; i < f->nhosts; i++) {
		const struct fleet_host *h = &f->host[i];
		sb_puts(b, i ? ",{\"host\":" : "{\"host\":");
		json_str(b, h->host);
		sb_printf(b, ",\"stale\":%s,\"guests\":%u", h->stale ? "true" : "false", h->guests);
		json_field(b, "last_sample", h->last > 0 ? h->last : NAN, 3, 1);
		json_field(b, "domains", h->domains, 0, 1);
		json_field(b, "pcpus", h->pcpus, 0, 1);
		json_field(b, "vcpu_overcommit", h->vcpu_overcommit, 6, 1);
		json_field(b, "mem_overcommit", h->mem_overcommit, 6, 1);
		json_field(b, "cpu_saturation_pct", h->saturation, 6, 100);
		json_field(b, "steal_max_pct", h->steal_max, 6, 100);
		json_field(b, "mem_stall_pct", h->mem_stall, 6, 100);
		sb_putc(b, '}');
	}
	sb_puts(b, "],\"domains\":[");
	for (uint32_t i = 0; i < f->nguests; i++) {
		const struct fleet_guest *g = &f->guest[i];
		sb_puts(b, i ? ",{\"host\":" : "{\"host\":");
		json_str(b, g->host);
		sb_puts(b, ",\"name\":");
		json_str(b, g->name);
		json_field(b, "steal_pct", g->steal, 6, 100);
		json_field(b, "cpu_pct", g->cpu, 6, 100);
		json_field(b, "vcpus", g->vcpus, 0, 1);
		json_field(b, "mem_bytes", g->mem, 0, 1);
		json_field(b, "disk_latency_ratio", g->disk_ratio, 6, 1);
		sb_puts(b, ",\"thief\":");
		if (g->thief)
			json_str(b, g->thief);
		else
			sb_puts(b, "null");
		json_field(b, "thief_pct", g->thief ? g->thief_ratio : NAN, 6, 100);
		sb_putc(b, '}');
	}
	sb_puts(b, "]}\n");
}

/* One refresh into f: -1 with the reason in err. */
static int sample_fleet(struct fleet *f, const struct vstop_options *o, const char *url, struct fleet_cost *cost,
			double *took, char *err, size_t errsz)
{
	double t0 = clock_now_s(), now = clock_wall_s();
	int rc = fleet_fetch(f, url, now, o->only_host, o->top, cost, err, errsz);
	*took = clock_now_s() - t0;
	/* Hosts push every sample: half a minute of silence, or three refreshes, is news. */
	double stale_after = o->stale_s > 0 ? o->stale_s : 3 * o->delay_s > 30 ? 3 * o->delay_s : 30;
	if (rc == 0)
		fleet_finish(f, now, stale_after);
	return rc;
}

static int run_batch(const struct vstop_options *o, const char *url)
{
	struct fleet f;
	struct strbuf b = { 0 };
	fleet_init(&f);
	int status = 0;
	for (uint64_t i = 0; !o->iterations || i < o->iterations; i++) {
		if (i)
			usleep((useconds_t)(o->delay_s * 1e6));
		char err[600];
		struct fleet_cost cost;
		double took;
		if (sample_fleet(&f, o, url, &cost, &took, err, sizeof(err)) < 0) {
			fprintf(stderr, "vstop: prom:%s: %s\n", url, err);
			status = 1;
			break;
		}
		if (o->only_host && !f.nhosts) {
			fprintf(stderr, "vstop: prom:%s: no host \"%s\" reports there (its instance label; without "
				"--host every host is listed)\n", url, o->only_host);
			status = 1;
			break;
		}
		sb_reset(&b);
		if (o->json)
			fleet_json(&b, &f, url, clock_wall_s());
		else
			fleet_text(&b, &f, url, clock_wall_s(), &cost, took, 0);
		if (fwrite(b.s, 1, b.len, stdout) != b.len || fflush(stdout)) {
			status = 1;
			break;
		}
		if (!o->json && (!o->iterations || i + 1 < o->iterations))
			putchar('\n');
	}
	sb_free(&b);
	fleet_free(&f);
	return status;
}

static const char fleet_help[] =
	"vstop fleet keys\n\n"
	"  q        quit\n"
	"  /        one host's guests (its instance label); empty: every host\n"
	"  h, ?     this help (any key closes it)\n\n"
	"Hosts first (STALE: no sample for --stale seconds more than the newest host's), then the\n"
	"guests with the most steal, as many as the terminal has lines for. THIEF: who took the\n"
	"most of a guest's wait over the last minute, and its share.\n";

/* Text line by line, each cut at the terminal's width (counted in columns), none wrapped. */
static void draw_lines(const char *text)
{
	int y = 0;
	for (const char *p = text; *p && y < LINES - 1; y++) {
		size_t n = strcspn(p, "\n");
		char line[1024];
		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), p);
		mvaddnstr(y, 0, line, (int)text_fit(line, COLS, MB_CUR_MAX > 1, NULL));
		p += n + (p[n] == '\n');
	}
}

/* The dashboard: the same text, as many guests as the terminal has lines for;
 * q quits, / asks for a host to drill into (empty: the whole fleet). */
static int run_dashboard(const struct vstop_options *o, const char *url)
{
	struct vstop_options mine = *o;
	char host[256] = "";
	struct fleet f;
	struct strbuf b = { 0 };
	fleet_init(&f);
	setlocale(LC_CTYPE, "");	/* names in UTF-8 are measured in columns */
	initscr();
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	curs_set(0);
	int status = 0;
	for (uint64_t i = 0; !o->iterations || i < o->iterations; i++) {
		char err[600];
		struct fleet_cost cost;
		double took = 0;
		sb_reset(&b);
		if (sample_fleet(&f, &mine, url, &cost, &took, err, sizeof(err)) < 0)
			sb_printf(&b, "vstop fleet  prom:%s\n\n%s\n(retrying every %.0f s; q quits)\n", url, err,
				  o->delay_s);
		else
			fleet_text(&b, &f, url, clock_wall_s(), &cost, took,
				   LINES > (int)f.nhosts + 5 ? (unsigned)(LINES - (int)f.nhosts - 5) : 1);
		if (mine.only_host && !f.nhosts)
			sb_printf(&b, "\nno host \"%s\" reports to this store: / and Enter shows every host\n", mine.only_host);
		erase();
		draw_lines(b.s);
		mvprintw(LINES - 1, 0, " q quit  h help  / host %s", mine.only_host ? mine.only_host : "(all)");
		refresh();
		timeout((int)(o->delay_s * 1000));
		int ch = getch();
		if (ch == 'q' || ch == 'Q')
			break;
		if (ch == 'h' || ch == '?') {
			erase();
			draw_lines(fleet_help);
			refresh();
			timeout(-1);
			getch();
		}
		if (ch == '/') {
			mvprintw(LINES - 1, 0, " host (empty: all): ");
			clrtoeol();
			echo();
			curs_set(1);
			timeout(-1);
			getnstr(host, sizeof(host) - 1);
			noecho();
			curs_set(0);
			mine.only_host = host[0] ? host : NULL;
		}
	}
	endwin();
	sb_free(&b);
	fleet_free(&f);
	return status;
}

int fleet_run(const struct vstop_options *o, const char *url)
{
	return o->batch ? run_batch(o, url) : run_dashboard(o, url);
}
