/* vm_cgroup: a VM's own cgroup v2 and its pressure stall (vm_cgroup.h). */
#include "config.h"
#include "collector/vm_cgroup.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "collector/kvm_cgroup.h"
#include "lib/psi.h"

static const char *const psi_file[VM_PSI_N] = { "memory.pressure", "io.pressure" };

static bool ends_with(const char *s, size_t n, const char *tail)
{
	size_t t = strlen(tail);
	return n > t && memcmp(s + n - t, tail, t) == 0;
}

bool vm_cgroup_is_vm_group(const char *path)
{
	const char *last = strrchr(path, '/');
	if (!last)
		return false;
	size_t n = strlen(last + 1);
	if (ends_with(last + 1, n, ".libvirt-qemu"))
		return true;
	if (!ends_with(last + 1, n, ".scope"))
		return false;
	/* libvirt's machine-qemu\x2d1\x2ddb.scope, or a scope in Proxmox's
	 * qemu.slice; never a login session's or systemd-run's scope. */
	bool proxmox = last - path >= 11 && memcmp(last - 11, "/qemu.slice", 11) == 0;
	return strncmp(last + 1, "machine-", 8) == 0 || proxmox;
}

/* Up from path to the nearest VM group: false when there is none. */
static bool vm_group_of(char *path)
{
	for (;;) {
		if (vm_cgroup_is_vm_group(path))
			return true;
		char *slash = strrchr(path, '/');
		if (!slash || slash == path)
			return false;
		*slash = '\0';
	}
}

static int open_psi(struct vm_cgroup *c, const char *dir)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (dfd < 0)
		return 0;
	int found = 1;
	for (int r = 0; r < VM_PSI_N && found; r++)
		if ((c->fd[r] = openat(dfd, psi_file[r], O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
			found = 0;	/* a kernel without PSI, or it ended */
	close(dfd);
	if (!found)
		vm_cgroup_close(c);
	return found;
}

int vm_cgroup_open(struct vm_cgroup *c, const char *proc, const char *v2root, uint32_t pid)
{
	char file[512], buf[4096], path[CG_PATH_MAX], dir[CG_PATH_MAX + 600];
	c->fd[VM_PSI_MEMORY] = c->fd[VM_PSI_IO] = -1;
	snprintf(file, sizeof(file), "%s/%u/cgroup", proc, pid);
	int fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;	/* it ended */
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	if (cg_proc_unified_parse(buf, (size_t)n, path, sizeof(path)) < 0)
		return memmem(buf, (size_t)n, "\n0::", 4) || (n >= 3 && memcmp(buf, "0::", 3) == 0) ? -1 : 0;
	if (!vm_group_of(path) || (size_t)snprintf(dir, sizeof(dir), "%s%s", v2root, path) >= sizeof(dir))
		return 0;
	return open_psi(c, dir);
}

int vm_cgroup_read(const struct vm_cgroup *c, char *buf, size_t bufsz, uint64_t us[VM_PSI_N][2],
		   char *err, size_t errsz)
{
	for (int r = 0; r < VM_PSI_N; r++) {
		ssize_t n = pread(c->fd[r], buf, bufsz - 1, 0);
		struct psi p;
		char why[200];
		if (n <= 0) {
			snprintf(err, errsz, "its cgroup's %s: %s", psi_file[r], n < 0 ? "cannot be read" : "empty");
			return -1;
		}
		if (psi_parse(buf, (size_t)n, &p, why, sizeof(why)) < 0) {
			snprintf(err, errsz, "its cgroup's %s: %s", psi_file[r], why);
			return -1;
		}
		us[r][PSI_SOME] = p.total_us[PSI_SOME];
		us[r][PSI_FULL] = p.has[PSI_FULL] ? p.total_us[PSI_FULL] : 0;
	}
	return 0;
}

void vm_cgroup_close(struct vm_cgroup *c)
{
	for (int r = 0; r < VM_PSI_N; r++) {
		if (c->fd[r] >= 0)
			close(c->fd[r]);
		c->fd[r] = -1;
	}
}
