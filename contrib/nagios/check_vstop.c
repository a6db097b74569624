/*
 * check_vstop: a Nagios / Icinga plugin following the Monitoring Plugins
 * development guidelines: one status line with perfdata, exit 0/1/2/3,
 * threshold ranges, -t timeout (UNKNOWN on expiry), -h, -V, -v.
 *
 *   check_vstop steal        this VM's steal over -i SECS (reads /proc/stat)
 *   check_vstop overcommit   a Dom0's vCPU overcommit (memory as perfdata)
 *   check_vstop domain-steal one domain's steal (-d NAME), or the worst of all
 *   check_vstop alarms       the worst alarm vstopd has firing
 * The Dom0 checks read a running vstopd's /metrics (-H URL) or sample
 * directly with --source (xen, sim, replay:FILE).
 */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "contrib/nagios/nagios_range.h"
#include "lib/num.h"
#include "lib/prom_text.h"
#include "lib/strbuf.h"
#include "model/cpu_rates.h"
#include "model/guest_sampler.h"
#include "model/model.h"
#include "sources/source.h"
#ifdef HAVE_CURL
#include <curl/curl.h>
#endif

enum { OK, WARNING, CRITICAL, UNKNOWN };
static const char *const status_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
static int timeout_s = 10;

static void usage(FILE *f)
{
	fprintf(f,
"Usage: check_vstop CHECK [-w RANGE] [-c RANGE] [-i SECS] [-t SECS] [-v]\n"
"                   [-H URL | --source=SRC] [-d DOMAIN]\n"
"Checks steal time and overcommit for Nagios-compatible monitoring.\n"
"\n"
"CHECK is one of:\n"
"  steal         this VM's steal %% over -i seconds (default 5)      -w 10 -c 25\n"
"  overcommit    a Xen host's vCPU overcommit ratio                 -w 2 -c 4\n"
"  domain-steal  steal %% of -d DOMAIN, or of the worst guest        -w 10 -c 25\n"
"  alarms        the worst alarm a running vstopd has firing\n"
"\n"
"  -w, --warning=RANGE    WARNING when the value is outside RANGE\n"
"  -c, --critical=RANGE   CRITICAL likewise; RANGE is N, N:, ~:N, N:M or @N:M\n"
"  -i, --interval=SECS    sampling window (steal, --source)\n"
"  -H, --url=URL          vstopd's /metrics (default http://127.0.0.1:9945/metrics)\n"
"      --source=SRC       sample directly instead: xen, sim[:N], replay:FILE\n"
"  -d, --domain=NAME      the domain for domain-steal\n"
"  -t, --timeout=SECS     UNKNOWN after SECS (default 10)\n"
"  -v, --verbose          more detail after the status line\n"
"  -h, --help             this help\n"
"  -V, --version          version\n");
}

static void on_alarm(int sig)
{
	(void)sig;
	/* Only async-signal-safe calls here. */
	char msg[80];
	int n = snprintf(msg, sizeof(msg), "VSTOP UNKNOWN - timed out after %d s\n", timeout_s);
	if (n > 0 && write(STDOUT_FILENO, msg, (size_t)n) < 0)
		_exit(UNKNOWN);
	_exit(UNKNOWN);
}

