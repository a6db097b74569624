/*
 * pcpu_model: each physical CPU's rates over the last interval (how busy, the
 * mean run queue, the pinned vCPUs, who ran there) and a ring of its busy
 * share for the heatmap, from two snapshots' pCPU accounts.
 */
#ifndef VSTOP_PCPU_MODEL_H
#define VSTOP_PCPU_MODEL_H

#include <stdbool.h>
#include <stdint.h>
#include "lib/snapshot.h"

struct pcpu_rates {
	uint32_t cpu;
	bool valid;			/* a rate of this interval (both samples, nothing lost) */
	double busy_pct;		/* of the time the source knows of there */
	double queue;			/* mean number of tasks or vCPUs waiting there */
	double pinned;			/* vCPUs pinned here; NaN when unknown */
	uint64_t busy_ns;		/* this interval */
	uint32_t nrunners;
	struct hv_thief runner[PCPU_RUNNERS + 1];	/* ns this interval, largest first */
};

struct pcpu_model {
	struct pcpu_rates *rates;	/* parallel to the current snapshot's pcpus */
	uint32_t rates_cap;
	float *hist;			/* [slots][len]: busy %, NaN = no rate */
	uint32_t slots, len, head, count;	/* one ring position for all pCPUs */
};

void pcpu_model_init(struct pcpu_model *pm, uint32_t history_len);
/* The rates of cur's pCPUs against prev's (prev NULL: none), and one ring step. */
void pcpu_model_commit(struct pcpu_model *pm, const struct snapshot *prev, const struct snapshot *cur);
/* pCPU cpu's busy % i intervals ago (0 = newest); NaN if none. */
float pcpu_model_hist(const struct pcpu_model *pm, uint32_t cpu, uint32_t i);
void pcpu_model_free(struct pcpu_model *pm);

#endif
