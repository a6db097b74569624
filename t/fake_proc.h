/*
 * fake_proc.h: a /proc tree of a KVM host made on disk, for the kvm source's
 * tests and benchmark (--proc-root): processes with their stat, VMM command
 * lines, threads with names, schedstat and CPU affinity. Header-only; every
 * write is checked (a test tree that is not what the test thinks is a bug).
 */
#ifndef VSTOP_FAKE_PROC_H
#define VSTOP_FAKE_PROC_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void fp_die(const char *what, const char *path)
{
	fprintf(stderr, "fake_proc: %s %s: %s\n", what, path, strerror(errno));
	exit(99);
}

/* Write `len` bytes (len < 0: a string) to root/fmt..., making directories. */
static void fp_write(const char *root, const void *data, long len, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void fp_write(const char *root, const void *data, long len, const char *fmt, ...)
{
	char path[1024];
	int n = snprintf(path, sizeof(path), "%s/", root);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(path + n, sizeof(path) - (size_t)n, fmt, ap);
	va_end(ap);
	for (char *s = path + n; (s = strchr(s, '/')); s++) {
		*s = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			fp_die("mkdir", path);
		*s = '/';
	}
	/* In place, not renamed: the source keeps schedstat files open and
	 * reads them again with pread, as it may on /proc. */
	FILE *f = fopen(path, "w");
	if (!f)
		fp_die("create", path);
	size_t sz = len < 0 ? strlen(data) : (size_t)len;
	if (fwrite(data, 1, sz, f) != sz || fclose(f) != 0)
		fp_die("write", path);
}

/* A process's stat: utime+stime = ticks (USER_HZ), started at `start`. */
static void fp_stat(const char *root, unsigned pid, const char *comm, char state, unsigned long long ticks,
		    unsigned long long start, unsigned long long rss_pages, unsigned long long flags)
{
	char b[512];
	snprintf(b, sizeof(b), "%u (%s) %c 1 %u %u 0 -1 %llu 0 0 0 0 %llu 0 0 0 20 0 1 0 %llu 0 %llu 0 0 0\n", pid, comm,
		 state, pid, pid, flags, ticks, start, rss_pages);
	fp_write(root, b, -1, "%u/stat", pid);
}

/* A thread: its name, its schedstat (run, wait in ns), where it may run. */
static void fp_thread(const char *root, unsigned pid, unsigned tid, const char *name, unsigned long long run_ns,
		      unsigned long long wait_ns, const char *cpus)
{
	char b[256];
	snprintf(b, sizeof(b), "%s\n", name);
	fp_write(root, b, -1, "%u/task/%u/comm", pid, tid);
	snprintf(b, sizeof(b), "%llu %llu %llu\n", run_ns, wait_ns, run_ns / 1000000 + 1);
	fp_write(root, b, -1, "%u/task/%u/schedstat", pid, tid);
	snprintf(b, sizeof(b), "Name:\t%s\nCpus_allowed:\tff\nCpus_allowed_list:\t%s\n", name, cpus);
	fp_write(root, b, -1, "%u/task/%u/status", pid, tid);
}

/* A command line from NUL-separated arguments in one literal. */
static void fp_cmdline(const char *root, unsigned pid, const char *args, size_t len)
{
	fp_write(root, args, (long)len, "%u/cmdline", pid);
}

/* The host's files the source reads once in a while. */
static void fp_host(const char *root)
{
	fp_write(root, "MemTotal:       16384000 kB\nMemFree:         1000 kB\nMemAvailable:    8192000 kB\n", -1, "meminfo");
	fp_write(root, "processor\t: 0\ncpu MHz\t\t: 2400.000\n", -1, "cpuinfo");
	char st[2048];
	int o = snprintf(st, sizeof(st), "cpu  8000 0 800 8000 0 0 0 0 0 0\n");
	for (int c = 0; c < 8; c++)
		o += snprintf(st + o, sizeof(st) - (size_t)o, "cpu%d 1000 0 100 1000 0 0 0 0 0 0\n", c);
	snprintf(st + o, sizeof(st) - (size_t)o, "intr 0\nctxt 0\n");
	fp_write(root, st, -1, "stat");
}

#endif
