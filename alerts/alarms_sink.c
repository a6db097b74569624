/* alarms_sink: the alarms and their notifier as a daemon's sink (sink.h). */
#include "config.h"

#include <stdlib.h>
#include "lib/xalloc.h"
#include "alerts/alarms.h"
#include "alerts/alarms_conf.h"
#include "alerts/notify.h"
#include "lib/sink.h"

static bool wanted(const void *conf, const struct sink_overrides *o)
{
	(void)conf;
	(void)o;
	return true;	/* the alarms always judge; [alerts] says where changes go */
}

static void *open_alarms(const void *conf, const struct sink_overrides *o, double interval, char *err, size_t errsz)
{
	const struct alarms_conf *c = conf;
	(void)o;
	(void)interval;
	struct notifier *n = notifier_open(c->log, c->exec, c->webhook, err, errsz);
	if (!n)
		return NULL;
	struct alarms *al = xcalloc(1, sizeof(*al));
	alarms_init(al, c, n);
	return al;
}

static int check_alarms(const void *conf, const struct sink_overrides *o, char *err, size_t errsz)
{
	(void)o;
	return notifier_check_exec(((const struct alarms_conf *)conf)->exec, err, errsz);
}

static struct series_set series(void *state)
{
	return alarms_series_set(state);
}

static void publish(void *state, const struct sample *s)
{
	alarms_eval(state, s);
}

static void reconfigure(void *state, const void *conf, double interval)
{
	(void)interval;
	alarms_configure(state, conf);
}

static void close_alarms(void *state)
{
	struct alarms *al = state;
	notifier_close(al->notify);
	alarms_free(al);
	free(al);
}

const struct sink_ops alarms_sink_ops = {
	"alarms", &alarms_conf_section, wanted, open_alarms, series, publish, reconfigure, close_alarms, check_alarms, NULL, NULL,
};
