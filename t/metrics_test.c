/* metrics: Prometheus text rendering, escaping and number formats. */
#include "config.h"
#include <math.h>
#include <stdlib.h>
#include "daemon/loop_stats.h"
#include "model/host_series.h"
#include "model/model.h"
#include "exporters/metrics.h"
#include "t/tap.h"

static const char *label(const char *s)
{
	static struct strbuf b;
	sb_reset(&b);
	metrics_label_value(&b, s);
	return b.s ? b.s : "";
}

int main(void)
{
	struct strbuf b = { 0 };

	is_str(label("plain"), "plain", "plain label");
	is_str(label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd", "quote, backslash and newline escaped");
	is_str(label("caf\xc3\xa9"), "caf\xc3\xa9", "valid UTF-8 kept");
	is_str(label("x\xffy"), "x\xef\xbf\xbdy", "invalid UTF-8 becomes U+FFFD");
	is_str(label("\xc0\x80"), "\xef\xbf\xbd\xef\xbf\xbd", "overlong NUL replaced");

	metrics_double(&b, 0.25);
	sb_putc(&b, ' ');
	metrics_double(&b, 12);
	sb_putc(&b, ' ');
	metrics_double(&b, NAN);
	sb_putc(&b, ' ');
	metrics_u64(&b, UINT64_MAX);
	is_str(b.s, "0.25 12 NaN 18446744073709551615", "number formats");

	/* The printf-free decimals: six significant digits, no trailing zeros, what %.6g
	 * would give wherever %.6g does not switch to exponents. */
	static const struct { double v; const char *want; } dec[] = {
		{ 0.5, "0.5" }, { 0.123456789, "0.123457" }, { 0.0012345678, "0.00123457" },
		{ 0.001, "0.001" }, { 0.0999999999, "0.1" }, { 1.5, "1.5" }, { 99.99999999, "100" },
		{ 123.456789, "123.457" }, { 2.0000001, "2" }, { 0.0005, "0.0005" }, { -0.25, "-0.25" },
		{ 1e20, "1e+20" }, { 1234567.5, "1234568" },
	};
	for (size_t i = 0; i < sizeof(dec) / sizeof(dec[0]); i++) {
		sb_reset(&b);
		metrics_double(&b, dec[i].v);
		is_str(b.s, dec[i].want, "decimal %.10g", dec[i].v);
	}
	int bad = 0;
	uint64_t seed = 88172645463325252ull;
	for (int i = 0; i < 200000; i++) {
		seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
		double v = (double)(seed >> 11) / (double)(1ull << 53) * pow(10, (int)(seed % 15) - 4);
		sb_reset(&b);
		metrics_double(&b, v);
		double back = strtod(b.s, NULL);
		size_t n = strlen(b.s);
		if (fabs(back - v) > 5e-6 * fabs(v) + 1e-300 || (strchr(b.s, '.') && !strchr(b.s, 'e') &&
		    (b.s[n - 1] == '0' || b.s[n - 1] == '.'))) {
			if (bad++ < 3)
				printf("# %.17g printed as %s\n", v, b.s);
		}
	}
	ok(bad == 0, "200000 values from 1e-4 to 1e10 read back within 6 significant digits (%d off)", bad);

	/* A model with two samples of a guest that publishes steal. */
	struct model m;
	model_init(&m, 10);
	for (int i = 0; i < 2; i++) {
		struct snapshot *s = model_next(&m);
		s->t_ns = i * 1000000000ll;
		s->host.known = true;
		s->host.pcpus = 4;
		s->host.mem_total = 8ull << 30;
		struct domain *d = snapshot_add_domain(s, 5, "we\"ird\nname", 11);
		d->cpu_ns = 1500000000ull + (uint64_t)i * 500000000ull;
		d->vcpus = 2;
		d->maxmem_bytes = MAXMEM_UNLIMITED;
		d->vbd.rd_sectors = 3;
		d->has_guest = true;
		d->guest = (struct guest_stat){ 2, 100, 1000 + 200u * (uint64_t)i, 7 + 50u * (uint64_t)i };
		model_commit(&m);
	}
	struct loop_stats ls = { .samples = 2, .source_cpu_seconds = 0.25 };
	struct sample smp = { 0 };
	sample_add_set(&smp, host_series_set(&m));
	sample_add_set(&smp, loop_series_set(&ls));
	metrics_render(&b, &smp);
	ok(strstr(b.s, "vstop_domain_cpu_seconds_total{domain=\"we\\\"ird\\nname\"} 2\n") != NULL,
	   "cpu seconds, exact, with the escaped label");
	ok(strstr(b.s, "vstop_domain_cpu_usage_ratio{domain=\"we\\\"ird\\nname\"} 0.5\n") != NULL, "cpu ratio 0.5");
	ok(strstr(b.s, "vstop_domain_steal_seconds_total{domain=\"we\\\"ird\\nname\"} 0.57\n") != NULL,
	   "steal seconds = 57 ticks / 100 Hz");
	ok(strstr(b.s, "vstop_domain_steal_ratio{domain=\"we\\\"ird\\nname\"} 0.25\n") != NULL, "steal ratio 50/200");
	ok(strstr(b.s, "vstop_domain_vbd_read_bytes_total{domain=\"we\\\"ird\\nname\"} 1536\n") != NULL, "sectors x 512");
	ok(strstr(b.s, "vstop_domain_memory_max_bytes{") == NULL, "unlimited max memory: no series");
	ok(strstr(b.s, "# TYPE vstop_domain_cpu_seconds_total counter\n") != NULL, "TYPE lines");
	ok(strstr(b.s, "vstop_host_vcpu_overcommit_ratio 0.5\n") != NULL, "overcommit 2 vCPUs / 4 pCPUs");
	ok(strstr(b.s, "vstop_samples_total 2\n") != NULL, "loop health");
	ok(strstr(b.s, "vstop_source_cpu_seconds_total 0.25\n") != NULL, "the source's CPU share");
	ok(strstr(b.s, "\nprocess_cpu_seconds_total ") != NULL, "the process's own CPU, under its standard name");
	model_free(&m);
	metrics_free();
	sb_free(&b);
	return done_testing();
}
