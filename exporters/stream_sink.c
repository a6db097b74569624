/*
 * stream_sink: vstopd's local stream. A unix socket on this host serves each
 * snapshot vstopd samples (lib/snapshot_wire.h: a HELLO, then an IMAGE per
 * sample), so that `vstop` opened by hand shows what the daemon sees instead
 * of fighting it for Xen's trace, and without root: who may connect is the
 * socket's group ([stream] group, adm by default).
 *
 * The socket is made as root, before the daemon becomes its user, in a
 * directory only its owner may write (so nobody can swap the socket), with
 * mode 0660. A sender thread accepts readers and writes to them without ever
 * blocking: a reader still behind on the last image misses the next one
 * (counted). Images are built only while someone reads, and leave with their
 * padding zeroed (snapshot_image_scrub): the readers see fields, not memory.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "exporters/stream_conf.h"
#include "exporters/stream_sink.h"
#include "lib/log.h"
#include "lib/sink.h"
#include "lib/snapshot_wire.h"
#include "lib/strbuf.h"
#include "lib/xalloc.h"
#include "model/model.h"

#define STREAM_READERS 16

struct reader { int fd; struct strbuf out; size_t off; };

struct stream_sink {
	int listen_fd, wake[2];
	pthread_t thread;
	pthread_mutex_t lock;		/* frame, frame_gen, the counters */
	struct strbuf hello, frame;	/* the newest image, as a message */
	uint64_t frame_gen;
	atomic_uint nreaders;		/* publish builds images only when someone reads */
	atomic_bool stop;
	uint64_t missed, refused;	/* images a slow reader missed; readers beyond the limit */
	uint64_t shown[3];		/* for the series: readers, missed, refused */
	struct reader r[STREAM_READERS];
	unsigned n;			/* the thread's */
	uint64_t sent_gen;		/* the thread's: the newest image handed to readers */
	char path[CONF_STR];
};

/* The socket's directory: made by us if missing (make; -t only looks), else it
 * must be a directory that only its owner (root, or the user running vstopd)
 * may write. */
static int stream_dir_check(const char *path, bool make, char *err, size_t errsz)
{
	char dir[CONF_STR];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	struct stat st;
	if (lstat(dir, &st) < 0 && errno == ENOENT) {
		char up[CONF_STR];
		snprintf(up, sizeof(up), "%s", dir);
		char *s2 = strrchr(up, '/');
		s2[s2 == up] = '\0';
		if (!make && lstat(up, &st) == 0 && S_ISDIR(st.st_mode))
			return 0;	/* start makes it */
		if (!make || mkdir(dir, 0755) < 0) {
			snprintf(err, errsz, "[stream] path: cannot make %s: %s", dir, make ? strerror(errno) :
				 "its parent is not a directory that exists");
			return -1;
		}
	}
	if (lstat(dir, &st) < 0) {
		snprintf(err, errsz, "[stream] path: %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 022)) {
		snprintf(err, errsz, "[stream] path: %s is not a directory that only %s may write (%s): another user "
			 "could put their own socket there; choose another path", dir, geteuid() ? "you" : "root",
			 !S_ISDIR(st.st_mode) ? "not a directory" : st.st_mode & 022 ? "others may write in it" : "not yours");
		return -1;
	}
	return 0;
}

/* An old socket at path: another vstopd's (refused) or one left by a stop (removed). */
int stream_clear(const char *path, char *err, size_t errsz)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return 0;
	if (!S_ISSOCK(st.st_mode)) {
		snprintf(err, errsz, "[stream] path: %s exists and is not a socket: not removed", path);
		return -1;
	}
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path, path, strlen(path) + 1);	/* [stream] path is checked shorter */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int rc = fd >= 0 ? connect(fd, (struct sockaddr *)&a, sizeof(a)) : -1;
	int e = errno;
	if (fd >= 0)
		close(fd);
	if (rc == 0 || e == EACCES) {
		snprintf(err, errsz, "[stream] path: %s %s (stop it, or give this one another path)", path,
			 rc == 0 ? "is served by another vstopd" : "is a socket this user cannot reach, another vstopd's?");
		return -1;
	}
	unlink(path);
	return 0;
}

