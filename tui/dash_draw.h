/*
 * dash_draw: the dashboard's state and its drawing. dashboard.c owns the
 * loop and the keys; dash_draw.c turns the state into one curses frame.
 */
#ifndef VSTOP_DASH_DRAW_H
#define VSTOP_DASH_DRAW_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/clock.h"
#include "model/cpu_rates.h"
#include "model/guest_history.h"
#include "agent/guest_sampler.h"
#include "model/model.h"
#include "alerts/alarms.h"
#include "collector/source.h"
#include "tui/options.h"

enum { PAIR_WARN = 1, PAIR_CRIT, PAIR_OK, PAIR_HEAD };
enum { PROMPT_NONE, PROMPT_FILTER, PROMPT_DELAY, PROMPT_FIND };
#define TABLE_MAX_COLS 13
#define DASH_SAY_S 5.0	/* seconds a message stays on the bottom line */

/* Row colours: the alarm defaults (alerts/) use the same numbers. */
#define DASH_STEAL_WARN 5.0
#define DASH_STEAL_CRIT 15.0

struct dash {
	const struct vstop_options *o;
	bool host, utf8, color;
	char hostname[64];
	/* host view */
	struct source *src;
	struct model m;
	uint32_t *order, order_cap;	/* sorted domain indexes */
	uint32_t *visible, visible_cap;	/* after the filter */
	uint32_t nvisible;		/* as the last frame drew them */
	bool *marks;			/* names shown with their domid (tui/name_marks.h) */
	uint32_t marks_cap;
	char marked_name[DOMAIN_NAME_MAX + 16];
	/* guest view */
	struct guest_sampler gs;
	bool have_guest_prev, have_rates;
	struct guest_history gh;
	char hypervisor[64];
	/* alarms, judged with vstop.conf's thresholds (the daemons notify; we only show) */
	struct vstop_conf conf;
	struct alarms alarms;
	/* interface */
	struct ticker ticker;
	double delay_s;
	/* The host view's columns: every one, in the order shown (0: NAME, always
	 * first), and which are hidden (tui/vstoprc.h keeps them). */
	int col_order[TABLE_MAX_COLS];
	bool col_hidden[TABLE_MAX_COLS];
	bool show_setup;
	int setup_sel;			/* the column the setup screen points at */
	char find[64];			/* the last search (f, F3): the selection moves, nothing is hidden */
	bool paused, show_help, show_sources, show_pcpus, show_disks, show_net, show_vbd, show_vcpu, show_detail, spark_cpu;
	enum sort_key sort;
	bool sort_reverse;
	char filter[64];
	int prompt, prompt_len;
	char prompt_buf[64];
	uint32_t selected, top;		/* positions in the visible rows */
	uint64_t samples;
	char status[600];
	double status_at;		/* when it was said: it stays a few seconds, samples or not */
};

/* Say something on the bottom line for a few seconds (errors, "settings saved"). */
void dash_say(struct dash *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

void dash_draw(struct dash *d);
/* The two views (dash_host.c, dash_guest.c). */
void dash_host_view(struct dash *d);
/* The data-sources panel (i): where each column comes from, and whether it is live. */
void dash_sources_view(struct dash *d);
void dash_guest_view(struct dash *d);
/* The per-pCPU view (p): load, queue, pinning, who ran, and a heatmap over time. */
void dash_pcpus_view(struct dash *d);
void dash_disks_view(struct dash *d);
/* The setup screen (F2): the host view's columns, shown or hidden, in order. */
void dash_setup_view(struct dash *d);
/* A key on it: false once it closed (settings saved, d->status says where). */
bool dash_setup_key(struct dash *d, int ch);
/* Move the selection to the next visible domain whose name holds d->find; false if none. */
bool dash_find_next(struct dash *d);

#endif
