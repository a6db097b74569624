/*
 * source_stream: what a local vstopd samples, read from its stream
 * (exporters/stream_sink.c) instead of sampling the host a second time: on a
 * Xen host only one reader can have the trace, and the daemon has it.
 *
 * The daemon is another user's process: every message is checked as hostile
 * input (lib/wire_reader.h cuts them, lib/snapshot_image.h checks an image
 * field by field), and a bad one ends the connection with the reason. Each
 * sample is the newest image the daemon sent; with none yet, it waits for the
 * next, three intervals at most. A stream that ended (vstopd restarted) is
 * connected again at the next sample.
 */
#include "config.h"
#include "collector/source.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/signals.h"
#include "lib/snapshot_image.h"
#include "lib/snapshot_wire.h"
#include "lib/wire_reader.h"
#include "lib/xalloc.h"

#define HELLO_WAIT_MS 3000

struct stream_src {
	int fd;
	char path[108];
	struct wire_reader rd;
	struct wire_hello hello;
};

/* Connect, or -1 with what a sysadmin can do about it. */
static int stream_connect(const char *path, char *err, size_t errsz)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(a.sun_path)) {
		snprintf(err, errsz, "vstopd:%s: a unix socket's path has at most %zu bytes", path, sizeof(a.sun_path) - 1);
		return -1;
	}
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0)
		return fd;
	int e = errno;
	if (fd >= 0)
		close(fd);
	errno = e;
	struct stat st;
	if ((e == EACCES || e == EPERM || e == ECONNREFUSED) && lstat(path, &st) == 0 && !S_ISSOCK(st.st_mode))
		snprintf(err, errsz, "%s is not a socket: vstopd's stream is a unix socket ([stream] path in vstop.conf(5))",
			 path);
	else if (e == EACCES || e == EPERM)
		snprintf(err, errsz, "%s: permission denied: vstopd's stream is for root and the group of [stream] group "
			 "(adm by default): usermod -aG adm $USER, then log in again", path);
	else if (e == ENOENT || e == ECONNREFUSED)
		snprintf(err, errsz, "%s: no vstopd serves its stream here (%s): is vstopd running, with [stream] on "
			 "(vstop.conf(5))?", path, strerror(e));
	else
		snprintf(err, errsz, "%s: %s", path, strerror(e));
	return -1;
}

