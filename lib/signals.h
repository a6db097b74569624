/*
 * signals: the daemons' and batch mode's signal flags. Handlers only set a
 * flag; the loops look at it after each wake-up (sleeps are not restarted).
 */
#ifndef VSTOP_SIGNALS_H
#define VSTOP_SIGNALS_H

#include <signal.h>
#include "lib/clock.h"

extern volatile sig_atomic_t signal_term;	/* SIGTERM or SIGINT: finish and exit */
extern volatile sig_atomic_t signal_hup;	/* SIGHUP: reload the configuration */

/* Install the handlers; SIGPIPE is ignored so writes report EPIPE instead. */
void signals_install(void);

/* The daemons' wait between samples: sleep until the ticker's next deadline,
 * calling reload(ctx) for a SIGHUP, including one that came while sampling.
 * 0 at the deadline; -1 on SIGTERM/SIGINT. */
int signals_wait_tick(struct ticker *t, void (*reload)(void *ctx), void *ctx);

#endif
