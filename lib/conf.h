/*
 * conf: vstop.conf, the INI file read by vstopd and vstop-agent (via inih).
 * Every key is known and typed; an unknown section or key, a bad value or an
 * over-long line stops the load with FILE:LINE: reason, so a typo never runs
 * silently with a default. A failed reload (SIGHUP) keeps the running config.
 */
#ifndef VSTOP_CONF_H
#define VSTOP_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CONF_STR 256

/* The built-in alarm rules, configured in [alert.NAME] sections. */
enum alert_rule {
	AR_GUEST_STEAL,		/* a guest's steal % (per domain on Dom0, the VM in a guest) */
	AR_VCPU_STEAL,		/* one vCPU's steal % (guest only) */
	AR_VCPU_OVERCOMMIT,	/* online vCPUs / pCPUs (Dom0) */
	AR_MEM_OVERCOMMIT,	/* sum of max memory / host memory (Dom0) */
	AR_HOST_CPU,		/* host CPU saturation % (Dom0) */
	AR_DOMAIN_PEGGED,	/* a domain using % of all its vCPUs (Dom0) */
	AR_NRULES
};

struct alert_conf {
	bool enabled;
	double warn, crit, clear;	/* crit <= 0: no critical level */
	double for_s;			/* the condition must hold this long */
	double min_interval_s;		/* between two notifications of one alarm */
};

extern const char *const alert_rule_names[AR_NRULES];

struct vstop_conf {
	/* [general] */
	double interval_s;		/* 1 s: steal is bursty; longer hides it */
	char source[CONF_STR];	/* vstopd: xen, sim[:N], replay:FILE */
	unsigned history;		/* intervals kept per domain */
	bool syslog;			/* log = syslog | stderr */
	bool xenstore;			/* agent: publish steal when on Xen */
	/* [http] */
	bool http_enabled;
	char http_listen[CONF_STR];	/* host:port, [v6]:port */
	char http_tls_cert[CONF_STR], http_tls_key[CONF_STR];	/* PEM files: TLS when both are set */
	char http_auth_user[CONF_STR], http_auth_hash[CONF_STR];	/* basic auth: crypt(3) hash */
	/* [rrd] */
	bool rrd_enabled;
	char rrd_dir[CONF_STR];
	/* [push] */
	bool push_enabled;
	char push_url[CONF_STR];
	char push_instance[CONF_STR];
	char push_job[CONF_STR];		/* the job label (default vstop) */
	double push_queue_s;		/* 15 minutes of samples ride out a restart */
	double push_timeout_s;
	char push_bearer_token[CONF_STR], push_username[CONF_STR], push_password[CONF_STR];
	char push_ca_file[CONF_STR];
	/* [alerts] and [alert.NAME] */
	bool alerts_log;
	char alerts_exec[CONF_STR];	/* a command, split on spaces, never a shell */
	char alerts_webhook[CONF_STR];
	struct alert_conf alert[AR_NRULES];
};

void conf_defaults(struct vstop_conf *c);
/* Print the effective configuration as INI (vstopd --print-config). */
void conf_print(const struct vstop_conf *c, FILE *f);
/* Load FILE over the defaults. 0, or -1 with "FILE:LINE: reason" in err. */
int conf_load(struct vstop_conf *c, const char *path, char *err, size_t errsz);
/* A daemon's configuration: FILE over the defaults; a missing FILE is fine
 * when it is the default path (explicit = false), an error otherwise. */
int conf_load_daemon(struct vstop_conf *c, const char *path, bool explicit_path, char *err, size_t errsz);
/* The same over a string (tests and fuzzing); name appears in messages. */
int conf_load_string(struct vstop_conf *c, const char *name, const char *text, char *err, size_t errsz);

#endif
