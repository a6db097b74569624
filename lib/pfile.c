/* pfile: a kept-open file re-read whole (see pfile.h). */
#include "config.h"
#include "lib/pfile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

int pfile_open(struct pfile *f, const char *root, const char *name, size_t max, char *err, size_t errsz)
{
	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->max = max;
	int n = root && *root ? snprintf(f->path, sizeof(f->path), "%s/%s", root, name)
			      : snprintf(f->path, sizeof(f->path), "%s", name);
	if (n < 0 || (size_t)n >= sizeof(f->path)) {
		snprintf(err, errsz, "%s: path too long", name);
		errno = ENAMETOOLONG;
		return -1;
	}
	f->fd = open(f->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (f->fd < 0) {
		int e = errno;
		snprintf(err, errsz, "%s: %s", f->path, strerror(e));
		errno = e;
		return -1;
	}
	return 0;
}

/* The kernel builds these files in one go whatever is asked, so the whole
 * file is read each time: a partial read would cut a line and save nothing. */
int pfile_read(struct pfile *f, size_t *len, char *err, size_t errsz)
{
	if (!f->buf) {
		f->cap = f->max < 8192 ? f->max : 8192;
		if (!(f->buf = malloc(f->cap + 1))) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
	}
	for (;;) {
		ssize_t n = pread(f->fd, f->buf, f->cap, 0);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			snprintf(err, errsz, "%s: read: %s", f->path, strerror(errno));
			return -1;
		}
		if ((size_t)n < f->cap) {
			f->buf[n] = '\0';
			*len = (size_t)n;
			return 0;
		}
		if (f->cap >= f->max) {
			if (f->max >= 1u << 20)
				snprintf(err, errsz, "%s: larger than %zu MiB, refusing to read it", f->path, f->max >> 20);
			else
				snprintf(err, errsz, "%s: larger than %zu KiB, refusing to read it", f->path, f->max >> 10);
			return -1;
		}
		size_t cap = f->cap * 2 < f->max ? f->cap * 2 : f->max;
		char *b = realloc(f->buf, cap + 1);
		if (!b) {
			snprintf(err, errsz, "out of memory");
			return -1;
		}
		f->buf = b;
		f->cap = cap;
	}
}

void pfile_close(struct pfile *f)
{
	if (f->fd >= 0)
		close(f->fd);
	free(f->buf);
	f->fd = -1;
	f->buf = NULL;
	f->cap = 0;
}

unsigned pfile_fd_budget(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return 512;
	rlim_t want = rl.rlim_max < 65536 ? rl.rlim_max : 65536;
	if (rl.rlim_cur < want) {
		rl.rlim_cur = want;
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	return (unsigned)(rl.rlim_cur / 2);
}
