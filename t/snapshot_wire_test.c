/* snapshot_wire and snapshot_image: a snapshot survives the trip between the
 * sampler and the rest bit for bit (simulated hosts with hostile names, the
 * hypervisor's thieves, KVM host thieves), and every kind of bad image and
 * bad message is refused with a reason. */
#include "config.h"
#include "lib/sample_slots.h"
#include "lib/snapshot_image.h"
#include "lib/snapshot_wire.h"
#include "lib/wire_reader.h"
#include "collector/source.h"
#include "t/tap.h"

#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

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
	       !memcmp(a->thief_names, b->thief_names, a->nthief_names * sizeof(*a->thief_names)) &&
	       a->npcpus == b->npcpus && !memcmp(a->pcpus, b->pcpus, a->npcpus * sizeof(*a->pcpus)) &&
	       a->nblk_devs == b->nblk_devs &&
	       (!a->nblk_devs || !memcmp(a->blk_devs, b->blk_devs, a->nblk_devs * sizeof(*a->blk_devs)));
}

/* Lay s out and read it back into out; the image is left in *img. */
static int trip(const struct snapshot *s, struct snapshot *out, uint8_t **img, size_t *len, char *why, size_t whysz)
{
	*len = snapshot_image_size(s);
	*img = realloc(*img, *len);
	snapshot_image_put(*img, s);
	return snapshot_image_get(*img, *len, out, why, whysz);
}

/* Spoil one thing in a copy of s (through the bytes, as a broken writer would), and expect a refusal saying `want`. */
static void refused(const struct snapshot *s, void (*spoil)(struct snapshot *), const char *want, const char *what)
{
	struct snapshot bad = { 0 }, back = { 0 };
	uint8_t *img = NULL;
	size_t len;
	char why[256] = "";
	snapshot_copy(&bad, s);
	spoil(&bad);
	ok(trip(&bad, &back, &img, &len, why, sizeof(why)) < 0 && strstr(why, want), "%s is refused (%s)", what, why);
	free(img);
	snapshot_free(&bad);
	snapshot_free(&back);
}

static void set_byte(void *field, uint8_t v)
{
	memcpy(field, &v, 1);	/* what a bool may hold when the writer is wrong */
}
static void name_outside(struct snapshot *s) { s->doms[0].name_off = s->names_len + 5; }
static void names_unended(struct snapshot *s) { s->names[s->names_len - 1] = 'x'; }
static void nets_outside(struct snapshot *s) { s->doms[1].net_count = s->nnets + 1; }
static void vcpus_wrap(struct snapshot *s) { s->doms[1].vcpu_first = UINT32_MAX; s->doms[1].vcpu_count = 2; }
static void thieves_many(struct snapshot *s) { s->doms[0].hv.nthieves = HV_THIEVES + 1; }
static void guest_two(struct snapshot *s) { set_byte(&s->doms[0].has_guest, 2); }
static void hv_two(struct snapshot *s) { set_byte(&s->doms[2].has_hv, 0xff); }
static void vbd_error_two(struct snapshot *s) { set_byte(&s->vbds[0].error, 7); }
static void known_two(struct snapshot *s) { set_byte(&s->host.known, 3); }
static void hypervisor_unended(struct snapshot *s) { memset(s->host.hypervisor, 'x', sizeof(s->host.hypervisor)); }
static void why_unended(struct snapshot *s) { memset(s->trace.why, 'y', sizeof(s->trace.why)); }
static void wall_nan(struct snapshot *s) { s->wall = NAN; }
static void thief_name_outside(struct snapshot *s) { s->thief_names[0].name_off = s->names_len; }

/* A simulated host's samples make the trip through an image; the last is left in *snap. */
static void test_samples_trip(struct snapshot *snap)
{
	char err[256], why[256];
	struct snapshot back = { 0 };
	struct source_options so = { .step_s = 1 };
	struct source *src = source_open("sim:20,hostile,churn,trace", &so, err, sizeof(err));
	ok(src != NULL, "a simulated host with hostile names, churn and the trace (%s)", src ? "" : err);
	uint8_t *img = NULL;
	size_t len = 0;
	bool all = true;
	for (int i = 0; i < 30 && src; i++) {
		snapshot_reset(snap);	/* sources fill a reset snapshot, as model_next gives them */
		if (source_sample(src, snap, err, sizeof(err)) != 0)
			break;
		snapshot_add_thief_name(snap, HV_THIEF_HOST_BASE + 1, "host:burn");
		if (trip(snap, &back, &img, &len, why, sizeof(why)) < 0 || !same(snap, &back)) {
			diag("sample %d: %s", i, why);
			all = false;
		}
	}
	ok(all, "30 samples make the trip through an image unchanged");
	ok(snap->ndoms > 0 && snapshot_thief_name(&back, HV_THIEF_HOST_BASE + 1) &&
	   strcmp(snapshot_thief_name(&back, HV_THIEF_HOST_BASE + 1), "host:burn") == 0, "a host thief's name too");
	source_close(src);
	snapshot_free(&back);
	free(img);
}

