/*
 * conf: table-driven INI keys (see conf.h): [general] here, every other
 * section from the module that registered it. inih reads lines of at most
 * INI_MAX_LINE bytes and would split a longer one silently, so lines are
 * measured first and a long one is an error.
 */
#include "config.h"
#include "lib/conf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <ini.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "lib/num.h"
#include "lib/url_redact.h"

#define G(field) offsetof(struct vstop_conf, field)
/* On a reload the interval and the source take effect; the rest at a restart. */
static const char *const general_reloads[] = { "interval", "source" };
static const struct conf_key general_keys[] = {
	{ "interval", CONF_SECONDS, G(interval_s), 0.05, 3600 },
	{ "source", CONF_STR_T, G(source), 0, 0 },
	{ "history", CONF_UINT, G(history), 10, 100000 },
	{ "log", CONF_LOG, G(syslog), 0, 0 },
	{ "xenstore", CONF_BOOL, G(xenstore), 0, 0 },
	{ "user", CONF_STR_T, G(user), 0, 0 },
};

int conf_auto_on_off(const char *s)
{
	static const char *const modes[] = { "auto", "on", "off" };
	for (int i = 0; i < 3; i++)
		if (strcmp(s, modes[i]) == 0)
			return i;
	return -1;
}

void conf_defaults(struct vstop_conf *c, const struct conf_section *const *sections, unsigned n)
{
	memset(c, 0, offsetof(struct vstop_conf, data));
	c->interval_s = 1.0;
	snprintf(c->source, sizeof(c->source), "auto");
	c->history = 600;
	c->xenstore = true;
	for (unsigned i = 0; i < n && i < CONF_MAX_SECTIONS; i++) {
		if (sections[i]->size > CONF_SECTION_BYTES)
			abort();	/* a programming error: raise CONF_SECTION_BYTES */
		c->sections[c->nsections] = sections[i];
		memset(c->data[c->nsections], 0, CONF_SECTION_BYTES);
		sections[i]->defaults(c->data[c->nsections]);
		c->nsections++;
	}
}

const void *conf_get(const struct vstop_conf *c, const struct conf_section *s)
{
	for (unsigned i = 0; i < c->nsections; i++)
		if (c->sections[i] == s)
			return c->data[i];
	return NULL;
}

static size_t key_size(const struct conf_key *k)
{
	switch (k->type) {
	case CONF_SECONDS: case CONF_DOUBLE: return sizeof(double);
	case CONF_UINT: return sizeof(unsigned);
	case CONF_BOOL: case CONF_LOG: return sizeof(bool);
	case CONF_BYTES: return sizeof(uint64_t);
	case CONF_SWITCH: return sizeof(enum conf_switch);
	default: return CONF_STR;
	}
}

/* A changed key that waits for a restart: the running value back, its name said. */
static unsigned keep_key(const struct conf_key *k, const char *section, void *fresh, const void *running,
			 char *buf, size_t sz)
{
	void *f = (char *)fresh + k->off;
	const void *r = (const char *)running + k->off;
	bool text = key_size(k) == CONF_STR;	/* what follows the NUL is not the value */
	if (text ? strncmp(f, r, CONF_STR) == 0 : memcmp(f, r, key_size(k)) == 0)
		return 0;
	memcpy(f, r, key_size(k));
	size_t n = strlen(buf);
	snprintf(buf + n, sz - n, "%s[%s] %s", n ? ", " : "", section, k->name);
	return 1;
}

unsigned conf_keep_restart_keys(struct vstop_conf *fresh, const struct vstop_conf *running, char *buf, size_t sz)
{
	unsigned kept = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(general_keys) / sizeof(general_keys[0]); i++) {
		bool reloads = false;
		for (size_t j = 0; j < sizeof(general_reloads) / sizeof(general_reloads[0]); j++)
			reloads |= strcmp(general_keys[i].name, general_reloads[j]) == 0;
		if (!reloads)
			kept += keep_key(&general_keys[i], "general", fresh, running, buf, sz);
	}
	for (unsigned s = 0; s < fresh->nsections; s++) {
		const struct conf_section *sec = fresh->sections[s];
		const void *was = conf_get(running, sec);
		if (sec->reloads || !was)
			continue;
		for (size_t i = 0; i < sec->nkeys; i++)
			kept += keep_key(&sec->keys[i], sec->name, fresh->data[s], was, buf, sz);
	}
	return kept;
}

struct load_state {
	struct vstop_conf *cfg;
	char why[200];
};

