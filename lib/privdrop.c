/* privdrop: see privdrop.h. */
#include "config.h"
#include "lib/privdrop.h"

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

/* The parents of dir, made as plain root directories when missing. */
static int make_parents(const char *dir)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s", dir);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) < 0 && errno != EEXIST)
			return -1;
		*p = '/';
	}
	return 0;
}

/* The directory this call made: give it to u, through a descriptor that cannot
 * be a link swapped in meanwhile, and only while it is still root's. */
static int give_made(const char *what, const char *dir, unsigned mode, const struct priv_user *u,
		     char *err, size_t errsz)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || st.st_uid != 0) {
		int e = fd < 0 ? errno : EPERM;
		if (fd >= 0)
			close(fd);
		return errorf(err, errsz, "%s %s: changed while it was being made (%s): not given to %s",
			      what, dir, strerror(e), u->name);
	}
	int rc = 0;
	if (fchown(fd, u->uid, u->gid) < 0 || fchmod(fd, (mode_t)mode) < 0)
		rc = errorf(err, errsz, "%s %s: cannot give it to %s: %s", what, dir, u->name, strerror(errno));
	close(fd);
	return rc;
}

int priv_claim_dir(const char *what, const char *dir, unsigned mode, const struct priv_user *u,
		   char *err, size_t errsz)
{
	if (!dir[0] || strlen(dir) >= 4096)
		return errorf(err, errsz, "%s \"%s\": empty or too long", what, dir);
	if (make_parents(dir) < 0)
		return errorf(err, errsz, "%s %s: cannot make its parents: %s", what, dir, strerror(errno));
	if (mkdir(dir, (mode_t)mode) == 0)
		return u ? give_made(what, dir, mode, u, err, errsz) : 0;
	if (errno != EEXIST)
		return errorf(err, errsz, "%s %s: %s", what, dir, strerror(errno));
	struct stat st;
	if (lstat(dir, &st) < 0)
		return errorf(err, errsz, "%s %s: %s", what, dir, strerror(errno));
	if (S_ISLNK(st.st_mode))
		return errorf(err, errsz, "%s %s: a symbolic link; name the directory itself", what, dir);
	if (!S_ISDIR(st.st_mode))
		return errorf(err, errsz, "%s %s: not a directory", what, dir);
	/* Root opening files where another user may plant links would follow them. */
	if (!u && geteuid() == 0 && (st.st_uid != 0 || (st.st_mode & 022)))
		return errorf(err, errsz, "%s %s: %s, and the daemon runs as root: a link planted there would be "
			      "followed by root (chown root and chmod go-w it, or set [general] user)", what, dir,
			      st.st_uid != 0 ? "belongs to another user" : "others may write in it");
	return 0;
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
