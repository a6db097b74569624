/*
 * listen_addr: where an exporter listens, written the way Prometheus
 * exporters take it: ":9945" (every address, IPv4 and IPv6), "HOST:9945"
 * with a numeric address or a host name, "[::1]:9945". The port must be
 * 1-65535 in decimal; anything else is refused with the reason.
 */
#ifndef VSTOP_LISTEN_ADDR_H
#define VSTOP_LISTEN_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct listen_addr {
	struct sockaddr_storage ss;
	socklen_t len;
	bool any;		/* ":PORT": every address; ss holds [::] */
	char text[80];		/* what it resolved to, "127.0.0.1:9945", "[::]:9945" */
};

/* 0, or -1 with "listen \"VALUE\": reason" in err. Host names are resolved. */
int listen_addr_parse(const char *s, struct listen_addr *out, char *err, size_t errsz);
/* The same address family, for ":PORT" when IPv6 is off: 0.0.0.0:PORT. */
void listen_addr_ipv4_any(struct listen_addr *a);

#endif
