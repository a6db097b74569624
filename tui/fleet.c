/* fleet: the fleet view's rows from PromQL answers (see fleet.h). */
#include "config.h"
#include "tui/fleet.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/xalloc.h"

/* Few and bounded: one instant query per column family, whatever the fleet's
 * size. "{@}" and ",@" mark where --host's matcher goes (fleet_query.c). */
const char *const fleet_queries[FQ_COUNT] = {
	[FQ_VCPUS] = "vstop_domain_vcpus{@}",
	[FQ_STEAL] = "vstop_domain_steal_ratio{@}",
	[FQ_CPU] = "vstop_domain_cpu_usage_ratio{@}",
	[FQ_MEM] = "vstop_domain_memory_bytes{@}",
	[FQ_DISK] = "vstop_domain_disk_latency_baseline_ratio{@}",
	/* Each guest's main thief, as its share of the guest's wait. */
	[FQ_THIEF] = "topk by (instance, domain) (1, rate(vstop_domain_steal_by_seconds_total{@}[1m])"
		     " / on (instance, domain) group_left sum by (instance, domain)"
		     " (rate(vstop_domain_steal_by_seconds_total{@}[1m])) > 0)",
	[FQ_HOST] = "{__name__=~\"vstop_host_(cpus|domains|vcpu_overcommit_ratio|memory_overcommit_ratio"
		    "|cpu_saturation_ratio|steal_max_ratio|memory_stall_ratio)\",@}",
	/* The newest sample's time, for hosts within the lookback; and over the last
	 * hour (to the minute), so a host that went silent is still shown, as stale. */
	[FQ_HOST_SAMPLE] = "timestamp(vstop_host_domains{@})",
	[FQ_HOST_SEEN] = "max_over_time(timestamp(vstop_host_domains{@})[1h:1m])",
};

void fleet_init(struct fleet *f)
{
	memset(f, 0, sizeof(*f));
	name_index_init(&f->guest_index, sizeof(struct fleet_guest), offsetof(struct fleet_guest, key));
	name_index_init(&f->host_index, sizeof(struct fleet_host), offsetof(struct fleet_host, host));
}

void fleet_reset(struct fleet *f)
{
	for (uint32_t i = 0; i < f->nguests; i++) {
		free(f->guest[i].key);
		free(f->guest[i].thief);
	}
	for (uint32_t i = 0; i < f->nhosts; i++)
		free(f->host[i].host);
	f->nguests = f->nhosts = 0;
	f->unlabelled = 0;
	name_index_rebuild(&f->guest_index, f->guest, 0);
	name_index_rebuild(&f->host_index, f->host, 0);
}

void fleet_free(struct fleet *f)
{
	fleet_reset(f);
	free(f->guest);
	free(f->host);
	name_index_free(&f->guest_index);
	name_index_free(&f->host_index);
	memset(f, 0, sizeof(*f));
}

/* The index's key, "LEN:HOSTNAME" (no pair of host and name spells another
 * pair's), then host and name as strings of their own, in one block. */
static char *guest_key(const char *host, const char *name, size_t *host_at)
{
	size_t hl = strlen(host), nl = strlen(name);
	char *k = xmalloc(2 * (hl + nl) + 24 + 3);
	int n = snprintf(k, 24, "%zu:", hl);
	char *p = k + n;
	memcpy(p, host, hl);
	memcpy(p + hl, name, nl);
	p[hl + nl] = '\0';
	p += hl + nl + 1;
	*host_at = (size_t)(p - k);
	memcpy(p, host, hl + 1);
	memcpy(p + hl + 1, name, nl + 1);
	return k;
}

static struct fleet_guest *guest_find(struct fleet *f, const char *host, const char *name, bool add)
{
	size_t at;
	char *k = guest_key(host, name, &at);
	uint32_t i = name_index_find(&f->guest_index, f->guest, k);
	if (i != NAME_INDEX_NONE || !add) {
		free(k);
		return i == NAME_INDEX_NONE ? NULL : &f->guest[i];
	}
	if (f->nguests == f->guests_cap) {
		f->guests_cap = f->guests_cap ? 2 * f->guests_cap : 64;
		f->guest = xrealloc(f->guest, f->guests_cap * sizeof(*f->guest));
	}
	struct fleet_guest *g = &f->guest[f->nguests++];
	*g = (struct fleet_guest){ .key = k, .host = k + at, .name = k + at + strlen(k + at) + 1,
				   .steal = NAN, .cpu = NAN, .vcpus = NAN, .mem = NAN, .disk_ratio = NAN };
	name_index_added(&f->guest_index, f->guest, f->nguests);
	return g;
}

