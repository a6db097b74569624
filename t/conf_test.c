/* conf: vstop.conf, good and hostile. */
#include "config.h"
#include <stdlib.h>
#include "lib/conf.h"
#include "t/tap.h"

static int load(struct vstop_conf *c, const char *text, char *err)
{
	conf_defaults(c);
	return conf_load_string(c, "test.conf", text, err, 300);
}

static void bad(const char *text, const char *fragment, const char *what)
{
	struct vstop_conf c;
	char err[300] = "";
	ok(load(&c, text, err) < 0 && strstr(err, fragment), "rejects %s (%s)", what, err);
}

int main(void)
{
	struct vstop_conf c;
	char err[300] = "";

	ok(load(&c, "", err) == 0 && c.interval_s == 1.0 && c.history == 600, "empty file: defaults");
	ok(load(&c, "; comment\n[general]\ninterval = 2.5\nsource = sim:20\nlog = syslog\n\n[http]\nlisten = [::1]:9945\n", err) == 0 &&
	   c.interval_s == 2.5 && strcmp(c.source, "sim:20") == 0 && c.syslog && strcmp(c.http_listen, "[::1]:9945") == 0,
	   "values are read (%s)", err);
	ok(load(&c, "[general]\ninterval = 2m\n", err) == 0 && c.interval_s == 120, "interval with a unit");
	bad("[general]\ninterval = 0\n", "test.conf:2: interval", "interval 0");
	bad("[general]\ninterval = fast\n", "not a duration", "interval words");
	bad("[general]\nintreval = 1\n", "unknown key \"intreval\"", "a typo in a key");
	bad("[genral]\ninterval = 1\n", "unknown section [genral]", "a typo in a section");
	bad("[general]\nhistory = -1\n", "whole number", "negative history");
	bad("[general]\nhistory = 99999999999999999999\n", "whole number", "overflowing history");
	bad("[http]\nenabled = maybe\n", "yes or no", "a bad boolean");
	bad("[general]\nlog = console\n", "syslog or stderr", "a bad log target");
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
	/* All or nothing: a failed load leaves the config as it was. */
	conf_defaults(&c);
	ok(conf_load_string(&c, "t", "[general]\ninterval = 5\nbogus = 1\n", err, sizeof(err)) < 0 && c.interval_s == 1.0,
	   "a failed load changes nothing");
	ok(conf_load(&c, "/nonexistent/vstop.conf", err, sizeof(err)) < 0 && strstr(err, "No such file"), "missing file");
	return done_testing();
}
