/* privdrop: see privdrop.h. */
#include "config.h"
#include "lib/privdrop.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/log.h"

int priv_lookup(const char *name, struct priv_user *u, char *err, size_t errsz)
{
	errno = 0;
	const struct passwd *pw = getpwnam(name);
	if (!pw)
		return errorf(err, errsz, "user \"%s\": %s", name, errno ? strerror(errno) : "no such user");
	if (pw->pw_uid == 0)
		return errorf(err, errsz, "user \"%s\" is root", name);
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->uid = pw->pw_uid;
	u->gid = pw->pw_gid;
	return 0;
}

int priv_give_dir(const char *dir, const struct priv_user *u, char *err, size_t errsz)
{
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dfd < 0)
		return errorf(err, errsz, "%s: %s", dir, strerror(errno));
	if (fchown(dfd, u->uid, u->gid) < 0) {
		close(dfd);
		return errorf(err, errsz, "cannot give %s to %s: %s", dir, u->name, strerror(errno));
	}
	DIR *d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return errorf(err, errsz, "%s: %s", dir, strerror(errno));
	}
	const struct dirent *e;
	int rc = 0;
	while ((e = readdir(d))) {
		struct stat st;
		if (fstatat(dfd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
			continue;
		if (fchownat(dfd, e->d_name, u->uid, u->gid, AT_SYMLINK_NOFOLLOW) < 0) {
			rc = errorf(err, errsz, "cannot give %s/%s to %s: %s", dir, e->d_name, u->name, strerror(errno));
			break;
		}
	}
	closedir(d);
	return rc;
}

int priv_drop(const struct priv_user *u, char *err, size_t errsz)
{
	if (setgroups(0, NULL) < 0 && errno != EPERM)
		return errorf(err, errsz, "setgroups: %s", strerror(errno));
	if (setgid(u->gid) < 0)
		return errorf(err, errsz, "setgid %u: %s", (unsigned)u->gid, strerror(errno));
	if (setuid(u->uid) < 0)
		return errorf(err, errsz, "setuid %u: %s", (unsigned)u->uid, strerror(errno));
	if (setuid(0) == 0 || geteuid() == 0 || getegid() == 0)
		return errorf(err, errsz, "root could be taken back after dropping it");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return errorf(err, errsz, "no_new_privs: %s", strerror(errno));
	return 0;
}