static struct fleet_host *host_find(struct fleet *f, const char *host)
{
	uint32_t i = name_index_find(&f->host_index, f->host, host);
	if (i != NAME_INDEX_NONE)
		return &f->host[i];
	if (f->nhosts == f->hosts_cap) {
		f->hosts_cap = f->hosts_cap ? 2 * f->hosts_cap : 16;
		f->host = xrealloc(f->host, f->hosts_cap * sizeof(*f->host));
	}
	struct fleet_host *h = &f->host[f->nhosts++];
	*h = (struct fleet_host){ .host = xstrdup(host), .pcpus = NAN, .domains = NAN, .vcpu_overcommit = NAN,
				  .mem_overcommit = NAN, .saturation = NAN, .steal_max = NAN, .mem_stall = NAN };
	name_index_added(&f->host_index, f->host, f->nhosts);
	return h;
}

/* A label's value, NULL when absent or not a string. */
static const char *label(json_t *metric, const char *name)
{
	return json_string_value(json_object_get(metric, name));
}

static void put_host_value(struct fleet_host *h, const char *metric, double v)
{
	const struct { const char *name; double *to; } field[] = {
		{ "vstop_host_cpus", &h->pcpus },
		{ "vstop_host_domains", &h->domains },
		{ "vstop_host_vcpu_overcommit_ratio", &h->vcpu_overcommit },
		{ "vstop_host_memory_overcommit_ratio", &h->mem_overcommit },
		{ "vstop_host_cpu_saturation_ratio", &h->saturation },
		{ "vstop_host_steal_max_ratio", &h->steal_max },
		{ "vstop_host_memory_stall_ratio", &h->mem_stall },
	};
	for (size_t i = 0; i < sizeof(field) / sizeof(field[0]); i++)
		if (strcmp(metric, field[i].name) == 0)
			*field[i].to = v;
}

/* One sample of the vector: its labels and value into the rows. */
static void put_sample(struct fleet *f, enum fleet_query q, json_t *metric, double v)
{
	const char *host = label(metric, "instance"), *dom = label(metric, "domain");
	if (!host || (q <= FQ_THIEF && !dom)) {
		f->unlabelled++;
		return;
	}
	if (q >= FQ_HOST) {
		struct fleet_host *h = host_find(f, host);
		if (q == FQ_HOST) {
			const char *name = label(metric, "__name__");
			if (name)
				put_host_value(h, name, v);
			h->current = true;
		} else if (v > h->last) {
			h->last = v;
			h->current |= q == FQ_HOST_SAMPLE;
		}
		return;
	}
	struct fleet_guest *g = guest_find(f, host, dom, q == FQ_VCPUS);
	if (!g)
		return;		/* a domain gone since (a rate's window reaches back) */
	switch (q) {
	case FQ_VCPUS: g->vcpus = v; break;
	case FQ_STEAL: g->steal = v; break;
	case FQ_CPU: g->cpu = v; break;
	case FQ_MEM: g->mem = v; break;
	case FQ_DISK: g->disk_ratio = v; break;
	case FQ_THIEF: {
		const char *t = label(metric, "thief");
		if (t && (!g->thief || v > g->thief_ratio)) {
			free(g->thief);
			g->thief = xstrdup(t);
			g->thief_ratio = v;
		}
		break;
	}
	default: break;
	}
}

/* The API's [time, "value"]: the value as Prometheus writes floats ("NaN" and
 * "+Inf" too: not known, skipped). */
static int sample_value(json_t *pair, double *v)
{
	const char *s = json_string_value(json_array_get(pair, 1));
	if (!json_is_array(pair) || json_array_size(pair) != 2 || !json_is_number(json_array_get(pair, 0)) || !s)
		return -1;
	char *end;
	*v = strtod(s, &end);
	return *s && *end == '\0' ? 0 : -1;
}

