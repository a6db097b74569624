/* kvm_affinity: vCPU threads' affinities and VMs' command lines (kvm_affinity.h). */
#include "config.h"
#include "collector/kvm_affinity.h"

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/num.h"
#include "lib/virt_detect.h"
#include "lib/xalloc.h"

/* A command line: NUL-separated, so its length matters (read_small_file cuts at a newline). */
static ssize_t read_cmdline(const char *path, char *buf, size_t sz)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sz - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

int kvm_vm_cmdline(uint32_t pid, struct vm_cmdline *c)
{
	char path[64], comm[32], *buf = xmalloc(65536), err[200];
	snprintf(path, sizeof(path), "/proc/%u/comm", pid);
	if (read_small_file(NULL, path, comm, sizeof(comm)) < 0) {
		free(buf);
		return -1;
	}
	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	ssize_t n = read_cmdline(path, buf, 65536);
	int rc = n > 0 ? 0 : -1;
	if (n > 0)
		vm_cmdline_parse(vmm_from_comm(comm), buf, (size_t)n, c, err, sizeof(err));	/* what it can read */
	free(buf);
	return rc;
}

int kvm_affinity_read(const struct snapshot *s, struct vcpu_affinities *a, char *err, size_t errsz)
{
	memset(a, 0, sizeof(*a));
	size_t cap = 0;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const struct domain *d = &s->doms[i];
		char path[96], comm[32];
		snprintf(path, sizeof(path), "/proc/%u/comm", d->pid);
		if (!d->pid || read_small_file(NULL, path, comm, sizeof(comm)) < 0)
			continue;
		enum vmm vmm = vmm_from_comm(comm);
		snprintf(path, sizeof(path), "/proc/%u/task", d->pid);
		DIR *dir = opendir(path);
		if (!dir)
			continue;	/* gone since the sample */
		struct dirent *e;
		while ((e = readdir(dir))) {
			uint64_t tid;
			if (num_u64(e->d_name, &tid) < 0 || tid > INT32_MAX)
				continue;
			snprintf(path, sizeof(path), "/proc/%u/task/%u/comm", d->pid, (unsigned)tid);
			if (read_small_file(NULL, path, comm, sizeof(comm)) < 0)
				continue;
			int vcpu = vcpu_from_thread_name(vmm, comm);
			cpu_set_t set;
			if (vcpu < 0 || sched_getaffinity((pid_t)tid, sizeof(set), &set) < 0)
				continue;
			if (a->n == cap) {
				cap = cap ? 2 * cap : 16;
				a->v = xreallocarray(a->v, cap, sizeof(*a->v));
				a->maps = xreallocarray(a->maps, cap, sizeof(set));
			}
			uint8_t *map = a->maps + a->n * sizeof(set);	/* bit i of byte i/8 = CPU i */
			memset(map, 0, sizeof(set));
			for (int c = 0; c < CPU_SETSIZE; c++)
				if (CPU_ISSET(c, &set))
					map[c / 8] |= (uint8_t)(1u << (c % 8));
			a->v[a->n++] = (struct vcpu_affinity){ .domain = domain_name(s, d), .vcpu = (uint32_t)vcpu,
							       .map_bytes = sizeof(set) };
		}
		closedir(dir);
	}
	/* Maps moved with each realloc: point at them only now. */
	for (size_t i = 0; i < a->n; i++)
		a->v[i].map = a->maps + i * sizeof(cpu_set_t);
	(void)err;
	(void)errsz;
	return 0;
}
