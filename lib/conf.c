/*
 * conf: table-driven INI keys (see config.h). inih reads lines of at most
 * INI_MAX_LINE bytes and would split a longer one silently, so lines are
 * measured first and a long one is an error.
 */
#include "config.h"
#include "conf.h"

#include <errno.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "num.h"

enum key_type { K_SECONDS, K_UINT, K_BOOL, K_STR, K_LOG };

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
	{ "rrd", "enabled", K_BOOL, F(rrd_enabled), 0, 0 },
	{ "rrd", "dir", K_STR, F(rrd_dir), 0, 0 },
	{ "push", "enabled", K_BOOL, F(push_enabled), 0, 0 },
	{ "push", "url", K_STR, F(push_url), 0, 0 },
	{ "push", "instance", K_STR, F(push_instance), 0, 0 },
	{ "push", "queue", K_SECONDS, F(push_queue_s), 1, 86400 },
	{ "push", "timeout", K_SECONDS, F(push_timeout_s), 0.1, 300 },
	{ "push", "bearer_token", K_STR, F(push_bearer_token), 0, 0 },
	{ "push", "username", K_STR, F(push_username), 0, 0 },
	{ "push", "password", K_STR, F(push_password), 0, 0 },
	{ "push", "ca_file", K_STR, F(push_ca_file), 0, 0 },
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
	c->push_timeout_s = 10;
}

struct load_state {
	struct vstop_conf *cfg;
	char why[200];
};

static int set_key(const struct key *k, struct vstop_conf *c, const char *v, char *why, size_t whysz)
{
	void *dst = (char *)c + k->off;
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

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct load_state *st = user;
	bool section_known = false;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (strcmp(keys[i].section, section) != 0)
			continue;
		section_known = true;
		if (strcmp(keys[i].name, name) == 0)
			return set_key(&keys[i], st->cfg, value, st->why, sizeof(st->why)) == 0;
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
	if (line != 0) {
		snprintf(err, errsz, "%s:%d: %s", name, line, st.why[0] ? st.why : "syntax error (expected key = value or [section])");
		return -1;
	}
	*c = tmp;	/* all or nothing */
	return 0;
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
