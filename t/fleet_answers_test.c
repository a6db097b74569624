/* fleet: the fleet view's rows from PromQL answers, and every malformed answer refused. */
#include "config.h"
#include <math.h>
#include <string.h>
#include "tui/fleet.h"
#include "t/tap.h"

static char err[512];

static int answer(struct fleet *f, enum fleet_query q, const char *body)
{
	err[0] = '\0';
	return fleet_add_answer(f, q, body, strlen(body), err, sizeof(err));
}

#define VEC(samples) "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[" samples "]}}"
#define S(labels, v) "{\"metric\":{" labels "},\"value\":[1700000000.5,\"" v "\"]}"

static const struct fleet_guest *row(const struct fleet *f, const char *host, const char *name)
{
	for (uint32_t i = 0; i < f->nguests; i++)
		if (strcmp(f->guest[i].host, host) == 0 && strcmp(f->guest[i].name, name) == 0)
			return &f->guest[i];
	return NULL;
}

int main(void)
{
	struct fleet f;
	fleet_init(&f);
	int rc = answer(&f, FQ_VCPUS, VEC(S("\"instance\":\"h1\",\"domain\":\"web\"", "2") ","
					 S("\"instance\":\"h1\",\"domain\":\"db\"", "4") ","
					 S("\"instance\":\"h2\",\"domain\":\"web\"", "1")));
	ok(rc == 0 && f.nguests == 3, "vCPUs make a row per host and domain (%u)", f.nguests);
	rc = answer(&f, FQ_STEAL, VEC(S("\"instance\":\"h1\",\"domain\":\"db\"", "0.25") ","
				      S("\"instance\":\"h2\",\"domain\":\"web\"", "0.5") ","
				      S("\"instance\":\"h3\",\"domain\":\"gone\"", "0.9")));
	ok(rc == 0 && f.nguests == 3, "steal fills rows; a domain without vCPUs (gone since) makes none");
	rc = answer(&f, FQ_THIEF, VEC(S("\"instance\":\"h1\",\"domain\":\"db\",\"thief\":\"web\"", "0.2")));
	ok(rc == 0, "the thief answer is taken");
	rc = answer(&f, FQ_DISK, VEC(S("\"instance\":\"h1\",\"domain\":\"db\"", "12.5")));
	ok(rc == 0, "the disk latency answer is taken");
	rc = answer(&f, FQ_HOST, VEC(S("\"__name__\":\"vstop_host_vcpu_overcommit_ratio\",\"instance\":\"h1\"", "3.5") ","
				     S("\"__name__\":\"vstop_host_cpus\",\"instance\":\"h1\"", "8") ","
				     S("\"__name__\":\"vstop_host_memory_stall_ratio\",\"instance\":\"h1\"", "0.25")));
	ok(rc == 0, "host values by their metric name");
	rc = answer(&f, FQ_HOST_SAMPLE, VEC(S("\"instance\":\"h1\"", "1700000000") "," S("\"instance\":\"h2\"", "1699999000")));
	ok(rc == 0, "the hosts' newest samples");
	rc = answer(&f, FQ_HOST_SEEN, VEC(S("\"instance\":\"h4\"", "1699990000")));
	ok(rc == 0, "a host seen within the hour only");
	fleet_finish(&f, 1700000010, 30);
	ok(f.nguests == 3 && strcmp(f.guest[0].host, "h2") == 0 && f.guest[1].steal == 0.25 && isnan(f.guest[2].steal),
	   "sorted by steal, highest first; not known last");
	const struct fleet_guest *g = row(&f, "h1", "db");
	ok(g && g->vcpus == 4 && g->thief && strcmp(g->thief, "web") == 0 && g->thief_ratio == 0.2, "h1/db: 4 vCPUs, thief web 20%%");
	ok(g && g->disk_ratio == 12.5 && isnan(row(&f, "h1", "web")->disk_ratio), "h1/db: its disk 12.5x its usual; h1/web not known");
	ok(f.nhosts == 3 + 0 && strcmp(f.host[0].host, "h1") == 0, "hosts sorted by name (%u)", f.nhosts);
	ok(f.host[0].vcpu_overcommit == 3.5 && f.host[0].pcpus == 8 && isnan(f.host[0].mem_overcommit) && f.host[0].guests == 2,
	   "h1: overcommit 3.5, 8 pCPUs, memory overcommit not known, 2 guests");
	ok(f.host[0].mem_stall == 0.25 && isnan(f.host[1].mem_stall), "h1: its memory stalled 25%%; h2's not known");
	ok(!f.host[0].stale, "h1 sampled 10 s ago: not stale");
	ok(f.host[1].stale && f.host[1].current, "h2 sampled 1010 s ago: stale though the store still answers for it");
	ok(f.host[2].stale && !f.host[2].current && f.host[2].last == 1699990000, "h4, seen within the hour only: stale, with its last sample");

	/* Nothing at all (fuzz regression: sorting no rows passed NULL to qsort). */
	struct fleet empty;
	fleet_init(&empty);
	fleet_finish(&empty, 0, 30);
	ok(empty.nguests == 0 && empty.nhosts == 0, "an empty fleet finishes empty");
	fleet_free(&empty);

	/* A store that shows samples late (VictoriaMetrics as shipped: 30 s): live hosts are
	 * judged against the newest host, not the clock; a fleet silent whole, past 60 s more. */
	fleet_reset(&f);
	answer(&f, FQ_VCPUS, VEC(S("\"instance\":\"a\",\"domain\":\"x\"", "1") "," S("\"instance\":\"b\",\"domain\":\"y\"", "1") ","
				 S("\"instance\":\"c\",\"domain\":\"z\"", "1")));
	answer(&f, FQ_HOST_SAMPLE, VEC(S("\"instance\":\"a\"", "1700000000") "," S("\"instance\":\"b\"", "1699999999") ","
				       S("\"instance\":\"c\"", "1699999960")));
	fleet_finish(&f, 1700000031, 30);
	ok(!f.host[0].stale && !f.host[1].stale, "31 s behind the clock but current in the store: a and b are not stale");
	ok(f.host[2].stale, "c, 40 s behind the newest host: stale");
	fleet_finish(&f, 1700000000 + 30 + FLEET_STORE_LAG + 1, 30);
	ok(f.host[0].stale && f.host[1].stale, "every host silent for 30 s + FLEET_STORE_LAG: stale, the whole fleet");

	/* Two hosts and names that would join into the same string are two rows. */
	fleet_reset(&f);
	answer(&f, FQ_VCPUS, VEC(S("\"instance\":\"ab\",\"domain\":\"c\"", "1") "," S("\"instance\":\"a\",\"domain\":\"bc\"", "2")));
	ok(f.nguests == 2, "host ab + c and host a + bc: two rows");
	fleet_finish(&f, 0, 30);
	ok(f.nguests == 2 && f.nhosts == 2, "... and two hosts");

	/* The queries' text: --host is in every selector, escaped; --top wraps the guests' queries. */
	struct strbuf q = { 0 };
	fleet_query_text(&q, FQ_STEAL, NULL, 0);
	is_str(q.s, "vstop_domain_steal_ratio{}", "the steal query, for every host (no matcher)");
	sb_reset(&q);
	fleet_query_text(&q, FQ_STEAL, "db\"1\\x", 0);
	is_str(q.s, "vstop_domain_steal_ratio{instance=\"db\\\"1\\\\x\"}", "--host: the instance, quote and backslash escaped");
	sb_reset(&q);
	fleet_query_text(&q, FQ_STEAL, "h", 5);
	is_str(q.s, "(vstop_domain_steal_ratio{instance=\"h\"}) and on (instance, domain) topk(5, vstop_domain_steal_ratio{instance=\"h\"})",
	       "--top=5 with --host");
	bool all = true;
	for (int i = 0; i < FQ_COUNT; i++) {
		sb_reset(&q);
		fleet_query_text(&q, (enum fleet_query)i, "h", 0);
		all &= strstr(q.s, "instance=\"h\"") != NULL && !strchr(q.s, '@');
	}
	ok(all, "--host reaches all %d queries, and no mark is left", FQ_COUNT);
	sb_reset(&q);
	fleet_query_text(&q, FQ_HOST, "h", 5);
	ok(!strstr(q.s, "topk"), "--top leaves the hosts' queries whole");
	sb_free(&q);

	/* Hostile answers. */
	static const struct { const char *body, *want, *what; } bad[] = {
		{ "", "not JSON", "an empty answer" },
		{ "<html>", "not JSON", "HTML" },
		{ "{\"status\":\"error\",\"error\":\"bad query\"}", "the store says error: bad query", "the store's error, passed on" },
		{ "{\"status\":\"success\",\"status\":\"success\"}", "not JSON", "a duplicate key" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}", "not an instant vector", "a matrix" },
		{ "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":{}}}", "not an instant vector", "a result that is not a list" },
		{ VEC("{\"metric\":[],\"value\":[1,\"1\"]}"), "sample 0", "labels that are not an object" },
		{ VEC(S("\"instance\":\"h\",\"domain\":\"d\"", "1") ",{\"metric\":{},\"value\":[1,1]}"), "sample 1", "a value that is not a string" },
		{ VEC("{\"metric\":{},\"value\":[1]}"), "sample 0", "a value without its time" },
		{ VEC("{\"metric\":{},\"value\":[\"1\",\"1\"]}"), "sample 0", "a time that is not a number" },
		{ VEC(S("", "12abc")), "sample 0", "a value that is not a number" },
		{ VEC(S("", "")), "sample 0", "an empty value" },
		{ VEC("{\"metric\":{}}"), "sample 0", "no value" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fleet_reset(&f);
		rc = answer(&f, FQ_VCPUS, bad[i].body);
		ok(rc < 0 && strstr(err, bad[i].want), "%s: refused (%s)", bad[i].what, err);
	}
	fleet_reset(&f);
	rc = answer(&f, FQ_VCPUS, VEC(S("\"domain\":\"d\"", "1") "," S("\"instance\":\"h\"", "1") ","
				      S("\"instance\":7,\"domain\":\"d\"", "1")));
	ok(rc == 0 && f.nguests == 0 && f.unlabelled == 3, "series without a string instance or domain: ignored, counted (%llu)",
	   (unsigned long long)f.unlabelled);
	rc = answer(&f, FQ_VCPUS, VEC(S("\"instance\":\"h\",\"domain\":\"d\"", "NaN") "," S("\"instance\":\"h\",\"domain\":\"e\"", "+Inf")));
	ok(rc == 0 && f.nguests == 0, "NaN and +Inf are not known: no value taken");
	fleet_free(&f);
	return done_testing();
}
