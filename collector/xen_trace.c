/* xen_trace: a streaming parser of Xen trace records (see xen_trace.h). */
#include "config.h"
#include "collector/xen_trace.h"

#include <stdio.h>
#include <string.h>

void xt_parser_init(struct xt_parser *p)
{
	memset(p, 0, sizeof(*p));
}

static size_t record_bytes(uint32_t hdr)
{
	return 4 + (hdr >> 31 ? 8 : 0) + 4 * ((hdr >> 28) & XT_MAX_EXTRA);
}

static void reject(struct xt_parser *p, const char *why, uint32_t hdr)
{
	p->bad++;
	snprintf(p->why, sizeof(p->why), "record %llu (event 0x%07x): %s", (unsigned long long)p->records + p->bad,
		 hdr & 0x0fffffffu, why);
}

/* One whole record in w[] (host byte order, as Xen wrote it). */
static void decode(struct xt_parser *p, const uint32_t *w, xt_record_fn fn, void *ctx)
{
	struct xt_record r;
	uint32_t hdr = w[0];
	unsigned k = 1;

	r.event = hdr & 0x0fffffffu;
	r.nextra = (hdr >> 28) & XT_MAX_EXTRA;
	r.has_tsc = hdr >> 31;
	r.tsc = 0;
	if (r.has_tsc) {
		r.tsc = (uint64_t)w[1] | (uint64_t)w[2] << 32;
		k = 3;
	}
	memcpy(r.extra, w + k, r.nextra * sizeof(uint32_t));
	r.pcpu = p->pcpu;
	r.lost = 0;
	r.domid = r.vcpu = 0;
	r.old_state = r.new_state = 0;

	if (r.event == XT_GEN_CPU_CHANGE) {
		if (r.nextra < 1) {
			p->pcpu_known = false;
			reject(p, "a CPU change without its pCPU", hdr);
			return;
		}
		if (r.extra[0] >= XT_MAX_PCPUS) {
			p->pcpu_known = false;	/* what follows belongs to no pCPU we know */
			reject(p, "a CPU change to a pCPU past 4095", hdr);
			return;
		}
		p->pcpu = r.pcpu = r.extra[0];
		p->pcpu_known = true;
		r.kind = XT_CPU;
	} else if (!p->pcpu_known) {
		reject(p, "a record before any CPU change", hdr);
		return;
	} else if (r.event == XT_GEN_LOST_RECORDS) {
		r.kind = XT_LOST;
		r.lost = r.nextra ? r.extra[0] : 1;
	} else if ((r.event & ~0x330u) == XT_SCHED_RUNSTATE_CHANGE || r.event == XT_SCHED_CONTINUE_RUNNING) {
		bool change = r.event != XT_SCHED_CONTINUE_RUNNING;
		if (r.nextra < 1 || !r.has_tsc) {
			reject(p, change ? "a runstate change without its vCPU or its time" :
				  "a continue-running without its vCPU or its time", hdr);
			return;
		}
		if (r.extra[0] >> 16 > XT_IDLE_DOMID) {	/* Xen's domids stop at the idle domain's */
			reject(p, "a runstate change of a domain id past 32767", hdr);
			return;
		}
		r.kind = change ? XT_RUNSTATE : XT_CONTINUE;
		r.old_state = change ? (uint8_t)((r.event >> 8) & 3) : XT_RUNNING;
		r.new_state = change ? (uint8_t)((r.event >> 4) & 3) : XT_RUNNING;
		r.domid = (uint16_t)(r.extra[0] >> 16);
		r.vcpu = (uint16_t)(r.extra[0] & 0xffff);
	} else {
		r.kind = XT_OTHER;
	}
	p->records++;
	fn(ctx, &r);
}

uint64_t xt_parse(struct xt_parser *p, const void *data, size_t len, xt_record_fn fn, void *ctx)
{
	const unsigned char *s = data;
	uint64_t bad0 = p->bad;
	uint32_t w[2 + 2 + XT_MAX_EXTRA];

	/* Complete a record cut by the last read. */
	while (p->have && len) {
		unsigned char *b = (unsigned char *)p->buf;
		size_t need = p->have < 4 ? 4 : record_bytes(p->buf[0]);
		size_t take = need - p->have < len ? need - p->have : len;
		memcpy(b + p->have, s, take);
		p->have += take;
		s += take;
		len -= take;
		if (p->have >= 4 && p->have == record_bytes(p->buf[0])) {
			decode(p, p->buf, fn, ctx);
			p->have = 0;
		}
	}
	/* Whole records straight from the input (copied per word: no alignment assumed). */
	while (len >= 4) {
		uint32_t hdr;
		memcpy(&hdr, s, 4);
		size_t n = record_bytes(hdr);
		if (n > len)
			break;
		memcpy(w, s, n);
		decode(p, w, fn, ctx);
		s += n;
		len -= n;
	}
	if (len) {
		memcpy(p->buf, s, len);
		p->have = len;
	}
	return p->bad - bad0;
}

int xt_parser_finish(const struct xt_parser *p, char *err, size_t errsz)
{
	if (!p->have)
		return 0;
	snprintf(err, errsz, "the trace ends inside a record (%zu of its bytes)", p->have);
	return -1;
}
