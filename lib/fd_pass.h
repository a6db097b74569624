/*
 * fd_pass: a small message with at most one file descriptor attached
 * (SCM_RIGHTS) over a local socket, as vstopd's supervisor hands the
 * unprivileged rest each new sampler's channel and the configuration file.
 * And closing every descriptor a forked child should not keep.
 */
#ifndef VSTOP_FD_PASS_H
#define VSTOP_FD_PASS_H

#include <stddef.h>
#include <sys/types.h>

/* Send msg[0..len) with fd attached (fd < 0: none). 0, or -1 with errno. */
int fd_send(int sock, const void *msg, size_t len, int fd);
/* Receive one message: its length (0 at EOF), -1 with errno. *fd is the
 * descriptor that came with it (close-on-exec), or -1; a message cut short
 * or carrying anything else is refused (EBADMSG) and what came is closed. */
ssize_t fd_recv(int sock, void *msg, size_t cap, int *fd);
/* In a forked child: close every descriptor above 2 but the n in keep. */
void fds_close_except(const int *keep, int n);

#endif
