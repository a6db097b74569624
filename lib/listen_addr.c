/* listen_addr: parsing an exporter's listen address (see listen_addr.h). */
#include "config.h"
#include "lib/listen_addr.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void describe(struct listen_addr *a)
{
	char host[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&a->ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, host, sizeof(host));
		port = ntohs(s6->sin6_port);
		snprintf(a->text, sizeof(a->text), "[%s]:%u", host, port);
	} else {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)&a->ss;
		inet_ntop(AF_INET, &s4->sin_addr, host, sizeof(host));
		port = ntohs(s4->sin_port);
		snprintf(a->text, sizeof(a->text), "%s:%u", host, port);
	}
}

void listen_addr_ipv4_any(struct listen_addr *a)
{
	unsigned port = ntohs(((const struct sockaddr_in6 *)&a->ss)->sin6_port);
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;
	memset(&a->ss, 0, sizeof(a->ss));
	s4->sin_family = AF_INET;
	s4->sin_port = htons((uint16_t)port);
	s4->sin_addr.s_addr = htonl(INADDR_ANY);
	a->len = sizeof(*s4);
	describe(a);
}

/* "listen \"VALUE\": why", the value cut at 80 bytes so the reason always shows. */
static int fail(char *err, size_t errsz, const char *s, const char *why)
{
	snprintf(err, errsz, "listen \"%.80s%s\": %s", s, strlen(s) > 80 ? "..." : "", why);
	return -1;
}

int listen_addr_parse(const char *s, struct listen_addr *out, char *err, size_t errsz)
{
	char host[256];
	const char *colon = strrchr(s, ':');

	memset(out, 0, sizeof(*out));
	if (!colon)
		return fail(err, errsz, s, "expected :PORT, HOST:PORT or [IPv6]:PORT");
	const char *p = colon + 1;
	unsigned long port = 0;
	if (!*p)
		return fail(err, errsz, s, "no port after the colon");
	for (; *p; p++) {
		if (*p < '0' || *p > '9')
			return fail(err, errsz, s, "the port must be a decimal number");
		if (port <= 65535)
			port = port * 10 + (unsigned long)(*p - '0');
	}
	if (port < 1 || port > 65535) {
		char why[64];
		snprintf(why, sizeof(why), "port %.20s is outside 1-65535", colon + 1);
		return fail(err, errsz, s, why);
	}
	size_t hl = (size_t)(colon - s);
	const char *h = s;
	if (hl && s[0] == '[') {
		if (hl < 3 || s[hl - 1] != ']')
			return fail(err, errsz, s, "unbalanced [ ] around the IPv6 address");
		h++;
		hl -= 2;
	} else if (memchr(s, ':', hl)) {
		return fail(err, errsz, s, "an IPv6 address goes in brackets: [::1]:PORT");
	}
	if (hl >= sizeof(host))
		return fail(err, errsz, s, "host name too long");
	memcpy(host, h, hl);
	host[hl] = '\0';
	if (!hl) {	/* ":PORT": every address */
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&out->ss;
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		s6->sin6_addr = in6addr_any;
		out->len = sizeof(*s6);
		out->any = true;
		describe(out);
		return 0;
	}
	char portstr[8];
	snprintf(portstr, sizeof(portstr), "%lu", port);
	struct addrinfo hints = { .ai_flags = AI_NUMERICSERV | AI_PASSIVE, .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai = NULL;
	int rc = getaddrinfo(host, portstr, &hints, &ai);
	if (rc != 0) {
		char why[160];
		snprintf(why, sizeof(why), "%.80s: %s", host, gai_strerror(rc));
		return fail(err, errsz, s, why);
	}
	/* A name with both families listens on its IPv4 address, as Go's exporters do. */
	const struct addrinfo *pick = ai;
	for (const struct addrinfo *x = ai; x; x = x->ai_next)
		if (x->ai_family == AF_INET) {
			pick = x;
			break;
		}
	memcpy(&out->ss, pick->ai_addr, pick->ai_addrlen);
	out->len = pick->ai_addrlen;
	freeaddrinfo(ai);
	describe(out);
	return 0;
}
