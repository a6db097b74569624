/* kvm_proc: strict parsers for /proc files and VMM command lines (kvm_proc.h). */
#include "config.h"
#include "collector/kvm_proc.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/num.h"

/* A decimal field, read in one pass; signed ones are checked but not kept. */
static int field_u64(const char **p, const char *end, bool is_signed, uint64_t *out)
{
	const char *s = *p;
	while (s < end && *s == ' ')
		s++;
	bool negative = is_signed && s < end && *s == '-';
	const char *digits = s + negative, *t = digits;
	/* 19 digits cannot overflow: only a 20th is checked (no division a digit) */
	const char *free_end = end - digits > 19 ? digits + 19 : end;
	uint64_t v = 0;
	for (; t < free_end && (unsigned)(*t - '0') <= 9; t++)
		v = v * 10 + (unsigned)(*t - '0');
	if (t == free_end && t < end && (unsigned)(*t - '0') <= 9) {
		unsigned d = (unsigned)(*t++ - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	if (t == digits || (t < end && *t != ' ' && *t != '\n'))
		return -1;
	*out = negative ? 0 : v;
	*p = t;
	return 0;
}

int proc_stat_parse(const char *buf, size_t len, struct proc_stat *out)
{
	/* "pid (comm) state ppid ...": comm may hold spaces and ')', so it
	 * ends at the last ')'. */
	const char *end = buf + len;
	const char *open = memchr(buf, '(', len);
	const char *close = memrchr(buf, ')', len);
	if (!open || !close || close < open || close - open - 1 > 63 || end - close < 4 || close[1] != ' ')
		return -1;
	size_t comm_len = (size_t)(close - open - 1);
	if (memchr(open + 1, '\0', comm_len))
		return -1;
	memcpy(out->comm, open + 1, comm_len);
	out->comm[comm_len] = '\0';
	out->comm_len = (uint8_t)comm_len;
	out->state = close[2];
	if (out->state < 'A' || out->state > 'z')
		return -1;
	const char *p = close + 3;
	/* Fields 4..24 of proc(5); the signed ones are tty_nr, tpgid,
	 * cutime, cstime, priority, nice, itrealvalue. */
	static const bool is_signed[25] = { [7] = 1, [8] = 1, [16] = 1, [17] = 1, [18] = 1, [19] = 1, [21] = 1 };
	uint64_t f[25] = { 0 };
	for (int i = 4; i <= 24; i++)
		if (field_u64(&p, end, is_signed[i], &f[i]) < 0)
			return -1;
	if (f[4] > UINT32_MAX || f[14] > UINT64_MAX - f[15])
		return -1;
	out->ppid = (uint32_t)f[4];
	out->flags = f[9];
	out->cpu_ticks = f[14] + f[15];
	out->start_ticks = f[22];
	out->rss_pages = f[24];
	out->majflt = f[12];
	return 0;
}

int task_schedstat_parse(const char *buf, size_t len, struct task_schedstat *out)
{
	const char *p = buf, *end = buf + len;
	uint64_t v[3];
	for (int i = 0; i < 3; i++)
		if (field_u64(&p, end, false, &v[i]) < 0)
			return -1;
	if (p != end && !(*p == '\n' && p + 1 == end))
		return -1;
	*out = (struct task_schedstat){ v[0], v[1], v[2] };
	return 0;
}

/* Five fields: three loads ("0.06"), "running/total", the last pid. */
int proc_loadavg_last_pid(const char *buf, size_t len, uint64_t *pid)
{
	if (len && buf[len - 1] == '\n')
		len--;
	size_t i = 0;
	for (int field = 0; field < 4; field++) {
		const char *sp = memchr(buf + i, ' ', len - i);
		size_t end = sp ? (size_t)(sp - buf) : len;
		if (!sp || end == i)
			return -1;
		const char *slash = memchr(buf + i, '/', end - i);
		if ((field == 3) != (slash != NULL))
			return -1;	/* only the fourth is "running/total" */
		for (size_t c = i; c < end; c++)
			if (!((buf[c] >= '0' && buf[c] <= '9') || buf[c] == '.' || buf[c] == '/'))
				return -1;
		i = end + 1;
	}
	return num_u64n(buf + i, len - i, pid);
}

int proc_io_parse(const char *buf, size_t len, struct proc_io *out)
{
	bool rd = false, wr = false;
	size_t i = 0;
	while (i < len) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len;
		const char *colon = memchr(buf + i, ':', end - i);
		uint64_t v;
		if (!colon || colon == buf + i || colon + 2 > buf + end || colon[1] != ' ' ||
		    num_u64n(colon + 2, (size_t)(buf + end - colon - 2), &v) < 0)
			return -1;
		size_t klen = (size_t)(colon - buf - i);
		if (klen == 10 && !memcmp(buf + i, "read_bytes", 10)) {
			if (rd)
				return -1;
			rd = true, out->read_bytes = v;
		} else if (klen == 11 && !memcmp(buf + i, "write_bytes", 11)) {
			if (wr)
				return -1;
			wr = true, out->write_bytes = v;
		}
		i = end + 1;
	}
	return rd && wr ? 0 : -1;
}

int proc_status_swap(const char *buf, size_t len, uint64_t *bytes)
{
	static const char key[] = "\nVmSwap:";
	const char *end = buf + len, *p = buf;
	for (;;) {	/* memmem, strictly within len */
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p || (size_t)(end - p) < sizeof(key) - 1)
			return -1;
		if (!memcmp(p, key, sizeof(key) - 1))
			break;
		p++;
	}
	p += sizeof(key) - 1;
	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	const char *digits = p;
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	uint64_t kb;
	if (p == digits || num_u64n(digits, (size_t)(p - digits), &kb) < 0 || kb > UINT64_MAX >> 10 ||
	    (size_t)(end - p) < 3 || memcmp(p, " kB", 3) || (p + 3 < end && p[3] != '\n'))
		return -1;
	*bytes = kb << 10;
	return 0;
}

