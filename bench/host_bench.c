/*
 * host_bench: the host side's costs at N domains, in process, on the sim
 * source: sample (the source, reported apart), model commit (rates and
 * history), alarms, /metrics render, remote-write encode+compress, one
 * dashboard frame (curses to /dev/null), and the RSS with full history.
 * CPU time from CLOCK_PROCESS_CPUTIME_ID; each figure is the median of
 * `reps` runs (min and max printed too). Output: one TSV line per N.
 * `host_bench --pcpus P REPS`: the pCPU view's frame (200x60) on a simulated
 * host of P pCPUs with the trace and a full history: "P<TAB>med/min/max" in µs.
 */
#include "config.h"

#include <curses.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "daemon/loop_stats.h"
#include "lib/strbuf.h"
#include "model/host_series.h"
#include "model/model.h"
#include "alerts/alarms.h"
#include "exporters/metrics.h"
#include "exporters/push_batch.h"
#include "exporters/remote_write.h"
#include "collector/source.h"
#include "tui/dash_draw.h"

static double cpu_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct stat3 { double med, min, max; };

static struct stat3 summarize(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return (struct stat3){ v[n / 2], v[0], v[n - 1] };
}

static long rss_kib(const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = strtol(line + strlen(key) + 1, NULL, 10);
	if (f)
		fclose(f);
	return v;
}

