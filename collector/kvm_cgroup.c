/* kvm_cgroup: a vCPU thread's CPU limit and its throttled time (see kvm_cgroup.h). */
#include "config.h"
#include "collector/kvm_cgroup.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "lib/num.h"

#define CG_DEPTH_MAX 64

/* A cgroup path as the kernel prints it: absolute, printable, no . or .. parts. */
static bool path_ok(const char *p, size_t n)
{
	if (!n || p[0] != '/')
		return false;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
			return false;
	for (const char *s = p; s < p + n; s++) {
		if (*s != '/')
			continue;
		size_t rest = (size_t)(p + n - s - 1);
		if ((rest >= 1 && s[1] == '.' && (rest == 1 || s[2] == '/')) ||
		    (rest >= 2 && s[1] == '.' && s[2] == '.' && (rest == 2 || s[3] == '/')))
			return false;
	}
	return true;
}

/* "cpu" among a comma-separated list of controllers. */
static bool has_cpu(const char *c, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t e = i;
		while (e < n && c[e] != ',')
			e++;
		if (e - i == 3 && memcmp(c + i, "cpu", 3) == 0)
			return true;
		i = e + 1;
	}
	return false;
}

/* The v1 line whose controllers include cpu (when v1cpu), else the v2 line. */
static int proc_line(const char *buf, size_t len, bool v1cpu_wanted, bool *v2, char *path, size_t pathsz)
{
	bool found_v2 = false;
	for (size_t at = 0; at < len;) {
		const char *line = buf + at, *nl = memchr(line, '\n', len - at);
		size_t n = nl ? (size_t)(nl - line) : len - at;
		at += n + 1;
		const char *c1 = memchr(line, ':', n), *c2 = c1 ? memchr(c1 + 1, ':', n - (size_t)(c1 + 1 - line)) : NULL;
		if (!c1 || !c2 || c1 == line)
			return -1;
		for (const char *d = line; d < c1; d++)
			if (*d < '0' || *d > '9')
				return -1;
		const char *p = c2 + 1;
		size_t plen = n - (size_t)(p - line), clen = (size_t)(c2 - c1 - 1);
		bool v1cpu = v1cpu_wanted && has_cpu(c1 + 1, clen), unified = clen == 0 && c1 - line == 1 && line[0] == '0';
		if (!v1cpu && !(unified && !found_v2))
			continue;
		if (!path_ok(p, plen) || plen >= pathsz)
			return -1;
		memcpy(path, p, plen);
		path[plen] = '\0';
		*v2 = !v1cpu;
		if (v1cpu)
			return 0;	/* the v1 cpu controller is where a quota would be */
		found_v2 = true;
	}
	return found_v2 ? 0 : -1;
}

int cg_proc_parse(const char *buf, size_t len, bool *v2, char *path, size_t pathsz)
{
	return proc_line(buf, len, true, v2, path, pathsz);
}

int cg_proc_unified_parse(const char *buf, size_t len, char *path, size_t pathsz)
{
	bool v2;
	return proc_line(buf, len, false, &v2, path, pathsz);
}

/* One unsigned decimal, then optional spaces and one newline, and nothing else. */
static int one_u64(const char *b, size_t n, uint64_t *v)
{
	while (n && (b[n - 1] == '\n' || b[n - 1] == ' '))
		n--;
	return num_u64n(b, n, v) == 0 ? 0 : -1;
}

static uint32_t pct_of(uint64_t quota_us, uint64_t period_us)
{
	double pct = 100.0 * (double)quota_us / (double)period_us;
	return pct > 100000 ? 100000 : pct < 1 ? 1 : (uint32_t)(pct + 0.5);
}

int cg_max_parse(const char *buf, size_t len, uint32_t *pct)
{
	const char *sp = memchr(buf, ' ', len);
	uint64_t quota, period;
	if (!sp || one_u64(sp + 1, len - (size_t)(sp + 1 - buf), &period) < 0 || period == 0 || period > 1000000000)
		return -1;
	if ((size_t)(sp - buf) == 3 && memcmp(buf, "max", 3) == 0) {
		*pct = 0;
		return 0;
	}
	if (num_u64n(buf, (size_t)(sp - buf), &quota) < 0 || quota == 0 || quota > 1000000000000ull)
		return -1;
	*pct = pct_of(quota, period);
	return 0;
}

int cg_quota_v1_parse(const char *quota, size_t qlen, const char *period, size_t plen, uint32_t *pct)
{
	uint64_t q, p;
	if (one_u64(period, plen, &p) < 0 || p == 0 || p > 1000000000)
		return -1;
	while (qlen && (quota[qlen - 1] == '\n' || quota[qlen - 1] == ' '))
		qlen--;
	if (qlen == 2 && memcmp(quota, "-1", 2) == 0) {
		*pct = 0;
		return 0;
	}
	if (num_u64n(quota, qlen, &q) < 0 || q == 0 || q > 1000000000000ull)
		return -1;
	*pct = pct_of(q, p);
	return 0;
}

