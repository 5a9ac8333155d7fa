#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "scene_chan.h"
#include "target/dwarfinfo.h"

void chan_scene_build(struct fake_target *ft)
{
	struct gl_dwarf *dw;
	struct gl_error *err = gl_dwarf_open(fake_go_binary(), &dw);
	assert_null(err);
	uint64_t ga;
	struct gl_type *gt;
	assert_true(gl_dwarf_find_global(dw, "main.gChan", &ga, &gt));
	const struct gl_type *h = gt->target;
	if (!h)
		h = gl_dwarf_find_type(dw, "runtime.hchan");
	assert_non_null(h);
	unsigned char *hb = calloc(1, h->size);
	assert_non_null(hb);
	struct {
		const char *f;
		uint64_t v;
	} set[] = {{"qcount", 2}, {"dataqsiz", 4}, {"buf", A_CHANBUF}, {"elemsize", 8},
		   {"closed", 0}, {"sendx", 3}, {"recvx", 1}};
	for (size_t i = 0; i < sizeof(set) / sizeof(set[0]); i++) {
		const struct gl_field *f = gl_type_field(h, set[i].f);
		if (!f)
			fail_msg("runtime.hchan has no field %s", set[i].f);
		for (uint64_t b = 0; b < f->type->size && b < 8; b++)
			hb[f->offset + b] = (unsigned char)(set[i].v >> (8 * b));
	}
	fake_map(ft, A_HCHAN, hb, h->size);
	free(hb);
	int64_t buf[4] = {0, 7, 8, 0};
	fake_map(ft, A_CHANBUF, buf, sizeof(buf));
	uint64_t p = A_HCHAN;
	fake_map(ft, ga, &p, 8);
	gl_dwarf_close(dw);
}
