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
#include "exporters/http_conf.h"
#include "exporters/push_conf.h"
#include "exporters/rrd_conf.h"

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
	{ &stream_sink_ops, NULL, NULL, NULL },
};

#define NTABLE (sizeof(table) / sizeof(table[0]))
_Static_assert(NTABLE <= SINKS_MAX, "the table fits struct sinks");

static bool sink_has_dir(const struct sink_ops *ops, const void *conf, const struct sink_overrides *o,
			 struct sink_dir *dir)
{
	return ops->dir && ops->dir(conf, o, dir);
}

int sinks_open(struct sinks *k, const struct vstop_conf *c, const struct sink_overrides *o, double interval,
	       enum sinks_phase phase, char *err, size_t errsz)
{
	if (phase == SINKS_WITHOUT_DIR)
		*k = (struct sinks){ .n = NTABLE };
	for (size_t i = 0; i < NTABLE; i++) {
		const struct sink_entry *e = &table[i];
		const struct sink_ops *ops = e->ops;
		const void *conf = conf_get(c, ops ? ops->conf : e->conf);
		struct sink_dir dir;
		if (!conf || !(ops ? ops->wanted : e->wanted)(conf, o))
			continue;
		if (!ops) {
			if (phase == SINKS_WITHOUT_DIR)
				log_warn("%s", e->missing);
			continue;
		}
		if (sink_has_dir(ops, conf, o, &dir) != (phase == SINKS_WITH_DIR))
			continue;
		void *state = ops->open(conf, o, interval, err, errsz);
		if (!state) {
			sinks_close(k);
			return -1;
		}
		k->ops[i] = ops;
		k->state[i] = state;
	}
	return 0;
}

int sinks_claim_dirs(const struct vstop_conf *c, const struct sink_overrides *o, const struct priv_user *u,
		     char *err, size_t errsz)
{
	for (size_t i = 0; i < NTABLE; i++) {
		const struct sink_ops *ops = table[i].ops;
		const void *conf = ops ? conf_get(c, ops->conf) : NULL;
		struct sink_dir dir;
		if (conf && ops->wanted(conf, o) && sink_has_dir(ops, conf, o, &dir) &&
		    priv_claim_dir(dir.what, dir.path, dir.mode, u, err, errsz) < 0)
			return -1;
	}
	return 0;
}

int sinks_dirs_writable(const struct vstop_conf *c, const struct sink_overrides *o, const char *user,
			char *err, size_t errsz)
{
	for (size_t i = 0; i < NTABLE; i++) {
		const struct sink_ops *ops = table[i].ops;
		const void *conf = ops ? conf_get(c, ops->conf) : NULL;
		struct sink_dir dir;
		if (conf && ops->wanted(conf, o) && sink_has_dir(ops, conf, o, &dir) && access(dir.path, W_OK | X_OK) < 0)
			return errorf(err, errsz, "%s %s: %s as the user %s: it existed before, and vstop changes the "
				      "owner only of a directory it makes (chown %s it, or name one that does not "
				      "exist yet; is a directory above it closed to %s?)", dir.what, dir.path,
				      strerror(errno), user, user, user);
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

/* The sinks that are on (or off), "alarms, http", into buf. */
static void sink_list(const struct vstop_conf *c, const struct sink_overrides *o, bool on, char *buf, size_t sz)
{
	size_t n = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < NTABLE && n < sz; i++) {
		const struct sink_entry *e = &table[i];
		const void *conf = conf_get(c, e->ops ? e->ops->conf : e->conf);
		bool asked = conf && (e->ops ? e->ops->wanted : e->wanted)(conf, o);
		if ((asked && e->ops) != on)
			continue;
		int w = snprintf(buf + n, sz - n, "%s%s%s", n ? ", " : "", e->ops ? e->ops->name : e->conf->name,
				 asked && !e->ops ? " (asked for, not in this build)" : "");
		n += w > 0 ? (size_t)w : 0;
	}
}

void sinks_summary(const struct vstop_conf *c, const struct sink_overrides *o, char *buf, size_t sz)
{
	char on[160], off[160];
	sink_list(c, o, true, on, sizeof(on));
	sink_list(c, o, false, off, sizeof(off));
	snprintf(buf, sz, "on: %s; off: %s", on[0] ? on : "none", off[0] ? off : "none");
}

void sinks_reconfigure(struct sinks *k, const struct vstop_conf *c, double interval)
{
	for (unsigned i = 0; i < k->n; i++)
		if (k->state[i] && k->ops[i]->reconfigure)
			k->ops[i]->reconfigure(k->state[i], conf_get(c, k->ops[i]->conf), interval);
}

void sinks_publish(struct sinks *k, struct sample *s)
{
	for (unsigned i = 0; i < k->n; i++)
		if (k->state[i] && k->ops[i]->series)
			sample_add_set(s, k->ops[i]->series(k->state[i]));
	for (unsigned i = 0; i < k->n; i++)
		if (k->state[i])
			k->ops[i]->publish(k->state[i], s);
}

void sinks_stale(struct sinks *k, const char *why)
{
	for (unsigned i = 0; i < k->n; i++)
		if (k->state[i] && k->ops[i]->stale)
			k->ops[i]->stale(k->state[i], why);
}

void sinks_close(struct sinks *k)
{
	for (unsigned i = k->n; i-- > 0;)
		if (k->state[i])
			k->ops[i]->close(k->state[i]);
	*k = (struct sinks){ 0 };
}
