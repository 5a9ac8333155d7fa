/* One line per growth event: what grew, from what to what, and what moved. */
#include "render/watch_text.h"

#define U(x) ((unsigned long long)(x))

static void table_text(struct strbuf *o, const struct gl_stable_state *t)
{
	sb_addf(o, "0x%llx (capacity %llu, %llu entries, depth %u)", U(t->addr), U(t->capacity),
		U(t->used), t->local_depth);
}

void gl_watch_event_text(const struct gl_growth_event *e, struct strbuf *o)
{
	sb_addf(o, "watch %u %s: %s #%llu at len %llu: ", e->watch, e->expr,
		gl_growth_kind_name(e->kind), U(e->seq), U(e->len));
	switch (e->kind) {
	case GL_EV_HASHGROW:
		sb_addf(o, "B %u -> %u (%llu -> %llu buckets, %s), buckets 0x%llx, old 0x%llx being evacuated",
			e->u.hashgrow.old_b, e->u.hashgrow.new_b, 1ull << e->u.hashgrow.old_b,
			1ull << e->u.hashgrow.new_b, e->u.hashgrow.same_size ? "same size" : "doubling",
			U(e->u.hashgrow.new_buckets), U(e->u.hashgrow.old_buckets));
		break;
	case GL_EV_EVACUATED:
		sb_addf(o, "all %llu old buckets evacuated (%llu evacuate calls seen): %llu entries to "
			   "X (bucket i), %llu to Y (bucket i+%llu); B %u",
			U(e->u.evacuated.old_nbuckets), U(e->u.evacuated.calls), U(e->u.evacuated.to_x),
			U(e->u.evacuated.to_y), U(e->u.evacuated.old_nbuckets), e->u.evacuated.b);
		break;
	case GL_EV_TO_TABLE:
		sb_addf(o, "small group 0x%llx -> table 0x%llx (capacity %llu), %llu entries moved",
			U(e->u.to_table.group), U(e->u.to_table.table), U(e->u.to_table.capacity),
			U(e->u.to_table.moved));
		break;
	case GL_EV_TABLE_GROW:
	case GL_EV_SPLIT:
		sb_addf(o, "table at slot %lld ", (long long)e->u.table.old.index);
		table_text(o, &e->u.table.old);
		sb_add(o, " -> ");
		table_text(o, &e->u.table.left);
		if (e->kind == GL_EV_TABLE_GROW) {
			sb_addf(o, ", %llu entries moved", U(e->u.table.old.used));
			break;
		}
		sb_addf(o, " at slot %lld + ", (long long)e->u.table.left.index);
		table_text(o, &e->u.table.right);
		sb_addf(o, " at slot %lld; directory %llu -> %llu slots (depth %u -> %u)",
			(long long)e->u.table.right.index, U(e->u.table.old_dirlen),
			U(e->u.table.new_dirlen), e->u.table.old_global_depth,
			e->u.table.new_global_depth);
		break;
	case GL_EV_SLICE:
		sb_addf(o, "array 0x%llx cap %llu -> 0x%llx cap %llu, %llu bytes copied",
			U(e->u.slice.old_array), U(e->u.slice.old_cap), U(e->u.slice.new_array),
			U(e->u.slice.new_cap), U(e->u.slice.copied_bytes));
		for (unsigned i = 0; i < e->u.slice.nsharers; i++)
			sb_addf(o, "%s watch %u (%s)", i ? "," : "; still on the old array:",
				e->u.slice.sharers[i], e->u.slice.sharer_exprs[i]);
		break;
	}
	sb_addc(o, '\n');
}
