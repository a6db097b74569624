/* supervisor: start, watch and restart vstopd's two processes (see supervisor.h). */
#include "config.h"
#include "daemon/supervisor.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>
#include "daemon/sampler.h"
#include "lib/clock.h"
#include "lib/fd_pass.h"
#include "lib/log.h"
#include "lib/sample_slots.h"
#include "lib/signals.h"
#include "lib/snapshot_wire.h"

#define BACKOFF_FIRST_S 1.0
#define BACKOFF_MAX_S 60.0
#define LIVED_LONG_S 30.0	/* a sampler that ran this long starts the backoff over */
/* A sample that has not ended after this many intervals (and this long at
 * least) is stuck: a hostile input, a hung file system, a bug. */
#define WATCHDOG_INTERVALS 3
#define WATCHDOG_MIN_S 10.0

static volatile sig_atomic_t child_exited;

static void on_chld(int sig)
{
	(void)sig;
	child_exited = 1;
}

struct state {
	const struct supervisor *s;
	int ctl;			/* our end of the control socket */
	sigset_t run_mask;		/* what children and the wait unblock */
	pid_t sampler, rest;
	double started, restart_at, backoff;	/* restart_at 0: none due */
	int beat;			/* the sampler's watchdog pipe (sampler.h) */
	double sample_began;		/* when its sample in progress began; 0: none */
	bool restart_now;		/* a reload asked for a new sampler */
	bool replaces_dead;		/* the next one replaces one that died (counted) */
	unsigned restarts;
};

