/* listen_addr: what Prometheus exporters accept, and clear refusals. */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include "lib/listen_addr.h"
#include "t/tap.h"

static const char *parse(const char *s, struct listen_addr *a, char *err, size_t errsz)
{
	err[0] = '\0';
	return listen_addr_parse(s, a, err, errsz) == 0 ? a->text : NULL;
}

int main(void)
{
	struct listen_addr a;
	char err[256];
	const char *t;

	t = parse("127.0.0.1:9945", &a, err, sizeof(err));
	ok(t && !strcmp(t, "127.0.0.1:9945") && !a.any, "HOST:PORT (%s)", t ? t : err);
	t = parse(":9945", &a, err, sizeof(err));
	ok(t && !strcmp(t, "[::]:9945") && a.any, ":PORT is every address (%s)", t ? t : err);
	listen_addr_ipv4_any(&a);
	ok(!strcmp(a.text, "0.0.0.0:9945"), "... or every IPv4 address without IPv6 (%s)", a.text);
	t = parse("[::1]:9945", &a, err, sizeof(err));
	ok(t && !strcmp(t, "[::1]:9945"), "[V6]:PORT (%s)", t ? t : err);
	t = parse("localhost:9945", &a, err, sizeof(err));
	ok(t && (!strcmp(t, "127.0.0.1:9945") || !strcmp(t, "[::1]:9945")), "a host name resolves (%s)", t ? t : err);
	t = parse("0.0.0.0:1", &a, err, sizeof(err));
	ok(t && !strcmp(t, "0.0.0.0:1"), "port 1 is the lowest (%s)", t ? t : err);
	t = parse("0.0.0.0:65535", &a, err, sizeof(err));
	ok(t != NULL, "port 65535 is the highest");

	static const struct { const char *in, *why; } bad[] = {
		{ "127.0.0.1:99999", "port 99999 is outside 1-65535" },
		{ "127.0.0.1:0", "port 0 is outside 1-65535" },
		{ "127.0.0.1:184467440737095516160", "outside 1-65535" },
		{ "127.0.0.1", "expected :PORT, HOST:PORT or [IPv6]:PORT" },
		{ "127.0.0.1:", "no port after the colon" },
		{ "127.0.0.1:http", "the port must be a decimal number" },
		{ "127.0.0.1:-1", "the port must be a decimal number" },
		{ "::1:9945", "an IPv6 address goes in brackets" },
		{ "[::1:9945", "unbalanced [ ]" },
		{ "[]:9945", "unbalanced [ ]" },
		{ "no-such-host.invalid:9945", "no-such-host.invalid:" },
		{ "", "expected :PORT" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = parse(bad[i].in, &a, err, sizeof(err));
		ok(!t && strstr(err, bad[i].why) && strstr(err, "listen \""), "\"%s\" refused: %s", bad[i].in, err);
	}
	char longname[400];
	memset(longname, 'a', sizeof(longname));
	snprintf(longname + 300, 20, ":9945");
	t = parse(longname, &a, err, sizeof(err));
	ok(!t && strstr(err, "too long"), "a 300-byte host name is refused: %.60s", err);
	return done_testing();
}
