/* fd_pass: SCM_RIGHTS and a child's descriptors (see fd_pass.h). Hand-written:
 * a few lines of cmsg(3) no library wraps better. */
#include "config.h"
#include "lib/fd_pass.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int fd_send(int sock, const void *msg, size_t len, int fd)
{
	union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } ctl;
	struct iovec iov = { (void *)msg, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.b;
		m.msg_controllen = sizeof(ctl.b);
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	ssize_t n;
	do
		n = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n >= 0 && (size_t)n != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return n < 0 ? -1 : 0;
}

ssize_t fd_recv(int sock, void *msg, size_t cap, int *fd)
{
	union { struct cmsghdr h; char b[CMSG_SPACE(4 * sizeof(int))]; } ctl;
	struct iovec iov = { msg, cap };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	*fd = -1;
	ssize_t n = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -1;
	bool bad = (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
			bad = true;
			continue;
		}
		size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < count; i++) {
			int got;
			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*fd < 0 && !bad)
				*fd = got;
			else {
				close(got);
				bad = true;
			}
		}
	}
	if (bad) {
		if (*fd >= 0)
			close(*fd);
		*fd = -1;
		errno = EBADMSG;
		return -1;
	}
	return n;
}

void fds_close_except(const int *keep, int n)
{
	DIR *d = opendir("/proc/self/fd");
	int fds[1024], nfds = 0;
	if (d) {
		const struct dirent *e;
		while ((e = readdir(d)) && nfds < (int)(sizeof(fds) / sizeof(fds[0]))) {
			int fd = atoi(e->d_name);
			if (fd > 2 && fd != dirfd(d))
				fds[nfds++] = fd;
		}
		closedir(d);
	}
	for (int i = 0; i < nfds; i++) {
		bool kept = false;
		for (int k = 0; k < n; k++)
			kept |= fds[i] == keep[k];
		if (!kept)
			close(fds[i]);
	}
}