/* The fuzz target's seed, small: WIRE_SEED=FILE t/snapshot_wire.t (a byte for the pieces, then an image) */
static void write_fuzz_seed(void)
{
	char err[256];
	struct source_options so = { .step_s = 1 };
	const char *seed = getenv("WIRE_SEED");
	struct source *small = seed ? source_open("sim:2,trace", &so, err, sizeof(err)) : NULL;
	if (small) {
		char why[256];
		struct snapshot s2 = { 0 }, back = { 0 };
		uint8_t *simg = NULL;
		size_t slen;
		FILE *f = source_sample(small, &s2, err, sizeof(err)) == 0 ? fopen(seed, "wb") : NULL;
		if (f && trip(&s2, &back, &simg, &slen, why, sizeof(why)) == 0) {
			fputc(16, f);
			fwrite(simg, 1, slen, f);
		}
		if (f)
			fclose(f);
		free(simg);
		snapshot_free(&s2);
		snapshot_free(&back);
		source_close(small);
	}
}

/* Hostile images: each refused, with its reason. */
static void pcpu_runners_many(struct snapshot *s) { s->pcpus[0].nrunners = PCPU_RUNNERS + 2; }
static void pcpus_unordered(struct snapshot *s) { s->pcpus[1].cpu = s->pcpus[0].cpu; }
/* A device under the domains' disks, with a host process on it. */
static struct blk_dev a_disk(void)
{
	struct blk_dev b;
	memset(&b, 0, sizeof(b));
	snprintf(b.c.name, sizeof(b.c.name), "sda1");
	b.c.major = 8, b.c.minor = 1, b.c.wr_ios = 12345, b.c.queue_ms = 99;
	b.user_id[0] = HV_THIEF_HOST_BASE + 3, b.user_bytes[0] = 1 << 20, b.nusers = 1;
	return b;
}
static void blk_users_many(struct snapshot *s) { struct blk_dev b = a_disk(); b.nusers = BLK_USERS + 2; snapshot_add_blk_dev(s, &b); }
static void blk_name_unended(struct snapshot *s) { struct blk_dev b = a_disk(); memset(b.c.name, 'x', sizeof(b.c.name)); snapshot_add_blk_dev(s, &b); }

