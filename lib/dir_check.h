/*
 * dir_check: can a daemon keep its files in DIR? What -t, start and reload ask
 * of the RRD directory and the push queue's before anything runs: DIR is made
 * with its parents when missing, so the nearest part of it that exists must be
 * a directory this process may write in.
 */
#ifndef VSTOP_DIR_CHECK_H
#define VSTOP_DIR_CHECK_H

#include <stddef.h>

/* 0, or -1 with "WHAT DIR: ..." in err. */
int dir_check_writable(const char *what, const char *dir, char *err, size_t errsz);
/* mkdir -p with mode; -1 with errno. */
int dir_make(const char *dir, unsigned mode);
/* One daemon a directory: an flock on DIR/NAME, which holds the owner's pid for
 * the next one's message; the kernel drops it when the owner dies, so a crash
 * leaves nothing to clean up. The descriptor (the lock lives while it is open),
 * or -1 with "WHAT DIR: in use by another vstop daemon (pid N)" in err. */
int dir_lock(const char *what, const char *dir, const char *name, char *err, size_t errsz);

#endif
