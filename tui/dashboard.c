/*
 * dashboard: the interactive curses view.
 *
 * One loop: wait for a key with a timeout that ends at the next sampling
 * deadline (so keys are handled at once and samples stay on schedule), take
 * the sample when due, and redraw only when something changed. Drawing goes
 * to curses' virtual screen and reaches the terminal in one refresh(), which
 * sends only the cells that changed: no flicker. The terminal is restored on
 * q, on SIGINT/SIGTERM and on any exit path (atexit).
 */
#include "lib/paths.h"
#include "config.h"
#include "exporters/conf_sections.h"
#include "collector/kvm_conf.h"
#include "collector/xen_conf.h"
#include "tui/dashboard.h"
#include "tui/vstoprc.h"

#include <curses.h>
#include <langinfo.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/conf.h"
#include "lib/log.h"
#include "lib/num.h"
#include "lib/signals.h"
#include "lib/virt_detect.h"
#include "lib/xalloc.h"
#include "model/cpu_rates.h"
#include "model/guest_history.h"
#include "tui/dash_draw.h"
#include "tui/domain_sort.h"

static bool curses_on;

static void restore_terminal(void)
{
	if (curses_on && !isendwin())
		endwin();
	curses_on = false;
}

/* ---- sampling ---------------------------------------------------------- */

static int sample_host(struct dash *d, char *err, size_t errsz)
{
	int s = source_sample(d->src, model_next(&d->m), err, errsz);
	if (s != 0)
		return s;
	model_commit(&d->m);
	alarms_eval(&d->alarms, &(struct sample){ .now = clock_now_s(), .host = &d->m });
	const struct snapshot *snap = model_snapshot(&d->m);
	if (d->order_cap < snap->ndoms) {
		d->order_cap = snap->ndoms * 2;
		d->order = xreallocarray(d->order, d->order_cap, sizeof(*d->order));
	}
	return 0;
}

static int sample_guest(struct dash *d, char *err, size_t errsz)
{
	if (guest_sampler_read(&d->gs, err, errsz) < 0)
		return -1;
	/* The first sample follows the sampler's opening reading at once: no rates yet. */
	if (d->have_guest_prev) {
		guest_history_add(&d->gh, &d->gs.rates);
		alarms_eval(&d->alarms, &(struct sample){ .now = (double)d->gs.read_ns / 1e9,
							 .guest = guest_sampler_view(&d->gs) });
		d->have_rates = true;
	}
	d->have_guest_prev = true;
	return 0;
}

static int sample(struct dash *d)
{
	char err[512];
	int s = d->host ? sample_host(d, err, sizeof(err)) : sample_guest(d, err, sizeof(err));
	if (s < 0)
		dash_say(d, "sample failed: %s", err);
	else if (s > 0)
		dash_say(d, "end of replayed data: paused");
	else {
		if (clock_now_s() - d->status_at > DASH_SAY_S)
			d->status[0] = '\0';
		d->samples++;
	}
	if (s > 0)
		d->paused = true;
	return s;
}

/* ---- keys -------------------------------------------------------------- */

static void prompt_done(struct dash *d)
{
	if (d->prompt == PROMPT_FILTER) {
		snprintf(d->filter, sizeof(d->filter), "%s", d->prompt_buf);
		d->selected = d->top = 0;
	} else if (d->prompt == PROMPT_FIND) {
		snprintf(d->find, sizeof(d->find), "%s", d->prompt_buf);
		if (!dash_find_next(d))
			dash_say(d, "find: no domain's name holds \"%s\"", d->find);
	} else if (d->prompt == PROMPT_DELAY) {
		double v;
		double least = d->src ? d->src->interval_s : 0;
		if (num_seconds(d->prompt_buf, 0.05, 3600, &v) == 0) {
			if (v < least) {
				v = least;
				dash_say(d, "delay: vstopd samples every %gs, no faster", least);
			}
			d->delay_s = v;
			ticker_start(&d->ticker, v);
		} else {
			dash_say(d, "delay: \"%s\" is not 0.05 to 3600 seconds", d->prompt_buf);
		}
	}
	d->prompt = PROMPT_NONE;
}

