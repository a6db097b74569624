/*
 * check_vstop: a Nagios / Icinga plugin following the Monitoring Plugins
 * development guidelines: one status line with perfdata, exit 0/1/2/3,
 * threshold ranges, -t timeout (UNKNOWN on expiry), -h, -V, -v.
 *
 *   check_vstop steal        a VM's steal over -i SECS: this one's /proc/stat, or
 *                            with -H the /metrics of vstop-agent on that VM
 *   check_vstop overcommit   a host's vCPU overcommit (memory as perfdata)
 *   check_vstop domain-steal one domain's steal (-d NAME), or the worst of all
 *   check_vstop alarms       the worst alarm vstopd has firing
 *   check_vstop disk         this VM's slowest disk over -i SECS (check_io.c)
 *   check_vstop pressure     this VM's memory and io stall over -i SECS
 * The host checks read a running vstopd's /metrics (-H HOST -p PORT -u PATH, as
 * check_http takes them; localhost by default) or sample directly with --source.
 */
#include "config.h"

#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "contrib/nagios/check.h"
#include "lib/json.h"
#include "lib/name_safe.h"
#include "lib/num.h"
#include "lib/prom_text.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "model/cpu_rates.h"
#include "agent/guest_sampler.h"
#include "model/model.h"
#include "collector/source.h"
#ifdef HAVE_CURL
#include <curl/curl.h>
#endif

const char *const status_names[] = { "OK", "WARNING", "CRITICAL", "UNKNOWN" };
static int timeout_s = 10;
static char timeout_msg[96];		/* made before the alarm is set: the handler only writes */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: check_vstop CHECK [-w RANGE] [-c RANGE] [-i SECS] [-t SECS] [-v]\n"
"                   [-H HOST [-p PORT] [-u PATH] [-S] [-a USER:PASS] | --source=SRC]\n"
"                   [-d DOMAIN]\n"
"Checks steal time and overcommit for Nagios-compatible monitoring.\n"
"\n"
"CHECK is one of:\n"
"  steal         a VM's steal %% over -i seconds (default 5): this VM's,\n"
"                or with -H the VM whose vstop-agent serves /metrics  -w 10 -c 25\n"
"  overcommit    a host's vCPU overcommit ratio                       -w 2 -c 4\n"
"  domain-steal  steal %% of -d DOMAIN, or of the worst guest          -w 10 -c 25\n"
"  alarms        the worst alarm a running vstopd or agent has firing\n"
"  disk          this VM's slowest disk: its await in ms over -i       -w 20 -c 50\n"
"  pressure      the share of -i this VM's tasks stalled on memory or io\n"
"                (PSI \"some\", the worse of the two), %%                -w 10 -c 30\n"
"  discovery     a host's domains as Zabbix low-level discovery JSON\n"
"\n"
"  -w, --warning=RANGE    WARNING when the value is outside RANGE\n"
"  -c, --critical=RANGE   CRITICAL likewise; RANGE is N, N:, ~:N, N:M or @N:M\n"
"  -i, --interval=SECS    sampling window (steal, --source)\n"
"  -H, --hostname=HOST    the daemon's host name or address (default 127.0.0.1\n"
"                         for the host checks; steal without -H reads /proc/stat)\n"
"  -p, --port=PORT        its port (default 9945)\n"
"  -u, --url=PATH         its metrics path (default /metrics), or a whole URL\n"
"  -S, --ssl              HTTPS (the daemon's [http] tls_cert_file)\n"
"  -a, --authorization=USER:PASS  basic authentication ([http] basic_auth_user)\n"
"      --source=SRC       sample directly instead: xen, kvm, sim[:N], replay:FILE\n"
"  -d, --domain=NAME      the domain for domain-steal\n"
"  -t, --timeout=SECS     UNKNOWN after SECS (default 10)\n"
"  -v, --verbose          more detail after the status line\n"
"  -z, --value            print the value alone (for Zabbix), no status line:\n"
"                         exit 0 with it, or 3 with the reason (UNKNOWN)\n"
"  -h, --help             this help\n"
"  -V, --version          version\n");
}

