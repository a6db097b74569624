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
enum { PROMPT_NONE, PROMPT_FILTER, PROMPT_DELAY };

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
	bool paused, show_help, show_sources, show_net, show_vbd, show_vcpu, show_detail, spark_cpu;
	enum sort_key sort;
	bool sort_reverse;
	char filter[64];
	int prompt, prompt_len;
	char prompt_buf[64];
	uint32_t selected, top;		/* positions in the visible rows */
	uint64_t samples;
	char status[600];
};

void dash_draw(struct dash *d);
/* The two views (dash_host.c, dash_guest.c). */
void dash_host_view(struct dash *d);
/* The data-sources panel (i): where each column comes from, and whether it is live. */
void dash_sources_view(struct dash *d);
void dash_guest_view(struct dash *d);

#endif
