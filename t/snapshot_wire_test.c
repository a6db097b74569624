/* snapshot_wire: a snapshot survives the trip between the sampler and the rest
 * bit for bit (simulated hosts with hostile names, the hypervisor's thieves,
 * KVM host thieves), and every kind of bad message is refused with a reason. */
#include "config.h"
#include "lib/snapshot_wire.h"
#include "lib/wire_reader.h"
#include "sources/source.h"
#include "t/tap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool same(const struct snapshot *a, const struct snapshot *b)
{
	if (a->t_ns != b->t_ns || a->wall != b->wall || memcmp(&a->host, &b->host, sizeof(a->host)) ||
	    a->trace.on != b->trace.on || a->trace.records != b->trace.records || strcmp(a->trace.why, b->trace.why) ||
	    a->ndoms != b->ndoms || a->nnets != b->nnets || a->nvbds != b->nvbds || a->nvcpu_ns != b->nvcpu_ns ||
	    a->nhv_vcpus != b->nhv_vcpus || a->nthief_names != b->nthief_names || a->names_len != b->names_len ||
	    memcmp(a->names, b->names, a->names_len))
		return false;
	for (uint32_t i = 0; i < a->ndoms; i++) {
		const struct domain *x = &a->doms[i], *y = &b->doms[i];
		bool pct = isnan(x->cpu_pct_reported) ? isnan(y->cpu_pct_reported) : x->cpu_pct_reported == y->cpu_pct_reported;
		if (x->domid != y->domid || x->name_off != y->name_off || x->cpu_ns != y->cpu_ns || !pct ||
		    memcmp(&x->net, &y->net, sizeof(x->net)) || memcmp(&x->vbd, &y->vbd, sizeof(x->vbd)) ||
		    memcmp(&x->hv, &y->hv, sizeof(x->hv)) || memcmp(&x->guest, &y->guest, sizeof(x->guest)) ||
		    x->has_hv != y->has_hv || x->has_guest != y->has_guest || x->vcpu_count != y->vcpu_count ||
		    x->pid != y->pid || x->balloon_bytes != y->balloon_bytes || x->libvirt_delay_ns != y->libvirt_delay_ns)
			return false;
	}
	return !memcmp(a->vcpu_ns, b->vcpu_ns, a->nvcpu_ns * sizeof(*a->vcpu_ns)) &&
	       !memcmp(a->thief_names, b->thief_names, a->nthief_names * sizeof(*a->thief_names));
}

static int decode(const struct strbuf *b, struct snapshot *out, char *why, size_t whysz)
{
	enum wire_type type;
	uint32_t plen;
	const char *hw;
	if (wire_header((const uint8_t *)b->s, b->len, &type, &plen, &hw) < 0) {
		snprintf(why, whysz, "%s", hw);
		return -1;
	}
	if (plen != b->len - WIRE_HEADER) {
		snprintf(why, whysz, "payload %u, message %zu", plen, b->len);
		return -1;
	}
	return wire_get_snapshot((const uint8_t *)b->s + WIRE_HEADER, plen, out, why, whysz);
}