static void on_alarm(int sig)
{
	(void)sig;
	/* Only async-signal-safe calls here. */
	if (write(STDOUT_FILENO, timeout_msg, strlen(timeout_msg)) < 0)
		_exit(UNKNOWN);
	_exit(UNKNOWN);
}

void unknown(const char *what, const char *fmt, ...)
{
	va_list ap;
	printf("VSTOP %s%sUNKNOWN - ", what, *what ? " " : "");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	exit(UNKNOWN);
}

static double judged = NAN;	/* the value the check judged: -z prints it */

int judge(const struct check *c, double v)
{
	judged = v;
	if (nagios_range_alert(&c->crit, v))
		return CRITICAL;
	if (nagios_range_alert(&c->warn, v))
		return WARNING;
	return OK;
}

void perf(struct strbuf *b, const char *label, double v, const char *uom, const struct check *c,
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

	if (guest_sampler_open(&gs, probe_default_root(), err, sizeof(err)) < 0 ||
	    guest_sampler_window(&gs, probe_default_root(), c->interval, err, sizeof(err)) < 0)
		unknown(c->name, "%s", err);
	double ceiling = guest_sampler_view(&gs)->cap_ceiling;
	const struct guest_rates r = gs.rates;
	if (!r.total.valid)
		unknown(c->name, "no CPU time passed in %.0fs (counters reset?)", c->interval);
	if (!r.total.has_steal)
		unknown(c->name, "this kernel reports no steal time");
	double steal = r.total.pct[CPU_STEAL];
	int st = judge(c, steal);
	sb_printf(out, "VSTOP STEAL %s - steal %.1f%% over %gs", status_names[st], steal, c->interval);
	if (!isnan(ceiling))	/* the guest cannot see why; the shape hints */
		sb_printf(out, "; its CPU use held flat at %.0f%%: its own cap (credits, a quota), not a neighbor?", ceiling);
	sb_puts(out, " | ");
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

/* ---- steal of another VM: its vstop-agent's counters, -i seconds apart ---- */

static void fetch(const struct check *c, struct strbuf *body);

struct agent_cpu { char cpu[16]; double total, steal; };
struct agent_cpus { struct agent_cpu *v; uint32_t n, cap; };

static struct agent_cpu *agent_cpu_of(struct agent_cpus *t, const char *cpu)
{
	for (uint32_t i = 0; i < t->n; i++)
		if (!strcmp(t->v[i].cpu, cpu))
			return &t->v[i];
	if (t->n == 4096)
		return NULL;	/* more CPUs than any host: not believed */
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 64;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	struct agent_cpu *ct = &t->v[t->n++];
	snprintf(ct->cpu, sizeof(ct->cpu), "%s", cpu);
	ct->total = ct->steal = 0;
	return ct;
}

static int add_total(const char *cpu, double v, void *ctx)
{
	struct agent_cpu *ct = cpu[0] ? agent_cpu_of(ctx, cpu) : NULL;
	if (ct)
		ct->total += v;	/* every mode's seconds: the CPU's time */
	return 0;
}

static int add_steal(const char *cpu, double v, void *ctx)
{
	struct agent_cpu *ct = cpu[0] ? agent_cpu_of(ctx, cpu) : NULL;
	if (ct)
		ct->steal = v;
	return 0;
}

static void remote_times(const struct check *c, struct agent_cpus *t)
{
	struct strbuf body = { 0 };
	fetch(c, &body);
	t->n = 0;
	if (!prom_each(body.s, body.len, "vstop_cpu_seconds_total", "cpu", add_total, t))
		unknown(c->name, "%s serves no vstop_cpu_seconds_total: not a vstop-agent "
			"(a host's guests: check_vstop domain-steal)", c->url);
	prom_each(body.s, body.len, "vstop_steal_seconds_total", "cpu", add_steal, t);
	sb_free(&body);
}

static int check_steal_remote(struct check *c, struct strbuf *out)
{
	struct agent_cpus a = { 0 }, b = { 0 };
	remote_times(c, &a);
	usleep((useconds_t)(c->interval * 1e6));
	remote_times(c, &b);
	double total = 0, steal = 0;
	for (uint32_t i = 0; i < b.n; i++) {
		const struct agent_cpu *was = agent_cpu_of(&a, b.v[i].cpu);
		if (!was || b.v[i].total < was->total || b.v[i].steal < was->steal)
			continue;	/* a CPU that came online, or counters reset */
		total += b.v[i].total - was->total;
		steal += b.v[i].steal - was->steal;
	}
	if (!(total > 0))
		unknown(c->name, "%s: no CPU time passed in %gs (is the agent sampling?)", c->url, c->interval);
	double pct = 100 * steal / total;
	int st = judge(c, pct);
	sb_printf(out, "VSTOP STEAL %s - steal %.1f%% over %gs on %s | ", status_names[st], pct, c->interval, c->host);
	perf(out, "steal", pct, "%", c, "0", "100");
	for (uint32_t i = 0; i < b.n; i++) {
		const struct agent_cpu *was = agent_cpu_of(&a, b.v[i].cpu);
		double dt = was ? b.v[i].total - was->total : 0;
		if (dt > 0 && b.v[i].steal >= was->steal) {
			char label[32];
			snprintf(label, sizeof(label), "cpu%s_steal", b.v[i].cpu);
			perf(out, label, 100 * (b.v[i].steal - was->steal) / dt, "%", c, "0", "100");
		}
	}
	free(a.v);
	free(b.v);
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
	if (c->auth) {
		curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(h, CURLOPT_USERPWD, c->auth);
	}
	CURLcode rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(h);
	if (rc != CURLE_OK)
		unknown(c->name, "%s: %s (is vstopd or vstop-agent running there?)", c->url, curl_easy_strerror(rc));
	if (code == 401)
		unknown(c->name, "%s: HTTP 401: the daemon asks for -a USER:PASS", c->url);
	if (code == 404)
		unknown(c->name, "%s: HTTP 404: not a vstop daemon's metrics path (-u, default /metrics)", c->url);
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

struct alarm_line { char alert[64], severity[16], domain[DOMAIN_NAME_MAX + 1], cpu[16]; double value; };

struct label_buf { char *s; size_t sz; };

static int copy_label(const char *label, double v, void *ctx)
{
	(void)v;
	const struct label_buf *b = ctx;
	snprintf(b->s, b->sz, "%s", label);
	return 1;
}

/* vstop_alert_active's label `label` on the line [p, p+l) into dst; 0 when no such sample. */
static int line_label(const char *p, size_t l, const char *label, char *dst, size_t sz)
{
	struct label_buf b = { dst, sz };
	return prom_each(p, l, "vstop_alert_active", label, copy_label, &b);
}

static int copy_value(const char *label, double v, void *ctx)
{
	(void)label;
	*(double *)ctx = v;
	return 1;
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
			/* Every domain's vCPUs (which domains there are), and the steal of those that have it. */
			for (int pass = 0; pass < 2; pass++)
				for (uint32_t i = 0; i < s->ndoms; i++) {
					if (pass && isnan(m.rates[i].steal_pct))
						continue;
					sb_puts(&body, pass ? "vstop_domain_steal_ratio{domain=\"" : "vstop_domain_vcpus{domain=\"");
					for (const char *p = domain_name(s, &s->doms[i]); *p; p++) {
						if (*p == '"' || *p == '\\')
							sb_putc(&body, '\\');
						if (*p == '\n')
							sb_puts(&body, "\\n");
						else
							sb_putc(&body, *p);
					}
					sb_printf(&body, "\"} %.17g\n", pass ? m.rates[i].steal_pct / 100 : (double)s->doms[i].vcpus);
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
		/* vstop_alert_active{alert=...,domain|cpu=...,severity=...} 1: count by
		 * severity; -v lists them as "CRITICAL guest_steal on web-1". */
		int nw = 0, nc = 0;
		struct strbuf detail = { 0 };
		for (const char *p = body.s, *end = body.s + body.len; p < end;) {
			const char *eol = memchr(p, '\n', (size_t)(end - p));
			size_t l = eol ? (size_t)(eol - p) : (size_t)(end - p);
			struct alarm_line a = { 0 };
			if (line_label(p, l, "alert", a.alert, sizeof(a.alert))) {
				line_label(p, l, "severity", a.severity, sizeof(a.severity));
				line_label(p, l, "domain", a.domain, sizeof(a.domain));
				line_label(p, l, "cpu", a.cpu, sizeof(a.cpu));
				prom_each(p, l, "vstop_alert_active", NULL, copy_value, &a.value);
			}
			if (a.value == 1) {
				bool crit = !strcmp(a.severity, "critical");
				crit ? nc++ : nw++;
				sb_printf(&detail, "\n%s %s", crit ? "CRITICAL" : "WARNING", a.alert);
				if (a.domain[0])
					sb_printf(&detail, " on %s", a.domain);
				else if (a.cpu[0])
					sb_printf(&detail, " on cpu %s", a.cpu);
			}
			p = eol ? eol + 1 : end;
		}
		st = nc ? CRITICAL : nw ? WARNING : OK;
		judged = st;	/* -z: 0 none, 1 a warning, 2 a critical one fires */
		sb_printf(out, "VSTOP ALARMS %s - %d critical, %d warning | critical=%d;;;0; warning=%d;;;0;",
			  status_names[st], nc, nw, nc, nw);
		if (c->verbose && detail.len)
			sb_append(out, detail.s, detail.len);
		sb_free(&detail);
	} else {
		w.only = c->domain;
		prom_each(body.s, body.len, "vstop_domain_steal_ratio", "domain", worst_fn, &w);
		struct worst there = { .only = c->domain, .v = NAN };
		if (!w.n && c->domain)
			prom_each(body.s, body.len, "vstop_domain_vcpus", "domain", worst_fn, &there);
		if (!w.n && c->domain && !there.n)
			unknown(c->name, "no domain %s on this host (vstop -b lists them)", c->domain);
		if (!w.n)
			unknown(c->name, c->domain ? "domain %s has no steal figure yet (no agent in it, and the "
					       "hypervisor's is not read: [xen] trace)"
					       : "no guest has a steal figure (%s)", c->domain ? c->domain : "install vstop-agent");
		double pct = w.v * 100;
		st = judge(c, pct);
		char shown[sizeof(w.name) * 4 + 32];	/* as a human may read it (lib/name_safe.h) */
		name_safe(shown, sizeof(shown), w.name);
		if (strcmp(w.name, "Domain-0") != 0 && name_looks_like_dom0(w.name))
			strncat(shown, " (not Domain-0)", sizeof(shown) - strlen(shown) - 1);
		sb_printf(out, "VSTOP DOMAIN-STEAL %s - %s steal %.1f%%%s | ", status_names[st], shown, pct,
			  c->domain ? "" : " (worst guest)");
		perf(out, "steal", pct, "%", c, "0", "100");
	}
	sb_free(&body);
	return st;
}

static int add_domain(const char *label, double v, void *ctx)
{
	struct strbuf *b = ctx;
	(void)v;
	sb_puts(b, b->s[b->len - 1] == '[' ? "{\"{#DOMAIN}\":" : ",{\"{#DOMAIN}\":");
	json_str(b, label);
	sb_putc(b, '}');
	return 0;
}

/* {"data":[{"{#DOMAIN}":"web-01"},...]}: Zabbix's low-level discovery of the
 * domains vstopd serves (names exact, escaped as JSON; the status is OK). */
static int check_discovery(struct check *c, struct strbuf *out)
{
	struct strbuf body = { 0 };
	if (c->source)
		unknown(c->name, "discovery reads a running vstopd: no --source");
	fetch(c, &body);
	sb_puts(out, "{\"data\":[");
	prom_each(body.s, body.len, "vstop_domain_vcpus", "domain", add_domain, out);
	sb_puts(out, "]}");
	sb_free(&body);
	return OK;
}

/* http[s]://HOST:PORT/PATH from -H, -p, -u and -S, as check_http builds it; -u may be
 * a whole URL (and -H one too, as earlier versions took it). */
static void make_url(struct check *c)
{
	const char *whole = strstr(c->path, "://") ? c->path : c->host && strstr(c->host, "://") ? c->host : NULL;
	if (whole) {
		if (strlen(whole) >= sizeof(c->url))
			unknown(c->name, "the URL is longer than %zu bytes", sizeof(c->url) - 1);
		snprintf(c->url, sizeof(c->url), "%s", whole);
		if (!c->host || strstr(c->host, "://"))
			c->host = c->url;
		return;
	}
	if (c->host && (!c->host[0] || strpbrk(c->host, "/?#@ ")))
		unknown(c->name, "-H: \"%s\" is not a host name or address", c->host);
	const char *h = c->host ? c->host : "127.0.0.1";
	bool v6 = strchr(h, ':') && h[0] != '[';	/* ::1 -> [::1] */
	int n = snprintf(c->url, sizeof(c->url), "%s://%s%s%s:%u%s%s", c->ssl ? "https" : "http", v6 ? "[" : "", h,
			 v6 ? "]" : "", c->port, c->path[0] == '/' ? "" : "/", c->path);
	if (n < 0 || (size_t)n >= sizeof(c->url))
		unknown(c->name, "the URL is longer than %zu bytes", sizeof(c->url) - 1);
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "warning", required_argument, NULL, 'w' }, { "critical", required_argument, NULL, 'c' },
		{ "interval", required_argument, NULL, 'i' }, { "hostname", required_argument, NULL, 'H' },
		{ "port", required_argument, NULL, 'p' }, { "url", required_argument, NULL, 'u' },
		{ "ssl", no_argument, NULL, 'S' }, { "authorization", required_argument, NULL, 'a' },
		{ "source", required_argument, NULL, 's' }, { "domain", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 't' }, { "verbose", no_argument, NULL, 'v' },
		{ "value", no_argument, NULL, 'z' },
		{ "help", no_argument, NULL, 'h' }, { "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct check c = { .name = "", .interval = 5, .port = 9945, .path = "/metrics" };
	const char *w = NULL, *k = NULL;
	char err[200];
	int opt;

	while ((opt = getopt_long(argc, argv, "w:c:i:H:p:u:Sa:d:t:vzhV", lopts, NULL)) != -1) {
		switch (opt) {
		case 'w': w = optarg; break;
		case 'c': k = optarg; break;
		case 'i':
			if (num_seconds(optarg, 0.1, 3600, &c.interval) < 0)
				unknown("", "-i: \"%s\" is not from 0.1 to 3600 seconds", optarg);
			break;
		case 'H': c.host = optarg; break;
		case 'p': {
			uint64_t port;
			if (num_u64(optarg, &port) < 0 || port < 1 || port > 65535)
				unknown("", "-p: \"%s\" is not a port from 1 to 65535", optarg);
			c.port = (unsigned)port;
			break;
		}
		case 'u': c.path = optarg; break;
		case 'S': c.ssl = true; break;
		case 'a':
			if (!strchr(optarg, ':'))
				unknown("", "-a: \"%s\" is not USER:PASSWORD", optarg);
			c.auth = optarg;
			break;
		case 's': c.source = optarg; break;
		case 'd': c.domain = optarg; break;
		case 't': {
			uint64_t t;
			if (num_u64(optarg, &t) < 0 || t < 1 || t > 3600)
				unknown("", "-t: \"%s\" is not a timeout from 1 to 3600 seconds", optarg);
			timeout_s = (int)t;
			break;
		}
		case 'v': c.verbose++; break;
		case 'z': c.value_only = true; break;
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
	enum { STEAL, OVERCOMMIT, DOMAIN_STEAL, ALARMS, DISK, PRESSURE, DISCOVERY, NCHECKS };
	static const char *const checks[NCHECKS][3] = {
		{ "steal", "STEAL", "10:25" }, { "overcommit", "OVERCOMMIT", "2:4" },
		{ "domain-steal", "DOMAIN-STEAL", "10:25" }, { "alarms", "ALARMS", "" },
		{ "disk", "DISK", "20:50" }, { "pressure", "PRESSURE", "10:30" }, { "discovery", "DISCOVERY", "" },
	};
	int which = -1;
	for (int i = 0; i < NCHECKS; i++)
		if (!strcmp(what, checks[i][0]))
			which = i;
	if (which < 0)
		unknown("", "unknown check \"%s\" (steal, overcommit, domain-steal, alarms, disk, pressure, discovery)", what);
	c.name = checks[which][1];
	if (c.source && (c.host || strcmp(c.path, "/metrics")))
		unknown(c.name, "--source samples here: it takes no -H or -u");
	if (which == STEAL && c.source)
		unknown(c.name, "steal reads this VM's /proc/stat, or with -H a vstop-agent: no --source");
	if ((which == DISK || which == PRESSURE) && (c.source || c.host))
		unknown(c.name, "%s reads this VM's own files: no -H or --source (run it on the VM, e.g. by NRPE)", what);
	make_url(&c);
	/* Defaults are the alarm defaults (see vstop.conf(5)). */
	char dw[16] = "", dc[16] = "";
	if (checks[which][2][0])
		sscanf(checks[which][2], "%15[^:]:%15s", dw, dc);
	if (nagios_range_parse(w ? w : dw[0] ? dw : "~:", &c.warn, err, sizeof(err)) < 0 ||
	    nagios_range_parse(k ? k : dc[0] ? dc : "~:", &c.crit, err, sizeof(err)) < 0)
		unknown(c.name, "%s", err);
	/* Plain upper bounds (-w 10 -c 25): critical must be the worse. */
	if (!c.warn.inside && !c.crit.inside && c.warn.start <= 0 && c.crit.start <= 0 && c.crit.end < c.warn.end)
		unknown(c.name, "-c %s is below -w %s: critical must be the worse (-w %s -c %s?)", k ? k : dc, w ? w : dw,
			k ? k : dc, w ? w : dw);
	snprintf(timeout_msg, sizeof(timeout_msg), "VSTOP %s UNKNOWN - timed out after %d s\n", c.name, timeout_s);
	signal(SIGALRM, on_alarm);
	alarm((unsigned)timeout_s);

	struct strbuf out = { 0 };
	int st = which == DISK ? check_disk(&c, &out) : which == PRESSURE ? check_pressure(&c, &out) :
		 which == DISCOVERY ? check_discovery(&c, &out) :
		 which != STEAL ? check_host(&c, what, &out) : c.host ? check_steal_remote(&c, &out) : check_steal(&c, &out);
	if (c.value_only && which != DISCOVERY) {	/* for Zabbix: the value alone */
		if (isnan(judged))	/* nothing to judge (no disk finished a request): the line says why */
			unknown(c.name, "no value: %s", out.s);
		printf(which == ALARMS ? "%.0f\n" : "%.2f\n", judged);
		sb_free(&out);
		return OK;
	}
	/* Perfdata ends the line without a trailing space. */
	while (out.len && out.s[out.len - 1] == ' ')
		out.s[--out.len] = '\0';
	printf("%s\n", out.s);
	sb_free(&out);
	return st;
}