static void prompt_key(struct dash *d, int ch)
{
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		prompt_done(d);
	} else if (ch == 27) {
		d->prompt = PROMPT_NONE;
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (d->prompt_len)
			d->prompt_buf[--d->prompt_len] = '\0';
	} else if (ch >= 32 && ch < 127 && d->prompt_len + 1 < (int)sizeof(d->prompt_buf)) {
		d->prompt_buf[d->prompt_len++] = (char)ch;
		d->prompt_buf[d->prompt_len] = '\0';
	}
}

static void start_prompt(struct dash *d, int kind, const char *initial)
{
	d->prompt = kind;
	snprintf(d->prompt_buf, sizeof(d->prompt_buf), "%s", initial);
	d->prompt_len = (int)strlen(d->prompt_buf);
}

/* Returns false to quit. */
static bool handle_key(struct dash *d, int ch)
{
	if (d->prompt != PROMPT_NONE) {
		prompt_key(d, ch);
		return true;
	}
	if (d->show_setup) {
		d->show_setup = dash_setup_key(d, ch);
		return true;
	}
	if (d->show_help || d->show_sources) {
		d->show_help = d->show_sources = false;
		return ch != 'q';
	}
	int key = sort_key_from_letter(ch);
	if (key >= 0 && d->host) {
		d->sort_reverse = d->sort == (enum sort_key)key ? !d->sort_reverse : false;
		d->sort = (enum sort_key)key;
		return true;
	}
	int page = LINES > 10 ? LINES - 8 : 1;
	switch (ch) {
	case 'q': case 'Q': return false;
	case ' ': d->paused = !d->paused; if (!d->paused) ticker_start(&d->ticker, d->delay_s); break;
	case 'h': case '?': d->show_help = true; break;
	case 'i': d->show_sources = d->host && d->src; break;
	case 'p': d->show_pcpus = d->host && !d->show_pcpus; d->show_disks = false; break;
	case 'o': d->show_disks = d->host && !d->show_disks; d->show_pcpus = false; break;
	case KEY_F(2): d->show_setup = d->host; break;
	case 'f': if (d->host) start_prompt(d, PROMPT_FIND, ""); break;	/* a new search; F3 repeats the last */
	case KEY_F(3):
		if (d->host && !dash_find_next(d))
			dash_say(d, "find: no domain's name holds \"%s\"", d->find);
		break;
	case 'd': start_prompt(d, PROMPT_DELAY, ""); break;
	case '/': start_prompt(d, PROMPT_FILTER, d->filter); break;
	case 's': d->spark_cpu = false; break;
	case 'c': d->spark_cpu = true; break;
	case 'n': d->show_net = !d->show_net; break;
	case 'v': d->show_vbd = !d->show_vbd; break;
	case 'V': d->show_vcpu = !d->show_vcpu; break;
	case '\n': case '\r': case KEY_ENTER: d->show_detail = !d->show_detail; break;
	case KEY_UP: case 'k': if (d->selected) d->selected--; break;
	case KEY_DOWN: case 'j': d->selected++; break;
	case KEY_PPAGE: d->selected = d->selected > (uint32_t)page ? d->selected - (uint32_t)page : 0; break;
	case KEY_NPAGE: d->selected += (uint32_t)page; break;
	case KEY_HOME: case 'g': d->selected = 0; break;
	case KEY_END: case 'G': d->selected = UINT32_MAX; break;
	case 12: clearok(curscr, TRUE); break;	/* ^L */
	case KEY_RESIZE: break;
	default: break;
	}
	return true;
}

/* ---- setup and loop ---------------------------------------------------- */