static int set_key(const struct conf_key *k, void *base, const char *v, char *why, size_t whysz)
{
	void *dst = (char *)base + k->off;
	double d;
	uint64_t u;
	bool b;
	unsigned x;

	switch (k->type) {
	case CONF_SECONDS:
		if (num_seconds(v, k->lo, k->hi, &d) < 0) {
			snprintf(why, whysz, "%s: \"%s\" is not a duration from %g to %g seconds", k->name, v, k->lo, k->hi);
			return -1;
		}
		memcpy(dst, &d, sizeof(d));
		return 0;
	case CONF_DOUBLE:
		if (num_double(v, k->lo, k->hi, &d) < 0) {
			snprintf(why, whysz, "%s: \"%s\" is not a number from %g to %g", k->name, v, k->lo, k->hi);
			return -1;
		}
		memcpy(dst, &d, sizeof(d));
		return 0;
	case CONF_UINT:
		if (num_u64(v, &u) < 0 || u < k->lo || u > k->hi) {
			snprintf(why, whysz, "%s: \"%s\" is not a whole number from %g to %g", k->name, v, k->lo, k->hi);
			return -1;
		}
		x = (unsigned)u;
		memcpy(dst, &x, sizeof(x));
		return 0;
	case CONF_BYTES:
		if (num_bytes(v, (uint64_t)k->lo, (uint64_t)k->hi, &u) < 0) {
			char lo[32], hi[32];
			num_bytes_str((uint64_t)k->lo, lo, sizeof(lo));
			num_bytes_str((uint64_t)k->hi, hi, sizeof(hi));
			snprintf(why, whysz, "%s: \"%s\" is not a size from %s to %s (like 512M, 2G)", k->name, v, lo, hi);
			return -1;
		}
		memcpy(dst, &u, sizeof(u));
		return 0;
	case CONF_BOOL:
	case CONF_SWITCH:
		if (!strcasecmp(v, "yes") || !strcasecmp(v, "true") || !strcmp(v, "1") || !strcasecmp(v, "on"))
			b = true;
		else if (!strcasecmp(v, "no") || !strcasecmp(v, "false") || !strcmp(v, "0") || !strcasecmp(v, "off"))
			b = false;
		else {
			snprintf(why, whysz, "%s: \"%s\" is not yes or no", k->name, v);
			return -1;
		}
		if (k->type == CONF_SWITCH) {
			enum conf_switch sw = b ? CONF_SWITCH_YES : CONF_SWITCH_NO;
			memcpy(dst, &sw, sizeof(sw));
		} else {
			memcpy(dst, &b, sizeof(b));
		}
		return 0;
	case CONF_LOG:
		/* journald: stderr, which systemd hands to the journal (lib/log.c writes <N> then). */
		if (strcmp(v, "syslog") && strcmp(v, "stderr") && strcmp(v, "journald")) {
			snprintf(why, whysz, "log: \"%s\" is not stderr, syslog or journald", v);
			return -1;
		}
		b = strcmp(v, "syslog") == 0;
		memcpy(dst, &b, sizeof(b));
		return 0;
	case CONF_STR_T:
	case CONF_SECRET:
	case CONF_URL: {
		/* "value" in quotes, as people write it: the quotes are not part of it. */
		size_t len = strlen(v);
		char unq[CONF_STR];
		if (len >= 2 && len < CONF_STR && (v[0] == '"' || v[0] == '\'') && v[len - 1] == v[0]) {
			memcpy(unq, v + 1, len - 2);
			unq[len - 2] = '\0';
			v = unq;
		}
		if (strlen(v) >= CONF_STR || !*v) {
			snprintf(why, whysz, "%s: value empty or longer than %d bytes", k->name, CONF_STR - 1);
			return -1;
		}
		memcpy(dst, v, strlen(v) + 1);
		return 0;
	}
	}
	return -1;
}

/* 1 when set, 0 with st->why when the key is unknown or its value bad. */
static int set_in(struct load_state *st, const struct conf_key *keys, size_t n, void *base, const char *section,
		  const char *name, const char *value)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(keys[i].name, name) == 0)
			return set_key(&keys[i], base, value, st->why, sizeof(st->why)) == 0;
	int o = snprintf(st->why, sizeof(st->why), "unknown key \"%s\" in [%s] (", name, section);
	for (size_t i = 0; i < n && o < (int)sizeof(st->why); i++)
		o += snprintf(st->why + o, sizeof(st->why) - (size_t)o, "%s%s", i ? ", " : "", keys[i].name);
	if (o < (int)sizeof(st->why))
		snprintf(st->why + o, sizeof(st->why) - (size_t)o, ")");
	return 0;
}

