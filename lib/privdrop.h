/*
 * privdrop: a daemon gives up root for good once it has opened what needs it
 * (vstop-agent: xenbus, its listening socket; the RRD and push-queue
 * directories are made as root, their files opened as the user). setgroups,
 * setgid, setuid to the user, then no_new_privs; the capabilities go with
 * uid 0 (no keep-caps). Checked: getting root back must
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
/* Make DIR (with its parents, root's 0755) for a daemon that will write in it
 * as u (NULL: it stays root). Only what this call made changes owner: DIR, when
 * it did not exist, becomes u's with mode. An existing DIR is never chowned and
 * its files never touched: the daemon opens them only after it became u, so a
 * link planted there gets u's rights, not root's. A DIR that is a symlink or
 * not a directory is refused; so is one that others may write in while the
 * daemon stays root. 0, or -1 with "WHAT DIR: why" in err. */
int priv_claim_dir(const char *what, const char *dir, unsigned mode, const struct priv_user *u,
		   char *err, size_t errsz);
/* Become the user for good. 0, or -1 with why. */
int priv_drop(const struct priv_user *u, char *err, size_t errsz);

#endif