static int dash_open(struct dash *d, const struct vstop_options *o, char *err, size_t errsz)
{
	memset(d, 0, sizeof(*d));
	d->o = o;
	d->host = o->host;
	d->delay_s = o->delay_s > 0 ? o->delay_s : 1.0;
	d->sort = o->sort;
	d->sort_reverse = o->sort_reverse;
	for (int i = 0; i < TABLE_MAX_COLS; i++)
		d->col_order[i] = i;
	d->setup_sel = 1;
	if (d->host)
		vstoprc_load(d, o->sort_given, o->delay_s > 0);	/* the command line wins */
	gethostname(d->hostname, sizeof(d->hostname) - 1);
	/* The alarm thresholds of this host's vstop.conf, if it has one. */
	conf_defaults(&d->conf, sink_conf_sections, sink_conf_nsections);
	if (access(VSTOP_CONF_PATH, R_OK) == 0 &&
	    conf_load(&d->conf, VSTOP_CONF_PATH, err, errsz) < 0)
		return -1;
	alarms_init(&d->alarms, conf_get(&d->conf, &alarms_conf_section), NULL);
	if (d->host) {
		struct source_options so = o->src;
		xen_conf_apply(conf_get(&d->conf, &xen_conf_section), &so);
		kvm_conf_apply(conf_get(&d->conf, &kvm_conf_section), &so);
		so.step_s = d->delay_s;
		d->src = source_open(o->source, &so, err, errsz);
		if (!d->src)
			return -1;
		if (d->src->interval_s > d->delay_s)
			d->delay_s = d->src->interval_s;	/* vstopd's stream: at the daemon's pace */
		model_init(&d->m, 0);
		return 0;
	}
	if (guest_sampler_open(&d->gs, o->proc_root, err, errsz) < 0)
		return -1;
	guest_history_init(&d->gh, 0);
	virt_detect(NULL, d->hypervisor, sizeof(d->hypervisor));
	return 0;
}

static void dash_close(struct dash *d)
{
	alarms_free(&d->alarms);
	if (d->host) {
		free(d->order);
		free(d->visible);
		free(d->marks);
		model_free(&d->m);
		source_close(d->src);
	} else {
		guest_history_free(&d->gh);
		guest_sampler_close(&d->gs);
	}
}

static void curses_start(struct dash *d)
{
	const char *cs;
	setlocale(LC_CTYPE, "");	/* characters only: numbers keep their dot */
	cs = nl_langinfo(CODESET);
	d->utf8 = cs && strcmp(cs, "UTF-8") == 0;
	initscr();
	curses_on = true;
	atexit(restore_terminal);
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	curs_set(0);
	set_escdelay(25);
	d->color = has_colors() && !getenv("NO_COLOR");
	if (d->color) {
		start_color();
		use_default_colors();
		init_pair(PAIR_WARN, COLOR_YELLOW, -1);
		init_pair(PAIR_CRIT, COLOR_RED, -1);
		init_pair(PAIR_OK, COLOR_GREEN, -1);
		init_pair(PAIR_HEAD, COLOR_BLACK, COLOR_CYAN);
	}
}

int dashboard_run(const struct vstop_options *o)
{
	struct dash d;
	char err[512];

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		die(1, "the dashboard needs a terminal; use -b for batch output");
	if (dash_open(&d, o, err, sizeof(err)) < 0)
		die(1, "%s", err);
	signals_install();
	if (sample(&d) < 0) {	/* the first sample: a broken source fails before curses starts */
		log_err("%s", d.status);
		dash_close(&d);
		return 1;
	}
	curses_start(&d);
	ticker_start(&d.ticker, d.delay_s);
	bool dirty = true, running = true;
	uint64_t shown = 0;

	/* SIGHUP here means the terminal went away: leave, do not reload. */
	while (running && !signal_term && !signal_hup) {
		if (dirty) {
			dash_draw(&d);
			dirty = false;
		}
		int64_t wait_ms = d.paused ? 1000 : (ticker_remaining_ns(&d.ticker) + 999999) / 1000000;
		timeout(wait_ms < 0 ? 0 : wait_ms > 1000 ? 1000 : (int)wait_ms);
		int ch = getch();
		/* A vanished terminal makes getch fail at once, forever, and SIGHUP
		 * may not reach us (only the session leader is sure to get it): a
		 * hung-up terminal fails its ioctls, so isatty says so. */
		if (ch == ERR && !isatty(STDIN_FILENO))
			break;
		if (ch != ERR) {
			running = handle_key(&d, ch);
			dirty = true;
		}
		if (!d.paused && ticker_remaining_ns(&d.ticker) <= 0) {
			ticker_advance(&d.ticker);
			sample(&d);
			dirty = true;
			if (o->iterations && ++shown >= o->iterations)
				running = false;
		}
	}
	restore_terminal();
	dash_close(&d);
	return 0;
}
