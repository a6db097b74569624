/* name_clash: see name_clash.h. */
#include "config.h"
#include "model/name_clash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lib/xalloc.h"

#define NEW_NAME_ROOM (DOMAIN_NAME_MAX + 1)

void name_clash_init(struct name_clash *c)
{
	memset(c, 0, sizeof(*c));
	name_index_init(&c->index, sizeof(struct name_ref), offsetof(struct name_ref, name));
}

static void add_ref(struct name_clash *c, uint32_t n, const char *name, uint32_t dom)
{
	c->refs[n] = (struct name_ref){ name, dom };
	name_index_added(&c->index, c->refs, n + 1);
}

/* A name for domain d that no domain of the sample has yet: "NAME#ID", then
 * "NAME#ID.2", "NAME#ID.3"... while that is taken too (a look-alike may be
 * named so). Each try is a new name and the index holds fewer than
 * refs_cap, so this ends. */
static const char *new_name(struct name_clash *c, const struct snapshot *s, const struct domain *d, uint32_t slot)
{
	char *out = c->renamed + (size_t)slot * NEW_NAME_ROOM;
	unsigned id = d->pid ? (unsigned)d->pid : d->domid;
	const char *base = domain_name(s, d);
	for (uint32_t k = 1;; k++) {
		char tail[32];
		int n = k == 1 ? snprintf(tail, sizeof(tail), "#%u", id) : snprintf(tail, sizeof(tail), "#%u.%u", id, k);
		int keep = (int)strlen(base) < NEW_NAME_ROOM - 1 - n ? (int)strlen(base) : NEW_NAME_ROOM - 1 - n;
		snprintf(out, NEW_NAME_ROOM, "%.*s%s", keep, base, tail);
		if (name_index_find(&c->index, c->refs, out) == NAME_INDEX_NONE)
			return out;
	}
}

uint32_t name_clash_resolve(struct name_clash *c, struct snapshot *s,
			    bool (*owns)(void *ctx, const char *name, uint32_t domid), void *ctx)
{
	if (s->ndoms < 2)
		return 0;
	if (c->refs_cap < 2 * s->ndoms) {
		c->refs_cap = 2 * s->ndoms;
		c->refs = xreallocarray(c->refs, c->refs_cap, sizeof(*c->refs));
	}
	name_index_rebuild(&c->index, c->refs, 0);
	uint32_t n = 0, renamed = 0;
	for (uint32_t i = 0; i < s->ndoms; i++) {
		const char *name = domain_name(s, &s->doms[i]);
		uint32_t f = name_index_find(&c->index, c->refs, name);
		if (f == NAME_INDEX_NONE) {
			add_ref(c, n++, name, i);
			continue;
		}
		uint32_t loser = i;
		if (owns(ctx, name, s->doms[i].domid) && !owns(ctx, name, s->doms[c->refs[f].dom].domid)) {
			loser = c->refs[f].dom;	/* the name stays with the domain that had it */
			c->refs[f].dom = i;
		}
		if (renamed == 0 && c->renamed_cap < s->ndoms) {	/* before any name is in it */
			c->renamed_cap = s->ndoms;
			c->renamed = xrealloc(c->renamed, (size_t)c->renamed_cap * NEW_NAME_ROOM);
		}
		add_ref(c, n++, new_name(c, s, &s->doms[loser], renamed), loser);
		renamed++;
	}
	/* Now that no name points into the snapshot's storage any more than needed:
	 * the renames (each may move that storage). */
	for (uint32_t k = 0; k < n && renamed; k++) {
		const char *name = c->refs[k].name;
		if (name >= c->renamed && name < c->renamed + (size_t)c->renamed_cap * NEW_NAME_ROOM)
			snapshot_rename(s, &s->doms[c->refs[k].dom], name);
	}
	return renamed;
}

void name_clash_free(struct name_clash *c)
{
	free(c->refs);
	free(c->renamed);
	name_index_free(&c->index);
	memset(c, 0, sizeof(*c));
}
