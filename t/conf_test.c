/* conf: vstop.conf, good and hostile; [general] in the core, the sinks' sections from their owners. */
#include "config.h"
#include <stdlib.h>
#include "lib/conf.h"
#include "alerts/alarms_conf.h"
#include "exporters/conf_sections.h"
#include "exporters/http_conf.h"
#include "exporters/push_conf.h"
#include "collector/kvm_conf.h"
#include "t/tap.h"

static struct vstop_conf c;	/* 36 KiB each: not on the stack */

static int load(struct vstop_conf *cf, const char *text, char *err)
{
	conf_defaults(cf, sink_conf_sections, sink_conf_nsections);
	return conf_load_string(cf, "test.conf", text, err, 300);
}

static const struct http_conf *http(void)
{
	return conf_get(&c, &http_conf_section);
}

static void bad(const char *text, const char *fragment, const char *what)
{
	char err[300] = "";
	ok(load(&c, text, err) < 0 && strstr(err, fragment), "rejects %s (%s)", what, err);
}

int main(void)
{
	char err[300] = "";

	ok(load(&c, "", err) == 0 && c.interval_s == 1.0 && c.history == 600, "empty file: defaults");
	ok(load(&c, "; comment\n[general]\ninterval = 2.5\nsource = sim:20\nlog = syslog\n\n[http]\nlisten = [::1]:9945\n", err) == 0 &&
	   c.interval_s == 2.5 && strcmp(c.source, "sim:20") == 0 && c.syslog && strcmp(http()->listen, "[::1]:9945") == 0,
	   "values are read (%s)", err);
	ok(load(&c, "[general]\ninterval = 2m\n", err) == 0 && c.interval_s == 120, "interval with a unit");
	bad("[general]\ninterval = 0\n", "test.conf:2: interval", "interval 0");
	bad("[general]\ninterval = fast\n", "not a duration", "interval words");
	bad("[general]\nintreval = 1\n", "unknown key \"intreval\"", "a typo in a key");
	bad("[genral]\ninterval = 1\n", "unknown section [genral]", "a typo in a section");
	bad("[general]\nhistory = -1\n", "whole number", "negative history");
	bad("[general]\nhistory = 99999999999999999999\n", "whole number", "overflowing history");
	bad("[http]\nenabled = maybe\n", "yes or no", "a bad boolean");
	bad("[general]\nlog = console\n", "is not stderr, syslog or journald", "a bad log target");
	bad("[general\ninterval = 1\n", "test.conf:1:", "an unclosed section");
	bad("[general]\njust words\n", "test.conf:2:", "a line without =");
	bad("[general]\nsource =\n", "empty", "an empty value");
	{
		char *big = malloc(400);
		strcpy(big, "[general]\nsource = ");
		memset(big + strlen(big), 'x', 300);
		big[19 + 300] = '\0';
		strcat(big, "\n");
		bad(big, "test.conf:2: line longer", "an over-long line");
		free(big);
	}
	ok(load(&c, "[http]\nlisten = \"127.0.0.1:9945\"\n", err) == 0 && strcmp(http()->listen, "127.0.0.1:9945") == 0,
	   "a value in double quotes: the quotes are not part of it");
	ok(load(&c, "[http]\nlisten = '[::1]:9945'\n", err) == 0 && strcmp(http()->listen, "[::1]:9945") == 0,
	   "in single quotes too");
	ok(load(&c, "[http]\nlisten = \"127.0.0.1:9945\n", err) == 0 && strcmp(http()->listen, "\"127.0.0.1:9945") == 0,
	   "an unmatched quote is kept (and the listen check then refuses it)");
	/* [kvm]: the kvm source's. */
	ok(load(&c, "", err) == 0 && strcmp(c.source, "auto") == 0, "[general] source: auto by default");
	ok(load(&c, "[kvm]\nlibvirt = off\nlibvirt_uri = qemu+ssh://h/system\n", err) == 0, "[kvm] values are read (%s)", err);
	{
		struct source_options so = { 0 };
		kvm_conf_apply(conf_get(&c, &kvm_conf_section), &so);
		ok(so.libvirt == LIBVIRT_OFF && strcmp(so.libvirt_uri, "qemu+ssh://h/system") == 0, "[kvm] as the source takes it");
	}
	bad("[kvm]\nlibvirt = maybe\n", "test.conf:2: [kvm] libvirt is auto, on or off", "a bad [kvm] libvirt");
	bad("[kvm]\nlibvirt_uri = /var/run/libvirt\n", "not a libvirt URI", "a path for a libvirt URI");
	bad("[kvm]\nlibvirt_url = qemu:///system\n", "unknown key \"libvirt_url\"", "a typo in [kvm]");
	/* Each owner checks its own section. */
	bad("[http]\ntls_cert_file = /a.pem\n", "tls_cert_file and tls_key_file go together", "a certificate without its key");
	bad("[alert.guest_steal]\nwarn = 30\ncrit = 20\n", "test.conf:3: [alert.guest_steal]: crit 20 is below warn 30",
	    "crit below warn, with the line");
	bad("[alert.guest_steal]\nclear = 20\n\n[http]\nenabled = yes\n[alert.guest_steal]\n  warn = 10\n",
	    "test.conf:7: [alert.guest_steal]: clear 20 is above warn 10", "clear above warn: the later of the two lines");
	bad("[alert.vcpu_steal]\nclear = 20\n[alert.guest_steal]\nclear = 20\n", "test.conf:4: [alert.guest_steal]: clear 20",
	    "the line in the right [alert.NAME]");
	bad("[http]\ntls_key_file = /k.pem\n", "test.conf:2: [http] tls_cert_file and tls_key_file go together",
	    "a key without its certificate, with the line");
	bad("[general]\nintreval = 1\n", "unknown key \"intreval\" in [general] (interval, source, history",
	    "an unknown [general] key lists the valid ones");
	bad("[alert.nope]\nwarn = 1\n", "unknown alarm [alert.nope]", "an unknown alarm");
	bad("[push]\nqueue = 0\n", "queue", "a zero push queue");
	bad("[rrd]\nfolder = /tmp\n", "unknown key \"folder\" in [rrd] (enabled, dir)", "a typo in [rrd], with the keys it takes");
	ok(load(&c, "[push]\njob = fleet\n[alert.host_cpu]\nwarn = 90\n", err) == 0 &&
	   !strcmp(((const struct push_conf *)conf_get(&c, &push_conf_section))->job, "fleet") &&
	   ((const struct alarms_conf *)conf_get(&c, &alarms_conf_section))->alert[AR_HOST_CPU].warn == 90,
	   "sections read into their owners' structs (%s)", err);
	/* A program that registers only some sections refuses the others. */
	conf_defaults(&c, NULL, 0);
	ok(conf_load_string(&c, "t", "[http]\nenabled = no\n", err, sizeof(err)) < 0 && strstr(err, "unknown section [http]"),
	   "an unregistered section is unknown (%s)", err);
	/* All or nothing: a failed load leaves the config as it was. */
	conf_defaults(&c, sink_conf_sections, sink_conf_nsections);
	ok(conf_load_string(&c, "t", "[general]\ninterval = 5\nbogus = 1\n", err, sizeof(err)) < 0 && c.interval_s == 1.0,
	   "a failed load changes nothing");
	ok(conf_load(&c, "/nonexistent/vstop.conf", err, sizeof(err)) < 0 && strstr(err, "No such file"), "missing file");
	return done_testing();
}