/* The per-pCPU view's frame at npcpus (sim:2N,trace has N pCPUs). */
static int pcpu_frames(int npcpus, int reps)
{
	char spec[64], err[256];
	struct source_options so = { .step_s = 1 };
	snprintf(spec, sizeof(spec), "sim:%d,trace", 2 * npcpus);
	struct source *src = source_open(spec, &so, err, sizeof(err));
	if (!src) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	struct vstop_options o = { .host = true, .delay_s = 1 };
	struct dash d;
	memset(&d, 0, sizeof(d));
	d.o = &o;
	d.host = d.utf8 = d.color = d.show_pcpus = true;
	d.delay_s = 1;
	model_init(&d.m, MODEL_HISTORY_DEFAULT);
	for (int i = 0; i < MODEL_HISTORY_DEFAULT; i++) {
		source_sample(src, model_next(&d.m), err, sizeof(err));
		model_commit(&d.m);
	}
	setlocale(LC_ALL, "C.UTF-8");
	FILE *devnull = fopen("/dev/null", "w");
	SCREEN *scr = newterm("xterm-256color", devnull, stdin);
	set_term(scr);
	start_color();
	resizeterm(60, 200);
	double *t = calloc((size_t)reps, sizeof(double));
	for (int r = 0; r < reps; r++) {
		source_sample(src, model_next(&d.m), err, sizeof(err));
		model_commit(&d.m);
		double t0 = cpu_now();
		dash_draw(&d);
		t[r] = cpu_now() - t0;
	}
	endwin();
	delscreen(scr);
	struct stat3 st = summarize(t, reps);
	printf("%u\t%.1f/%.1f/%.1f\n", model_snapshot(&d.m)->npcpus, st.med * 1e6, st.min * 1e6, st.max * 1e6);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc > 3 && strcmp(argv[1], "--pcpus") == 0)
		return pcpu_frames(atoi(argv[2]), atoi(argv[3]));
	int n = argc > 1 ? atoi(argv[1]) : 1000;
	int reps = argc > 2 ? atoi(argv[2]) : 50;
	char spec[64], err[256];
	struct source_options so = { .step_s = 1 };
	struct alarms_conf conf;
	struct model m;
	struct alarms al;
	struct strbuf body = { 0 };
	struct loop_stats ls = { 0 };
	double *t_src = calloc((size_t)reps, sizeof(double)), *t_model = calloc((size_t)reps, sizeof(double));
	double *t_alarm = calloc((size_t)reps, sizeof(double)), *t_render = calloc((size_t)reps, sizeof(double));
	double *t_push = calloc((size_t)reps, sizeof(double)), *t_tui = calloc((size_t)reps, sizeof(double));
	double *t_encode = calloc((size_t)reps, sizeof(double));

	snprintf(spec, sizeof(spec), "sim:%d", n);
	struct source *src = source_open(spec, &so, err, sizeof(err));
	if (!src) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	alarms_conf_section.defaults(&conf);
	model_init(&m, MODEL_HISTORY_DEFAULT);
	alarms_init(&al, &conf, NULL);
	/* Fill the history first: 600 intervals, as a daemon that has run 10 minutes. */
	for (int i = 0; i < MODEL_HISTORY_DEFAULT; i++) {
		source_sample(src, model_next(&m), err, sizeof(err));
		model_commit(&m);
	}
	struct rw_encoder *enc = rw_encoder_new();
	struct batch batch = { 0 };
	struct rw_point *pts = NULL;
	size_t pts_cap = 0, npoints = 0;

	/* A curses screen on /dev/null, 200x60, for the frame cost. */
	setlocale(LC_ALL, "C.UTF-8");
	FILE *devnull = fopen("/dev/null", "w");
	SCREEN *scr = newterm("xterm-256color", devnull, stdin);
	set_term(scr);
	resizeterm(60, 200);
	struct vstop_options o = { .host = true, .delay_s = 1 };
	struct dash d;
	memset(&d, 0, sizeof(d));
	d.o = &o;
	d.host = true;
	d.utf8 = true;
	d.delay_s = 1;
	d.sort = SORT_CPU;
	d.m = m;	/* shares the model's buffers: reads only */
	alarms_init(&d.alarms, &conf, NULL);
	d.order = calloc((size_t)n * 2, sizeof(*d.order));
	d.order_cap = (uint32_t)n * 2;

	for (int r = 0; r < reps; r++) {
		double t0 = cpu_now();
		source_sample(src, model_next(&m), err, sizeof(err));
		double t1 = cpu_now();
		model_commit(&m);
		double t2 = cpu_now();
		struct sample smp = { .wall = 1700000000.0 + r, .now = r, .host = &m };
		sample_add_set(&smp, host_series_set(&m));
		sample_add_set(&smp, loop_series_set(&ls));
		sample_add_set(&smp, alarms_series_set(&al));
		alarms_eval(&al, &smp);
		double t3 = cpu_now();
		metrics_render(&body, &smp);
		double t4 = cpu_now();
		/* What push does with the same sample: its points (sampling thread), then the
		 * WriteRequest (sender thread). */
		push_batch_reset(&batch);
		push_batch_fill(&batch, &smp);
		if (batch.n > pts_cap) {
			pts_cap = batch.n * 2;
			pts = realloc(pts, pts_cap * sizeof(*pts));
		}
		npoints = push_batch_points(&batch, pts);
		double t4e = cpu_now();
		size_t len;
		rw_encode(enc, pts, npoints, "bench", "vstop", &len);
		double t5 = cpu_now();
		d.m = m;
		dash_draw(&d);
		double t6 = cpu_now();
		t_src[r] = t1 - t0;
		t_model[r] = t2 - t1;
		t_alarm[r] = t3 - t2;
		t_render[r] = t4 - t3;
		t_push[r] = t5 - t4;
		t_encode[r] = t5 - t4e;
		t_tui[r] = t6 - t5;
	}
	endwin();
	delscreen(scr);
	struct stat3 s_src = summarize(t_src, reps), s_model = summarize(t_model, reps), s_al = summarize(t_alarm, reps);
	struct stat3 s_ren = summarize(t_render, reps), s_push = summarize(t_push, reps), s_tui = summarize(t_tui, reps);
	struct stat3 s_enc = summarize(t_encode, reps);
	double loop[3] = { s_model.med + s_al.med + s_ren.med, s_model.min + s_al.min + s_ren.min,
			   s_model.max + s_al.max + s_ren.max };
	/* N, then median/min/max in microseconds for each, then body bytes, RSS and HWM in KiB,
	 * then the points one push carries and the encode alone (the sender thread's part). */
	printf("%d\t%.1f/%.1f/%.1f\t%.1f/%.1f/%.1f\t%.1f/%.1f/%.1f\t%.1f/%.1f/%.1f\t%.1f/%.1f/%.1f\t%.1f/%.1f/%.1f\t%.1f/%.1f/%.1f\t%zu\t%ld\t%ld\t%zu\t%.1f/%.1f/%.1f\n",
	       n, s_src.med * 1e6, s_src.min * 1e6, s_src.max * 1e6,
	       s_model.med * 1e6, s_model.min * 1e6, s_model.max * 1e6,
	       s_al.med * 1e6, s_al.min * 1e6, s_al.max * 1e6,
	       s_ren.med * 1e6, s_ren.min * 1e6, s_ren.max * 1e6,
	       loop[0] * 1e6, loop[1] * 1e6, loop[2] * 1e6,
	       s_push.med * 1e6, s_push.min * 1e6, s_push.max * 1e6,
	       s_tui.med * 1e6, s_tui.min * 1e6, s_tui.max * 1e6,
	       body.len, rss_kib("VmRSS:"), rss_kib("VmHWM:"), npoints,
	       s_enc.med * 1e6, s_enc.min * 1e6, s_enc.max * 1e6);
	return 0;
}