static int handler(void *user, const char *section, const char *name, const char *value)
{
	struct load_state *st = user;
	struct vstop_conf *c = st->cfg;

	if (strcmp(section, "general") == 0)
		return set_in(st, general_keys, sizeof(general_keys) / sizeof(general_keys[0]), c, section, name, value);
	for (unsigned i = 0; i < c->nsections; i++) {
		const struct conf_section *s = c->sections[i];
		if (strcmp(section, s->name) == 0)
			return set_in(st, s->keys, s->nkeys, c->data[i], section, name, value);
		size_t sl = s->sub_name ? strlen(s->sub_name) : 0;
		if (sl && strncmp(section, s->sub_name, sl) == 0 && section[sl] == '.') {
			const struct conf_key *keys;
			size_t n;
			void *base = s->sub(c->data[i], section + sl + 1, &keys, &n, st->why, sizeof(st->why));
			return base ? set_in(st, keys, n, base, section, name, value) : 0;
		}
	}
	int o = snprintf(st->why, sizeof(st->why), "unknown section [%s] (general", section);
	for (unsigned i = 0; i < c->nsections && o < (int)sizeof(st->why); i++)
		o += snprintf(st->why + o, sizeof(st->why) - (size_t)o, ", %s%s%s%s", c->sections[i]->name,
			      c->sections[i]->sub_name ? ", " : "", c->sections[i]->sub_name ? c->sections[i]->sub_name : "",
			      c->sections[i]->sub_name ? ".NAME" : "");
	if (o < (int)sizeof(st->why))
		snprintf(st->why + o, sizeof(st->why) - (size_t)o, ")");
	return 0;
}

void conf_fault(struct conf_fault *f, const char *section, const char *key1, const char *key2, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->why, sizeof(f->why), fmt, ap);
	va_end(ap);
	snprintf(f->section, sizeof(f->section), "%s", section);
	f->keys[0] = key1;
	f->keys[1] = key2;
}

/* The last line of the file that set one of the fault's keys in its section (inih
 * keeps the last value), or 0 when the file set neither (defaults, -c /dev/null). */
static int fault_line(const char *text, const struct conf_fault *f)
{
	char section[sizeof(f->section)] = "";
	int line = 0, found = 0;
	for (const char *p = text; *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		line++;
		while (len && (*p == ' ' || *p == '\t'))
			p++, len--;
		const char *end = memchr(p, p[0] == '[' ? ']' : '=', len);
		if (!end && p[0] != '[')
			end = memchr(p, ':', len);	/* inih takes key: value too */
		if (end && p[0] == '[') {
			size_t n = (size_t)(end - p - 1);
			snprintf(section, sizeof(section), "%.*s", (int)(n < sizeof(section) ? n : sizeof(section) - 1), p + 1);
		} else if (end && p[0] != ';' && p[0] != '#' && !strcmp(section, f->section)) {
			size_t n = (size_t)(end - p);
			while (n && (p[n - 1] == ' ' || p[n - 1] == '\t'))
				n--;
			for (int k = 0; k < 2; k++)
				if (f->keys[k] && strlen(f->keys[k]) == n && !memcmp(p, f->keys[k], n))
					found = line;
		}
		p = eol ? eol + 1 : p + len;
	}
	return found;
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
	static struct vstop_conf tmp;	/* 36 KiB: not on the stack; loads are not concurrent */
	struct load_state st = { .cfg = &tmp };
	int line = long_line(text);

	tmp = *c;
	if (line) {
		snprintf(err, errsz, "%s:%d: line longer than %d bytes", name, line, INI_MAX_LINE - 2);
		return -1;
	}
	line = ini_parse_string(text, handler, &st);
	if (line != 0) {
		snprintf(err, errsz, "%s:%d: %s", name, line, st.why[0] ? st.why : "syntax error (expected key = value or [section])");
		return -1;
	}
	for (unsigned i = 0; i < tmp.nsections; i++) {
		const struct conf_section *s = tmp.sections[i];
		struct conf_fault f = { .why = "" };
		if (s->check && s->check(tmp.data[i], &f) < 0) {
			int at = fault_line(text, &f);
			if (at)
				snprintf(err, errsz, "%s:%d: %s", name, at, f.why);
			else
				snprintf(err, errsz, "%s: %s", name, f.why);
			return -1;
		}
	}
	*c = tmp;	/* all or nothing */
	return 0;
}

