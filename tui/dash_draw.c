/*
 * dash_draw: one frame of the dashboard: the host view (dash_host.c), the
 * guest view (dash_guest.c) or the help, and the bottom line.
 */
#include "config.h"
#include "tui/dash_table.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>

void dash_say(struct dash *d, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(d->status, sizeof(d->status), fmt, ap);
	va_end(ap);
	d->status_at = clock_now_s();
}

static void bottom_line(struct dash *d)
{
	char buf[512];
	move(LINES - 1, 0);
	clrtoeol();
	if (d->prompt != PROMPT_NONE) {
		snprintf(buf, sizeof(buf), "%s: %s_", d->prompt == PROMPT_FILTER ? "Filter by name (Enter, Esc)" :
			 d->prompt == PROMPT_FIND ? "Find a name, the selection moves (Enter; F3 next; Esc)" :
			 "Delay in seconds (Enter, Esc)", d->prompt_buf);
		dash_put(LINES - 1, 0, A_BOLD, buf);
	} else if (d->status[0]) {
		dash_put(LINES - 1, 0, A_BOLD, d->status);
	} else if (d->host) {
		dash_put(LINES - 1, 0, A_REVERSE, " q quit  h help  i sources  p pCPUs  o disks  space pause  d delay  / filter  "
		    "s/c spark steal/cpu  n/v/V net/vbd/vcpu  Enter detail  sort: underlined key ");
	} else {
		dash_put(LINES - 1, 0, A_REVERSE, " q quit  h help  space pause  d delay ");
	}
}

static void help_view(struct dash *d)
{
	static const char *const lines[] = {
		"vstop keys",
		"",
		"  q            quit                      h, ?     this help (any key closes it)",
		"  space        pause / resume            d        change the delay",
		"  /            filter domains by name    Ctrl-L   redraw",
		"  s            sparkline shows steal     c        sparkline shows CPU",
		"  n            per-network lines         v        per-VBD lines",
		"  V            per-vCPU lines            Enter    detail pane for the selection",
		"  i            where each column comes from (the data sources, and whether live)",
		"  p            the pCPUs: load, queue, pinning, who ran there, a heatmap over time",
		"  o            the disks under the domains: latency against the usual, who moved the bytes",
		"  f, F3        find a name (the selection moves; / hides the others instead)",
		"  F2           setup: which columns, in what order; saved with sort and delay",
		"  Up/Down j/k  select                    PgUp/PgDn, Home/End (g/G)  scroll",
		"",
		"Sort (the same key again reverses):",
		"  N name  I domid  E state  C CPU%  S steal%  P vCPUs  M memory  X max memory",
		"  R net RX  T net TX  B VBD reads  W VBD writes",
		"",
		"CPU% is xentop's: 100% is one physical CPU. STEAL% is the share of a guest's",
		"vCPU time it waited for a CPU: the hypervisor's count where it is read (Xen's",
		"scheduler trace, a KVM vCPU thread's run-queue wait), else what the guest's",
		"vstop-agent publishes; '-': neither. A '!' after it: the two disagree (Enter",
		"shows both, and who the guest waited for). Rows turn yellow at 5%, red at 15%.",
		"THIEF: who took most of a guest's wait (self: its own vCPUs). TYPE: PV, HVM, PVH",
		"(Xen), KVM or TCG (emulated).",
	};
	(void)d;
	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		dash_put((int)i, 0, i == 0 ? A_BOLD : 0, lines[i]);
}

void dash_draw(struct dash *d)
{
	erase();
	if (d->show_help)
		help_view(d);
	else if (d->show_setup)
		dash_setup_view(d);
	else if (d->show_sources && model_snapshot(&d->m)->ndoms)
		dash_sources_view(d);
	else if (d->show_pcpus && d->host)
		dash_pcpus_view(d);
	else if (d->show_disks && d->host)
		dash_disks_view(d);
	else if (d->host)
		dash_host_view(d);
	else
		dash_guest_view(d);
	bottom_line(d);
	refresh();
}