/* Bytes from the daemon, waiting at most ms: 1, 0 on timeout, -1 with why. */
static int stream_fill(struct stream_src *st, int ms, char *err, size_t errsz)
{
	struct pollfd p = { .fd = st->fd, .events = POLLIN };
	int rc = poll(&p, 1, ms);
	if (rc < 0 && errno == EINTR && signal_term) {
		snprintf(err, errsz, "stopped");
		return -1;
	}
	if (rc <= 0)
		return 0;
	ssize_t n = wire_reader_fill(&st->rd, st->fd);
	if (n > 0)
		return 1;
	snprintf(err, errsz, "vstopd's stream (%s) ended%s%s: vstopd stopped or restarted", st->path,
		 n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
	return -1;
}

static void stream_drop(struct stream_src *st)
{
	if (st->fd >= 0)
		close(st->fd);
	st->fd = -1;
	wire_reader_reset(&st->rd);
}

/* Connect and read the hello: who serves, what, and how often. */
static int stream_start(struct stream_src *st, char *err, size_t errsz)
{
	if ((st->fd = stream_connect(st->path, err, errsz)) < 0)
		return -1;
	double until = clock_now_s() + HELLO_WAIT_MS / 1000.0;
	for (;;) {
		enum wire_type type;
		const uint8_t *payload;
		uint32_t len;
		const char *why;
		int got = wire_reader_next(&st->rd, &type, &payload, &len, &why);
		char bad[200];
		if (got == 1 && type == WIRE_HELLO && wire_get_hello(payload, len, &st->hello, bad, sizeof(bad)) == 0)
			return 0;
		if (got != 0) {
			snprintf(err, errsz, "%s: not vstopd's stream: %s", st->path,
				 got < 0 ? why : type != WIRE_HELLO ? "it did not begin with a hello" : bad);
			break;
		}
		int ms = (int)((until - clock_now_s()) * 1000);
		int rc = ms > 0 ? stream_fill(st, ms, err, errsz) : 0;
		if (rc == 0)
			snprintf(err, errsz, "%s: vstopd said nothing for %d s", st->path, HELLO_WAIT_MS / 1000);
		if (rc <= 0)
			break;
	}
	stream_drop(st);
	return -1;
}

/* The newest image among whole messages read: 1 (in out), 0 none, -1 a bad one. */
static int stream_take(struct stream_src *st, struct snapshot *out, char *err, size_t errsz)
{
	enum wire_type type;
	const uint8_t *payload;
	uint32_t len;
	const char *why;
	int got, found = 0;
	char bad[300];
	while ((got = wire_reader_next(&st->rd, &type, &payload, &len, &why)) == 1) {
		if (type != WIRE_IMAGE) {
			why = "a message that is not an image";
			got = -1;
			break;
		}
		if (snapshot_image_get(payload, len, out, bad, sizeof(bad)) < 0) {
			why = bad;
			got = -1;
			break;
		}
		found = 1;
	}
	if (got < 0) {
		snprintf(err, errsz, "%s: refused what vstopd sent (%s): connecting again at the next sample", st->path, why);
		stream_drop(st);
		return -1;
	}
	return found;
}

/* Who serves, for headers: "vstopd pid 812, xen". */
static void stream_origin(struct source *src, const struct stream_src *st)
{
	src->interval_s = st->hello.interval;
	snprintf(src->origin, sizeof(src->origin), "vstopd pid %u, %s", st->hello.pid, st->hello.source);
}

/* The newest image; with none yet, the next one, three intervals at most. A
 * stream that ends (vstopd restarting) is connected again within that time. */
static int stream_sample(struct source *src, struct snapshot *out, char *err, size_t errsz)
{
	struct stream_src *st = src->priv;
	double wait_s = 3 * st->hello.interval + 2;
	double until = clock_now_s() + wait_s;
	for (;;) {
		if (st->fd < 0) {
			if (stream_start(st, err, errsz) == 0) {
				stream_origin(src, st);
			} else if (signal_term || clock_now_s() >= until) {
				return -1;
			} else {
				nanosleep(&(struct timespec){ 0, 500000000 }, NULL);
				continue;
			}
		}
		int got = stream_take(st, out, err, errsz);
		if (got)
			return got > 0 ? 0 : -1;
		int ms = (int)((until - clock_now_s()) * 1000);
		int rc = ms > 0 ? stream_fill(st, ms, err, errsz) : 0;
		if (rc == 0) {
			snprintf(err, errsz, "%s: vstopd sent no sample for %.0f s (it samples every %g s)", st->path,
				 wait_s, st->hello.interval);
			return -1;
		}
		if (rc < 0 && signal_term)
			return -1;
		if (rc < 0)
			stream_drop(st);	/* ended: connected again above */
	}
}

static void stream_close(struct source *src)
{
	struct stream_src *st = src->priv;
	stream_drop(st);
	wire_reader_free(&st->rd);
	free(st);
	free(src);
}

static const struct source_ops stream_ops = { .name = "vstopd", .sample = stream_sample, .close = stream_close };

struct source *source_stream_open(const char *arg, const struct source_options *opt, char *err, size_t errsz)
{
	(void)opt;
	struct stream_src *st = xcalloc(1, sizeof(*st));
	st->fd = -1;
	snprintf(st->path, sizeof(st->path), "%s", arg[0] ? arg : WIRE_STREAM_PATH);
	if (strlen(arg) >= sizeof(st->path) || stream_start(st, err, errsz) < 0) {
		if (strlen(arg) >= sizeof(st->path))
			snprintf(err, errsz, "vstopd:%s: a unix socket's path has at most %zu bytes", arg, sizeof(st->path) - 1);
		wire_reader_free(&st->rd);
		free(st);
		return NULL;
	}
	struct source *src = xcalloc(1, sizeof(*src));
	src->ops = &stream_ops;
	src->priv = st;
	stream_origin(src, st);
	return src;
}

bool source_stream_available(const char *path)
{
	/* A socket in a directory only root writes: what auto may trust. */
	char dir[108];
	struct stat d;
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return false;
	*slash = '\0';
	if (lstat(dir, &d) < 0 || !S_ISDIR(d.st_mode) || d.st_uid != 0 || (d.st_mode & 022))
		return false;
	char err[300];
	int fd = stream_connect(path, err, sizeof(err));
	if (fd < 0)
		return errno == EACCES || errno == EPERM;	/* there, not ours: say so rather than sample beside it */
	close(fd);
	return true;
}