int conf_set(struct vstop_conf *c, const char *section, const char *key, const char *value, char *err, size_t errsz)
{
	static struct vstop_conf tmp;	/* as in conf_load_string */
	struct load_state st = { .cfg = &tmp };
	tmp = *c;
	if (!handler(&st, section, key, value)) {
		snprintf(err, errsz, "%s", st.why);
		return -1;
	}
	for (unsigned i = 0; i < tmp.nsections; i++) {
		const struct conf_section *s = tmp.sections[i];
		struct conf_fault f = { .why = "" };
		if (s->check && s->check(tmp.data[i], &f) < 0) {
			snprintf(err, errsz, "%s", f.why);
			return -1;
		}
	}
	*c = tmp;
	return 0;
}

int conf_load_daemon(struct vstop_conf *c, const struct conf_section *const *sections, unsigned n, const char *path,
		     bool explicit_path, char *err, size_t errsz)
{
	conf_defaults(c, sections, n);
	if (!explicit_path && access(path, F_OK) != 0)
		return 0;	/* no file at the default place: the defaults */
	return conf_load(c, path, err, errsz);
}

/* vstop.conf is a few hundred bytes; 1 MiB is plenty and bounds a hostile file. */
#define CONF_MAX_BYTES (1 << 20)

int conf_load(struct vstop_conf *c, const char *path, char *err, size_t errsz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	int rc = conf_load_fd(c, path, fd, err, errsz);
	close(fd);
	return rc;
}

int conf_load_fd(struct vstop_conf *c, const char *path, int fd, char *err, size_t errsz)
{
	char *buf = malloc(CONF_MAX_BYTES + 1);
	size_t n = 0;
	ssize_t got = 1;
	while (buf && n <= CONF_MAX_BYTES && got > 0) {
		got = pread(fd, buf + n, CONF_MAX_BYTES + 1 - n, (off_t)n);
		if (got < 0 && errno == EINTR)
			got = 1;
		else if (got > 0)
			n += (size_t)got;
	}
	if (!buf || got < 0 || n > CONF_MAX_BYTES) {
		snprintf(err, errsz, "%s: %s", path, !buf ? "out of memory" : got < 0 ? strerror(errno) : "larger than 1 MiB");
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

static void print_keys(FILE *f, const char *section, const struct conf_key *keys, size_t n, const void *base)
{
	fprintf(f, "[%s]\n", section);
	for (size_t i = 0; i < n; i++) {
		const struct conf_key *k = &keys[i];
		const char *p = (const char *)base + k->off;
		double dv;
		unsigned uv;
		bool bv;
		switch (k->type) {
		case CONF_SECONDS: case CONF_DOUBLE: memcpy(&dv, p, sizeof(dv)); fprintf(f, "%s = %g\n", k->name, dv); break;
		case CONF_UINT: memcpy(&uv, p, sizeof(uv)); fprintf(f, "%s = %u\n", k->name, uv); break;
		case CONF_BOOL: memcpy(&bv, p, sizeof(bv)); fprintf(f, "%s = %s\n", k->name, bv ? "yes" : "no"); break;
		case CONF_LOG: memcpy(&bv, p, sizeof(bv)); fprintf(f, "%s = %s\n", k->name, bv ? "syslog" : "stderr"); break;
		case CONF_SWITCH: {
			enum conf_switch sw;
			memcpy(&sw, p, sizeof(sw));
			if (sw == CONF_SWITCH_UNSET)
				fprintf(f, "; %s =\n", k->name);	/* unset */
			else
				fprintf(f, "%s = %s\n", k->name, sw == CONF_SWITCH_YES ? "yes" : "no");
			break;
		}
		case CONF_BYTES: {
			uint64_t b;
			char text[32];
			memcpy(&b, p, sizeof(b));
			num_bytes_str(b, text, sizeof(text));
			fprintf(f, "%s = %s\n", k->name, text);
			break;
		}
		case CONF_STR_T: case CONF_SECRET: case CONF_URL: {
			char shown[CONF_STR + 16];
			if (!*p)
				fprintf(f, "; %s =\n", k->name);	/* unset */
			else	/* secrets stay out of any output */
				fprintf(f, "%s = %s\n", k->name, k->type == CONF_SECRET ? "(set)" :
					k->type == CONF_URL ? url_redact(p, shown, sizeof(shown)) : p);
			break;
		}
		}
	}
}

void conf_print(const struct vstop_conf *c, FILE *f)
{
	print_keys(f, "general", general_keys, sizeof(general_keys) / sizeof(general_keys[0]), c);
	for (unsigned i = 0; i < c->nsections; i++) {
		const struct conf_section *s = c->sections[i];
		fputc('\n', f);
		print_keys(f, s->name, s->keys, s->nkeys, c->data[i]);
		if (s->print_subs)
			s->print_subs(c->data[i], f);
	}
}
