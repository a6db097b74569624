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

int fd_send(int sock, const void *msg, size_t len, const int *fds, int n)
{
	union { struct cmsghdr h; char b[CMSG_SPACE(FD_PASS_MAX * sizeof(int))]; } ctl;
	struct iovec iov = { (void *)msg, len };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1 };
	if (n < 0 || n > FD_PASS_MAX) {
		errno = EINVAL;
		return -1;
	}
	if (n > 0) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = ctl.b;
		m.msg_controllen = CMSG_SPACE((size_t)n * sizeof(int));
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN((size_t)n * sizeof(int));
		memcpy(CMSG_DATA(c), fds, (size_t)n * sizeof(int));
	}
	ssize_t sent;
	do
		sent = sendmsg(sock, &m, MSG_NOSIGNAL);
	while (sent < 0 && errno == EINTR);
	if (sent >= 0 && (size_t)sent != len) {
		errno = EMSGSIZE;
		return -1;
	}
	return sent < 0 ? -1 : 0;
}

ssize_t fd_recv(int sock, void *msg, size_t cap, int fds[FD_PASS_MAX], int *n)
{
	union { struct cmsghdr h; char b[CMSG_SPACE(8 * sizeof(int))]; } ctl;
	struct iovec iov = { msg, cap };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b, .msg_controllen = sizeof(ctl.b) };
	*n = 0;
	for (int i = 0; i < FD_PASS_MAX; i++)
		fds[i] = -1;
	ssize_t got = recvmsg(sock, &m, MSG_CMSG_CLOEXEC);
	if (got < 0)
		return -1;
	bool bad = (m.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
			bad = true;
			continue;
		}
		size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < count; i++) {
			int fd;
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*n < FD_PASS_MAX && !bad)
				fds[(*n)++] = fd;
			else {
				close(fd);
				bad = true;
			}
		}
	}
	if (bad) {
		for (int i = 0; i < *n; i++) {
			close(fds[i]);
			fds[i] = -1;
		}
		*n = 0;
		errno = EBADMSG;
		return -1;
	}
	return got;
}

static int by_fd(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/* Without close_range (a kernel before 5.9): one by one, as /proc lists them. */
static void close_listed(const int *keep, int n)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return;
	const struct dirent *e;
	while ((e = readdir(d))) {
		int fd = atoi(e->d_name);
		bool kept = fd <= 2 || fd == dirfd(d);
		for (int k = 0; k < n; k++)
			kept |= fd == keep[k];
		if (!kept)
			close(fd);	/* /proc lists by number: closing one skips no other */
	}
	closedir(d);
}

void fds_close_except(const int *keep, int n)
{
	if (close_range(~0U, ~0U, 0) < 0) {	/* an empty range: is there a close_range? */
		close_listed(keep, n);
		return;
	}
	int sorted[8] = { 0 }, k = 0;
	for (int i = 0; i < n && k < 8; i++)
		if (keep[i] > 2)
			sorted[k++] = keep[i];
	qsort(sorted, (size_t)k, sizeof(sorted[0]), by_fd);
	unsigned from = 3;	/* every descriptor between the kept ones, however many */
	for (int i = 0; i < k; i++) {
		if ((unsigned)sorted[i] > from)
			close_range(from, (unsigned)sorted[i] - 1, 0);
		from = (unsigned)sorted[i] + 1;
	}
	close_range(from, ~0U, 0);
}
