/* push_disk and push_record: the push queue on disk survives reopening (a
 * restart), a torn or corrupt tail is cut and counted, bounds drop the oldest
 * segment and count its points, the cursor resumes where sending stopped, and
 * hostile files in the directory are not trusted. */
#include "config.h"
#include "exporters/push_disk.h"
#include "exporters/push_record.h"
#include "t/tap.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/log.h"

static char dir[256];

/* A body that says which sample it is: "sample N" padded to `len`. */
static size_t body_of(int n, char *buf, size_t len)
{
	memset(buf, 'x', len);
	int k = snprintf(buf, len, "sample %d", n);
	buf[k] = ' ';
	return len;
}

static int sample_of(const uint8_t *body, size_t len)
{
	int n = -1;
	char tmp[32];
	snprintf(tmp, sizeof(tmp), "%.*s", (int)(len < 31 ? len : 31), (const char *)body);
	sscanf(tmp, "sample %d", &n);
	return n;
}

static struct push_disk *reopen(struct push_disk *d, uint64_t max_bytes, double age)
{
	char err[256] = "";
	pd_close(d);
	d = pd_open(dir, max_bytes, age, err, sizeof(err));
	if (!d)
		diag("pd_open: %s", err);
	return d;
}

/* Send (peek and commit) up to n records; returns how many, checking their order. */
static int drain(struct push_disk *d, int n, int *next)
{
	const uint8_t *body;
	size_t len;
	uint32_t pts;
	int got = 0;
	while (got < n && pd_peek(d, &body, &len, &pts) == 1) {
		int s = sample_of(body, len);
		if (s != *next)
			diag("got sample %d, wanted %d", s, *next);
		*next = s + 1;
		pd_commit(d);
		got++;
	}
	return got;
}

static uint64_t last_segment_size(char *path, size_t sz)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	char best[256] = "";
	while ((e = readdir(dp)))
		if (strstr(e->d_name, ".seg") && strcmp(e->d_name, best) > 0)
			snprintf(best, sizeof(best), "%s", e->d_name);
	closedir(dp);
	snprintf(path, sz, "%s/%s", dir, best);
	struct stat st;
	return stat(path, &st) == 0 ? (uint64_t)st.st_size : 0;
}

static void test_record(void)
{
	uint8_t rec[PR_HEADER + 5];
	struct push_record r;
	const char *why;
	pr_header(rec, 1700000000123, 42, "hello", 5);
	memcpy(rec + PR_HEADER, "hello", 5);
	ok(pr_parse(rec, sizeof(rec), &r, &why) == PR_OK && r.ts_ms == 1700000000123 && r.points == 42 &&
	   r.body_len == 5 && !memcmp(r.body, "hello", 5), "a record reads back");
	for (size_t cut = 0; cut < sizeof(rec); cut++)
		if (pr_parse(rec, cut, &r, &why) != PR_SHORT)
			ok(0, "a record cut at %zu bytes is short", cut);
	ok(1, "a record cut anywhere is short, never read");
	/* (Each result is taken before ok(): its message arguments may be read first.) */
	rec[PR_HEADER + 2] ^= 1;
	enum pr_result res = pr_parse(rec, sizeof(rec), &r, &why);
	ok(res == PR_BAD && strstr(why, "checksum"), "a flipped body bit: bad (%s)", why);
	rec[PR_HEADER + 2] ^= 1;
	rec[4] = 0xff, rec[5] = 0xff, rec[6] = 0xff, rec[7] = 0x7f;
	res = pr_parse(rec, sizeof(rec), &r, &why);
	ok(res == PR_BAD, "an impossible length: bad, not read (%s)", why);
	memcpy(rec, "JUNK", 4);
	res = pr_parse(rec, sizeof(rec), &r, &why);
	ok(res == PR_BAD && strstr(why, "magic"), "no magic: bad (%s)", why);
}

