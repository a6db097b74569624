/* signals: flag-setting handlers (see signals.h). */
#include "config.h"
#include "lib/signals.h"

#include <string.h>
#include <unistd.h>

volatile sig_atomic_t signal_term, signal_hup;
static volatile sig_atomic_t in_sample;

static void on_term(int sig)
{
	signal_term = sig;
	if (in_sample)
		_exit(128 + sig);	/* a sample that does not end must not hold a stop */
}

void signals_sample_begin(void)
{
	in_sample = 1;
	if (signal_term)	/* came while opening or between: this sample would not be looked at */
		_exit(128 + signal_term);
}

void signals_sample_end(void)
{
	in_sample = 0;
}

static void on_hup(int sig)
{
	(void)sig;
	signal_hup = 1;
}

void signals_install(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_term;	/* no SA_RESTART: a sleep must wake up */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* A reload asked for while a file is being read (the configuration) must
	 * not fail the read: restarted. The waits are never restarted (signal(7)). */
	sa.sa_handler = on_hup;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int signals_wait_tick(struct ticker *t, void (*reload)(void *ctx), void *ctx)
{
	for (;;) {
		if (signal_hup) {
			signal_hup = 0;
			reload(ctx);
		}
		if (signal_term)
			return -1;
		if (ticker_wait(t) == 0)
			return signal_term ? -1 : 0;
	}
}