int main(void)
{
	char err[256], why[256];
	struct snapshot snap = { 0 }, back = { 0 };
	struct source_options so = { .step_s = 1 };
	struct source *src = source_open("sim:20,hostile,churn,trace", &so, err, sizeof(err));
	ok(src != NULL, "a simulated host with hostile names, churn and the trace (%s)", src ? "" : err);
	struct strbuf b = { 0 };
	bool all = true;
	for (int i = 0; i < 30 && src; i++) {
		snapshot_reset(&snap);	/* sources fill a reset snapshot, as model_next gives them */
		if (source_sample(src, &snap, err, sizeof(err)) != 0)
			break;
		snapshot_add_thief_name(&snap, HV_THIEF_HOST_BASE + 1, "host:burn");
		b.len = 0;
		wire_put_snapshot(&b, &snap);
		if (decode(&b, &back, why, sizeof(why)) < 0 || !same(&snap, &back)) {
			diag("sample %d: %s", i, why);
			all = false;
		}
	}
	ok(all, "30 samples make the trip unchanged");
	/* The fuzz target's seed, small: WIRE_SEED=FILE t/snapshot_wire.t */
	const char *seed = getenv("WIRE_SEED");
	struct source *small = seed ? source_open("sim:2,trace", &so, err, sizeof(err)) : NULL;
	if (small)
		snapshot_reset(&snap);
	FILE *f = small && source_sample(small, &snap, err, sizeof(err)) == 0 ? fopen(seed, "wb") : NULL;
	if (f) {
		struct strbuf sb = { 0 };
		wire_put_snapshot(&sb, &snap);
		fwrite(sb.s, 1, sb.len, f);
		fclose(f);
		sb_free(&sb);
	}
	if (small)
		source_close(small);
	ok(snap.ndoms > 0 && snapshot_thief_name(&back, HV_THIEF_HOST_BASE + 1) &&
	   strcmp(snapshot_thief_name(&back, HV_THIEF_HOST_BASE + 1), "host:burn") == 0, "a host thief's name too");

	/* Hostile messages: each refused, with its reason. */
	struct strbuf m = { 0 };
	sb_append(&m, b.s, b.len);
	size_t plen = b.len - WIRE_HEADER;
	uint8_t *p = (uint8_t *)m.s + WIRE_HEADER;
	enum wire_type type;
	uint32_t len;
	const char *hw;
	ok(wire_header((const uint8_t *)"VSW1", 4, &type, &len, &hw) < 0 && strstr(hw, "cut short"), "a header cut short");
	m.s[0] ^= 1;
	ok(wire_header((const uint8_t *)m.s, m.len, &type, &len, &hw) < 0 && strstr(hw, "magic"), "a wrong magic");
	m.s[0] ^= 1;
	m.s[4] = 9;
	ok(wire_header((const uint8_t *)m.s, m.len, &type, &len, &hw) < 0 && strstr(hw, "version"), "another version");
	m.s[4] = 1;
	m.s[11] = 0x7f;
	ok(wire_header((const uint8_t *)m.s, m.len, &type, &len, &hw) < 0 && strstr(hw, "larger"), "a huge length");
	m.s[11] = (char)b.s[11];
	for (size_t cut = 0; cut < plen; cut += 1 + cut / 7)
		if (wire_get_snapshot(p, cut, &back, why, sizeof(why)) == 0) {
			ok(0, "a snapshot cut at %zu is refused", cut);
			break;
		}
	ok(1, "a snapshot cut anywhere is refused");
	int refused = 0, tried = 0;
	srand(7);
	for (int k = 0; k < 2000; k++) {	/* single flipped bytes: a refusal or a snapshot that checks */
		size_t at = (size_t)rand() % plen;
		uint8_t was = p[at];
		p[at] ^= (uint8_t)(1 + rand() % 255);
		tried++;
		if (wire_get_snapshot(p, plen, &back, why, sizeof(why)) < 0)
			refused++;
		else if (back.ndoms && back.doms[0].name_off >= back.names_len)
			ok(0, "an accepted snapshot's names are in range");
		p[at] = was;
	}
	ok(refused > 0, "flipped bytes: %d of %d refused, the rest within bounds", refused, tried);
	/* A domain whose name points outside the names. */
	uint8_t *dom0 = p + 8 + 8 + 1 + 8 + 4 + 8 * 3 + 64 + 1 + 8 * 3 + 400 + 7 * 4;
	uint8_t save[4];
	memcpy(save, dom0 + 4, 4);
	memset(dom0 + 4, 0xff, 4);
	ok(wire_get_snapshot(p, plen, &back, why, sizeof(why)) < 0 && strstr(why, "name"), "a name outside the names (%s)", why);
	memcpy(dom0 + 4, save, 4);
	ok(wire_get_snapshot(p, plen, &back, why, sizeof(why)) == 0, "restored, it reads again");
	memset(p + plen - 1, 'x', 1);
	ok(wire_get_snapshot(p, plen, &back, why, sizeof(why)) < 0 && strstr(why, "terminator"), "names without a terminator");

	/* The sampler's loop message: a round trip, and what is refused. */
	struct wire_loop wl = { 1.8e9, 1234.5, 3, 2, 0.004, 1.25, 0.01 }, wl2;
	struct strbuf lm = { 0 };
	wire_put_loop(&lm, &wl);
	ok(lm.len == WIRE_HEADER + WIRE_LOOP_PAYLOAD && wire_header((const uint8_t *)lm.s, lm.len, &type, &len, &hw) == 0 &&
	   type == WIRE_LOOP && len == WIRE_LOOP_PAYLOAD, "a loop message has its type and fixed length");
	ok(wire_get_loop((const uint8_t *)lm.s + WIRE_HEADER, len, &wl2, why, sizeof(why)) == 0 &&
	   memcmp(&wl, &wl2, sizeof(wl)) == 0, "a loop message round trips");
	ok(wire_get_loop((const uint8_t *)lm.s + WIRE_HEADER, len - 1, &wl2, why, sizeof(why)) < 0, "a loop message cut short is refused");
	double nan_ = NAN, neg = -1;
	memcpy(lm.s + WIRE_HEADER + 16 + 16, &nan_, 8);
	ok(wire_get_loop((const uint8_t *)lm.s + WIRE_HEADER, len, &wl2, why, sizeof(why)) < 0 && strstr(why, "not a number"),
	   "a loop message with a NaN time is refused (%s)", why);
	memcpy(lm.s + WIRE_HEADER + 16 + 16, &neg, 8);
	ok(wire_get_loop((const uint8_t *)lm.s + WIRE_HEADER, len, &wl2, why, sizeof(why)) < 0, "... and a negative one");
	lm.s[8] = 41;	/* its length field */
	ok(wire_header((const uint8_t *)lm.s, lm.len, &type, &len, &hw) < 0 && strstr(hw, "wrong length"),
	   "a loop header with another length is refused");
	lm.len = 0;
	wire_put_control(&lm, WIRE_STOP);
	lm.s[8] = 1;
	ok(wire_header((const uint8_t *)lm.s, lm.len, &type, &len, &hw) < 0 && strstr(hw, "control message with a payload"),
	   "a stop with a payload is refused");
	lm.s[6] = 9;
	ok(wire_header((const uint8_t *)lm.s, lm.len, &type, &len, &hw) < 0 && strstr(hw, "unknown"), "an unknown type is refused");

	/* The stream reader: a loop and a snapshot message fed a few bytes at a time come out whole, once. */
	struct wire_reader rd = { 0 };
	lm.len = 0;
	wire_put_loop(&lm, &wl);
	sb_append(&lm, b.s, b.len);
	const uint8_t *pl;
	int whole = 0, early = 0;
	for (size_t at = 0; at < lm.len;) {
		size_t n = 1 + (at * 7) % 97;
		if (n > lm.len - at)
			n = lm.len - at;
		wire_reader_add(&rd, lm.s + at, n);
		at += n;
		int got;
		while ((got = wire_reader_next(&rd, &type, &pl, &len, &hw)) == 1) {
			whole++;
			if (type == WIRE_SNAPSHOT) {
				early += at != lm.len;
				ok(wire_get_snapshot(pl, len, &back, why, sizeof(why)) == 0 && same(&snap, &back),
				   "the reader gives the snapshot whole, after its last byte");
			}
		}
		if (got < 0)
			ok(0, "the reader refused a good stream: %s", hw);
	}
	ok(whole == 2, "two messages out of the pieces (%d)", whole);
	ok(early == 0, "none before its last byte came");
	ok(wire_reader_pending(&rd) == 0, "nothing left over");
	wire_reader_add(&rd, "GARBAGE, NOT A MESSAGE", 22);
	int refused_ = wire_reader_next(&rd, &type, &pl, &len, &hw) < 0 && strstr(hw, "magic");
	ok(refused_, "garbage in the stream is refused (%s)", hw);
	wire_reader_reset(&rd);
	wire_reader_add(&rd, b.s, WIRE_HEADER + 5);
	ok(wire_reader_next(&rd, &type, &pl, &len, &hw) == 0 && wire_reader_pending(&rd) == WIRE_HEADER + 5,
	   "a message cut off waits, and the reader says how much is pending");
	wire_reader_free(&rd);
	sb_free(&lm);

	source_close(src);
	snapshot_free(&snap);
	snapshot_free(&back);
	sb_free(&b);
	sb_free(&m);
	return done_testing();
}
