/* push_disk: the push queue on disk (see push_disk.h). */
#include "config.h"
#include "exporters/push_disk.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>
#include "lib/dir_check.h"
#include "lib/log.h"
#include "lib/xalloc.h"
#include "exporters/push_record.h"

struct segment {
	uint64_t id;
	uint64_t bytes;			/* its size: records end to end */
	uint64_t points;		/* not yet sent */
	int64_t last_ms;		/* its newest sample */
};

struct push_disk {
	char dir[PATH_MAX];
	int lock_fd, fd;		/* fd: the last segment's, for appending */
	struct segment *segs;		/* by id; the last one takes appends */
	uint32_t nsegs, cap;
	uint64_t read_off;		/* in segs[0]: the next record to send */
	int read_fd;			/* segs[0]'s, for reading */
	uint64_t read_id;
	uint64_t max_bytes, seg_max;
	double max_age_s;
	uint8_t *buf;			/* the peeked record */
	size_t buf_cap, peek_size;
	uint32_t peek_points;
	bool dirty;
	struct pd_stats st;
};

static void seg_path(const struct push_disk *d, uint64_t id, char *out, size_t sz)
{
	if (snprintf(out, sz, "%s/%016" PRIx64 ".seg", d->dir, id) >= (int)sz)
		out[0] = '\0';	/* pd_open keeps dir short enough: not reached */
}

static void buf_reserve(struct push_disk *d, size_t n)
{
	if (n > d->buf_cap) {
		d->buf_cap = n + n / 2;
		d->buf = xrealloc(d->buf, d->buf_cap);
	}
}

/* ---- the read position, kept in "cursor" ---------------------------------- */

/* "vstop push cursor 1\nSEGMENT OFFSET\n"; anything else is not trusted. */
static int cursor_parse(const char *text, uint64_t *id, uint64_t *off)
{
	char extra;
	unsigned long long a, b;
	if (strncmp(text, "vstop push cursor 1\n", 20) != 0)
		return -1;
	if (sscanf(text + 20, "%16llx %20llu%c", &a, &b, &extra) != 3 || extra != '\n')
		return -1;
	*id = a;
	*off = b;
	return 0;
}

static void cursor_save(struct push_disk *d)
{
	char tmp[PATH_MAX + 16], path[PATH_MAX + 16], text[80];
	snprintf(tmp, sizeof(tmp), "%s/cursor.tmp", d->dir);
	snprintf(path, sizeof(path), "%s/cursor", d->dir);
	uint64_t id = d->nsegs ? d->segs[0].id : 0;
	int n = snprintf(text, sizeof(text), "vstop push cursor 1\n%016" PRIx64 " %" PRIu64 "\n", id, d->read_off);
	/* A new file, never one found there: nothing in the directory is followed. */
	if (unlink(tmp) < 0 && errno != ENOENT)
		return;
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, (size_t)n) != n || close(fd) < 0 || rename(tmp, path) < 0) {
		/* The next commit tries again; meanwhile a restart resends from the last one. */
		if (fd >= 0)
			close(fd);
	}
}

/* ---- segments -------------------------------------------------------------- */

static struct segment *seg_add(struct push_disk *d, uint64_t id)
{
	if (d->nsegs == d->cap) {
		d->cap = d->cap ? 2 * d->cap : 16;
		d->segs = xreallocarray(d->segs, d->cap, sizeof(*d->segs));
	}
	struct segment *s = &d->segs[d->nsegs++];
	*s = (struct segment){ .id = id };
	return s;
}

static uint64_t total_bytes(const struct push_disk *d)
{
	uint64_t t = 0;
	for (uint32_t i = 0; i < d->nsegs; i++)
		t += d->segs[i].bytes;
	return t;
}

/* The oldest segment goes (sent, or dropped with its unsent points counted). */
static void seg_drop_oldest(struct push_disk *d, bool sent)
{
	char path[PATH_MAX + 32];
	seg_path(d, d->segs[0].id, path, sizeof(path));
	if (!sent)
		d->st.dropped_full += d->segs[0].points;
	if (d->read_fd >= 0) {
		close(d->read_fd);
		d->read_fd = -1;
	}
	if (unlink(path) < 0 && errno != ENOENT)
		log_warn("push queue: cannot remove %s: %s", path, strerror(errno));
	memmove(d->segs, d->segs + 1, (d->nsegs - 1) * sizeof(*d->segs));
	d->nsegs--;
	d->read_off = 0;
	d->peek_size = 0;
	cursor_save(d);
}

