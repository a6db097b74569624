/* dir_check: see dir_check.h. */
#include "config.h"
#include "lib/dir_check.h"

#include <errno.h>
#include <pwd.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>
#include "lib/log.h"

/* A kernel filesystem where nothing can be made (access(2) lets root pass). */
static const char *kernel_fs(const char *path)
{
	static const struct { unsigned long magic; const char *name; } fs[] = {
		{ PROC_SUPER_MAGIC, "proc" }, { SYSFS_MAGIC, "sysfs" }, { CGROUP2_SUPER_MAGIC, "cgroup2" },
		{ CGROUP_SUPER_MAGIC, "cgroup" }, { DEBUGFS_MAGIC, "debugfs" }, { TRACEFS_MAGIC, "tracefs" },
		{ SECURITYFS_MAGIC, "securityfs" }, { DEVPTS_SUPER_MAGIC, "devpts" }, { BPF_FS_MAGIC, "bpf" },
	};
	struct statfs st;
	if (statfs(path, &st) < 0)
		return NULL;
	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if ((unsigned long)st.f_type == fs[i].magic)
			return fs[i].name;
	return NULL;
}

int dir_check_writable(const char *what, const char *dir, char *err, size_t errsz)
{
	char up[4096];
	if (!dir[0] || strlen(dir) >= sizeof(up)) {
		snprintf(err, errsz, "%s \"%s\": empty or too long", what, dir);
		return -1;
	}
	snprintf(up, sizeof(up), "%s", dir);
	struct stat st;
	while (stat(up, &st) < 0) {
		if (strcmp(up, ".") == 0 || strcmp(up, "/") == 0) {	/* nothing shorter to try */
			snprintf(err, errsz, "%s %s: %s", what, dir, strerror(errno));
			return -1;
		}
		char *slash = strrchr(up, '/');
		while (slash && slash > up && slash[1] == '\0') {	/* "a/b/" */
			*slash = '\0';
			slash = strrchr(up, '/');
		}
		if (!slash)
			snprintf(up, sizeof(up), ".");
		else
			slash[slash == up] = '\0';	/* "/x" -> "/" */
	}
	const char *made = strcmp(up, dir) == 0 ? "" : " does not exist, and cannot be made in ";
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errsz, "%s %s%s%s: not a directory", what, dir, made, *made ? up : "");
		return -1;
	}
	const char *kfs = kernel_fs(up);
	struct statvfs vfs;
	if (kfs) {
		snprintf(err, errsz, "%s %s%s%s: a kernel filesystem (%s), no place for files", what, dir, made,
			 *made ? up : "", kfs);
		return -1;
	}
	if (statvfs(up, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
		snprintf(err, errsz, "%s %s%s%s: the filesystem is mounted read-only", what, dir, made, *made ? up : "");
		return -1;
	}
	if (access(up, W_OK | X_OK) < 0) {
		int e = errno;
		struct passwd *pw = e == EACCES ? getpwuid(geteuid()) : NULL;
		char fix[PATH_MAX + 200] = "";
		if (pw)	/* whose it should be, said: the daemon never chowns what it did not make */
			snprintf(fix, sizeof(fix), " (it is for user %.64s: chown %.64s %s, or choose another)", pw->pw_name,
				 pw->pw_name, up);
		snprintf(err, errsz, "%s %s%s%s: cannot write in it: %s%s", what, dir, made, *made ? up : "", strerror(e), fix);
		return -1;
	}
	return 0;
}

int dir_make(const char *dir, unsigned mode)
{
	char tmp[4096];
	if (strlen(dir) >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return mkdir(tmp, (mode_t)mode) < 0 && errno != EEXIST ? -1 : 0;
}

int dir_lock(const char *what, const char *dir, const char *name, char *err, size_t errsz)
{
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);	/* anyone may read who holds it */
	if (fd < 0) {
		snprintf(err, errsz, "%s %s: cannot open its lock file: %s", what, dir, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		char owner[24] = "";
		ssize_t n = pread(fd, owner, sizeof(owner) - 1, 0);
		owner[n > 0 ? strspn(owner, "0123456789") : 0] = '\0';
		if (e == EWOULDBLOCK)
			snprintf(err, errsz, "%s %s: in use by another vstop daemon%s%s%s", what, dir,
				 owner[0] ? " (pid " : "", owner, owner[0] ? ")" : "");
		else
			snprintf(err, errsz, "%s %s: cannot lock %s: %s", what, dir, path, strerror(e));
		close(fd);
		return -1;
	}
	char pid[24];
	int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)len, 0) != len)	/* the lock holds without it */
		log_warn("%s %s: cannot write the pid to %s: %s", what, dir, path, strerror(errno));
	return fd;
}
