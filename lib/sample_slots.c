/* sample_slots: the sampler's shared slots (see sample_slots.h). */
#include "config.h"
#include "lib/sample_slots.h"
#include "lib/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define SLOTS_SIZE ((off_t)SAMPLE_SLOTS * (off_t)SAMPLE_SLOT_BYTES)
#define SEALS (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL)

int sample_slots_create(int *rw, int *ro, char *err, size_t errsz)
{
	char path[64];
	*rw = *ro = -1;
	int fd = memfd_create("vstopd-samples", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return errorf(err, errsz, "memfd_create: %s", strerror(errno));
	/* memfd_create makes it 0777: a process of another user holding the
	 * read-only descriptor could reopen it writable through /proc/PID/fd.
	 * 0600: only its owner (root, who made the read-only one) can. */
	if (fchmod(fd, 0600) < 0 || ftruncate(fd, SLOTS_SIZE) < 0 || fcntl(fd, F_ADD_SEALS, SEALS) < 0) {
		errorf(err, errsz, "sealing the sample slots: %s", strerror(errno));
		close(fd);
		return -1;
	}
	/* Reopened read-only: the rest cannot map it to write, so cannot change what the sampler lent. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	*ro = open(path, O_RDONLY | O_CLOEXEC);
	if (*ro < 0) {
		errorf(err, errsz, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	*rw = fd;
	return 0;
}

int sample_slots_map(struct sample_slots *ss, int fd, bool writable, char *err, size_t errsz)
{
	struct stat st;
	ss->base = NULL;
	int seals = fcntl(fd, F_GET_SEALS);
	if (seals < 0 || (seals & SEALS) != SEALS)
		return errorf(err, errsz, "the sample slots are not sealed memory%s%s", seals < 0 ? ": " : "",
			      seals < 0 ? strerror(errno) : "");
	if (fstat(fd, &st) < 0 || st.st_size != SLOTS_SIZE)
		return errorf(err, errsz, "the sample slots are not %lld bytes", (long long)SLOTS_SIZE);
	void *p = mmap(NULL, (size_t)SLOTS_SIZE, writable ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd, 0);
	if (p == MAP_FAILED)
		return errorf(err, errsz, "mapping the sample slots: %s", strerror(errno));
	ss->base = p;
	return 0;
}

void sample_slots_unmap(struct sample_slots *ss)
{
	if (ss->base)
		munmap(ss->base, (size_t)SLOTS_SIZE);
	ss->base = NULL;
}