static int seg_start(struct push_disk *d, uint64_t id)
{
	char path[PATH_MAX + 32];
	seg_path(d, id, path, sizeof(path));
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -1;
	if (d->fd >= 0) {
		fdatasync(d->fd);	/* a finished segment is whole on disk */
		close(d->fd);
	}
	d->fd = fd;
	seg_add(d, id);
	return 0;
}

/* Check every record of a segment; cut a torn or corrupt tail. Counts its
 * records from `from` (the cursor's offset in the first segment) as unsent. */
static int seg_recover(struct push_disk *d, struct segment *s, uint64_t *from)
{
	char path[PATH_MAX + 32];
	seg_path(d, s->id, path, sizeof(path));
	int fd = open(path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && !S_ISREG(st.st_mode)) {
		log_warn("push queue: %s is not a regular file: left alone", path);
		close(fd);
		return -1;
	}
	if (fd < 0 || fstat(fd, &st) < 0) {
		log_warn("push queue: cannot read %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	size_t size = (size_t)st.st_size;
	buf_reserve(d, size ? size : 1);
	size_t got = 0;
	while (got < size) {
		ssize_t n = pread(fd, d->buf + got, size - got, (off_t)got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	/* Records before the cursor were sent; a cursor inside a record (not written by
	 * this code) resends that record rather than lose it. */
	uint64_t want = from ? *from : 0, start = 0;
	bool counting = want == 0;
	size_t off = 0, prev_off = 0;
	uint32_t prev_points = 0;
	while (off < got) {
		struct push_record r;
		const char *why;
		enum pr_result res = pr_parse(d->buf + off, got - off, &r, &why);
		if (res != PR_OK) {
			d->st.torn++;
			log_warn("push queue: %s: %s at byte %zu (%zu bytes): cut off there (a write torn by a crash "
				 "or power cut)", path, why, off, got - off);
			if (ftruncate(fd, (off_t)off) < 0)
				log_warn("push queue: cannot cut %s: %s", path, strerror(errno));
			break;
		}
		if (!counting && off >= want) {
			counting = true;
			start = off;
			if (off > want) {
				log_warn("push queue: the cursor (byte %" PRIu64 ") is inside a record of %s; resending it",
					 want, path);
				start = prev_off;
				s->points += prev_points;
			}
		}
		if (counting)
			s->points += r.points;
		s->last_ms = r.ts_ms;
		prev_off = off;
		prev_points = r.points;
		off += PR_HEADER + r.body_len;
	}
	if (!counting)
		start = off;	/* all of it was sent */
	if (from)
		*from = start;
	s->bytes = off;
	close(fd);
	return 0;
}

static int by_id(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

static int recover(struct push_disk *d, char *err, size_t errsz)
{
	DIR *dir = opendir(d->dir);
	if (!dir) {
		snprintf(err, errsz, "push queue %s: %s", d->dir, strerror(errno));
		return -1;
	}
	uint64_t *ids = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		char *end;
		size_t len = strlen(e->d_name);
		if (len != 20 || strcmp(e->d_name + 16, ".seg") != 0)
			continue;	/* not ours: left alone */
		errno = 0;
		unsigned long long id = strtoull(e->d_name, &end, 16);
		if (errno || end != e->d_name + 16)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			ids = xreallocarray(ids, cap, sizeof(*ids));
		}
		ids[n++] = id;
	}
	closedir(dir);
	if (n)
		qsort(ids, n, sizeof(*ids), by_id);

	char path[PATH_MAX + 16], text[128] = "";
	snprintf(path, sizeof(path), "%s/cursor", d->dir);
	uint64_t cur_id = 0, cur_off = 0;
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd >= 0) {
		ssize_t got = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, text, sizeof(text) - 1) : -1;
		close(fd);
		text[got > 0 ? got : 0] = '\0';
		if (cursor_parse(text, &cur_id, &cur_off) < 0) {
			log_warn("push queue: %s is not a cursor this version wrote: sending the queue from its start", path);
			cur_id = cur_off = 0;
		}
	} else if (n) {
		log_warn("push queue: no cursor in %s: sending the queue from its start", d->dir);
	}
	for (size_t i = 0; i < n; i++) {
		if (ids[i] < cur_id) {	/* wholly sent before the restart */
			seg_path(d, ids[i], path, sizeof(path));
			unlink(path);
			continue;
		}
		struct segment *s = seg_add(d, ids[i]);
		bool first = d->nsegs == 1;
		uint64_t from = first && ids[i] == cur_id ? cur_off : 0;
		if (seg_recover(d, s, first ? &from : NULL) < 0) {
			d->nsegs--;
			continue;
		}
		if (first)
			d->read_off = from;
	}
	free(ids);
	uint64_t points = 0;
	for (uint32_t i = 0; i < d->nsegs; i++)
		points += d->segs[i].points;
	if (points)
		log_info("push queue: %" PRIu64 " points in %u segments of %s to send first", points, d->nsegs, d->dir);
	/* Appends go to a new segment: the last one may have been cut. */
	uint64_t next = d->nsegs ? d->segs[d->nsegs - 1].id + 1 : 1;
	if (seg_start(d, next) < 0) {
		snprintf(err, errsz, "push queue %s: cannot make a segment: %s", d->dir, strerror(errno));
		return -1;
	}
	cursor_save(d);
	return 0;
}

/* ---- the queue ------------------------------------------------------------- */

struct push_disk *pd_open(const char *dir, uint64_t max_bytes, double max_age_s, char *err, size_t errsz)
{
	if (dir_make(dir, 0700) < 0) {
		snprintf(err, errsz, "push queue_dir %s: %s", dir, strerror(errno));
		return NULL;
	}
	struct push_disk *d = xcalloc(1, sizeof(*d));
	d->fd = d->read_fd = d->lock_fd = -1;
	if (!realpath(dir, d->dir) || strlen(d->dir) > PATH_MAX - 64) {
		snprintf(err, errsz, "push queue_dir %s: %s", dir, errno ? strerror(errno) : "path too long");
		free(d);
		return NULL;
	}
	d->lock_fd = dir_lock("push queue_dir", d->dir, ".lock", err, errsz);	/* one queue a daemon */
	if (d->lock_fd < 0) {
		free(d);
		return NULL;
	}
	d->max_bytes = max_bytes;
	d->max_age_s = max_age_s;
	/* Segments small enough that dropping the oldest frees a sixteenth of the bound. */
	d->seg_max = max_bytes / 16;
	if (d->seg_max < (64u << 10))
		d->seg_max = 64u << 10;
	if (d->seg_max > (64u << 20))
		d->seg_max = 64u << 20;
	if (recover(d, err, errsz) < 0) {
		pd_close(d);
		return NULL;
	}
	return d;
}

static void enforce_bounds(struct push_disk *d, int64_t now_ms)
{
	while (d->nsegs > 1 && total_bytes(d) > d->max_bytes)
		seg_drop_oldest(d, false);
	while (d->nsegs > 1 && d->segs[0].last_ms < now_ms - (int64_t)(d->max_age_s * 1000))
		seg_drop_oldest(d, false);
}

int pd_append(struct push_disk *d, int64_t ts_ms, uint32_t points, const void *body, size_t len)
{
	if (len == 0 || len > PR_MAX_BODY) {
		errno = EMSGSIZE;
		return -1;
	}
	struct segment *s = &d->segs[d->nsegs - 1];
	if (s->bytes && s->bytes + PR_HEADER + len > d->seg_max) {
		if (seg_start(d, s->id + 1) < 0)
			return -1;
		s = &d->segs[d->nsegs - 1];
	}
	uint8_t hdr[PR_HEADER];
	pr_header(hdr, ts_ms, points, body, (uint32_t)len);
	struct iovec iov[2] = { { hdr, PR_HEADER }, { (void *)body, len } };
	ssize_t n = writev(d->fd, iov, 2);
	if (n != (ssize_t)(PR_HEADER + len)) {
		int e = n < 0 ? errno : ENOSPC;	/* a short write: the disk filled */
		if (n > 0 && ftruncate(d->fd, (off_t)s->bytes) < 0)
			log_warn("push queue: cannot cut a partial record: %s", strerror(errno));
		errno = e;
		return -1;
	}
	s->bytes += (uint64_t)n;
	s->points += points;
	s->last_ms = ts_ms;
	d->dirty = true;
	enforce_bounds(d, ts_ms);
	return 0;
}

int pd_peek(struct push_disk *d, const uint8_t **body, size_t *len, uint32_t *points)
{
	for (;;) {
		if (!d->nsegs)
			return 0;
		struct segment *s = &d->segs[0];
		if (d->read_off >= s->bytes) {
			if (d->nsegs == 1)
				return 0;	/* all sent; appends go on here */
			seg_drop_oldest(d, true);
			continue;
		}
		if (d->read_fd < 0 || d->read_id != s->id) {
			char path[PATH_MAX + 32];
			seg_path(d, s->id, path, sizeof(path));
			if (d->read_fd >= 0)
				close(d->read_fd);
			d->read_fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
			d->read_id = s->id;
			if (d->read_fd < 0) {
				log_warn("push queue: cannot read %s: %s; its points are lost", path, strerror(errno));
				d->st.dropped_corrupt += s->points;
				s->points = 0;
				s->bytes = 0;
				if (d->nsegs == 1)
					return 0;
				seg_drop_oldest(d, true);
				continue;
			}
		}
		uint8_t hdr[PR_HEADER];
		struct push_record r;
		const char *why = "a read error";
		enum pr_result res = PR_BAD;
		if (pread(d->read_fd, hdr, PR_HEADER, (off_t)d->read_off) == PR_HEADER &&
		    (res = pr_parse_header(hdr, PR_HEADER, &r, &why)) == PR_OK &&
		    d->read_off + PR_HEADER + r.body_len <= s->bytes) {
			size_t size = PR_HEADER + r.body_len;
			buf_reserve(d, size);
			res = pread(d->read_fd, d->buf, size, (off_t)d->read_off) == (ssize_t)size
				? pr_parse(d->buf, size, &r, &why) : PR_BAD;
			if (res == PR_OK) {
				*body = r.body;
				*len = r.body_len;
				*points = d->peek_points = r.points;
				d->peek_size = size;
				return 1;
			}
		}
		/* Checked at open, bad now: the disk changed under us. Skip the segment's rest. */
		log_warn("push queue: segment %016" PRIx64 ": %s at byte %" PRIu64 "; its %" PRIu64
			 " unsent points are lost", s->id, why, d->read_off, s->points);
		d->st.dropped_corrupt += s->points;
		s->points = 0;
		d->read_off = s->bytes;
		if (d->nsegs == 1)
			return 0;
	}
}

void pd_commit(struct push_disk *d)
{
	if (!d->peek_size)
		return;
	struct segment *s = &d->segs[0];
	d->read_off += d->peek_size;
	s->points -= d->peek_points < s->points ? d->peek_points : s->points;
	d->peek_size = 0;
	if (d->read_off >= s->bytes && d->nsegs > 1) {
		seg_drop_oldest(d, true);	/* saves the cursor */
	} else if (d->read_off >= s->bytes) {
		/* All sent: the segment starts over, so a queue that has caught up takes
		 * no disk, and a disk that filled up has room again. */
		if (ftruncate(d->fd, 0) == 0) {
			s->bytes = 0;
			d->read_off = 0;
		}
		cursor_save(d);
	} else {
		cursor_save(d);
	}
}

void pd_sync(struct push_disk *d)
{
	if (d->dirty && d->fd >= 0) {
		fdatasync(d->fd);
		d->dirty = false;
	}
}

void pd_stats(const struct push_disk *d, struct pd_stats *out)
{
	*out = d->st;
	out->points = 0;
	for (uint32_t i = 0; i < d->nsegs; i++)
		out->points += d->segs[i].points;
	out->bytes = total_bytes(d);
}

const char *pd_dir(const struct push_disk *d)
{
	return d->dir;
}

void pd_close(struct push_disk *d)
{
	if (!d)
		return;
	if (d->fd >= 0) {
		fdatasync(d->fd);
		close(d->fd);
	}
	/* An empty last segment is not kept. */
	if (d->nsegs && d->segs[d->nsegs - 1].bytes == 0) {
		char path[PATH_MAX + 32];
		seg_path(d, d->segs[d->nsegs - 1].id, path, sizeof(path));
		unlink(path);
	}
	if (d->read_fd >= 0)
		close(d->read_fd);
	if (d->lock_fd >= 0)
		close(d->lock_fd);
	free(d->segs);
	free(d->buf);
	free(d);
}
