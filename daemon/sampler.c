/* sampler: the source, on schedule, into a channel (see sampler.h). */
#include "config.h"
#include "daemon/sampler.h"

#include <errno.h>
#include <fcntl.h>
#include <cap-ng.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/sample_slots.h"
#include "lib/signals.h"
#include "lib/snapshot_image.h"
#include "lib/snapshot_wire.h"
#include "lib/strbuf.h"

static int write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR && !signal_term)
			continue;
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A slot the rest is not reading. It hands each back with a byte, the slot's
 * number, once it has copied the image out; while every slot is lent (the
 * rest is behind) this waits. -1 when the rest is gone. */
static int free_slot(int acks, bool lent[SAMPLE_SLOTS])
{
	for (;;) {
		uint8_t back[64];
		ssize_t n = read(acks, back, sizeof(back));
		for (ssize_t i = 0; i < n; i++)
			if (back[i] < SAMPLE_SLOTS)
				lent[back[i]] = false;	/* anything else names no slot: ignored */
		if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR))
			return -1;
		if (n > 0)
			continue;
		for (int i = 0; i < SAMPLE_SLOTS; i++)
			if (!lent[i])
				return i;
		if (signal_term)
			return -1;
		struct pollfd p = { .fd = acks, .events = POLLIN };
		(void)poll(&p, 1, -1);
	}
}

/* A byte to the watchdog; a full pipe (the supervisor is behind) loses none
 * that matters: it reads the last one. */
static void beat(int fd, char what)
{
	if (fd >= 0)
		(void)!write(fd, &what, 1);
}

/* Started by hand or by another init than the unit, root's sampler would keep
 * every capability. It keeps what a source needs, as the unit's bounding set
 * says (less what the supervisor needs to start the rest): the hypervisor's
 * interfaces and trace buffers, other users' /proc/PID/io. Its children
 * (xentrace) can get no more. */
static int keep_source_caps(char *err, size_t errsz)
{
	if (geteuid() != 0)
		return 0;
	capng_clear(CAPNG_SELECT_BOTH);
	if (capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET, CAP_SYS_ADMIN,
			  CAP_IPC_LOCK, CAP_SYS_PTRACE, -1) < 0 || capng_apply(CAPNG_SELECT_BOTH) < 0)
		return errorf(err, errsz, "the sampler cannot give up the capabilities it does not need");
	return 0;
}

static void no_reload(void *ctx)
{
	(void)ctx;	/* the supervisor reloads; a new interval restarts the sampler */
}

int sampler_run(const struct sampler_args *a, const struct sampler_channel *ch, int ready)
{
	char err[512];
	struct sample_slots slots;
	signal(SIGHUP, SIG_IGN);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (keep_source_caps(err, sizeof(err)) < 0) {
		log_err("%s", err);
		return SAMPLER_NO_SOURCE;
	}
	if (sample_slots_map(&slots, ch->slots, true, err, sizeof(err)) < 0) {
		log_err("%s", err);
		return SAMPLER_LOST;
	}
	close(ch->slots);
	fcntl(ch->acks, F_SETFL, fcntl(ch->acks, F_GETFL) | O_NONBLOCK);
	if (ch->beat >= 0)
		fcntl(ch->beat, F_SETFL, fcntl(ch->beat, F_GETFL) | O_NONBLOCK);
	signals_sample_begin();
	struct source *src = source_open(a->spec, &a->so, err, sizeof(err));
	signals_sample_end();
	if (!src) {
		log_err("%s", err);
		return SAMPLER_NO_SOURCE;
	}
	if (ready >= 0) {
		(void)!write(ready, "r", 1);
		close(ready);
	}
	struct snapshot snap = { 0 };
	struct strbuf b = { 0 };
	struct wire_loop wl = { 0 };
	bool lent[SAMPLE_SLOTS] = { false };
	struct ticker t;
	int status = SAMPLER_LOST;
	uint64_t samples = 0;
	ticker_start(&t, a->so.step_s);
	for (bool first = true;; first = false) {
		if (!first) {
			if (signals_wait_tick(&t, no_reload, NULL) < 0)
				break;
			double late = (double)-ticker_remaining_ns(&t) / 1e9 + a->so.step_s;
			if (late > wl.lateness_seconds && samples > 1)
				wl.lateness_seconds = late;
		}
		int64_t t0 = clock_now_ns();
		wl.wall = clock_wall_s();
		wl.mono = (double)t0 / 1e9;
		snapshot_reset(&snap);	/* sources fill a reset snapshot */
		beat(ch->beat, SAMPLER_BEAT_BEGIN);
		signals_sample_begin();
		int rc = source_sample(src, &snap, err, sizeof(err));
		signals_sample_end();
		beat(ch->beat, SAMPLER_BEAT_END);
		wl.sample_seconds = (double)(clock_now_ns() - t0) / 1e9;
		b.len = 0;
		if (rc > 0) {
			wire_put_control(&b, WIRE_STOP);
			status = write_all(ch->data, b.s, b.len) == 0 ? SAMPLER_DONE : SAMPLER_LOST;
			break;
		}
		size_t size = rc == 0 ? snapshot_image_size(&snap) : 0;
		if (size > SAMPLE_SLOT_BYTES) {
			snprintf(err, sizeof(err), "a sample of %zu bytes (%u domains) is larger than a slot (%zu): not sent",
				 size, snap.ndoms, SAMPLE_SLOT_BYTES);
			rc = -1;
		}
		if (rc < 0 && wl.failed++ % 60 == 0)
			log_warn("%s (%llu samples failed so far)", err, (unsigned long long)wl.failed);
		samples += rc == 0;
		wl.missed = t.missed;
		wl.cpu_seconds = clock_process_cpu_s();
		wire_put_loop(&b, &wl);	/* a failure goes too: the rest's next rates start afresh */
		if (rc == 0) {
			int slot = free_slot(ch->acks, lent);
			if (slot < 0)
				break;	/* the rest is gone */
			snapshot_image_put(sample_slot(&slots, (uint32_t)slot), &snap);
			lent[slot] = true;
			wire_put_snapshot(&b, (uint32_t)slot, (uint32_t)size);
		}
		if (write_all(ch->data, b.s, b.len) < 0)
			break;	/* the rest is gone or dropped the channel */
	}
	sample_slots_unmap(&slots);
	sb_free(&b);
	snapshot_free(&snap);
	source_close(src);
	return status;
}