int cg_stat_parse(const char *buf, size_t len, bool v2, uint64_t *throttled_ns)
{
	const char *key = v2 ? "throttled_usec " : "throttled_time ";
	size_t klen = strlen(key);
	for (size_t at = 0; at < len;) {
		const char *line = buf + at, *nl = memchr(line, '\n', len - at);
		size_t n = nl ? (size_t)(nl - line) : len - at;
		at += n + 1;
		uint64_t v;
		if (n <= klen || memcmp(line, key, klen) != 0)
			continue;
		if (num_u64n(line + klen, n - klen, &v) < 0 || (v2 && v > UINT64_MAX / 1000))
			return -1;
		*throttled_ns = v2 ? v * 1000 : v;
		return 0;
	}
	return -1;
}

/* Read dir/name into buf (NUL-terminated): its length, or -1. */
static ssize_t read_at(const char *dir, const char *name, char *buf, size_t sz)
{
	char p[CG_PATH_MAX + 600];
	if ((size_t)snprintf(p, sizeof(p), "%s/%s", dir, name) >= sizeof(p))
		return -1;
	int fd = open(p, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sz - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

bool cg_v2_root(const char *cgroot, char *out, size_t sz)
{
	char b[64];
	snprintf(out, sz, "%s", cgroot);
	if (read_at(out, "cgroup.controllers", b, sizeof(b)) >= 0)
		return true;
	snprintf(out, sz, "%s/unified", cgroot);
	return read_at(out, "cgroup.controllers", b, sizeof(b)) >= 0;
}

/* Where the cpu controller is mounted: v2's root, or one of v1's names. */
static bool mount_dir(const char *cgroot, bool v2, char *out, size_t sz)
{
	static const char *const v1[] = { "cpu,cpuacct", "cpu", "cpuacct,cpu" };
	char b[64];
	if (v2)
		return cg_v2_root(cgroot, out, sz);
	for (size_t i = 0; i < sizeof(v1) / sizeof(v1[0]); i++) {
		snprintf(out, sz, "%s/%s", cgroot, v1[i]);
		if (read_at(out, "cpu.cfs_period_us", b, sizeof(b)) > 0)
			return true;
	}
	return false;
}

/* The limit set on directory dir: 0 (pct 0: none), or -1 unreadable. */
static int limit_at(const char *dir, bool v2, uint32_t *pct)
{
	char q[64], p[64];
	if (v2) {
		ssize_t n = read_at(dir, "cpu.max", q, sizeof(q));
		if (n < 0) {	/* the cpu controller is not enabled here: no limit of its own */
			*pct = 0;
			return 0;
		}
		return cg_max_parse(q, (size_t)n, pct);
	}
	ssize_t nq = read_at(dir, "cpu.cfs_quota_us", q, sizeof(q)), np = read_at(dir, "cpu.cfs_period_us", p, sizeof(p));
	if (nq < 0 || np < 0)
		return -1;
	return cg_quota_v1_parse(q, (size_t)nq, p, (size_t)np, pct);
}

int cg_limit_find(const char *proc, const char *cgroot, uint32_t pid, uint32_t tid, struct cg_limit *out)
{
	char buf[4096], path[CG_PATH_MAX], mnt[CG_PATH_MAX + 100], dir[2 * CG_PATH_MAX + 100];
	memset(out, 0, sizeof(*out));
	out->stat_fd = -1;
	snprintf(dir, sizeof(dir), "%s/%u/task/%u", proc, pid, tid);
	ssize_t n = read_at(dir, "cgroup", buf, sizeof(buf));
	if (n <= 0 || cg_proc_parse(buf, (size_t)n, &out->v2, path, sizeof(path)) < 0 ||
	    !mount_dir(cgroot, out->v2, mnt, sizeof(mnt)))
		return -1;
	for (int depth = 0; depth < CG_DEPTH_MAX; depth++) {
		uint32_t pct;
		snprintf(dir, sizeof(dir), "%s%s", mnt, strcmp(path, "/") ? path : "");
		if (limit_at(dir, out->v2, &pct) < 0)
			return -1;
		if (pct) {
			char st[CG_PATH_MAX * 2 + 120];
			snprintf(st, sizeof(st), "%s/cpu.stat", dir);
			out->stat_fd = open(st, O_RDONLY | O_CLOEXEC);
			if (out->stat_fd < 0)
				return -1;
			out->limit_pct = pct;
			snprintf(out->path, sizeof(out->path), "%s", path);
			return 0;
		}
		char *slash = strrchr(path, '/');
		if (!slash || slash == path) {
			if (strcmp(path, "/") == 0)
				return 0;	/* up to the root: no limit */
			path[1] = '\0';
		} else {
			*slash = '\0';
		}
	}
	return 0;
}

int cg_limit_throttled(const struct cg_limit *l, uint64_t *ns)
{
	char buf[2048];
	if (l->stat_fd < 0)
		return -1;
	ssize_t n = pread(l->stat_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return -1;
	return cg_stat_parse(buf, (size_t)n, l->v2, ns);
}

void cg_limit_close(struct cg_limit *l)
{
	if (l->stat_fd >= 0)
		close(l->stat_fd);
	l->stat_fd = -1;
}
