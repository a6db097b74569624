/*
 * signals: the daemons' and batch mode's signal flags. Handlers set a flag;
 * the loops look at it after each wake-up (sleeps are not restarted). The one
 * exception: a stop during a sample (signals_sample_begin).
 */
#ifndef VSTOP_SIGNALS_H
#define VSTOP_SIGNALS_H

#include <signal.h>
#include "lib/clock.h"

extern volatile sig_atomic_t signal_term;	/* SIGTERM or SIGINT (its number): finish and exit */
extern volatile sig_atomic_t signal_hup;	/* SIGHUP: reload the configuration */

/* Install the handlers; SIGPIPE is ignored so writes report EPIPE instead. */
void signals_install(void);

/* Around a source's sample in the processes that hold nothing a stop must
 * finish (the sampler, batch mode): SIGTERM or SIGINT inside ends the process
 * at once (status 128 + the signal) rather than wait for a sample that may
 * never end. */
void signals_sample_begin(void);
void signals_sample_end(void);

/* The daemons' wait between samples: sleep until the ticker's next deadline,
 * calling reload(ctx) for a SIGHUP, including one that came while sampling.
 * 0 at the deadline; -1 on SIGTERM/SIGINT. */
int signals_wait_tick(struct ticker *t, void (*reload)(void *ctx), void *ctx);

#endif