enum vmm vmm_from_comm(const char *comm)
{
	/* comm is cut at 15 bytes: "qemu-system-x86", "cloud-hyperviso". Every
	 * process is asked each sample: most are told by their first byte. */
	if (comm[0] != 'q' && comm[0] != 'k' && comm[0] != 'f' && comm[0] != 'c')
		return VMM_NONE;
	if (strncmp(comm, "qemu-system-", 12) == 0 || strcmp(comm, "qemu-kvm") == 0 || strcmp(comm, "kvm") == 0)
		return VMM_QEMU;
	if (strcmp(comm, "firecracker") == 0)
		return VMM_FIRECRACKER;
	if (strncmp(comm, "cloud-hyperviso", 15) == 0)
		return VMM_CLOUD_HYPERVISOR;
	return VMM_NONE;
}

/* "prefix" then a number below 4096, then `tail` (NULL = the end). */
static int numbered(const char *s, const char *prefix, const char *tail)
{
	size_t n = strlen(prefix);
	if (strncmp(s, prefix, n) != 0)
		return -1;
	s += n;
	const char *d = s;
	while (*s >= '0' && *s <= '9')
		s++;
	uint64_t v;
	if (s == d || s - d > 4 || (s - d > 1 && *d == '0') || num_u64n(d, (size_t)(s - d), &v) < 0 || v >= 4096)
		return -1;
	if (tail ? strncmp(s, tail, strlen(tail)) != 0 : *s != '\0')
		return -1;
	return (int)v;
}

int vcpu_from_thread_name(enum vmm vmm, const char *name)
{
	switch (vmm) {
	case VMM_QEMU: {
		/* "CPU N/ACCEL"; the name is cut at 15 bytes, the accelerator may be. */
		int v = numbered(name, "CPU ", "/");
		return v >= 0 && strchr(name, '/')[1] ? v : -1;
	}
	case VMM_FIRECRACKER: return numbered(name, "fc_vcpu ", NULL);
	case VMM_CLOUD_HYPERVISOR: return numbered(name, "vcpu", NULL);
	default: return -1;
	}
}

int qemu_size_parse(const char *s, size_t n, uint64_t *bytes)
{
	size_t d = 0;
	while (d < n && s[d] >= '0' && s[d] <= '9')
		d++;
	uint64_t v, unit = 1ull << 20;	/* QEMU: a bare number is MiB */
	if (d == 0 || num_u64n(s, d, &v) < 0)
		return -1;
	if (n - d == 1 || (n - d == 2 && (s[d + 1] == 'B' || s[d + 1] == 'b' || s[d + 1] == 'i'))) {
		switch (s[d]) {
		case 'b': case 'B': unit = 1; break;
		case 'k': case 'K': unit = 1ull << 10; break;
		case 'm': case 'M': unit = 1ull << 20; break;
		case 'g': case 'G': unit = 1ull << 30; break;
		case 't': case 'T': unit = 1ull << 40; break;
		default: return -1;
		}
	} else if (n != d) {
		return -1;
	}
	if (v > UINT64_MAX / unit)
		return -1;
	*bytes = v * unit;
	return 0;
}

