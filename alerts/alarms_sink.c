/* alarms_sink: the alarms and their notifier as a daemon's sink (sink.h). */
#include "config.h"

#include <stdlib.h>
#include "lib/log.h"
#include "lib/xalloc.h"
#include "alerts/alarms.h"
#include "alerts/alarms_conf.h"
#include "alerts/notify.h"
#include "lib/sink.h"

static bool alarms_sink_wanted(const void *conf, const struct sink_overrides *o)
{
	(void)conf;
	(void)o;
	return true;	/* the alarms always judge; [alerts] says where changes go */
}

static void *alarms_sink_open(const void *conf, const struct sink_overrides *o, double interval, char *err, size_t errsz)
{
	const struct alarms_conf *c = conf;
	(void)o;
	(void)interval;
	struct notifier *n = notifier_open(c, err, errsz);
	if (!n)
		return NULL;
	struct alarms *al = xcalloc(1, sizeof(*al));
	alarms_init(al, c, n);
	return al;
}

static int alarms_sink_check(const void *conf, const struct sink_overrides *o, char *err, size_t errsz)
{
	(void)o;
	const struct alarms_conf *c = conf;
	return notifier_check(c, err, errsz);
}

static struct series_set alarms_sink_series(void *state)
{
	return alarms_series_set(state);
}

static void alarms_sink_publish(void *state, const struct sample *s)
{
	alarms_eval(state, s);
}

static void alarms_sink_reconfigure(void *state, const void *conf, double interval)
{
	struct alarms *al = state;
	const struct alarms_conf *c = conf;
	char err[400];
	(void)interval;
	alarms_configure(al, c);
	err[0] = '\0';
	if (notifier_reconfigure(al->notify, c, err, sizeof(err)) < 0)
		log_err("reload: %s; the alarms' other actions are as reloaded", err);
	alarms_reannounce(al);
}

static void alarms_sink_close(void *state)
{
	struct alarms *al = state;
	notifier_close(al->notify);
	alarms_free(al);
	free(al);
}

const struct sink_ops alarms_sink_ops = {
	.name = "alarms",
	.conf = &alarms_conf_section,
	.wanted = alarms_sink_wanted,
	.open = alarms_sink_open,
	.series = alarms_sink_series,
	.publish = alarms_sink_publish,
	.reconfigure = alarms_sink_reconfigure,
	.close = alarms_sink_close,
	.check = alarms_sink_check,
};
