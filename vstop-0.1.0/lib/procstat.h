/*
 * procstat: the parser of /proc/stat's cpu lines.
 * A pure function from bytes to counters: it reads the aggregate "cpu" line and
 * every "cpuN" line, stops at the first line that is not a cpu line, and rejects
 * anything malformed with a message that names the line.
 */
#ifndef VSTOP_PROCSTAT_H
#define VSTOP_PROCSTAT_H

#include <stddef.h>
#include <stdint.h>

/* The ten fields of proc(5), in the kernel's order. */
enum cpu_field {
	CPU_USER, CPU_NICE, CPU_SYSTEM, CPU_IDLE, CPU_IOWAIT,
	CPU_IRQ, CPU_SOFTIRQ, CPU_STEAL, CPU_GUEST, CPU_GUEST_NICE,
	CPU_NFIELDS
};

/* Kernels before 2.5.41 print 4 fields; steal arrived with 2.6.11 (8). */
#define CPU_MIN_FIELDS 4
/* Linux's NR_CPUS tops out at 8192; ids and counts past it are input errors. */
#define PROCSTAT_MAX_CPUS 8192

struct cpu_times {
	uint64_t field[CPU_NFIELDS];
	uint8_t nfields;	/* how many the kernel printed, 4..10 */
};

struct cpu_line {
	uint32_t id;
	struct cpu_times times;
};

struct procstat {
	struct cpu_times total;
	struct cpu_line *cpus;	/* ascending by id; offline CPUs are absent */
	uint32_t ncpus;
	uint32_t cap;		/* grows by doubling and stays */
};

/* Parse buf[0..len). Returns 0, or -1 with a message in err. May grow out->cpus. */
int procstat_parse(const char *buf, size_t len, struct procstat *out,
		   char *err, size_t errsz);

/* Busy time in the sense of steal %: the sum of the first eight fields
 * (guest and guest_nice are already counted inside user and nice). */
uint64_t cpu_times_total(const struct cpu_times *t);

void procstat_free(struct procstat *ps);

#endif
