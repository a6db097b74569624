/* disk_render: host devices and domains' disks as JSON (see disk_render.h). */
#include "config.h"
#include "tui/disk_render.h"

#include <math.h>
#include <stdint.h>
#include "lib/json.h"

static void kv(struct strbuf *b, const char *key, double v, int prec)
{
	sb_printf(b, ",\"%s\":", key);
	json_num(b, v, prec, true);
}

static unsigned long long u64(uint64_t v)
{
	return v > INT64_MAX ? INT64_MAX : v;
}

static void counters(struct strbuf *b, const struct blk_dev *d)
{
	const struct disk_counters *c = &d->c;
	sb_printf(b, ",\"counters\":{\"major\":%u,\"minor\":%u,\"rd_ios\":%llu,\"rd_sectors\":%llu,\"rd_ms\":%llu,"
		  "\"wr_ios\":%llu,\"wr_sectors\":%llu,\"wr_ms\":%llu,\"in_flight\":%llu,\"io_ms\":%llu,\"queue_ms\":%llu,"
		  "\"users\":[", c->major, c->minor, u64(c->rd_ios), u64(c->rd_sectors), u64(c->rd_ms), u64(c->wr_ios),
		  u64(c->wr_sectors), u64(c->wr_ms), u64(c->in_flight), u64(c->io_ms), u64(c->queue_ms));
	for (uint32_t u = 0; u < d->nusers; u++)
		sb_printf(b, "%s[%u,%llu]", u ? "," : "", d->user_id[u], u64(d->user_bytes[u]));
	sb_puts(b, "]}");
}

void disk_render_host_json(struct strbuf *b, const struct model *m)
{
	const struct snapshot *s = model_snapshot(m);
	if (!s->nblk_devs)
		return;
	sb_puts(b, ",\"disks\":[");
	for (uint32_t i = 0; i < s->nblk_devs; i++) {
		const struct blk_dev *d = &s->blk_devs[i];
		const struct blk_rates *r = disk_model_find(&m->disk, BLK_DEV(d->c.major, d->c.minor));
		bool ok = r && r->r.valid;
		sb_puts(b, i ? ",{\"disk\":" : "{\"disk\":");
		json_str(b, d->c.name);
		kv(b, "await_ms", ok ? r->r.await_ms : NAN, 3);
		kv(b, "baseline_ms", r && r->r.learned_s >= DISK_BASELINE_READY_S ? r->r.baseline_ms : NAN, 3);
		kv(b, "latency_ratio", r ? disk_latency_ratio(&r->r) : NAN, 2);
		kv(b, "busy_pct", ok ? r->r.busy_pct : NAN, 1);
		kv(b, "bytes_per_s", ok ? r->bytes_s : NAN, 0);
		kv(b, "domains_bytes_per_s", ok ? r->domains_bytes_s : NAN, 0);
		sb_puts(b, ",\"host_users\":[");
		for (uint32_t u = 0; ok && u < r->nusers; u++) {
			char buf[32];
			sb_puts(b, u ? ",{\"name\":" : "{\"name\":");
			json_str(b, model_thief_name(m, r->user_id[u], buf, sizeof(buf)));
			sb_printf(b, ",\"id\":%u", r->user_id[u]);
			kv(b, "bytes_per_s", r->user_bytes_s[u], 0);
			sb_putc(b, '}');
		}
		sb_putc(b, ']');
		counters(b, d);
		sb_putc(b, '}');
	}
	sb_putc(b, ']');
}

void disk_render_domain_json(struct strbuf *b, const struct model *m, uint32_t i)
{
	const struct domain *d = &model_snapshot(m)->doms[i];
	const struct blk_rates *r = disk_model_find(&m->disk, d->blk_dev);
	const struct dom_rates *dr = &m->rates[i];
	if (!d->blk_dev)
		return;
	sb_printf(b, ",\"disk\":{\"dev\":\"%u:%u\",\"device\":", d->blk_dev >> 20, d->blk_dev & 0xfffff);
	json_str(b, r ? r->r.name : "");
	kv(b, "await_ms", dr->disk_await_ms, 3);
	kv(b, "latency_ratio", dr->disk_latency_ratio, 2);
	kv(b, "io_share_pct", dr->io_share_pct, 1);
	char who[512];
	model_io_neighbors(m, i, who, sizeof(who));
	sb_puts(b, ",\"io_neighbors\":");
	json_str(b, who);
	sb_putc(b, '}');
}