/* A child starts with the signal mask and SIGCHLD of before, and dies with us. */
static void child_setup(const struct state *st, const char *name)
{
	signal(SIGCHLD, SIG_DFL);
	closelog();	/* its descriptor goes with the others: the child's first line reconnects */
	sigprocmask(SIG_SETMASK, &st->run_mask, NULL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	prctl(PR_SET_NAME, name);
}

static void send_control(struct state *st, enum wire_type type, const int *fds, int nfds)
{
	struct strbuf b = { 0 };
	wire_put_control(&b, type);
	if (fd_send(st->ctl, b.s, b.len, fds, nfds) < 0 && errno != EPIPE)
		log_err("cannot reach the rest of vstopd: %s", strerror(errno));
	sb_free(&b);
}

static void channel_close(struct sampler_channel *c)
{
	const int fds[] = { c->data, c->acks, c->slots, c->beat };
	for (int i = 0; i < 4; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	*c = (struct sampler_channel){ -1, -1, -1, -1 };
}

/* A new channel: the sampler's ends in *s, the rest's in *r. */
static int channel_open(struct sampler_channel *s, struct sampler_channel *r)
{
	int data[2], acks[2];
	char err[256];
	*s = *r = (struct sampler_channel){ -1, -1, -1, -1 };
	if (pipe2(data, O_CLOEXEC) < 0) {
		log_err("sampler: pipe: %s", strerror(errno));
		return -1;
	}
	s->data = data[1], r->data = data[0];
	if (pipe2(acks, O_CLOEXEC) < 0) {
		log_err("sampler: pipe: %s", strerror(errno));
		channel_close(s), channel_close(r);
		return -1;
	}
	r->acks = acks[1], s->acks = acks[0];
	if (sample_slots_create(&s->slots, &r->slots, err, sizeof(err)) < 0) {
		log_err("sampler: %s", err);
		channel_close(s), channel_close(r);
		return -1;
	}
	return 0;
}

/* Fork a sampler and give the rest its channel. With wait_ready (the first),
 * wait until it has opened its source: -1 when it could not (it said why),
 * its exit status in *failed. */
static int start_sampler(struct state *st, bool wait_ready, bool replaces_dead, int *failed)
{
	struct sampler_channel mine, theirs;
	int ready[2] = { -1, -1 }, beat[2];
	if (channel_open(&mine, &theirs) < 0)
		return -1;
	if (pipe2(beat, O_CLOEXEC | O_NONBLOCK) < 0) {
		log_err("sampler: pipe: %s", strerror(errno));
		channel_close(&mine), channel_close(&theirs);
		return -1;
	}
	mine.beat = beat[1];
	if (wait_ready && pipe2(ready, O_CLOEXEC) < 0) {
		log_err("sampler: pipe: %s", strerror(errno));
		channel_close(&mine), channel_close(&theirs);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) {
		child_setup(st, "vstopd-sampler");
		const int keep[] = { mine.data, mine.acks, mine.slots, mine.beat, ready[1] };
		fds_close_except(keep, 5);
		exit(st->s->sampler(st->s->ctx, &mine, ready[1]));
	}
	channel_close(&mine);
	if (pid < 0) {
		log_err("sampler: fork: %s", strerror(errno));
		channel_close(&theirs);
		close(beat[0]);
		return -1;
	}
	if (st->beat >= 0)
		close(st->beat);
	st->beat = beat[0];
	st->sampler = pid;
	st->started = clock_now_s();
	st->sample_began = st->started;	/* opening the source counts as its first sample */
	if (wait_ready) {
		char c;
		close(ready[1]);
		ssize_t n;
		do
			n = read(ready[0], &c, 1);
		while (n < 0 && errno == EINTR);
		close(ready[0]);
		if (n != 1) {
			int status = 0;
			waitpid(pid, &status, 0);
			*failed = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
			st->sampler = 0;
			channel_close(&theirs);
			return -1;
		}
	}
	const int fds[] = { theirs.data, theirs.acks, theirs.slots };
	send_control(st, replaces_dead ? WIRE_SAMPLER_RESTART : WIRE_SAMPLER, fds, 3);
	channel_close(&theirs);
	return 0;
}

static int start_rest(struct state *st, int their_end)
{
	pid_t pid = fork();
	if (pid == 0) {
		child_setup(st, "vstopd-rest");
		fds_close_except(&their_end, 1);	/* nothing of its launcher's: only the control socket */
		exit(st->s->rest(st->s->ctx, their_end));
	}
	close(their_end);
	if (pid < 0) {
		log_err("fork: %s", strerror(errno));
		return -1;
	}
	st->rest = pid;
	return 0;
}

static void describe(int status, char *out, size_t sz)
{
	if (WIFSIGNALED(status))
		snprintf(out, sz, "killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(out, sz, "exited with status %d", WEXITSTATUS(status));
}

/* Reap what ended: the sampler is restarted later, the rest ends us. */
static void reap(struct state *st, int *rest_status)
{
	int status;
	pid_t pid;
	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		char how[96];
		describe(status, how, sizeof(how));
		if (pid == st->rest) {
			st->rest = 0;
			*rest_status = status;
			if (!signal_term && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
				log_err("the rest of vstopd (pid %d) %s: stopping", (int)pid, how);
			continue;
		}
		if (pid != st->sampler)
			continue;
		st->sampler = 0;
		if (signal_term || !st->rest || (WIFEXITED(status) && WEXITSTATUS(status) == SAMPLER_DONE))
			continue;	/* stopping, or the end of the data: nothing to restart */
		st->replaces_dead = !st->restart_now;
		if (st->restart_now) {
			st->restart_now = false;
			st->restart_at = clock_now_s();
			continue;
		}
		double lived = clock_now_s() - st->started;
		st->backoff = lived > LIVED_LONG_S || st->backoff == 0 ? BACKOFF_FIRST_S
			    : st->backoff * 2 > BACKOFF_MAX_S ? BACKOFF_MAX_S : st->backoff * 2;
		st->restart_at = clock_now_s() + st->backoff;
		st->restarts++;
		log_err("the sampler (pid %d) %s after %.0f s; the last data is served as stale; "
			"restarting it in %.0f s (restart %u)", (int)pid, how, lived, st->backoff, st->restarts);
	}
}

/* The sampler's beats since the last look: the last one says whether a sample
 * is in progress. Its end of the pipe closed (it is ending): ours is closed
 * too, or ppoll would keep answering at once and SIGCHLD would never come in. */
static void read_beats(struct state *st)
{
	char b[64];
	ssize_t n;
	while (st->beat >= 0 && (n = read(st->beat, b, sizeof(b))) != 0) {
		if (n < 0)
			return;
		st->sample_began = b[n - 1] == SAMPLER_BEAT_BEGIN ? clock_now_s() : 0;
	}
	if (st->beat >= 0) {
		close(st->beat);
		st->beat = -1;
	}
}

static double watchdog_s(const struct state *st)
{
	double w = WATCHDOG_INTERVALS * daemon_interval(st->s->d);
	return w > WATCHDOG_MIN_S ? w : WATCHDOG_MIN_S;
}

/* A sampler stuck in a sample is killed; reap() restarts it, counted. SIGKILL:
 * what is stuck may not be at a point where SIGTERM is looked at. */
static void watchdog(struct state *st, double now)
{
	if (!st->sampler || !st->sample_began || now - st->sample_began < watchdog_s(st))
		return;
	log_err("the sampler (pid %d) has been in one sample for %.0f s (the watchdog allows %.0f s): killing it",
		(int)st->sampler, now - st->sample_began, watchdog_s(st));
	kill(st->sampler, SIGKILL);
	st->sample_began = 0;
}

static void reload(struct state *st)
{
	static struct vstop_conf fresh;	/* 36 KiB, as in loop.c */
	char err[512];
	struct daemon *d = st->s->d;
	if (daemon_reload_check(d, &fresh, err, sizeof(err)) < 0) {
		log_err("reload failed, keeping the running configuration: %s", err);
		return;
	}
	char kept[600];	/* the rest says which in the log */
	conf_keep_restart_keys(&fresh, &d->conf, kept, sizeof(kept));
	bool restart = st->s->sampler_changed(st->s->ctx, &fresh);
	d->conf = fresh;
	int fd = open(d->conf_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && (errno != ENOENT || d->conf_explicit)) {
		log_err("reload: %s: %s", d->conf_path, strerror(errno));
		return;
	}
	send_control(st, WIRE_RELOAD, &fd, fd >= 0);	/* the rest reads it as we did: it may not open it itself */
	if (fd >= 0)
		close(fd);
	if (restart && st->sampler) {
		log_info("reload: the sampler starts again with the new source or interval");
		st->restart_now = true;
		kill(st->sampler, SIGTERM);
	}
}

int supervise(const struct supervisor *s)
{
	struct state st = { .s = s, .ctl = -1, .beat = -1 };
	sigset_t block;
	sigemptyset(&block);
	sigaddset(&block, SIGCHLD);
	sigaddset(&block, SIGHUP);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &st.run_mask);
	struct sigaction sa = { .sa_handler = on_chld };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);

	int pair[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) {
		log_err("socketpair: %s", strerror(errno));
		return 1;
	}
	st.ctl = pair[0];
	int failed = 1;
	if (start_sampler(&st, true, false, &failed) < 0 || start_rest(&st, pair[1]) < 0) {
		if (st.sampler)
			kill(st.sampler, SIGTERM);
		close(st.ctl);
		return failed == VSTOPD_EXIT_NO_SOURCE ? failed : 1;
	}
	int rest_status = 0;
	bool stopping = false;
	while (st.rest) {
		if (signal_term && !stopping) {
			stopping = true;	/* the rest flushes what it queued, then ends */
			kill(st.rest, SIGTERM);
			if (st.sampler)
				kill(st.sampler, SIGTERM);
		}
		if (child_exited) {
			child_exited = 0;
			reap(&st, &rest_status);
			continue;
		}
		if (signal_hup) {
			signal_hup = 0;
			if (!stopping)
				reload(&st);
		}
		read_beats(&st);
		double now = clock_now_s();
		if (!stopping)
			watchdog(&st, now);
		if (st.restart_at && !st.sampler && !stopping && now >= st.restart_at) {
			st.restart_at = 0;
			if (start_sampler(&st, false, st.replaces_dead, NULL) < 0)
				st.restart_at = now + BACKOFF_MAX_S;
			continue;
		}
		double wait = -1;	/* the next thing due: a restart, or the watchdog's deadline */
		if (st.restart_at && !st.sampler)
			wait = st.restart_at > now ? st.restart_at - now : 0;
		else if (st.sampler && st.sample_began)
			wait = st.sample_began + watchdog_s(&st) - now + 0.01;
		struct timespec ts = { 0 };
		if (wait > 0)
			ts = (struct timespec){ (time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9) };
		struct pollfd beat = { .fd = st.sampler ? st.beat : -1, .events = POLLIN };
		ppoll(&beat, 1, wait < 0 ? NULL : &ts, &st.run_mask);
	}
	if (st.sampler) {
		kill(st.sampler, SIGTERM);
		waitpid(st.sampler, NULL, 0);
	}
	close(st.ctl);
	if (st.beat >= 0)
		close(st.beat);
	if (WIFSIGNALED(rest_status))
		return 1;
	return WEXITSTATUS(rest_status);
}
