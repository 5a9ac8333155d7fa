/* `golayout stack` as text: the stack drawn from hi down to lo. */
#ifndef GL_STACK_TEXT_H
#define GL_STACK_TEXT_H

#include "eval/stack_vars.h"

void gl_stack_text(struct gl_ctx *c, const struct gl_stack *s);

#endif
