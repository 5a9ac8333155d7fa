/* %v of a map: map[k:v k:v] with keys in fmt's sorted order. */
#include <stdlib.h>

#include "runtime/maps.h"
#include "eval/value.h"

#define MAX_PRINTED_ENTRIES 1000

void gl_format_map(struct gl_ctx *c, const struct gl_type *t, uint64_t map_ptr,
		   struct strbuf *sb, int depth)
{
	sb_add(sb, "map[");
	if (!map_ptr) {
		sb_addc(sb, ']');
		return;
	}
	struct gl_map_walk w = {.want_entries = true, .max_entries = MAX_PRINTED_ENTRIES,
				.show_limit = 0, .only_index = -1};
	struct gl_error *err = gl_map_walk_run(c, t, map_ptr, &w);
	gl_map_sort_entries(c, &w);
	for (size_t i = 0; i < w.nentries; i++) {
		if (i)
			sb_addc(sb, ' ');
		gl_format_value(c, w.key_type, w.entries[i].key, sb, depth + 1);
		sb_addc(sb, ':');
		gl_format_value(c, w.elem_type, w.entries[i].elem, sb, depth + 1);
	}
	if (w.entries_truncated)
		sb_add(sb, " ...");
	if (err && !w.nentries)
		sb_addf(sb, "<%s>", err->message);
	sb_addc(sb, ']');
	gl_error_destroy(err);
	gl_map_walk_deinit(&w);
}
