/* dir_check: see dir_check.h. */
#include "config.h"
#include "lib/dir_check.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

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
	if (access(up, W_OK | X_OK) < 0) {
		snprintf(err, errsz, "%s %s%s%s: cannot write in it: %s", what, dir, made, *made ? up : "", strerror(errno));
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