/* One element of a QEMU option list ("key=value", commas doubled in values),
 * unescaped into buf. Returns where the next element starts, or NULL at the end. */
static const char *opt_next(const char *s, char *buf, size_t bufsz, bool *cut)
{
	size_t o = 0;
	*cut = false;
	while (*s) {
		if (*s == ',') {
			if (s[1] != ',')
				break;
			s++;	/* ",," is a comma */
		}
		if (o + 1 < bufsz)
			buf[o++] = *s;
		else
			*cut = true;
		s++;
	}
	buf[o] = '\0';
	return *s == ',' ? s + 1 : NULL;
}

/* The value of `key` in a QEMU option list, or of its first element when it
 * has no "key=" and `implied` is true. */
static bool opt_get(const char *list, const char *key, bool implied, char *out, size_t outsz)
{
	char el[VM_NAME_MAX + 32];
	bool first = true, cut;
	size_t kn = strlen(key);
	for (const char *s = list; s; first = false) {
		s = opt_next(s, el, sizeof(el), &cut);
		const char *eq = strchr(el, '=');
		const char *v = NULL;
		if (eq && (size_t)(eq - el) == kn && strncmp(el, key, kn) == 0)
			v = eq + 1;
		else if (!eq && first && implied)
			v = el;
		if (v) {
			if (cut || strlen(v) >= outsz)
				return false;
			snprintf(out, outsz, "%s", v);
			return true;
		}
	}
	return false;
}

static int bad(char *err, size_t errsz, const char *opt, const char *v)
{
	snprintf(err, errsz, "%s \"%.64s\" is not understood", opt, v);
	return -1;
}

static int qemu_option(struct vm_cmdline *out, const char *opt, const char *v, char *err, size_t errsz)
{
	char val[VM_NAME_MAX];
	if (strcmp(opt, "name") == 0) {
		if (!opt_get(v, "guest", true, val, sizeof(val)) || !val[0])
			return bad(err, errsz, "-name", v);
		snprintf(out->name, sizeof(out->name), "%s", val);
	} else if (strcmp(opt, "smp") == 0) {
		uint64_t n;
		if (!opt_get(v, "cpus", true, val, sizeof(val)) || num_u64(val, &n) < 0 || n == 0 || n > 4096)
			return bad(err, errsz, "-smp", v);
		out->vcpus = (uint32_t)n;
	} else if (strcmp(opt, "m") == 0) {
		if (!opt_get(v, "size", true, val, sizeof(val)) || qemu_size_parse(val, strlen(val), &out->mem_bytes) < 0)
			return bad(err, errsz, "-m", v);
	} else if (strcmp(opt, "id") == 0) {
		uint64_t n;
		if (num_u64(v, &n) < 0 || n == 0 || n > UINT32_MAX)
			return bad(err, errsz, "-id", v);
		out->proxmox_id = (uint32_t)n;
	} else if (strcmp(opt, "accel") == 0 || strcmp(opt, "machine") == 0) {
		if (opt_get(v, "accel", opt[0] == 'a', val, sizeof(val))) {
			out->accel_tcg = strncmp(val, "tcg", 3) == 0;
			out->accel_kvm = strncmp(val, "kvm", 3) == 0;
		}
	} else if (strcmp(opt, "cpu") == 0) {
		out->steal_time_off = strstr(v, "-kvm-steal-time") || strstr(v, "kvm-steal-time=off") ||
			strstr(v, "-kvm_steal_time") || strstr(v, "kvm_steal_time=off");
	} else if (strcmp(opt, "netdev") == 0 && out->ntaps < VM_TAPS) {
		/* "tap,id=n0,ifname=tap0", "type=tap,...", or libvirt's JSON
		 * (whose taps come as fds: their names are libvirt's to give). */
		char type[16] = "";
		if (v[0] != '{' && (opt_get(v, "type", true, type, sizeof(type)) && strcmp(type, "tap") == 0) &&
		    opt_get(v, "ifname", false, val, sizeof(val))) {
			if (!val[0] || strlen(val) >= sizeof(out->taps[0]) || strchr(val, '/'))
				return bad(err, errsz, "-netdev ifname", val);
			snprintf(out->taps[out->ntaps++], sizeof(out->taps[0]), "%s", val);
		}
	}
	return 0;
}