/* The group that may read, by name: -1 with the reason when there is none such. */
static int stream_group(const char *name, gid_t *gid, char *err, size_t errsz)
{
	struct group gr, *found = NULL;
	char buf[4096];
	if (getgrnam_r(name, &gr, buf, sizeof(buf), &found) != 0 || !found) {
		snprintf(err, errsz, "[stream] group: no group \"%s\" on this host (groupadd it, or name one that "
			 "exists: its members may read what vstopd samples)", name);
		return -1;
	}
	*gid = found->gr_gid;
	return 0;
}

static int stream_listen(const struct stream_conf *c, char *err, size_t errsz)
{
	gid_t gid;
	if (stream_group(c->group, &gid, err, errsz) < 0 || stream_dir_check(c->path, true, err, errsz) < 0 ||
	    stream_clear(c->path, err, errsz) < 0)
		return -1;
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	memcpy(a.sun_path, c->path, strlen(c->path) + 1);	/* checked shorter than sun_path */
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0) {
		snprintf(err, errsz, "[stream] socket: %s", strerror(errno));
		return -1;
	}
	mode_t old = umask(0177);	/* nobody connects before the group is right */
	int rc = bind(fd, (struct sockaddr *)&a, sizeof(a));
	umask(old);
	if (rc < 0 || chown(c->path, (uid_t)-1, gid) < 0 || chmod(c->path, 0660) < 0 || listen(fd, STREAM_READERS) < 0) {
		int e = errno;
		snprintf(err, errsz, "[stream] %s: %s%s", c->path, strerror(e), geteuid() && (e == EACCES || e == EPERM) ?
			 " (vstopd makes its stream as root: started as another user, give [stream] path in a directory "
			 "of yours and group one of yours, or enabled = no)" : "");
		close(fd);
		return -1;
	}
	return fd;
}

static void reader_drop(struct stream_sink *s, unsigned i)
{
	close(s->r[i].fd);
	sb_free(&s->r[i].out);
	s->r[i] = s->r[--s->n];
	s->r[s->n] = (struct reader){ .fd = -1 };
	atomic_store(&s->nreaders, s->n);
}

static void reader_accept(struct stream_sink *s)
{
	int fd;
	while ((fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) >= 0) {
		if (s->n == STREAM_READERS) {
			close(fd);
			pthread_mutex_lock(&s->lock);
			s->refused++;
			pthread_mutex_unlock(&s->lock);
			log_warn("[stream] %s: a reader refused: %d read already", s->path, STREAM_READERS);
			continue;
		}
		struct reader *r = &s->r[s->n++];
		*r = (struct reader){ .fd = fd };
		sb_append(&r->out, s->hello.s, s->hello.len);
		atomic_store(&s->nreaders, s->n);
	}
}

/* A new image: to every reader that has sent all of the last one. */
static void readers_feed(struct stream_sink *s)
{
	pthread_mutex_lock(&s->lock);
	if (s->frame_gen != s->sent_gen) {
		s->sent_gen = s->frame_gen;
		for (unsigned i = 0; i < s->n; i++) {
			struct reader *r = &s->r[i];
			if (r->off < r->out.len) {
				s->missed++;
				continue;
			}
			r->out.len = r->off = 0;
			sb_append(&r->out, s->frame.s, s->frame.len);
		}
	}
	pthread_mutex_unlock(&s->lock);
}

/* Send what each reader can take now; drop those that closed or failed. */
static void readers_send(struct stream_sink *s)
{
	for (unsigned i = 0; i < s->n;) {
		struct reader *r = &s->r[i];
		char junk[256];
		ssize_t got = recv(r->fd, junk, sizeof(junk), MSG_DONTWAIT);
		bool gone = got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
		while (!gone && r->off < r->out.len) {
			ssize_t n = send(r->fd, r->out.s + r->off, r->out.len - r->off, MSG_NOSIGNAL | MSG_DONTWAIT);
			if (n > 0)
				r->off += (size_t)n;
			else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
				break;
			else if (n < 0 && errno != EINTR)
				gone = true;
		}
		if (gone)
			reader_drop(s, i);
		else
			i++;
	}
}

static void *stream_thread(void *arg)
{
	struct stream_sink *s = arg;
	struct pollfd p[2 + STREAM_READERS];
	while (!atomic_load(&s->stop)) {
		p[0] = (struct pollfd){ .fd = s->listen_fd, .events = POLLIN };
		p[1] = (struct pollfd){ .fd = s->wake[0], .events = POLLIN };
		for (unsigned i = 0; i < s->n; i++)
			p[2 + i] = (struct pollfd){ .fd = s->r[i].fd,
						   .events = POLLIN | (s->r[i].off < s->r[i].out.len ? POLLOUT : 0) };
		if (poll(p, 2 + s->n, -1) < 0 && errno != EINTR)
			break;
		char b[64];
		while (read(s->wake[0], b, sizeof(b)) > 0)
			;
		if (p[0].revents)
			reader_accept(s);
		readers_feed(s);
		readers_send(s);
	}
	return NULL;
}

