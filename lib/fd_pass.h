/*
 * fd_pass: a small message with a few file descriptors attached (SCM_RIGHTS)
 * over a local socket, as vstopd's supervisor hands the unprivileged rest each
 * new sampler's channel and the configuration file.
 * And closing every descriptor a forked child should not keep.
 */
#ifndef VSTOP_FD_PASS_H
#define VSTOP_FD_PASS_H

#include <stddef.h>
#include <sys/types.h>

#define FD_PASS_MAX 3

/* Send msg[0..len) with fds[0..n) attached (n <= FD_PASS_MAX). 0, or -1 with errno. */
int fd_send(int sock, const void *msg, size_t len, const int *fds, int n);
/* Receive one message: its length (0 at EOF), -1 with errno. fds[0..*n) are
 * the descriptors that came with it (close-on-exec), the rest of fds[FD_PASS_MAX]
 * -1; a message cut short, with more descriptors or anything else attached is
 * refused (EBADMSG) and what came is closed. */
ssize_t fd_recv(int sock, void *msg, size_t cap, int fds[FD_PASS_MAX], int *n);
/* In a forked child: close every descriptor above 2 but the n (up to 8) in keep. */
void fds_close_except(const int *keep, int n);

#endif
