/*
 * sinks: the table of sinks (see sinks.h). The only place that knows which
 * sinks this build has: a sink left out of the build is a warning when its
 * section turns it on, never a silent gap. Each sink reads its own section.
 */
#include "config.h"
#include "daemon/sinks.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "lib/log.h"
#include "lib/privdrop.h"
#include "sinks/http_conf.h"
#include "sinks/push_conf.h"
#include "sinks/rrd_conf.h"

struct sink_entry {
	const struct sink_ops *ops;	/* NULL: not in this build */
	const struct conf_section *conf;
	bool (*wanted)(const void *conf, const struct sink_overrides *o);
	const char *missing;		/* what to say when wanted but not built */
};

/* In publishing order: the alarms judge the sample before anything exports it. */
static const struct sink_entry table[] = {
	{ &alarms_sink_ops, NULL, NULL, NULL },
#ifdef HAVE_RRD
	{ &rrd_sink_ops, NULL, NULL, NULL },
#else
	{ NULL, &rrd_conf_section, rrd_wanted, "built without librrd: no RRD files ([rrd] enabled = no silences this)" },
#endif
#ifdef HAVE_PUSH
	{ &push_sink_ops, NULL, NULL, NULL },
#else
	{ NULL, &push_conf_section, push_wanted,
	  "built without libcurl, protobuf-c or snappy: no push ([push] enabled = no silences this)" },
#endif
#ifdef HAVE_MHD
	{ &http_sink_ops, NULL, NULL, NULL },
#else
	{ NULL, &http_conf_section, http_wanted, "built without libmicrohttpd: no /metrics ([http] enabled = no silences this)" },
#endif
};

int sinks_open(struct sinks *k, const struct vstop_conf *c, const struct sink_overrides *o, double interval,
	       char *err, size_t errsz)
{
	*k = (struct sinks){ 0 };
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct sink_entry *e = &table[i];
		const struct sink_ops *ops = e->ops;
		const void *conf = conf_get(c, ops ? ops->conf : e->conf);
		if (!conf || !(ops ? ops->wanted : e->wanted)(conf, o))
			continue;
		if (!ops) {
			log_warn("%s", e->missing);
			continue;
		}
		void *state = ops->open(conf, o, interval, err, errsz);
		if (!state) {
			sinks_close(k);
			return -1;
		}
		k->ops[k->n] = ops;
		k->state[k->n++] = state;
	}
	return 0;
}

int sinks_check(const struct vstop_conf *c, const struct sink_overrides *o, char *err, size_t errsz)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		const struct sink_ops *ops = table[i].ops;
		const void *conf = ops ? conf_get(c, ops->conf) : NULL;
		if (conf && ops->check && ops->wanted(conf, o) && ops->check(conf, o, err, errsz) < 0)
			return -1;
	}
	return 0;
}

void sinks_reconfigure(struct sinks *k, const struct vstop_conf *c, double interval)
{
	for (unsigned i = 0; i < k->n; i++)
		if (k->ops[i]->reconfigure)
			k->ops[i]->reconfigure(k->state[i], conf_get(c, k->ops[i]->conf), interval);
}

void sinks_publish(struct sinks *k, struct sample *s)
{
	for (unsigned i = 0; i < k->n; i++)
		if (k->ops[i]->series)
			sample_add_set(s, k->ops[i]->series(k->state[i]));
	for (unsigned i = 0; i < k->n; i++)
		k->ops[i]->publish(k->state[i], s);
}

void sinks_stale(struct sinks *k, const char *why)
{
	for (unsigned i = 0; i < k->n; i++)
		if (k->ops[i]->stale)
			k->ops[i]->stale(k->state[i], why);
}

int sinks_give_dirs(struct sinks *k, const struct priv_user *u, char *err, size_t errsz)
{
	for (unsigned i = 0; i < k->n; i++) {
		const char *dir = k->ops[i]->dir ? k->ops[i]->dir(k->state[i]) : NULL;
		if (dir && priv_give_dir(dir, u, err, errsz) < 0)
			return -1;
	}
	return 0;
}

int sinks_dirs_writable(struct sinks *k, char *err, size_t errsz)
{
	for (unsigned i = 0; i < k->n; i++) {
		const char *dir = k->ops[i]->dir ? k->ops[i]->dir(k->state[i]) : NULL;
		if (dir && access(dir, W_OK | X_OK) < 0)
			return errorf(err, errsz, "%s: %s: %s as this user (is a directory above it closed to it?)",
				      k->ops[i]->name, dir, strerror(errno));
	}
	return 0;
}

void sinks_close(struct sinks *k)
{
	for (unsigned i = k->n; i-- > 0;)
		k->ops[i]->close(k->state[i]);
	k->n = 0;
}