int fleet_add_answer(struct fleet *f, enum fleet_query q, const char *body, size_t len, char *err, size_t errsz)
{
	json_error_t jerr;
	json_t *root = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	int rc = -1;
	if (!root) {
		snprintf(err, errsz, "not JSON (%s, at byte %d)", jerr.text, jerr.position);
		return -1;
	}
	const char *status = json_string_value(json_object_get(root, "status"));
	json_t *data = json_object_get(root, "data");
	const char *type = json_string_value(json_object_get(data, "resultType"));
	json_t *result = json_object_get(data, "result");
	if (!status || strcmp(status, "success")) {
		const char *why = json_string_value(json_object_get(root, "error"));
		snprintf(err, errsz, "the store says %s%s%s", status ? status : "neither success nor error",
			 why ? ": " : "", why ? why : "");
	} else if (!type || strcmp(type, "vector") || !json_is_array(result)) {
		snprintf(err, errsz, "not an instant vector (resultType %s)", type ? type : "missing");
	} else {
		size_t i;
		json_t *e;
		rc = 0;
		json_array_foreach(result, i, e) {
			json_t *metric = json_object_get(e, "metric");
			double v;
			if (!json_is_object(metric) || sample_value(json_object_get(e, "value"), &v) < 0) {
				snprintf(err, errsz, "sample %zu: not {\"metric\": {...}, \"value\": [TIME, \"NUMBER\"]}", i);
				rc = -1;
				break;
			}
			if (isfinite(v))
				put_sample(f, q, metric, v);
		}
	}
	json_decref(root);
	return rc;
}

static int by_steal(const void *a, const void *b)
{
	const struct fleet_guest *x = a, *y = b;
	double sx = isnan(x->steal) ? -1 : x->steal, sy = isnan(y->steal) ? -1 : y->steal;
	if (sx != sy)
		return sx < sy ? 1 : -1;
	int c = strcmp(x->host, y->host);
	return c ? c : strcmp(x->name, y->name);
}

static int by_host(const void *a, const void *b)
{
	return strcmp(((const struct fleet_host *)a)->host, ((const struct fleet_host *)b)->host);
}

void fleet_keep_ranked(struct fleet *f)
{
	uint32_t o = 0;
	for (uint32_t i = 0; i < f->nguests; i++) {
		if (isnan(f->guest[i].steal)) {
			free(f->guest[i].key);
			free(f->guest[i].thief);
			continue;
		}
		f->guest[o++] = f->guest[i];
	}
	f->nguests = o;
	name_index_rebuild(&f->guest_index, f->guest, f->nguests);
}

void fleet_finish(struct fleet *f, double now, double stale_after)
{
	if (f->nguests > 1)
		qsort(f->guest, f->nguests, sizeof(*f->guest), by_steal);
	name_index_rebuild(&f->guest_index, f->guest, f->nguests);
	for (uint32_t i = 0; i < f->nguests; i++)
		host_find(f, f->guest[i].host)->guests++;
	/* A store shows the newest samples late (VictoriaMetrics' -search.latencyOffset is
	 * 30 s as shipped): a host is judged against the newest host the store shows, and
	 * against the clock only past FLEET_STORE_LAG more, for a fleet gone silent whole. */
	double newest = 0;
	for (uint32_t i = 0; i < f->nhosts; i++)
		if (f->host[i].current && f->host[i].last > newest)
			newest = f->host[i].last;
	for (uint32_t i = 0; i < f->nhosts; i++) {
		struct fleet_host *h = &f->host[i];
		h->stale = !h->current || (h->last > 0 && (newest - h->last > stale_after ||
							   now - h->last > stale_after + FLEET_STORE_LAG));
	}
	if (f->nhosts > 1)
		qsort(f->host, f->nhosts, sizeof(*f->host), by_host);
	name_index_rebuild(&f->host_index, f->host, f->nhosts);
}

/* A query with its "{@}" and ",@" marks: --host's instance="HOST" matcher (the
 * store then reads that host's series only), or nothing. */
static void put_query(struct strbuf *b, const char *q, const char *host)
{
	for (; *q; q++) {
		bool comma = q[0] == ',' && q[1] == '@';
		if (*q != '@' && !comma) {
			sb_putc(b, *q);
			continue;
		}
		q += comma;
		if (!host)
			continue;
		sb_puts(b, comma ? ",instance=\"" : "instance=\"");
		for (const char *h = host; *h; h++) {
			if (*h == '\\' || *h == '"')
				sb_putc(b, '\\');
			if (*h == '\n')
				sb_puts(b, "\\n");
			else
				sb_putc(b, *h);
		}
		sb_putc(b, '"');
	}
}

void fleet_query_text(struct strbuf *b, enum fleet_query q, const char *host, unsigned top)
{
	/* --top: each guest answer holds the N worst guests only, whatever the fleet's size. */
	bool worst = top && q <= FQ_THIEF;
	if (worst)
		sb_puts(b, "(");
	put_query(b, fleet_queries[q], host);
	if (worst) {
		sb_printf(b, ") and on (instance, domain) topk(%u, ", top);
		put_query(b, "vstop_domain_steal_ratio{@}", host);
		sb_puts(b, ")");
	}
}
