/* nagios_range: Monitoring Plugins threshold ranges (see nagios_range.h). */
#include "config.h"
#include "contrib/nagios/nagios_range.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include "lib/num.h"

static int number(const char *s, size_t n, double *v)
{
	char buf[64];
	bool neg = n && s[0] == '-';
	if (n - neg == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, s + neg, n - neg);
	buf[n - neg] = '\0';
	if (num_double(buf, 0, 1e15, v) < 0)
		return -1;
	if (neg)
		*v = -*v;
	return 0;
}

int nagios_range_parse(const char *s, struct nagios_range *r, char *err, size_t errsz)
{
	const char *orig = s;
	memset(r, 0, sizeof(*r));
	r->end = INFINITY;
	if (*s == '@') {
		r->inside = true;
		s++;
	}
	const char *colon = strchr(s, ':');
	if (!colon) {
		if (number(s, strlen(s), &r->end) < 0)
			goto bad;
	} else {
		size_t sl = (size_t)(colon - s);
		if (sl == 1 && s[0] == '~')
			r->start = -INFINITY;
		else if (!sl || number(s, sl, &r->start) < 0)
			goto bad;	/* the start is required: "N:" or "~:" */
		if (colon[1] && number(colon + 1, strlen(colon + 1), &r->end) < 0)
			goto bad;
	}
	if (r->start > r->end) {
		snprintf(err, errsz, "range \"%s\": start is above end", orig);
		return -1;
	}
	r->set = true;
	return 0;
bad:
	snprintf(err, errsz, "range \"%s\": expected N, N:, ~:N, N:M or @N:M", orig);
	return -1;
}

bool nagios_range_alert(const struct nagios_range *r, double v)
{
	if (!r->set)
		return false;
	bool in = v >= r->start && v <= r->end;
	return r->inside ? in : !in;
}

void nagios_range_str(const struct nagios_range *r, char *buf, size_t sz)
{
	char a[32] = "", b[32] = "";
	if (!r->set) {
		buf[0] = '\0';
		return;
	}
	if (isinf(r->start))
		snprintf(a, sizeof(a), "~");
	else
		snprintf(a, sizeof(a), "%g", r->start);
	if (!isinf(r->end))
		snprintf(b, sizeof(b), "%g", r->end);
	if (r->start == 0 && !isinf(r->end) && !r->inside)
		snprintf(buf, sz, "%s", b);
	else
		snprintf(buf, sz, "%s%s:%s", r->inside ? "@" : "", a, b);
}
