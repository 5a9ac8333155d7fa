/* `golayout goroutines`: the listing's model (built by
 * commands/cmd_goroutines.c from the goroutine iterator) and its
 * golayout/1 document. render/goroutines_text.c draws the same model. */
#ifndef GL_GOROUTINES_DOC_H
#define GL_GOROUTINES_DOC_H

#include <jansson.h>

#include "eval/uframe.h"

struct gl_goroutine_row {
	struct gl_goroutine g;
	struct gl_where where;
	bool current;            /* the selected frame is on its stack */
	uint64_t sp;             /* the innermost frame's SP (the live one when current) */
};

struct gl_goroutine_count {
	char status[24];         /* a status name, as the goroutines carry it */
	uint64_t n;
};

struct gl_goroutine_list {
	struct gl_goroutine_row *rows; /* the goroutines shown */
	size_t shown, cap;
	struct gl_goroutine_count counts[40]; /* per status, in the order first seen */
	size_t ncounts;
	uint64_t total;          /* goroutines read from allgs */
	uint64_t matched;        /* of them, those the filters let through */
};

void gl_goroutine_list_deinit(struct gl_goroutine_list *l);
/* stack_size and stack_used of a row, false when a corrupt g gives none. */
bool gl_goroutine_row_size(const struct gl_goroutine_row *r, uint64_t *size);
bool gl_goroutine_row_used(const struct gl_goroutine_row *r, uint64_t *used);

json_t *gl_goroutines_json(struct gl_ctx *c, const struct gl_goroutine_list *l);

#endif
