/* sampler_link: the rest's end of the split (see sampler_link.h). */
#include "config.h"
#include "daemon/sampler_link.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "lib/clock.h"
#include "lib/fd_pass.h"
#include "lib/log.h"
#include "lib/signals.h"
#include "lib/snapshot_image.h"

void sampler_link_init(struct sampler_link *l, int ctl, const sigset_t *wait_mask)
{
	*l = (struct sampler_link){ .ctl = ctl, .data = -1, .acks = -1, .reload_fd = -1, .wait_mask = *wait_mask };
}

/* The sampler's channel is over: what it counted joins what earlier ones did. */
static void drop_channel(struct sampler_link *l)
{
	if (l->data < 0)
		return;
	close(l->data);
	close(l->acks);
	l->data = l->acks = -1;
	sample_slots_unmap(&l->slots);
	wire_reader_reset(&l->rd);
	l->gone.failed += l->now.failed;
	l->gone.missed += l->now.missed;
	l->gone.cpu_seconds += l->now.cpu_seconds;
	if (l->now.lateness_seconds > l->gone.lateness_seconds)
		l->gone.lateness_seconds = l->now.lateness_seconds;
	l->now = (struct wire_loop){ 0 };
}

/* A sampler replaced one that died: the intervals no sampler was there for
 * are missed deadlines too (the one due now is the new sampler's). */
static void count_restart(struct sampler_link *l)
{
	l->restarts++;
	double gap = clock_now_s() - l->last_snapshot_s;
	if (l->last_snapshot_s > 0 && l->interval_s > 0 && gap > 2 * l->interval_s)
		l->gone.missed += (uint64_t)(gap / l->interval_s) - 1;
}

static enum link_event from_supervisor(struct sampler_link *l, char *err, size_t errsz)
{
	uint8_t msg[WIRE_HEADER + 1];
	int fd[FD_PASS_MAX], nfd;
	ssize_t n = fd_recv(l->ctl, msg, sizeof(msg), fd, &nfd);
	enum wire_type type;
	uint32_t len;
	const char *why;
	if (n == 0) {
		snprintf(err, errsz, "the supervisor is gone");
		return LINK_GONE;
	}
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return LINK_NONE;	/* looked at again by the caller */
	if (n != WIRE_HEADER || wire_header(msg, (size_t)n, &type, &len, &why) < 0 ||
	    !(((type == WIRE_SAMPLER || type == WIRE_SAMPLER_RESTART) && nfd == 3) ||
	      (type == WIRE_RELOAD && nfd <= 1))) {
		/* The supervisor is root and ours: this is a bug, not an attack; say so and go on. */
		log_err("a control message that is not one (%zd bytes, %d descriptors): ignored", n, nfd);
		for (int i = 0; i < nfd; i++)
			close(fd[i]);
		return LINK_NONE;
	}
	if (type == WIRE_RELOAD) {
		l->reload_fd = fd[0];
		return LINK_RELOAD;
	}
	/* The new sampler can arrive before the old one's end was read: the planned
	 * restart is said here then, and not expected of the next channel. */
	if (l->restart_expected)
		log_info("the sampler restarts with the reloaded settings");
	l->restart_expected = false;
	drop_channel(l);
	l->channels++;
	if (type == WIRE_SAMPLER_RESTART)
		count_restart(l);
	char bad[256];
	if (sample_slots_map(&l->slots, fd[2], false, bad, sizeof(bad)) < 0) {
		log_err("the new sampler's channel: %s: dropped", bad);	/* it sees its pipe close and ends */
		for (int i = 0; i < nfd; i++)
			close(fd[i]);
		return LINK_NONE;
	}
	close(fd[2]);
	l->data = fd[0];
	l->acks = fd[1];
	fcntl(l->data, F_SETFL, fcntl(l->data, F_GETFL) | O_NONBLOCK);
	fcntl(l->acks, F_SETFL, fcntl(l->acks, F_GETFL) | O_NONBLOCK);
	return LINK_NONE;
}

