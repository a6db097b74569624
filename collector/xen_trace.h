/*
 * xen_trace: Xen's trace records as xentrace writes them and libxenctrl's
 * trace buffers hold them (xen/include/public/trace.h, struct t_rec): a
 * header word (the event in bits 0-27, the number of extra words in bits
 * 28-30, bit 31 set when a TSC follows), the TSC (two words, low first),
 * then the extra words. xentrace puts a TRC_TRACE_CPU_CHANGE record (extra:
 * the pCPU, the window size) before the records of each pCPU.
 *
 * Parsed as a stream: a record cut by the end of one read is completed by
 * the next. The input comes from the hypervisor through a file or a pipe, so
 * it is checked like any other: a pCPU past the limit, a CPU change without
 * its pCPU, or a stream that ends inside a record are errors, counted, and
 * never turn into a wrong rate (the consumer is told which pCPU lost what).
 */
#ifndef VSTOP_XEN_TRACE_H
#define VSTOP_XEN_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The events vstop reads (trace.h); the mask that selects only them is
 * TRC_SCHED_MIN: runstate changes, about 7x fewer records than 0x0002f000. */
#define XT_GEN_LOST_RECORDS 0x0001f001u
#define XT_GEN_CPU_CHANGE 0x0001f003u
#define XT_SCHED_RUNSTATE_CHANGE 0x00021001u	/* | old << 8 | new << 4 */
#define XT_SCHED_CONTINUE_RUNNING 0x00021002u
#define XT_IDLE_DOMID 32767u
#define XT_MAX_EXTRA 7
/* The largest pCPU number accepted (Xen's NR_CPUS tops out at 4096 on x86). */
#define XT_MAX_PCPUS 4096

enum xt_runstate { XT_RUNNING, XT_RUNNABLE, XT_BLOCKED, XT_OFFLINE };

/* XT_CONTINUE: the scheduler kept a vCPU running (it is running now). */
enum xt_kind { XT_CPU, XT_LOST, XT_RUNSTATE, XT_CONTINUE, XT_OTHER };

struct xt_record {
	enum xt_kind kind;
	uint32_t event;			/* bits 0-27 of the header */
	bool has_tsc;
	uint64_t tsc;
	uint32_t pcpu;			/* the pCPU it happened on (XT_CPU: the new one) */
	unsigned nextra;
	uint32_t extra[XT_MAX_EXTRA];
	/* XT_RUNSTATE, XT_CONTINUE (both states XT_RUNNING) */
	uint16_t domid, vcpu;
	uint8_t old_state, new_state;	/* enum xt_runstate */
	/* XT_LOST: how many records the hypervisor could not write */
	uint32_t lost;
};

struct xt_parser {
	uint32_t buf[2 + 2 + XT_MAX_EXTRA];	/* a record cut by the end of a read */
	size_t have;				/* bytes of it held */
	uint32_t pcpu;
	bool pcpu_known;			/* a CPU change was seen */
	uint64_t records, bad;			/* parsed; rejected (counted, skipped) */
	char why[160];				/* the last rejection */
};

typedef void (*xt_record_fn)(void *ctx, const struct xt_record *r);

void xt_parser_init(struct xt_parser *p);
/* Parse len bytes, calling fn for every complete, valid record. A record cut
 * at the end waits for the next call. Bad records are skipped and counted in
 * p->bad with the reason in p->why; returns how many were bad in this call. */
uint64_t xt_parse(struct xt_parser *p, const void *data, size_t len, xt_record_fn fn, void *ctx);
/* At the end of the stream: 0, or -1 when it ended inside a record. */
int xt_parser_finish(const struct xt_parser *p, char *err, size_t errsz);

#endif