/* cloud-hypervisor: --cpus boot=N, --memory size=S, --net tap=NAME. */
static int ch_option(struct vm_cmdline *out, const char *opt, const char *v, char *err, size_t errsz)
{
	char val[VM_NAME_MAX];
	if (strcmp(opt, "cpus") == 0 && opt_get(v, "boot", false, val, sizeof(val))) {
		uint64_t n;
		if (num_u64(val, &n) < 0 || n == 0 || n > 4096)
			return bad(err, errsz, "--cpus", v);
		out->vcpus = (uint32_t)n;
	} else if (strcmp(opt, "memory") == 0 && opt_get(v, "size", false, val, sizeof(val))) {
		if (qemu_size_parse(val, strlen(val), &out->mem_bytes) < 0)
			return bad(err, errsz, "--memory", v);
	} else if (strcmp(opt, "net") == 0 && out->ntaps < VM_TAPS && opt_get(v, "tap", false, val, sizeof(val))) {
		if (!val[0] || strlen(val) >= sizeof(out->taps[0]) || strchr(val, '/'))
			return bad(err, errsz, "--net tap", val);
		snprintf(out->taps[out->ntaps++], sizeof(out->taps[0]), "%s", val);
	}
	return 0;
}

int vm_cmdline_parse(enum vmm vmm, const char *buf, size_t len, struct vm_cmdline *out, char *err, size_t errsz)
{
	memset(out, 0, sizeof(*out));
	if (len == 0 || buf[len - 1] != '\0') {
		snprintf(err, errsz, "%s", len ? "command line not NUL-terminated" : "empty command line");
		return -1;
	}
	int rc = 0;
	const char *end = buf + len;
	for (const char *a = buf + strlen(buf) + 1; a < end; a += strlen(a) + 1) {
		if (a[0] != '-')
			continue;
		const char *opt = a + 1 + (a[1] == '-');
		const char *v = a + strlen(a) + 1;
		if (vmm == VMM_QEMU && strcmp(opt, "enable-kvm") == 0)
			out->accel_kvm = true;	/* a flag: what follows is the next option */
		if (v >= end)
			break;
		int r = 0;
		if (vmm == VMM_QEMU)
			r = qemu_option(out, opt, v, err, errsz);
		else if (vmm == VMM_CLOUD_HYPERVISOR)
			r = ch_option(out, opt, v, err, errsz);
		else if (vmm == VMM_FIRECRACKER && strcmp(opt, "id") == 0 && v[0] && strlen(v) < sizeof(out->name))
			snprintf(out->name, sizeof(out->name), "%s", v);
		if (r < 0)
			rc = -1;	/* the first problem is said; the rest is still read */
		else
			continue;
		err = NULL, errsz = 0;
	}
	/* QEMU emulates unless told to use KVM (its default accelerator on x86 is TCG), or
	 * run by a name that means KVM (Proxmox's /usr/bin/kvm, RHEL's qemu-kvm). */
	const char *prog = strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
	if (vmm == VMM_QEMU && (strcmp(prog, "kvm") == 0 || strcmp(prog, "qemu-kvm") == 0))
		out->accel_kvm = !out->accel_tcg;
	if (vmm == VMM_QEMU && !out->accel_kvm)
		out->accel_tcg = true;
	return rc;
}

int cpu_list_parse(const char *s, cpu_set_t *set)
{
	CPU_ZERO(set);
	while (*s == ' ' || *s == '\t')
		s++;
	for (;;) {
		char *end;
		if (*s < '0' || *s > '9')
			return -1;
		unsigned long lo = strtoul(s, &end, 10), hi = lo;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -1;
			hi = strtoul(end + 1, &end, 10);
		}
		if (lo > hi || hi >= CPU_SETSIZE)
			return -1;
		for (unsigned long c = lo; c <= hi; c++)
			CPU_SET(c, set);
		s = end;
		if (*s != ',')
			break;
		s++;
	}
	return *s == '\0' || *s == '\n' ? 0 : -1;
}