/* Whole messages already read: a snapshot or a failure ends the wait. */
static int take_messages(struct sampler_link *l, struct snapshot *s, enum link_event *ev, char *err, size_t errsz)
{
	enum wire_type type;
	const uint8_t *payload;
	uint32_t len;
	const char *why;
	char bad[300];
	int got;
	while ((got = wire_reader_next(&l->rd, &type, &payload, &len, &why)) == 1) {
		if (type == WIRE_SNAPSHOT) {
			uint32_t slot, size;
			if (wire_get_snapshot(payload, len, &slot, &size, bad, sizeof(bad)) < 0) {
				why = bad;
				break;
			}
			int rc = snapshot_image_get(sample_slot(&l->slots, slot), size, s, bad, sizeof(bad));
			uint8_t back = (uint8_t)slot;
			(void)!write(l->acks, &back, 1);	/* copied out, good or bad: the sampler may reuse it */
			if (rc < 0) {
				why = bad;
				break;
			}
			*ev = LINK_SNAPSHOT;
			l->last_snapshot_s = clock_now_s();
			return 1;
		}
		if (type == WIRE_LOOP) {
			uint64_t failed = l->now.failed;
			if (wire_get_loop(payload, len, &l->now, bad, sizeof(bad)) < 0) {
				why = bad;
				break;
			}
			if (l->now.failed > failed) {
				*ev = LINK_FAILED;
				return 1;
			}
			continue;
		}
		if (type == WIRE_STOP) {
			snprintf(err, errsz, "the end of the data");
			*ev = LINK_END;
			return 1;
		}
		why = "a message the sampler does not send";
		break;
	}
	if (got == 0)
		return 0;
	l->refused++;
	snprintf(err, errsz, "refused a message from the sampler (%s): its channel is dropped, "
		 "the last data is stale until the supervisor restarts it", why);
	log_err("%s", err);
	drop_channel(l);
	*ev = LINK_DOWN;
	return 1;
}

enum link_event sampler_link_next(struct sampler_link *l, struct snapshot *s, char *err, size_t errsz)
{
	enum link_event ev;
	for (;;) {
		if (signal_term)
			return LINK_STOPPED;
		if (l->data >= 0 && take_messages(l, s, &ev, err, errsz))
			return ev;
		struct pollfd p[2] = { { .fd = l->ctl, .events = POLLIN }, { .fd = l->data, .events = POLLIN } };
		if (ppoll(p, l->data >= 0 ? 2 : 1, NULL, &l->wait_mask) < 0)
			continue;	/* a signal: looked at above */
		if (p[0].revents) {
			ev = from_supervisor(l, err, errsz);
			if (ev != LINK_NONE)
				return ev;
		}
		if (l->data < 0 || !p[1].revents)
			continue;
		ssize_t n = wire_reader_fill(&l->rd, l->data);
		if (n > 0 || (n < 0 && errno == EAGAIN))
			continue;
		size_t left = wire_reader_pending(&l->rd);
		if (l->restart_expected && n == 0 && !left) {
			snprintf(err, errsz, "the sampler restarts with the reloaded settings");
			log_info("%s", err);
		} else {
			snprintf(err, errsz, "the sampler's channel closed%s%s: the last data is stale until the supervisor "
				 "restarts it", n < 0 ? ": " : "", n < 0 ? strerror(errno) : left ? " in the middle of a message" : "");
			log_warn("%s", err);
		}
		l->restart_expected = false;
		drop_channel(l);
		return LINK_DOWN;
	}
}

void sampler_link_stats(const struct sampler_link *l, struct loop_stats *ls)
{
	ls->failed = l->gone.failed + l->now.failed;
	ls->missed = l->gone.missed + l->now.missed;
	ls->sample_seconds = l->now.sample_seconds;
	ls->source_cpu_seconds = l->gone.cpu_seconds + l->now.cpu_seconds;
	ls->other_cpu_seconds = ls->source_cpu_seconds;
	ls->lateness_seconds = l->now.lateness_seconds > l->gone.lateness_seconds ? l->now.lateness_seconds
										 : l->gone.lateness_seconds;
}

static const struct series link_series[] = {
	{ "vstop_sampler_restarts_total", "Times the privileged sampler was restarted (it died, or sent what was refused).",
	  SERIES_COUNTER, NULL, series_context_u64, offsetof(struct sampler_link, restarts), NULL, 0, SF_CALL },
	{ "vstop_sampler_messages_refused_total", "Messages from the sampler refused as malformed.",
	  SERIES_COUNTER, NULL, series_context_u64, offsetof(struct sampler_link, refused), NULL, 0, SF_CALL },
};

struct series_set sampler_link_series_set(const struct sampler_link *l)
{
	return (struct series_set){ link_series, sizeof(link_series) / sizeof(link_series[0]), l, NULL };
}

void sampler_link_close(struct sampler_link *l)
{
	drop_channel(l);
	wire_reader_free(&l->rd);
}
