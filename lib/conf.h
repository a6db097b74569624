/*
 * conf: vstop.conf, the INI file read by vstopd, vstop-agent and vstop (via
 * inih). The core knows only [general]; every other section belongs to the
 * module that uses it (a sink, the alarms), which declares its keys, their
 * defaults and the checks between them in a struct conf_section, the way
 * collectd's plugins own their blocks. Every key is known and typed: an
 * unknown section or key, a bad value or an over-long line stops the load
 * with FILE:LINE: reason, so a typo never runs silently with a default. A
 * failed reload (SIGHUP) keeps the running configuration.
 */
#ifndef VSTOP_CONF_H
#define VSTOP_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define CONF_STR 256

enum conf_type {
	CONF_SECONDS,		/* "10", "1.5s", "15m" (lib/num.h) */
	CONF_DOUBLE, CONF_UINT, CONF_BOOL,
	CONF_STR_T,		/* char[CONF_STR], not empty */
	CONF_SECRET,		/* the same, never printed */
	CONF_URL,		/* the same, printed without its password (lib/url_redact.h) */
	CONF_LOG,		/* syslog | stderr, as a bool (true: syslog) */
	CONF_BYTES,		/* "512M", "2G" (lib/num.h), as a uint64_t */
	CONF_SWITCH,		/* yes | no, or not said: an enum conf_switch (push: a url turns it on) */
};

enum conf_switch { CONF_SWITCH_UNSET, CONF_SWITCH_NO, CONF_SWITCH_YES };

struct conf_key {
	const char *name;
	enum conf_type type;
	size_t off;		/* in the section's struct */
	double lo, hi;		/* numbers: the accepted range */
};

/* A section of vstop.conf and the module that owns it. Its values are one
 * struct of `size` bytes (at most CONF_SECTION_BYTES) kept in the
 * configuration, so a whole configuration is copied by value. */
/* What a section's check found wrong: the reason and where (the section and up to
 * two keys), so that the error names the line of the file that set them. */
struct conf_fault {
	char why[200];
	char section[80];
	const char *keys[2];
};
void conf_fault(struct conf_fault *f, const char *section, const char *key1, const char *key2, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

struct conf_section {
	const char *name;	/* [name] */
	const char *sub_name;	/* [sub_name.SUB] sections, with `sub` (or NULL) */
	size_t size;
	const struct conf_key *keys;
	size_t nkeys;
	void (*defaults)(void *data);
	/* Optional [sub_name.SUB] sections (alert.guest_steal): the struct
	 * SUB's keys apply to, or NULL with the reason. */
	void *(*sub)(void *data, const char *sub, const struct conf_key **keys, size_t *nkeys, char *why,
		     size_t whysz);
	/* Optional, once the file is read: keys that go together, orders of values.
	 * On a fault, fills f with conf_fault() and returns -1. */
	int (*check)(const void *data, struct conf_fault *f);
	/* Optional: print the [name.SUB] sections (conf_print). */
	void (*print_subs)(const void *data, FILE *f);
	/* Every key (and [sub_name.SUB]) takes effect on a reload (SIGHUP);
	 * false: a changed key waits for a restart, and the log says which. */
	bool reloads;
};

#define CONF_MAX_SECTIONS 8
#define CONF_SECTION_BYTES 4096

struct vstop_conf {
	/* [general] */
	double interval_s;		/* 1 s: steal is bursty; longer hides it */
	char source[CONF_STR];		/* vstopd: xen, sim[:N], replay:FILE */
	unsigned history;		/* intervals kept per domain */
	bool syslog;			/* log = syslog | stderr */
	bool xenstore;			/* agent: publish steal when on Xen */
	char user[CONF_STR];		/* the user a daemon becomes once started; "": vstop if it exists */
	/* The other sections, as their owners declared them. */
	const struct conf_section *sections[CONF_MAX_SECTIONS];
	unsigned nsections;
	_Alignas(max_align_t) unsigned char data[CONF_MAX_SECTIONS][CONF_SECTION_BYTES];
};

/* The defaults of [general] and of each section given (they stay registered). */
/* A setting that is "auto", "on" or "off": 0, 1, 2 (the order of the
 * sources' mode enums); -1 for anything else. */
int conf_auto_on_off(const char *s);
void conf_defaults(struct vstop_conf *c, const struct conf_section *const *sections, unsigned n);
/* A section's values, or NULL when it is not registered in c. */
const void *conf_get(const struct vstop_conf *c, const struct conf_section *s);
/* After a reload: keys that changed but take effect only at a restart keep
 * their running values in fresh, and are named in buf ("[http] listen,
 * [push] instance"). Returns how many. */
unsigned conf_keep_restart_keys(struct vstop_conf *fresh, const struct vstop_conf *running, char *buf, size_t sz);
/* Print the effective configuration as INI (vstopd --print-config); secrets masked. */
void conf_print(const struct vstop_conf *c, FILE *f);
/* Load FILE over c as it is (defaults, or a running configuration): all or
 * nothing. 0, or -1 with "FILE:LINE: reason" in err. */
int conf_load(struct vstop_conf *c, const char *path, char *err, size_t errsz);
/* The same from a file already open (vstopd's rest: the supervisor opened it); path names it. */
int conf_load_fd(struct vstop_conf *c, const char *path, int fd, char *err, size_t errsz);
/* A daemon's configuration: FILE over the defaults; a missing FILE is fine
 * when it is the default path (explicit = false), an error otherwise. */
int conf_load_daemon(struct vstop_conf *c, const struct conf_section *const *sections, unsigned n, const char *path,
		     bool explicit_path, char *err, size_t errsz);
/* The same over a string (tests and fuzzing); name appears in messages. */
int conf_load_string(struct vstop_conf *c, const char *name, const char *text, char *err, size_t errsz);
/* One key set as if the file said it (a command-line override), then every
 * section's checks. 0, or -1 with the reason. */
int conf_set(struct vstop_conf *c, const char *section, const char *key, const char *value, char *err, size_t errsz);

#endif
