/*
 * conf: table-driven INI keys (see config.h). inih reads lines of at most
 * INI_MAX_LINE bytes and would split a longer one silently, so lines are
 * measured first and a long one is an error.
 */
#include "config.h"
#include "lib/conf.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "lib/num.h"

enum key_type { K_SECONDS, K_UINT, K_BOOL, K_STR, K_LOG, K_DOUBLE };

struct key {
	const char *section, *name;
	enum key_type type;
	size_t off;
	double lo, hi;
};

#define F(field) offsetof(struct vstop_conf, field)
static const struct key keys[] = {
	{ "general", "interval", K_SECONDS, F(interval_s), 0.05, 3600 },
	{ "general", "source", K_STR, F(source), 0, 0 },
	{ "general", "history", K_UINT, F(history), 10, 100000 },
	{ "general", "log", K_LOG, F(syslog), 0, 0 },
	{ "general", "xenstore", K_BOOL, F(xenstore), 0, 0 },
	{ "http", "enabled", K_BOOL, F(http_enabled), 0, 0 },
	{ "http", "listen", K_STR, F(http_listen), 0, 0 },
	{ "http", "tls_cert_file", K_STR, F(http_tls_cert), 0, 0 },
	{ "http", "tls_key_file", K_STR, F(http_tls_key), 0, 0 },
	{ "http", "basic_auth_user", K_STR, F(http_auth_user), 0, 0 },
	{ "http", "basic_auth_hash", K_STR, F(http_auth_hash), 0, 0 },
	{ "rrd", "enabled", K_BOOL, F(rrd_enabled), 0, 0 },
	{ "rrd", "dir", K_STR, F(rrd_dir), 0, 0 },
	{ "push", "enabled", K_BOOL, F(push_enabled), 0, 0 },
	{ "push", "url", K_STR, F(push_url), 0, 0 },
	{ "push", "instance", K_STR, F(push_instance), 0, 0 },
	{ "push", "job", K_STR, F(push_job), 0, 0 },
	{ "push", "queue", K_SECONDS, F(push_queue_s), 1, 86400 },
	{ "push", "timeout", K_SECONDS, F(push_timeout_s), 0.1, 300 },
	{ "push", "bearer_token", K_STR, F(push_bearer_token), 0, 0 },
	{ "push", "username", K_STR, F(push_username), 0, 0 },
	{ "push", "password", K_STR, F(push_password), 0, 0 },
	{ "push", "ca_file", K_STR, F(push_ca_file), 0, 0 },
	{ "alerts", "log", K_BOOL, F(alerts_log), 0, 0 },
	{ "alerts", "exec", K_STR, F(alerts_exec), 0, 0 },
	{ "alerts", "webhook", K_STR, F(alerts_webhook), 0, 0 },
};

const char *const alert_rule_names[AR_NRULES] = {
	"guest_steal", "vcpu_steal", "vcpu_overcommit", "mem_overcommit", "host_cpu", "domain_pegged",
};

/*
 * Default thresholds, and why:
 * guest_steal   warn 10%, crit 25%, 10 s, clear 5%: a few % of steal is the
 *               background of any shared host; 10% held for 10 s is a tenant
 *               visibly slowed, 25% is a quarter of its CPU gone.
 * vcpu_steal    warn 20%, crit 40%, 10 s, clear 10%: one vCPU is noisier than
 *               the VM's average, so its bar is higher.
 * vcpu_overcommit warn 2, crit 4, clear 1.8: up to 2 vCPUs per pCPU is the
 *               common sizing for mixed workloads; past 4, contention is the
 *               norm, not the exception.
 * mem_overcommit warn 1.0, crit 1.5, clear 0.95: above 1 the host cannot give
 *               every guest its maximum at once (the "burst RAM" trap).
 * host_cpu      warn 85%, crit 95%, 60 s, clear 75%: a host near saturation
 *               is where steal comes from.
 * domain_pegged warn 95% of its vCPUs for 60 s, clear 80%: a guest spinning on
 *               all its vCPUs is a likely noisy neighbor (or a stuck guest).
 * Notifications: at most one per alarm every 60 s (resolutions always go out).
 */
static const struct alert_conf alert_defaults[AR_NRULES] = {
	[AR_GUEST_STEAL] = { true, 10, 25, 5, 10, 60 },
	[AR_VCPU_STEAL] = { true, 20, 40, 10, 10, 60 },
	[AR_VCPU_OVERCOMMIT] = { true, 2, 4, 1.8, 0, 60 },
	[AR_MEM_OVERCOMMIT] = { true, 1.0, 1.5, 0.95, 0, 60 },
	[AR_HOST_CPU] = { true, 85, 95, 75, 60, 60 },
	[AR_DOMAIN_PEGGED] = { true, 95, 0, 80, 60, 60 },
};