int main(void)
{
	log_init("push_disk_test", false);
	test_record();
	snprintf(dir, sizeof(dir), "/tmp/vstop-pushq-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	char err[256] = "", buf[4096], path[512];
	const uint8_t *body;
	size_t len;
	uint32_t pts;
	int next = 0;

	struct push_disk *d = pd_open(dir, 64u << 20, 3600, err, sizeof(err));
	ok(d != NULL, "opens an empty directory (%s)", err);
	ok(pd_peek(d, &body, &len, &pts) == 0, "empty: nothing to send");
	char err2[256] = "";
	ok(pd_open(dir, 64u << 20, 3600, err2, sizeof(err2)) == NULL && strstr(err2, "in use by another vstop daemon"),
	   "a second queue on the same directory is refused (%s)", err2);
	for (int i = 0; i < 10; i++)
		pd_append(d, 1000 + i, 7, buf, body_of(i, buf, 300));
	struct pd_stats st;
	pd_stats(d, &st);
	ok(st.points == 70, "10 records of 7 points queued (%llu)", (unsigned long long)st.points);
	ok(drain(d, 3, &next) == 3 && next == 3, "3 sent in order");

	/* A restart: the 7 not sent come back, from the 4th. */
	d = reopen(d, 64u << 20, 3600);
	pd_stats(d, &st);
	ok(st.points == 49, "after reopening, 7 records of 7 points wait (%llu)", (unsigned long long)st.points);
	ok(drain(d, 100, &next) == 7 && next == 10, "they are sent from where it stopped, in order, none twice");

	/* A torn last record (kill -9 or a power cut mid-write): cut, counted, the rest kept. */
	for (int i = 10; i < 15; i++)
		pd_append(d, 2000 + i, 5, buf, body_of(i, buf, 300));
	pd_close(d);
	d = NULL;
	uint64_t size = last_segment_size(path, sizeof(path));
	ok(truncate(path, (off_t)(size - 100)) == 0, "a torn tail planted in %s", path);
	d = reopen(d, 64u << 20, 3600);
	pd_stats(d, &st);
	ok(st.torn == 1 && st.points == 20, "the torn record is cut and counted, 4 whole ones kept (torn %llu, points %llu)",
	   (unsigned long long)st.torn, (unsigned long long)st.points);
	ok(drain(d, 100, &next) == 4 && next == 14, "the 4 whole ones are sent");

	/* Garbage after a good record: a bad checksum is cut the same way. */
	pd_append(d, 3000, 1, buf, body_of(14, buf, 200));
	pd_close(d);
	d = NULL;
	last_segment_size(path, sizeof(path));
	int fd = open(path, O_WRONLY | O_APPEND);
	ok(fd >= 0 && write(fd, "VSQ1garbagegarbagegarbagegarbage", 32) == 32, "garbage appended");
	close(fd);
	d = reopen(d, 64u << 20, 3600);
	pd_stats(d, &st);
	ok(st.torn == 1 && st.points == 1, "garbage after a record is cut, the record kept");
	ok(drain(d, 100, &next) == 1 && next == 15, "and sent");

	/* Hostile files: a bad cursor means resending from the start, never skipping. */
	pd_append(d, 4000, 2, buf, body_of(15, buf, 200));
	pd_close(d);
	d = NULL;
	snprintf(path, sizeof(path), "%s/cursor", dir);
	FILE *f = fopen(path, "w");
	fputs("vstop push cursor 1\nzzzz 99999999999999999999999\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	f = fopen(path, "w");
	fputs("not a segment\n", f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/ffffffffffffffff.seg.bak", dir);
	f = fopen(path, "w");
	fputs("neither\n", f);
	fclose(f);
	d = reopen(d, 64u << 20, 3600);
	ok(d != NULL, "a hostile cursor and stray files: still opens");
	pd_stats(d, &st);
	ok(st.points >= 2, "a bad cursor resends what is there rather than lose it (%llu points)", (unsigned long long)st.points);
	next = -1;
	while (pd_peek(d, &body, &len, &pts) == 1) {
		next = sample_of(body, len);
		pd_commit(d);
	}
	ok(next == 15, "the last one sent is the last one written");
	struct stat sst;
	ok(stat(path, &sst) == 0, "files that are not its own are left alone");
	unlink(path);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	unlink(path);

	/* The byte bound: the oldest segments go, their points counted. */
	d = reopen(d, 1u << 20, 3600);	/* 1 MiB: segments of 64 KiB */
	char big[8192];
	for (int i = 0; i < 300; i++)	/* 2.4 MB */
		if (pd_append(d, 5000 + i, 10, big, body_of(100 + i, big, sizeof(big))) < 0)
			diag("append %d failed", i);
	pd_stats(d, &st);
	ok(st.bytes <= (1u << 20) + 65536 && st.bytes > (1u << 20) - 3 * 65536,
	   "the queue stays near its 1 MiB bound (%llu bytes)", (unsigned long long)st.bytes);
	ok(st.dropped_full > 0 && st.dropped_full + st.points == 3000,
	   "what went is counted: dropped %llu + queued %llu = 3000 points", (unsigned long long)st.dropped_full,
	   (unsigned long long)st.points);
	int have = pd_peek(d, &body, &len, &pts);
	int first = have ? sample_of(body, len) : -1, last = first;
	ok(have && first > 100, "the oldest went first (now at %d)", first);
	while (pd_peek(d, &body, &len, &pts) == 1) {
		last = sample_of(body, len);
		pd_commit(d);
	}
	ok(last == 399, "the newest is kept (%d..%d)", first, last);

	/* The age bound: segments older than max_age go. */
	d = reopen(d, 1u << 20, 10);
	for (int i = 0; i < 40; i++)
		pd_append(d, (int64_t)i * 1000, 1, big, body_of(i, big, sizeof(big)));	/* 1 s apart, 40 s */
	pd_stats(d, &st);
	have = pd_peek(d, &body, &len, &pts);
	first = have ? sample_of(body, len) : -1;
	ok(have && first >= 20 && first < 40, "records older than 10 s went with their segments (oldest now %d)", first);
	pd_close(d);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path) != 0)
		diag("cleanup failed");
	return done_testing();
}
