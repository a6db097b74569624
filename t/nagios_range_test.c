/* nagios_range and prom_text: the plugin's parsers, with hostile input. */
#include "config.h"
#include <math.h>
#include "contrib/nagios/nagios_range.h"
#include "lib/prom_text.h"
#include "t/tap.h"

static int alerts(const char *range, double v)
{
	struct nagios_range r;
	char err[100];
	if (nagios_range_parse(range, &r, err, sizeof(err)) < 0)
		return -1;
	return nagios_range_alert(&r, v);
}

static int sum_fn(const char *label, double v, void *ctx)
{
	(void)label;
	*(double *)ctx += v;
	return 0;
}

int main(void)
{
	/* The guidelines' table. */
	ok(alerts("10", 11) == 1 && alerts("10", 10) == 0 && alerts("10", -1) == 1 && alerts("10", 0) == 0, "10: outside 0..10");
	ok(alerts("10:", 9.9) == 1 && alerts("10:", 10) == 0 && alerts("10:", 1e9) == 0, "10: below 10");
	ok(alerts("~:10", 11) == 1 && alerts("~:10", -1e9) == 0, "~:10: above 10");
	ok(alerts("10:20", 9) == 1 && alerts("10:20", 21) == 1 && alerts("10:20", 15) == 0, "10:20: outside");
	ok(alerts("@10:20", 15) == 1 && alerts("@10:20", 10) == 1 && alerts("@10:20", 21) == 0, "@10:20: inside");
	ok(alerts("-5:5", -6) == 1 && alerts("-5:5", 0) == 0, "negative start");
	ok(alerts("1.5", 1.6) == 1, "decimals");
	const char *bad[] = { "", "x", "10:x", "20:10", "@", ":", "1e999", "nan", "10::20", "--1", "~", "10 " };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(alerts(bad[i], 0) == -1, "rejects \"%s\"", bad[i]);
	char buf[64];
	struct nagios_range r;
	char err[100];
	nagios_range_parse("~:10", &r, err, sizeof(err));
	nagios_range_str(&r, buf, sizeof(buf));
	is_str(buf, "~:10", "perfdata form of ~:10");
	nagios_range_parse("@10:20", &r, err, sizeof(err));
	nagios_range_str(&r, buf, sizeof(buf));
	is_str(buf, "@10:20", "perfdata form of @10:20");

	/* prom_text on real and hostile text. */
	const char *t = "# HELP x\nvstop_domain_steal_ratio{domain=\"a\\\"b\"} 0.25\n"
			"vstop_domain_steal_ratio{domain=\"c\"} 0.5 1700000000000\n"
			"vstop_domain_steal_ratio{domain=\"broken} 9\n"
			"vstop_domain_steal_ratio{domain=\"d\"} notanumber\n"
			"vstop_domain_steal_ratio_other 7\n";
	double sum = 0;
	ok(prom_each(t, strlen(t), "vstop_domain_steal_ratio", "domain", sum_fn, &sum) == 2 && fabs(sum - 0.75) < 1e-9,
	   "two good samples; broken labels, bad values and other metrics skipped");
	const char bin[] = "vstop_x{a=\"\\\0\"} 1\nvstop_x{\0 2\nvstop_x 3";
	sum = 0;
	ok(prom_each(bin, sizeof(bin) - 1, "vstop_x", "a", sum_fn, &sum) == 2 && sum == 4,
	   "binary garbage: the escaped NUL line and the plain one read, the broken one skipped");
	return done_testing();
}