void conf_defaults(struct vstop_conf *c)
{
	memset(c, 0, sizeof(*c));
	c->interval_s = 1.0;
	snprintf(c->source, sizeof(c->source), "xen");
	c->history = 600;
	c->xenstore = true;
	c->http_enabled = true;
	/* Loopback by default: metrics say who is busy, which is not for everyone. */
	snprintf(c->http_listen, sizeof(c->http_listen), "127.0.0.1:9945");
	snprintf(c->rrd_dir, sizeof(c->rrd_dir), "/var/lib/vstop/rrd");
	c->push_queue_s = 900;
	snprintf(c->push_job, sizeof(c->push_job), "vstop");
	c->push_timeout_s = 10;
	c->alerts_log = true;
	memcpy(c->alert, alert_defaults, sizeof(c->alert));
}

struct load_state {
	struct vstop_conf *cfg;
	char why[200];
};

static int set_key(const struct key *k, char *base, const char *v, char *why, size_t whysz)
{
	void *dst = base + k->off;
	double d;
	uint64_t u;

	switch (k->type) {
	case K_SECONDS:
		if (num_seconds(v, k->lo, k->hi, &d) < 0) {
			snprintf(why, whysz, "%s: \"%s\" is not a duration from %g to %g seconds", k->name, v, k->lo, k->hi);
			return -1;
		}
		*(double *)dst = d;
		return 0;
	case K_DOUBLE:
		if (num_double(v, k->lo, k->hi, &d) < 0) {
			snprintf(why, whysz, "%s: \"%s\" is not a number from %g to %g", k->name, v, k->lo, k->hi);
			return -1;
		}
		*(double *)dst = d;
		return 0;
	case K_UINT:
		if (num_u64(v, &u) < 0 || u < k->lo || u > k->hi) {
			snprintf(why, whysz, "%s: \"%s\" is not a whole number from %g to %g", k->name, v, k->lo, k->hi);
			return -1;
		}
		*(unsigned *)dst = (unsigned)u;
		return 0;
	case K_BOOL:
		if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on"))
			*(bool *)dst = true;
		else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "off"))
			*(bool *)dst = false;
		else {
			snprintf(why, whysz, "%s: \"%s\" is not yes or no", k->name, v);
			return -1;
		}
		return 0;
	case K_LOG:
		if (strcmp(v, "syslog") && strcmp(v, "stderr")) {
			snprintf(why, whysz, "log: \"%s\" is not syslog or stderr", v);
			return -1;
		}
		*(bool *)dst = strcmp(v, "syslog") == 0;
		return 0;
	case K_STR:
		if (strlen(v) >= CONF_STR || !*v) {
			snprintf(why, whysz, "%s: value empty or longer than %d bytes", k->name, CONF_STR - 1);
			return -1;
		}
		memcpy(dst, v, strlen(v) + 1);
		return 0;
	}
	return -1;
}

/* [alert.NAME] keys, relative to a struct alert_conf. */
#define A(field) offsetof(struct alert_conf, field)
static const struct key alert_keys[] = {
	{ "", "enabled", K_BOOL, A(enabled), 0, 0 },
	{ "", "warn", K_DOUBLE, A(warn), 0, 1e6 },
	{ "", "crit", K_DOUBLE, A(crit), 0, 1e6 },
	{ "", "clear", K_DOUBLE, A(clear), 0, 1e6 },
	{ "", "for", K_SECONDS, A(for_s), 0, 86400 },
	{ "", "min_interval", K_SECONDS, A(min_interval_s), 0, 86400 },
};

static int alert_key(struct load_state *st, const char *rule, const char *name, const char *value)
{
	for (int r = 0; r < AR_NRULES; r++) {
		if (strcmp(rule, alert_rule_names[r]) != 0)
			continue;
		for (size_t i = 0; i < sizeof(alert_keys) / sizeof(alert_keys[0]); i++)
			if (strcmp(alert_keys[i].name, name) == 0)
				return set_key(&alert_keys[i], (char *)&st->cfg->alert[r], value, st->why, sizeof(st->why)) == 0;
		snprintf(st->why, sizeof(st->why), "unknown key \"%s\" in [alert.%s] (enabled, warn, crit, clear, for, min_interval)",
			 name, rule);
		return 0;
	}
	snprintf(st->why, sizeof(st->why), "unknown alarm [alert.%s]", rule);
	return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct load_state *st = user;
	bool section_known = false;

	if (strncmp(section, "alert.", 6) == 0)
		return alert_key(st, section + 6, name, value);

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		section_known = true;
		if (strcmp(keys[i].name, name) == 0)
			return set_key(&keys[i], (char *)st->cfg, value, st->why, sizeof(st->why)) == 0;
	}
	if (section_known)
		snprintf(st->why, sizeof(st->why), "unknown key \"%s\" in [%s]", name, section);
	else
		snprintf(st->why, sizeof(st->why), "unknown section [%s]", section);
	return 0;
}

/* inih splits lines longer than INI_MAX_LINE: refuse them instead. */
static int long_line(const char *text)
{
	int line = 1;
	size_t len = 0;

	for (const char *p = text; *p; p++) {
		if (*p == '\n') {
			line++;
			len = 0;
		} else if (++len >= INI_MAX_LINE - 1) {
			return line;
		}
	}
	return 0;
}