static void unknown(const char *what, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));
static void unknown(const char *what, const char *fmt, ...)
{
	va_list ap;
	printf("VSTOP %s UNKNOWN - ", what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(UNKNOWN);
}

struct check {
	const char *name;		/* STEAL, OVERCOMMIT, ... */
	struct nagios_range warn, crit;
	int verbose;
	double interval;
	const char *url, *source, *domain;
};

static int judge(const struct check *c, double v)
{
	if (nagios_range_alert(&c->crit, v))
		return CRITICAL;
	if (nagios_range_alert(&c->warn, v))
		return WARNING;
	return OK;
}

static void perf(struct strbuf *b, const char *label, double v, const char *uom, const struct check *c,
		 const char *min, const char *max)
{
	char w[64], k[64];
	nagios_range_str(&c->warn, w, sizeof(w));
	nagios_range_str(&c->crit, k, sizeof(k));
	/* Labels with spaces or quotes are quoted, a quote doubled (guidelines). */
	if (strpbrk(label, " '=")) {
		sb_putc(b, '\'');
		for (const char *p = label; *p; p++) {
			if (*p == '\'')
				sb_putc(b, '\'');
			sb_putc(b, *p);
		}
		sb_putc(b, '\'');
	} else {
		sb_puts(b, label);
	}
	sb_printf(b, "=%.2f%s;%s;%s;%s;%s ", v, uom, w, k, min, max);
}

/* ---- steal in a guest ---------------------------------------------------- */

static int check_steal(struct check *c, struct strbuf *out)
{
	struct guest_sampler gs;
	char err[512];

	if (guest_sampler_open(&gs, probe_default_root(), err, sizeof(err)) < 0)
		unknown(c->name, "%s", err);
	usleep((useconds_t)(c->interval * 1e6));
	if (guest_sampler_read(&gs, err, sizeof(err)) < 0)
		unknown(c->name, "%s", err);
	const struct guest_rates r = gs.rates;
	if (!r.total.valid)
		unknown(c->name, "no CPU time passed in %.0fs (counters reset?)", c->interval);
	if (!r.total.has_steal)
		unknown(c->name, "this kernel reports no steal time");
	double steal = r.total.pct[CPU_STEAL];
	int st = judge(c, steal);
	sb_printf(out, "VSTOP STEAL %s - steal %.1f%% over %gs | ", status_names[st], steal, c->interval);
	perf(out, "steal", steal, "%", c, "0", "100");
	for (uint32_t i = 0; i < r.ncpus; i++) {
		char label[32];
		snprintf(label, sizeof(label), "cpu%u_steal", r.cpus[i].id);
		if (r.cpus[i].pct.valid)
			perf(out, label, r.cpus[i].pct.pct[CPU_STEAL], "%", c, "0", "100");
	}
	if (c->verbose)
		for (uint32_t i = 0; i < r.ncpus; i++)
			sb_printf(out, "\ncpu%u: steal %.1f%% user %.1f%% system %.1f%% idle %.1f%%", r.cpus[i].id,
				  r.cpus[i].pct.pct[CPU_STEAL], r.cpus[i].pct.pct[CPU_USER], r.cpus[i].pct.pct[CPU_SYSTEM],
				  r.cpus[i].pct.pct[CPU_IDLE]);
	guest_sampler_close(&gs);
	return st;
}

/* ---- Dom0 data: vstopd's /metrics, or a direct sample -------------------- */

#ifdef HAVE_CURL
static size_t collect(char *ptr, size_t size, size_t n, void *ud)
{
	struct strbuf *b = ud;
	if (b->len + size * n > (64u << 20))
		return 0;	/* a /metrics over 64 MiB is not vstopd's */
	sb_append(b, ptr, size * n);
	return size * n;
}
#endif

static void fetch(const struct check *c, struct strbuf *body)
{
#ifdef HAVE_CURL
	CURL *h = curl_easy_init();
	long code = 0;
	if (!h)
		unknown(c->name, "cannot initialise libcurl");
	curl_easy_setopt(h, CURLOPT_URL, c->url);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, collect);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, body);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, (long)timeout_s);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK)
		unknown(c->name, "%s: %s (is vstopd running?)", c->url, curl_easy_strerror(rc));
	if (code != 200)
		unknown(c->name, "%s: HTTP %ld", c->url, code);
#else
	unknown(c->name, "built without libcurl: use --source");
#endif
}

struct worst { const char *only; char name[DOMAIN_NAME_MAX + 1]; double v; int n; };

static int worst_fn(const char *label, double v, void *ctx)
{
	struct worst *w = ctx;
	if (w->only && strcmp(w->only, label) != 0)
		return 0;
	w->n++;
	if (isnan(w->v) || v > w->v) {
		w->v = v;
		snprintf(w->name, sizeof(w->name), "%s", label);
	}
	return 0;
}