static void test_hostile_images(const struct snapshot *snap)
{
	char why[256];
	struct snapshot back = { 0 };
	uint8_t *img = NULL;
	size_t len = 0;

	static const struct { void (*spoil)(struct snapshot *); const char *want, *what; } hostile[] = {
		{ name_outside, "name", "a name outside the names" },
		{ names_unended, "terminator", "names without a terminator" },
		{ nets_outside, "outside their arrays", "a domain's devices past the devices" },
		{ vcpus_wrap, "outside their arrays", "a domain's vCPUs wrapping around" },
		{ thieves_many, "thieves", "too many thieves" },
		{ guest_two, "yes/no", "a yes/no byte of 2" },
		{ hv_two, "yes/no", "a yes/no byte of 255" },
		{ vbd_error_two, "yes/no", "a device's error byte of 7" },
		{ known_two, "yes/no", "the host's yes/no byte of 3" },
		{ hypervisor_unended, "no end", "a hypervisor name without its end" },
		{ why_unended, "no end", "a trace reason without its end" },
		{ wall_nan, "not a number", "a sample time that is NaN" },
		{ thief_name_outside, "thief name", "a thief's name outside the names" },
		{ pcpu_runners_many, "runners", "a pCPU with more runners than kept" },
		{ pcpus_unordered, "out of order", "pCPUs out of order (one twice)" },
		{ blk_users_many, "users", "a block device with more users than kept" },
		{ blk_name_unended, "without an end", "a block device's name without its end" },
	};
	ok(snap->npcpus == 10 && snap->pcpus[9].cpu == 9 && snap->pcpus[0].nrunners > 0,
	   "the sample carries its pCPUs' accounts (%u)", snap->npcpus);
	for (size_t i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
		refused(snap, hostile[i].spoil, hostile[i].want, hostile[i].what);
	ok(trip(snap, &back, &img, &len, why, sizeof(why)) == 0, "the image itself reads");
	img[0] ^= 1;
	ok(snapshot_image_get(img, len, &back, why, sizeof(why)) < 0 && strstr(why, "magic"), "a wrong magic (%s)", why);
	img[0] ^= 1;
	img[4] ^= 8;	/* the first array's element size */
	ok(snapshot_image_get(img, len, &back, why, sizeof(why)) < 0 && strstr(why, "another layout"),
	   "an element size of another build (%s)", why);
	img[4] ^= 8;
	bool cuts = true;
	for (size_t cut = 0; cut < len; cut += 1 + cut / 7)
		cuts &= snapshot_image_get(img, cut, &back, why, sizeof(why)) < 0;
	ok(cuts, "an image cut anywhere is refused");
	ok(snapshot_image_get(img, len + 8, &back, why, sizeof(why)) < 0 && strstr(why, "counts say"), "and one longer than its counts");
	int nrefused = 0, tried = 0;
	bool bounded = true;
	srand(7);
	for (int k = 0; k < 3000; k++) {	/* single flipped bytes: a refusal or a snapshot that checks */
		size_t at = (size_t)rand() % len;
		uint8_t was = img[at];
		img[at] ^= (uint8_t)(1 + rand() % 255);
		tried++;
		if (snapshot_image_get(img, len, &back, why, sizeof(why)) < 0)
			nrefused++;
		else
			for (uint32_t i = 0; i < back.ndoms; i++)
				bounded &= back.doms[i].name_off < back.names_len &&
					   back.doms[i].net_first + (uint64_t)back.doms[i].net_count <= back.nnets;
		img[at] = was;
	}
	ok(nrefused > 0 && bounded, "flipped bytes: %d of %d refused, the rest within bounds", nrefused, tried);
	ok(snapshot_image_get(img, len, &back, why, sizeof(why)) == 0 && same(snap, &back), "restored, it reads again");
	struct snapshot disks = { 0 };
	snapshot_copy(&disks, snap);
	struct blk_dev d = a_disk();
	snapshot_add_blk_dev(&disks, &d);
	disks.doms[0].blk_dev = BLK_DEV(8, 1);
	ok(trip(&disks, &back, &img, &len, why, sizeof(why)) == 0 && same(&disks, &back) && back.nblk_devs == 1 &&
	   back.doms[0].blk_dev == BLK_DEV(8, 1) && snapshot_blk_dev(&back, BLK_DEV(8, 1))->c.wr_ios == 12345,
	   "a block device and a domain's device go through whole");
	snapshot_free(&disks);
	snapshot_free(&back);
	free(img);
}

/* The slots: sealed memory of the one size, read-only for the rest (no mprotect makes it writable). */
static void test_slots(const struct snapshot *snap, size_t len)
{
	char why[256];
	struct snapshot back = { 0 };

	int rw, ro;
	struct sample_slots w = { 0 }, r = { 0 };
	if (!ok(sample_slots_create(&rw, &ro, why, sizeof(why)) == 0, "the slots are made: sealed, with a read-only descriptor"))
		diag("%s", why);
	ok(sample_slots_map(&w, rw, true, why, sizeof(why)) == 0 && sample_slots_map(&r, ro, false, why, sizeof(why)) == 0,
	   "mapped to write and to read");
	snapshot_image_put(sample_slot(&w, 1), snap);
	ok(snapshot_image_get(sample_slot(&r, 1), len, &back, why, sizeof(why)) == 0 && same(snap, &back),
	   "an image written into slot 1 reads back through the read-only mapping");
	ok(mprotect(r.base, 4096, PROT_READ | PROT_WRITE) < 0 && errno == EACCES,
	   "the read-only mapping cannot be made writable (EACCES)");
	struct sample_slots bad = { 0 };
	ok(sample_slots_map(&bad, rw, false, why, sizeof(why)) == 0 && mprotect(bad.base, 4096, PROT_READ | PROT_WRITE) == 0,
	   "... as one from the writer's descriptor could: the descriptor is what keeps it read-only");
	sample_slots_unmap(&bad);
	int loose = memfd_create("unsealed", MFD_CLOEXEC);
	ok(loose >= 0 && ftruncate(loose, 2 * (off_t)SAMPLE_SLOT_BYTES) == 0 &&
	   sample_slots_map(&bad, loose, false, why, sizeof(why)) < 0 && strstr(why, "not sealed"),
	   "unsealed memory is refused (%s)", why);
	int tiny = memfd_create("tiny", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ok(tiny >= 0 && ftruncate(tiny, 4096) == 0 &&
	   fcntl(tiny, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) == 0 &&
	   sample_slots_map(&bad, tiny, false, why, sizeof(why)) < 0 && strstr(why, "bytes"),
	   "sealed memory of another size is refused (%s)", why);
	int file = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ok(sample_slots_map(&bad, file, false, why, sizeof(why)) < 0 && strstr(why, "not sealed"), "a file that is not memory is refused");
	const int fds[] = { rw, ro, loose, tiny, file };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close(fds[i]);
	sample_slots_unmap(&w);
	sample_slots_unmap(&r);
	snapshot_free(&back);
}

/* The message that lends a slot. */
static void test_slot_message(struct strbuf *b, size_t len)
{
	char why[256];
	enum wire_type type;
	uint32_t slot, size;
	const char *hw;
	wire_put_snapshot(b, 1, (uint32_t)len);
	ok(b->len == WIRE_HEADER + WIRE_SNAPSHOT_PAYLOAD && wire_header((const uint8_t *)b->s, b->len, &type, &slot, &hw) == 0 &&
	   type == WIRE_SNAPSHOT && slot == WIRE_SNAPSHOT_PAYLOAD, "a snapshot message has its type and fixed length");
	ok(wire_get_snapshot((const uint8_t *)b->s + WIRE_HEADER, WIRE_SNAPSHOT_PAYLOAD, &slot, &size, why, sizeof(why)) == 0 &&
	   slot == 1 && size == len, "it names the slot and the image's size");
	b->len = 0;
	wire_put_snapshot(b, SAMPLE_SLOTS, 100);
	ok(wire_get_snapshot((const uint8_t *)b->s + WIRE_HEADER, WIRE_SNAPSHOT_PAYLOAD, &slot, &size, why, sizeof(why)) < 0 &&
	   strstr(why, "slot"), "a slot that is not one is refused (%s)", why);
	b->len = 0;
	wire_put_snapshot(b, 0, (uint32_t)SAMPLE_SLOT_BYTES + 1);
	ok(wire_get_snapshot((const uint8_t *)b->s + WIRE_HEADER, WIRE_SNAPSHOT_PAYLOAD, &slot, &size, why, sizeof(why)) < 0 &&
	   strstr(why, "larger than its slot"), "an image larger than a slot is refused (%s)", why);
	b->s[8] = 9;	/* its length field */
	ok(wire_header((const uint8_t *)b->s, b->len, &type, &slot, &hw) < 0 && strstr(hw, "wrong length"),
	   "a snapshot header with another length is refused");
	b->len = 0;
	wire_put_snapshot(b, 0, (uint32_t)len);
}

/* Headers. */
static void test_headers(struct strbuf *b)
{
	enum wire_type type;
	const char *hw;
	uint32_t hlen;
	ok(wire_header((const uint8_t *)"VSW1", 4, &type, &hlen, &hw) < 0 && strstr(hw, "cut short"), "a header cut short");
	b->s[0] ^= 1;
	ok(wire_header((const uint8_t *)b->s, b->len, &type, &hlen, &hw) < 0 && strstr(hw, "magic"), "a wrong magic");
	b->s[0] ^= 1;
	b->s[4] = 9;
	ok(wire_header((const uint8_t *)b->s, b->len, &type, &hlen, &hw) < 0 && strstr(hw, "version"), "another version");
	b->s[4] = WIRE_VERSION;
}

/* The sampler's loop message: a round trip, and what is refused. */
static void test_loop_message(const struct wire_loop *wl)
{
	char why[256];
	enum wire_type type;
	const char *hw;
	uint32_t hlen;
	struct wire_loop wl2;
	struct strbuf lm = { 0 };
	wire_put_loop(&lm, wl);
	ok(lm.len == WIRE_HEADER + WIRE_LOOP_PAYLOAD && wire_header((const uint8_t *)lm.s, lm.len, &type, &hlen, &hw) == 0 &&
	   type == WIRE_LOOP && hlen == WIRE_LOOP_PAYLOAD, "a loop message has its type and fixed length");
	ok(wire_get_loop((const uint8_t *)lm.s + WIRE_HEADER, hlen, &wl2, why, sizeof(why)) == 0 &&
	   memcmp(wl, &wl2, sizeof(*wl)) == 0, "a loop message round trips");
	ok(wire_get_loop((const uint8_t *)lm.s + WIRE_HEADER, hlen - 1, &wl2, why, sizeof(why)) < 0, "a loop message cut short is refused");
	double nan_ = NAN, neg = -1;
	memcpy(lm.s + WIRE_HEADER + 16 + 16, &nan_, 8);
	ok(wire_get_loop((const uint8_t *)lm.s + WIRE_HEADER, hlen, &wl2, why, sizeof(why)) < 0 && strstr(why, "not a number"),
	   "a loop message with a NaN time is refused (%s)", why);
	memcpy(lm.s + WIRE_HEADER + 16 + 16, &neg, 8);
	ok(wire_get_loop((const uint8_t *)lm.s + WIRE_HEADER, hlen, &wl2, why, sizeof(why)) < 0, "... and a negative one");
	lm.s[8] = 41;	/* its length field */
	ok(wire_header((const uint8_t *)lm.s, lm.len, &type, &hlen, &hw) < 0 && strstr(hw, "wrong length"),
	   "a loop header with another length is refused");
	lm.len = 0;
	wire_put_control(&lm, WIRE_STOP);
	lm.s[8] = 1;
	ok(wire_header((const uint8_t *)lm.s, lm.len, &type, &hlen, &hw) < 0 && strstr(hw, "control message with a payload"),
	   "a stop with a payload is refused");
	lm.s[6] = 9;
	ok(wire_header((const uint8_t *)lm.s, lm.len, &type, &hlen, &hw) < 0 && strstr(hw, "unknown"), "an unknown type is refused");
	sb_free(&lm);
}

/* The stream reader: a loop and a snapshot message fed a few bytes at a time come out whole, once. */
static void test_stream_reader(const struct wire_loop *wl, const struct strbuf *b, size_t len)
{
	char why[256];
	enum wire_type type;
	uint32_t slot, size;
	const char *hw;
	struct strbuf lm = { 0 };
	struct wire_reader rd = { 0 };
	uint32_t len32;
	wire_put_loop(&lm, wl);
	sb_append(&lm, b->s, b->len);
	const uint8_t *pl;
	int whole = 0, early = 0;
	for (size_t at = 0; at < lm.len;) {
		size_t n = 1 + (at * 7) % 97;
		if (n > lm.len - at)
			n = lm.len - at;
		wire_reader_add(&rd, lm.s + at, n);
		at += n;
		int got;
		while ((got = wire_reader_next(&rd, &type, &pl, &len32, &hw)) == 1) {
			whole++;
			if (type == WIRE_SNAPSHOT) {
				early += at != lm.len;
				ok(wire_get_snapshot(pl, len32, &slot, &size, why, sizeof(why)) == 0 && slot == 0 && size == len,
				   "the reader gives the snapshot message whole, after its last byte");
			}
		}
		if (got < 0)
			ok(0, "the reader refused a good stream: %s", hw);
	}
	ok(whole == 2, "two messages out of the pieces (%d)", whole);
	ok(early == 0, "none before its last byte came");
	ok(wire_reader_pending(&rd) == 0, "nothing left over");
	wire_reader_add(&rd, "GARBAGE, NOT A MESSAGE", 22);
	int refused_ = wire_reader_next(&rd, &type, &pl, &len32, &hw) < 0 && strstr(hw, "magic");
	ok(refused_, "garbage in the stream is refused (%s)", hw);
	wire_reader_reset(&rd);
	wire_reader_add(&rd, b->s, WIRE_HEADER + 5);
	ok(wire_reader_next(&rd, &type, &pl, &len32, &hw) == 0 && wire_reader_pending(&rd) == WIRE_HEADER + 5,
	   "a message cut off waits, and the reader says how much is pending");
	wire_reader_free(&rd);
	sb_free(&lm);
}

/* vstopd's local stream: a hello and an image in a message make the trip, the
 * image with no byte of the writer's memory beyond its fields; bad hellos are refused. */
static void test_local_stream(const struct snapshot *snap)
{
	struct snapshot dirty = { 0 }, back = { 0 };
	struct strbuf m = { 0 };
	struct wire_reader r = { 0 };
	enum wire_type type;
	const uint8_t *payload;
	uint32_t len;
	const char *hw;
	char why[256] = "";
	snapshot_copy(&dirty, snap);
	/* What padding may hold in a writer: its memory. */
	for (uint32_t i = 0; i < dirty.ndoms; i++)
		memset((char *)&dirty.doms[i].has_guest + 1, 0xAA, offsetof(struct domain, guest) - offsetof(struct domain, has_guest) - 1);
	for (uint32_t i = 0; i < dirty.nnets; i++)
		memset((char *)&dirty.nets[i].id + 4, 0xAA, offsetof(struct dom_net, c) - 4);
	memset(dirty.host.xen_version + strlen(dirty.host.xen_version) + 1, 0xAA,
	       sizeof(dirty.host.xen_version) - strlen(dirty.host.xen_version) - 1);
	struct wire_hello h = { .interval = 2.5, .pid = 812 }, h2;
	snprintf(h.source, sizeof(h.source), "xen");
	wire_put_hello(&m, &h);
	wire_put_image(&m, &dirty);
	wire_reader_add(&r, m.s, m.len);
	ok(wire_reader_next(&r, &type, &payload, &len, &hw) == 1 && type == WIRE_HELLO &&
	   wire_get_hello(payload, len, &h2, why, sizeof(why)) == 0 && h2.interval == 2.5 && h2.pid == 812 &&
	   strcmp(h2.source, "xen") == 0, "a hello makes the trip (%s)", why);
	ok(wire_reader_next(&r, &type, &payload, &len, &hw) == 1 && type == WIRE_IMAGE &&
	   snapshot_image_get(payload, len, &back, why, sizeof(why)) == 0 && same(snap, &back),
	   "an image in a message makes the trip, field for field (%s)", why);
	struct strbuf clean = { 0 };
	wire_put_image(&clean, snap);
	uint8_t *raw = malloc(len);
	snapshot_image_put(raw, &dirty);
	ok(clean.len == WIRE_HEADER + len && memcmp(clean.s + WIRE_HEADER, payload, len) == 0 &&
	   memcmp(raw, payload, len) != 0,
	   "and carries none of the padding's bytes, nor what follows a string's end (the clean copy's bytes)");
	free(raw);
	sb_free(&clean);
	uint8_t *bad = (uint8_t *)m.s + WIRE_HEADER;	/* the hello's payload */
	bad[16] = 0x1b;
	ok(wire_get_hello(bad, WIRE_HELLO_PAYLOAD, &h2, why, sizeof(why)) < 0 && strstr(why, "not printable"),
	   "a hello whose source holds ESC is refused (%s)", why);
	memset(bad + 16, 'x', WIRE_SOURCE_MAX);
	ok(wire_get_hello(bad, WIRE_HELLO_PAYLOAD, &h2, why, sizeof(why)) < 0 && strstr(why, "does not end"),
	   "a hello whose source does not end is refused (%s)", why);
	double nan = NAN;
	memcpy(bad, &nan, 8);
	ok(wire_get_hello(bad, WIRE_HELLO_PAYLOAD, &h2, why, sizeof(why)) < 0 && strstr(why, "interval"),
	   "a hello whose interval is not a number is refused (%s)", why);
	wire_reader_free(&r);
	sb_free(&m);
	snapshot_free(&dirty);
	snapshot_free(&back);
}

int main(void)
{
	struct snapshot snap = { 0 };
	struct strbuf b = { 0 };	/* the message that lends a slot, for the headers and the reader */
	const struct wire_loop wl = { 1.8e9, 1234.5, 3, 2, 0.004, 1.25, 0.01 };	/* the sampler's loop message */

	test_samples_trip(&snap);
	write_fuzz_seed();
	test_hostile_images(&snap);
	const size_t len = snapshot_image_size(&snap);	/* the image's size, as trip lays it out */
	test_slots(&snap, len);
	test_slot_message(&b, len);
	test_headers(&b);
	test_loop_message(&wl);
	test_stream_reader(&wl, &b, len);
	test_local_stream(&snap);
	snapshot_free(&snap);
	sb_free(&b);
	return done_testing();
}
