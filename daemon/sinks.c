/*
 * sinks: the table of sinks (see sinks.h). The only place that knows which
 * sinks this build has: a sink left out of the build is a warning when the
 * configuration asks for it, never a silent gap.
 */
#include "config.h"
#include "daemon/sinks.h"

#include "lib/log.h"

struct sink_entry {
	const struct sink_ops *ops;	/* NULL: not in this build */
	bool (*wanted)(const struct vstop_conf *c, const struct sink_overrides *o);
	const char *missing;		/* what to say when wanted but not built */
};

static bool always(const struct vstop_conf *c, const struct sink_overrides *o)
{
	(void)c;
	(void)o;
	return true;
}

static bool http_wanted(const struct vstop_conf *c, const struct sink_overrides *o)
{
	return c->http_enabled && !o->no_http;
}

static bool rrd_wanted(const struct vstop_conf *c, const struct sink_overrides *o)
{
	return c->rrd_enabled || o->rrd_dir;
}

static bool push_wanted(const struct vstop_conf *c, const struct sink_overrides *o)
{
	return c->push_enabled || o->push_url;
}

/* In publishing order: the alarms judge the sample before anything exports it. */
static const struct sink_entry table[] = {
	{ &alarms_sink_ops, always, NULL },
#ifdef HAVE_RRD
	{ &rrd_sink_ops, rrd_wanted, NULL },
#else
	{ NULL, rrd_wanted, "built without librrd: no RRD files ([rrd] enabled = no silences this)" },
#endif
#ifdef HAVE_PUSH
	{ &push_sink_ops, push_wanted, NULL },
#else
	{ NULL, push_wanted, "built without libcurl, protobuf-c or snappy: no push ([push] enabled = no silences this)" },
#endif
#ifdef HAVE_MHD
	{ &http_sink_ops, http_wanted, NULL },
#else
	{ NULL, http_wanted, "built without libmicrohttpd: no /metrics ([http] enabled = no silences this)" },
#endif
};

int sinks_open(struct sinks *k, const struct vstop_conf *c, const struct sink_overrides *o, double interval,
	       char *err, size_t errsz)
{
	*k = (struct sinks){ 0 };
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct sink_entry *e = &table[i];
		if (!e->wanted(c, o))
			continue;
		if (!e->ops) {
			log_warn("%s", e->missing);
			continue;
		}
		void *state = e->ops->open(c, o, interval, err, errsz);
		if (!state) {
			sinks_close(k);
			return -1;
		}
		k->ops[k->n] = e->ops;
		k->state[k->n++] = state;
	}
	return 0;
}

void sinks_reconfigure(struct sinks *k, const struct vstop_conf *c, double interval)
{
	for (unsigned i = 0; i < k->n; i++)
		if (k->ops[i]->reconfigure)
			k->ops[i]->reconfigure(k->state[i], c, interval);
}

void sinks_publish(struct sinks *k, struct sample *s)
{
	for (unsigned i = 0; i < k->n; i++)
		if (k->ops[i]->series)
			sample_add_set(s, k->ops[i]->series(k->state[i]));
	for (unsigned i = 0; i < k->n; i++)
		k->ops[i]->publish(k->state[i], s);
}

void sinks_close(struct sinks *k)
{
	for (unsigned i = k->n; i-- > 0;)
		k->ops[i]->close(k->state[i]);
	k->n = 0;
}
