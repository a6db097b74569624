/* push_conf: the [push] section of vstop.conf (remote-write). */
#ifndef VSTOP_PUSH_CONF_H
#define VSTOP_PUSH_CONF_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/conf.h"

struct push_conf {
	enum conf_switch enabled;	/* unset: on when a url is given, as remote_write */
	char url[CONF_STR];
	char instance[CONF_STR];		/* the instance label; default: the host name */
	char job[CONF_STR];			/* the job label (default vstop) */
	double queue_s;				/* 15 minutes of samples ride out an outage */
	char queue_dir[CONF_STR];		/* the queue on disk (push_disk.h); unset: memory */
	uint64_t queue_max_bytes;		/* its bound on disk */
	double timeout_s;
	char bearer_token[CONF_STR], username[CONF_STR], password[CONF_STR];
	char ca_file[CONF_STR];
};

extern const struct conf_section push_conf_section;
struct sink_overrides;
/* Whether [push] (or the command line) turns it on. */
bool push_wanted(const void *conf, const struct sink_overrides *o);

#endif