int conf_load_string(struct vstop_conf *c, const char *name, const char *text, char *err, size_t errsz)
{
	struct vstop_conf tmp = *c;
	struct load_state st = { .cfg = &tmp };
	int line = long_line(text);

	if (line) {
		snprintf(err, errsz, "%s:%d: line longer than %d bytes", name, line, INI_MAX_LINE - 2);
		return -1;
	}
	line = ini_parse_string(text, handler, &st);
	if (line == 0 && (!tmp.http_tls_cert[0]) != (!tmp.http_tls_key[0])) {
		snprintf(err, errsz, "%s: [http] tls_cert_file and tls_key_file go together", name);
		return -1;
	}
	if (line == 0 && (!tmp.http_auth_user[0]) != (!tmp.http_auth_hash[0])) {
		snprintf(err, errsz, "%s: [http] basic_auth_user and basic_auth_hash go together", name);
		return -1;
	}
	for (int r = 0; line == 0 && r < AR_NRULES; r++) {
		const struct alert_conf *a = &tmp.alert[r];
		if (a->crit > 0 && a->crit < a->warn)
			snprintf(st.why, sizeof(st.why), "[alert.%s]: crit %g is below warn %g", alert_rule_names[r], a->crit, a->warn);
		else if (a->clear > a->warn)
			snprintf(st.why, sizeof(st.why), "[alert.%s]: clear %g is above warn %g (it must be lower, for hysteresis)",
				 alert_rule_names[r], a->clear, a->warn);
		else
			continue;
		snprintf(err, errsz, "%s: %s", name, st.why);
		return -1;
	}
	if (line != 0) {
		snprintf(err, errsz, "%s:%d: %s", name, line, st.why[0] ? st.why : "syntax error (expected key = value or [section])");
		return -1;
	}
	*c = tmp;	/* all or nothing */
	return 0;
}

int conf_load_daemon(struct vstop_conf *c, const char *path, bool explicit_path, char *err, size_t errsz)
{
	conf_defaults(c);
	if (!explicit_path && access(path, F_OK) != 0)
		return 0;	/* no file at the default place: the defaults */
	return conf_load(c, path, err, errsz);
}

/* vstop.conf is a few hundred bytes; 1 MiB is plenty and bounds a hostile file. */
#define CONF_MAX_BYTES (1 << 20)

int conf_load(struct vstop_conf *c, const char *path, char *err, size_t errsz)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	char *buf = malloc(CONF_MAX_BYTES + 1);
	size_t n = buf ? fread(buf, 1, CONF_MAX_BYTES + 1, f) : 0;
	int rd_err = ferror(f);
	fclose(f);
	if (!buf || rd_err || n > CONF_MAX_BYTES) {
		snprintf(err, errsz, "%s: %s", path, !buf ? "out of memory" : rd_err ? "read error" : "larger than 1 MiB");
		free(buf);
		return -1;
	}
	buf[n] = '\0';
	if (memchr(buf, '\0', n)) {
		snprintf(err, errsz, "%s: contains a NUL byte (not a text file)", path);
		free(buf);
		return -1;
	}
	int rc = conf_load_string(c, path, buf, err, errsz);
	free(buf);
	return rc;
}

void conf_print(const struct vstop_conf *c, FILE *f)
{
	const char *section = "";
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const struct key *k = &keys[i];
		const void *p = (const char *)c + k->off;
		double dv;
		unsigned uv;
		bool bv;
		if (strcmp(section, k->section) != 0)
			fprintf(f, "%s[%s]\n", i ? "\n" : "", section = k->section);
		switch (k->type) {
		case K_SECONDS: case K_DOUBLE: memcpy(&dv, p, sizeof(dv)); fprintf(f, "%s = %g\n", k->name, dv); break;
		case K_UINT: memcpy(&uv, p, sizeof(uv)); fprintf(f, "%s = %u\n", k->name, uv); break;
		case K_BOOL: memcpy(&bv, p, sizeof(bv)); fprintf(f, "%s = %s\n", k->name, bv ? "yes" : "no"); break;
		case K_LOG: memcpy(&bv, p, sizeof(bv)); fprintf(f, "%s = %s\n", k->name, bv ? "syslog" : "stderr"); break;
		case K_STR: {
			const char *str = p;
			if (!*str)
				fprintf(f, "; %s =\n", k->name);	/* unset */
			else	/* secrets stay out of any output */
				fprintf(f, "%s = %s\n", k->name, strstr(k->name, "password") || strstr(k->name, "token") || strstr(k->name, "hash") ? "(set)" : str);
			break;
		}
		}
	}
	for (int r = 0; r < AR_NRULES; r++) {
		const struct alert_conf *a = &c->alert[r];
		fprintf(f, "\n[alert.%s]\nenabled = %s\nwarn = %g\ncrit = %g\nclear = %g\nfor = %g\nmin_interval = %g\n",
			alert_rule_names[r], a->enabled ? "yes" : "no", a->warn, a->crit, a->clear, a->for_s, a->min_interval_s);
	}
}
