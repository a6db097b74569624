/*
 * procstat: strict parser of the cpu lines of /proc/stat.
 * Every field must be a run of decimal digits that fits in 64 bits; a line must
 * end in a newline (a missing one means the read was cut short); CPU ids must
 * ascend, as the kernel prints them. Parsing stops at the first non-cpu line,
 * so the long "intr" line is never looked at.
 */
#include "config.h"
#include "lib/procstat.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t errsz, unsigned line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(char *err, size_t errsz, unsigned line, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(err, errsz, "line %u: ", line);

	if (n > 0 && (size_t)n < errsz) {
		va_start(ap, fmt);
		vsnprintf(err + n, errsz - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Parse the numbers after "cpu" / "cpuN" up to the newline at *end. */
static int parse_fields(const char *p, const char *end, struct cpu_times *t,
			unsigned line, char *err, size_t errsz)
{
	unsigned n = 0;

	memset(t, 0, sizeof(*t));
	for (;;) {
		while (p < end && *p == ' ')
			p++;
		if (p == end)
			break;
		if (*p < '0' || *p > '9')
			return fail(err, errsz, line, "field %u is not an unsigned number", n + 1);
		uint64_t v = 0;
		while (p < end && *p >= '0' && *p <= '9') {
			unsigned d = (unsigned)(*p - '0');
			if (v > (UINT64_MAX - d) / 10)
				return fail(err, errsz, line, "field %u overflows 64 bits", n + 1);
			v = v * 10 + d;
			p++;
		}
		if (p < end && *p != ' ')
			return fail(err, errsz, line, "field %u is not an unsigned number", n + 1);
		/* Fields past the tenth would be a newer kernel's additions: ignored. */
		if (n < CPU_NFIELDS)
			t->field[n] = v;
		n++;
	}
	if (n < CPU_MIN_FIELDS)
		return fail(err, errsz, line, "%u fields, at least %d expected", n, CPU_MIN_FIELDS);
	t->nfields = (uint8_t)(n < CPU_NFIELDS ? n : CPU_NFIELDS);
	return 0;
}

static int grow(struct procstat *out)
{
	uint32_t cap = out->cap ? out->cap * 2 : 16;
	struct cpu_line *c = realloc(out->cpus, cap * sizeof(*c));

	if (!c)
		return -1;
	out->cpus = c;
	out->cap = cap;
	return 0;
}

int procstat_parse(const char *buf, size_t len, struct procstat *out,
		   char *err, size_t errsz)
{
	const char *p = buf, *stop = buf + len;
	unsigned line = 0;
	int seen_total = 0;

	out->ncpus = 0;
	while (p < stop) {
		const char *nl = memchr(p, '\n', (size_t)(stop - p));
		line++;
		if ((size_t)(stop - p) < 3 || memcmp(p, "cpu", 3) != 0) {
			if (!seen_total)
				return fail(err, errsz, line, "expected the aggregate \"cpu\" line first");
			return 0;	/* end of the cpu section */
		}
		if (!nl)
			return fail(err, errsz, line, "truncated (no newline at end of line)");
		const char *q = p + 3;
		if (q < nl && *q == ' ') {
			if (seen_total)
				return fail(err, errsz, line, "second aggregate \"cpu\" line");
			if (parse_fields(q, nl, &out->total, line, err, errsz) < 0)
				return -1;
			seen_total = 1;
		} else {
			if (!seen_total)
				return fail(err, errsz, line, "expected the aggregate \"cpu\" line first");
			uint32_t id = 0;
			const char *d = q;
			while (q < nl && *q >= '0' && *q <= '9' && q - d < 6)
				id = id * 10 + (uint32_t)(*q++ - '0');
			if (q == d || q == nl || *q != ' ')
				return fail(err, errsz, line, "bad cpu name (expected cpuN)");
			if (id >= PROCSTAT_MAX_CPUS)
				return fail(err, errsz, line, "cpu id %u out of range (max %d)",
					    id, PROCSTAT_MAX_CPUS - 1);
			if (out->ncpus && id <= out->cpus[out->ncpus - 1].id)
				return fail(err, errsz, line, "cpu%u out of order or repeated", id);
			if (out->ncpus == out->cap && grow(out) < 0)
				return fail(err, errsz, line, "out of memory");
			struct cpu_line *c = &out->cpus[out->ncpus];
			if (parse_fields(q, nl, &c->times, line, err, errsz) < 0)
				return -1;
			c->id = id;
			out->ncpus++;
		}
		p = nl + 1;
	}
	if (!seen_total)
		return fail(err, errsz, line ? line : 1, "no aggregate \"cpu\" line (empty input)");
	return 0;
}

uint64_t cpu_times_total(const struct cpu_times *t)
{
	uint64_t sum = 0;
	unsigned n = t->nfields < 8 ? t->nfields : 8;

	/* Saturate rather than wrap: hostile input must not fake a small total. */
	for (unsigned i = 0; i < n; i++)
		sum = t->field[i] > UINT64_MAX - sum ? UINT64_MAX : sum + t->field[i];
	return sum;
}

void procstat_free(struct procstat *ps)
{
	free(ps->cpus);
	ps->cpus = NULL;
	ps->ncpus = ps->cap = 0;
}
