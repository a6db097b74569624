/*
 * privdrop: a daemon gives up root for good once it has opened what needs it
 * (vstop-agent: xenbus, its listening socket, its RRD and push-queue
 * directories). setgroups, setgid, setuid to the user, then no_new_privs; the
 * capabilities go with uid 0 (no keep-caps). Checked: getting root back must
 * fail, or the daemon does not go on.
 */
#ifndef VSTOP_PRIVDROP_H
#define VSTOP_PRIVDROP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct priv_user { char name[64]; uid_t uid; gid_t gid; };

/* Look the user up: 0, or -1 with why (no such user, or it is root). */
int priv_lookup(const char *name, struct priv_user *u, char *err, size_t errsz);
/* Give dir, and the files directly in it, to the user (what the daemon will write
 * there as that user; symlinks are not followed). 0, or -1 with why. */
int priv_give_dir(const char *dir, const struct priv_user *u, char *err, size_t errsz);
/* Become the user for good. 0, or -1 with why. */
int priv_drop(const struct priv_user *u, char *err, size_t errsz);

#endif