static void direct(const struct check *c, struct model *m)
{
	char err[512];
	struct source_options so = { .step_s = c->interval };
	struct source *src = source_open(c->source, &so, err, sizeof(err));
	if (!src)
		unknown(c->name, "%s", err);
	model_init(m, 16);
	for (int i = 0; i < 2; i++) {
		if (i && !src->virtual_time)
			usleep((useconds_t)(c->interval * 1e6));
		if (source_sample(src, model_next(m), err, sizeof(err)) != 0)
			unknown(c->name, "%s", err[0] ? err : "no data");
		model_commit(m);
	}
	source_close(src);
}

static int check_host(struct check *c, const char *what, struct strbuf *out)
{
	struct strbuf body = { 0 };
	struct model m;
	struct worst w = { .v = NAN };

	if (c->source) {
		direct(c, &m);
		/* Same numbers as vstopd's /metrics, without an HTTP round trip. */
		const struct snapshot *s = model_snapshot(&m);
		if (!strcmp(what, "overcommit")) {
			sb_printf(&body, "vstop_host_vcpu_overcommit_ratio %.17g\nvstop_host_memory_overcommit_ratio %.17g\n",
				  m.sum.vcpu_overcommit, m.sum.mem_overcommit);
		} else {
			for (uint32_t i = 0; i < s->ndoms; i++) {
				if (isnan(m.rates[i].steal_pct))
					continue;
				sb_puts(&body, "vstop_domain_steal_ratio{domain=\"");
				for (const char *p = domain_name(s, &s->doms[i]); *p; p++) {
					if (*p == '"' || *p == '\\')
						sb_putc(&body, '\\');
					if (*p == '\n')
						sb_puts(&body, "\\n");
					else
						sb_putc(&body, *p);
				}
				sb_printf(&body, "\"} %.17g\n", m.rates[i].steal_pct / 100);
			}
		}
		model_free(&m);
	} else {
		fetch(c, &body);
	}
	int st;
	if (!strcmp(what, "overcommit")) {
		struct worst mem = { .v = NAN };
		prom_each(body.s, body.len, "vstop_host_vcpu_overcommit_ratio", NULL, worst_fn, &w);
		prom_each(body.s, body.len, "vstop_host_memory_overcommit_ratio", NULL, worst_fn, &mem);
		if (!w.n)
			unknown(c->name, "no vstop_host_vcpu_overcommit_ratio (not a Dom0's vstopd?)");
		st = judge(c, w.v);
		sb_printf(out, "VSTOP OVERCOMMIT %s - %.2f vCPUs per pCPU, memory %.2f | ", status_names[st], w.v, mem.v);
		perf(out, "vcpu_overcommit", w.v, "", c, "0", "");
		struct check none = *c;
		none.warn.set = none.crit.set = false;
		if (mem.n)
			perf(out, "memory_overcommit", mem.v, "", &none, "0", "");
	} else if (!strcmp(what, "alarms")) {
		/* vstop_alert_active{alert=...,severity=...} 1: count by severity. */
		int nw = 0, nc = 0;
		struct strbuf detail = { 0 };
		for (const char *p = body.s, *end = body.s + body.len; p < end;) {
			const char *eol = memchr(p, '\n', (size_t)(end - p));
			size_t l = eol ? (size_t)(eol - p) : (size_t)(end - p);
			if (l > 21 && !memcmp(p, "vstop_alert_active{", 19) && !memcmp(p + l - 2, " 1", 2)) {
				if (memmem(p, l, "severity=\"critical\"", 19))
					nc++;
				else
					nw++;
				sb_putc(&detail, '\n');
				sb_append(&detail, p + 19, l - 21);
			}
			p = eol ? eol + 1 : end;
		}
		st = nc ? CRITICAL : nw ? WARNING : OK;
		sb_printf(out, "VSTOP ALARMS %s - %d critical, %d warning | critical=%d;;;0; warning=%d;;;0;",
			  status_names[st], nc, nw, nc, nw);
		if (c->verbose && detail.len)
			sb_append(out, detail.s, detail.len);
		sb_free(&detail);
	} else {
		w.only = c->domain;
		prom_each(body.s, body.len, "vstop_domain_steal_ratio", "domain", worst_fn, &w);
		if (!w.n)
			unknown(c->name, c->domain ? "domain %s publishes no steal (is vstop-agent running in it?)"
					       : "no guest publishes steal (%s)", c->domain ? c->domain : "install vstop-agent");
		double pct = w.v * 100;
		st = judge(c, pct);
		sb_printf(out, "VSTOP DOMAIN-STEAL %s - %s steal %.1f%%%s | ", status_names[st], w.name, pct,
			  c->domain ? "" : " (worst guest)");
		perf(out, "steal", pct, "%", c, "0", "100");
	}
	sb_free(&body);
	return st;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "warning", required_argument, NULL, 'w' }, { "critical", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'i' }, { "url", required_argument, NULL, 'H' },
		{ "source", required_argument, NULL, 'S' }, { "domain", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' }, { "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct check c = { .name = "", .interval = 5, .url = "http://127.0.0.1:9945/metrics" };
	const char *w = NULL, *k = NULL;
	char err[200];
	int opt;

	while ((opt = getopt_long(argc, argv, "w:c:i:H:d:t:vhV", lopts, NULL)) != -1) {
		switch (opt) {
		case 'w': w = optarg; break;
		case 'c': k = optarg; break;
		case 'i':
			if (num_seconds(optarg, 0.1, 3600, &c.interval) < 0)
				unknown("", "-i: \"%s\" is not a number of seconds", optarg);
			break;
		case 'H': c.url = optarg; break;
		case 'S': c.source = optarg; break;
		case 'd': c.domain = optarg; break;
		case 't': {
			uint64_t t;
			if (num_u64(optarg, &t) < 0 || t < 1 || t > 3600)
				unknown("", "-t: \"%s\" is not a timeout from 1 to 3600 seconds", optarg);
			timeout_s = (int)t;
			break;
		}
		case 'v': c.verbose++; break;
		case 'h': usage(stdout); return OK;
		case 'V': printf("check_vstop %s\n", PACKAGE_VERSION); return OK;
		default: usage(stdout); return UNKNOWN;
		}
	}
	if (optind >= argc) {
		usage(stdout);
		return UNKNOWN;
	}
	const char *what = argv[optind];
	static const char *const checks[][3] = {
		{ "steal", "STEAL", "10:25" }, { "overcommit", "OVERCOMMIT", "2:4" },
		{ "domain-steal", "DOMAIN-STEAL", "10:25" }, { "alarms", "ALARMS", "" },
	};
	int which = -1;
	for (int i = 0; i < 4; i++)
		if (!strcmp(what, checks[i][0]))
			which = i;
	if (which < 0)
		unknown("", "unknown check \"%s\" (steal, overcommit, domain-steal, alarms)", what);
	c.name = checks[which][1];
	/* Defaults are the alarm defaults (see vstop.conf(5)). */
	char dw[16] = "", dc[16] = "";
	if (checks[which][2][0])
		sscanf(checks[which][2], "%15[^:]:%15s", dw, dc);
	if (nagios_range_parse(w ? w : dw[0] ? dw : "~:", &c.warn, err, sizeof(err)) < 0 ||
	    nagios_range_parse(k ? k : dc[0] ? dc : "~:", &c.crit, err, sizeof(err)) < 0)
		unknown(c.name, "%s", err);
	signal(SIGALRM, on_alarm);
	alarm((unsigned)timeout_s);

	struct strbuf out = { 0 };
	int st = which == 0 ? check_steal(&c, &out) : check_host(&c, what, &out);
	/* Perfdata ends the line without a trailing space. */
	while (out.len && out.s[out.len - 1] == ' ')
		out.s[--out.len] = '\0';
	printf("%s\n", out.s);
	sb_free(&out);
	return st;
}