static void *stream_sink_open(const void *conf, const struct sink_overrides *o, double interval, char *err,
			      size_t errsz)
{
	const struct stream_conf *c = conf;
	struct stream_sink *s = xcalloc(1, sizeof(*s));
	s->listen_fd = stream_listen(c, err, errsz);
	if (s->listen_fd < 0) {
		free(s);
		return NULL;
	}
	snprintf(s->path, sizeof(s->path), "%s", c->path);
	struct wire_hello h = { .interval = interval, .pid = (uint32_t)(o->main_pid ? o->main_pid : getpid()) };
	snprintf(h.source, sizeof(h.source), "%s", o->sampling ? o->sampling : "?");
	wire_put_hello(&s->hello, &h);
	pthread_mutex_init(&s->lock, NULL);
	for (int i = 0; i < STREAM_READERS; i++)
		s->r[i].fd = -1;
	if (pipe2(s->wake, O_CLOEXEC | O_NONBLOCK) < 0 || pthread_create(&s->thread, NULL, stream_thread, s) != 0) {
		snprintf(err, errsz, "[stream] cannot start its thread: %s", strerror(errno));
		close(s->listen_fd);
		free(s);
		return NULL;
	}
	log_info("serving the local stream on %s (group %s)", c->path, c->group);
	return s;
}

static void stream_sink_publish(void *state, const struct sample *smp)
{
	struct stream_sink *s = state;
	pthread_mutex_lock(&s->lock);
	s->shown[0] = atomic_load(&s->nreaders);
	s->shown[1] = s->missed;
	s->shown[2] = s->refused;
	if (smp->host && s->shown[0]) {
		const struct model *m = smp->host;
		s->frame.len = 0;
		wire_put_image(&s->frame, &m->snap[m->cur]);
		s->frame_gen++;
	}
	pthread_mutex_unlock(&s->lock);
	if (smp->host && s->shown[0])
		(void)!write(s->wake[1], "", 1);
}

static void stream_sink_close(void *state)
{
	struct stream_sink *s = state;
	atomic_store(&s->stop, true);
	(void)!write(s->wake[1], "", 1);
	pthread_join(s->thread, NULL);
	while (s->n)
		reader_drop(s, 0);
	close(s->listen_fd);
	close(s->wake[0]);
	close(s->wake[1]);
	sb_free(&s->hello);
	sb_free(&s->frame);
	pthread_mutex_destroy(&s->lock);
	free(s);
}

static const struct series stream_series[] = {
	{ "vstop_stream_readers", "Readers of vstopd's local stream (vstop on this host).",
	  SERIES_GAUGE, NULL, series_context_u64, offsetof(struct stream_sink, shown[0]), NULL, 0, SF_CALL },
	{ "vstop_stream_images_missed_total", "Samples a reader of the local stream missed: it was still reading the last.",
	  SERIES_COUNTER, NULL, series_context_u64, offsetof(struct stream_sink, shown[1]), NULL, 0, SF_CALL },
	{ "vstop_stream_readers_refused_total", "Readers of the local stream refused: as many read already.",
	  SERIES_COUNTER, NULL, series_context_u64, offsetof(struct stream_sink, shown[2]), NULL, 0, SF_CALL },
};

static struct series_set stream_sink_series(void *state)
{
	return (struct series_set){ stream_series, sizeof(stream_series) / sizeof(stream_series[0]), state, NULL };
}

/* What open would refuse that can be found without binding: the group, the directory. */
static int stream_sink_check(const void *conf, const struct sink_overrides *o, char *err, size_t errsz)
{
	const struct stream_conf *c = conf;
	gid_t gid;
	if (stream_group(c->group, &gid, err, errsz) < 0)
		return -1;
	return o->print_only ? 0 : stream_dir_check(c->path, false, err, errsz);
}

const struct sink_ops stream_sink_ops = {
	.name = "stream",
	.conf = &stream_conf_section,
	.wanted = stream_wanted,
	.open = stream_sink_open,
	.series = stream_sink_series,
	.publish = stream_sink_publish,
	.close = stream_sink_close,
	.check = stream_sink_check,
};
