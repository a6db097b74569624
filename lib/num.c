/* num: strict number parsing (see num.h). */
#include "config.h"
#include "lib/num.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int num_u64n(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int num_u64(const char *s, uint64_t *out)
{
	return num_u64n(s, strlen(s), out);
}

int num_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (!*s || strchr(" \t\n+", s[0]) || strlen(s) > 64)
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v < lo || v > hi)
		return -1;
	/* strtod also takes hex floats, "inf" and "nan": digits, '.', 'e', '-' only. */
	if (strspn(s, "0123456789.eE-") != strlen(s))
		return -1;
	*out = v;
	return 0;
}

int num_seconds(const char *s, double lo, double hi, double *out)
{
	char buf[72];
	size_t n = strlen(s);
	double mult = 1, v;

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n + 1);
	switch (buf[n - 1]) {
	case 's': mult = 1; buf[--n] = '\0'; break;
	case 'm': mult = 60; buf[--n] = '\0'; break;
	case 'h': mult = 3600; buf[--n] = '\0'; break;
	default: break;
	}
	if (num_double(buf, 0, 1e9, &v) < 0)
		return -1;
	v *= mult;
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int num_bytes(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	static const char units[] = "KMGT";
	char buf[32];
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s, n + 1);
	/* "512MiB", "512MB", "512M": the unit's letter is all that counts. */
	if (n > 2 && !strcmp(buf + n - 2, "iB"))
		buf[n -= 2] = '\0';
	else if (n > 1 && buf[n - 1] == 'B' && strchr(units, buf[n - 2]))
		buf[--n] = '\0';
	uint64_t mult = 1;
	const char *u = n ? strchr(units, buf[n - 1]) : NULL;
	if (u && buf[n - 1]) {
		for (const char *p = units; p <= u; p++)
			mult *= 1024;
		buf[--n] = '\0';
	}
	uint64_t v;
	if (num_u64(buf, &v) < 0 || v > UINT64_MAX / mult)
		return -1;
	v *= mult;
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

void num_bytes_str(uint64_t v, char *out, size_t sz)
{
	static const char units[] = "KMGT";
	int u = -1;
	while (u < 3 && v && v % 1024 == 0) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(out, sz, "%llu", (unsigned long long)v);
	else
		snprintf(out, sz, "%llu%c", (unsigned long long)v, units[u]);
}
