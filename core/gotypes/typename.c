/* A type named in Go syntax (--type, golayout type): DWARF's type of that
 * name, else the runtime's type descriptor of that name, else composed
 * from its parts (*T, []T, [n]T, chan T of a type that is known). The
 * text is first put in the spelling reflect and DWARF use ("map[string]int",
 * "chan int", "[]*main.T"), so "map[ string ]int" finds it too. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/number.h"
#include "base/strbuf.h"
#include "gotypes/rtype.h"
#include "gotypes/typename.h"

#define MAX_NEST 64

struct tparser {
	const char *s, *p;
	int depth;
	bool bad;
};

static void skip_ws(struct tparser *tp)
{
	while (*tp->p == ' ' || *tp->p == '\t')
		tp->p++;
}

static bool ident_char(char ch)
{
	return isalnum((unsigned char)ch) || ch == '_' || ch == '.' || ch == '/' || ch == '-' ||
	       ((unsigned char)ch & 0x80);
}

static bool word(struct tparser *tp, const char *w)
{
	size_t n = strlen(w);
	if (strncmp(tp->p, w, n) || ident_char(tp->p[n]))
		return false;
	tp->p += n;
	return true;
}

/* Brackets balanced from an opening one at tp->p, copied as written
 * (struct { ... }, func(...) ..., generic arguments). */
static void balanced(struct tparser *tp, struct strbuf *out)
{
	int level = 0;
	do {
		char ch = *tp->p;
		if (!ch) {
			tp->bad = true;
			return;
		}
		if (ch == '[' || ch == '(' || ch == '{')
			level++;
		else if (ch == ']' || ch == ')' || ch == '}')
			level--;
		sb_addc(out, ch);
		tp->p++;
	} while (level > 0);
}

static void canon(struct tparser *tp, struct strbuf *out);

/* ch (after blanks) into out, or the text is no type */
static bool expect(struct tparser *tp, char ch, struct strbuf *out)
{
	skip_ws(tp);
	if (*tp->p != ch) {
		tp->bad = true;
		return false;
	}
	tp->p++;
	sb_addc(out, ch);
	return true;
}

/* The type's spelling as reflect writes it, into out. */
static void canon(struct tparser *tp, struct strbuf *out)
{
	if (++tp->depth > MAX_NEST) {
		tp->bad = true;
		return;
	}
	skip_ws(tp);
	if (*tp->p == '*') {
		tp->p++;
		sb_addc(out, '*');
		canon(tp, out);
	} else if (*tp->p == '[') {
		tp->p++;
		skip_ws(tp);
		sb_addc(out, '[');
		while (isalnum((unsigned char)*tp->p))
			sb_addc(out, *tp->p++);
		if (expect(tp, ']', out))
			canon(tp, out);
	} else if (word(tp, "map")) {
		sb_add(out, "map");
		if (!expect(tp, '[', out))
			return;
		canon(tp, out);
		if (expect(tp, ']', out))
			canon(tp, out);
	} else if (!strncmp(tp->p, "<-", 2)) {
		tp->p += 2;
		skip_ws(tp);
		if (!word(tp, "chan")) {
			tp->bad = true;
			return;
		}
		sb_add(out, "<-chan ");
		canon(tp, out);
	} else if (word(tp, "chan")) {
		skip_ws(tp);
		if (!strncmp(tp->p, "<-", 2)) {
			tp->p += 2;
			sb_add(out, "chan<- ");
		} else {
			sb_add(out, "chan ");
		}
		canon(tp, out);
	} else if (word(tp, "any")) {
		sb_add(out, "interface {}");
	} else if (word(tp, "interface") || word(tp, "struct")) {
		bool iface = tp->p[-1] == 'e';
		skip_ws(tp);
		sb_add(out, iface ? "interface " : "struct ");
		if (*tp->p != '{') {
			tp->bad = true;
			return;
		}
		balanced(tp, out);
	} else if (word(tp, "func")) {
		sb_add(out, "func");
		if (*tp->p != '(') {
			tp->bad = true;
			return;
		}
		balanced(tp, out);
		/* results: the rest, as written */
		while (*tp->p && *tp->p != ']')
			sb_addc(out, *tp->p++);
	} else if (ident_char(*tp->p)) {
		while (ident_char(*tp->p))
			sb_addc(out, *tp->p++);
		if (*tp->p == '[') /* generic arguments */
			balanced(tp, out);
	} else {
		tp->bad = true;
	}
	tp->depth--;
}

/* A type of this spelling from DWARF or the descriptors, else composed. */
static struct gl_type *lookup(struct gl_ctx *c, const char *name, int depth, struct strbuf *why)
{
	struct gl_type *t = gl_dwarf_find_type(c->t->dw, name);
	if (t || (t = gl_rtype_find(c, name)) || (t = gl_rtype_basic(c, name)))
		return t;
	if (depth > MAX_NEST)
		return NULL;
	if (name[0] == '*') {
		t = lookup(c, name + 1, depth + 1, why);
		return t ? gl_rtype_pointer_to(c, t) : NULL;
	}
	if (!strncmp(name, "[]", 2)) {
		t = lookup(c, name + 2, depth + 1, why);
		return t ? gl_rtype_slice_of(c, t) : NULL;
	}
	if (name[0] == '[' && isdigit((unsigned char)name[1])) {
		const char *close = strchr(name, ']');
		char num[32];
		uint64_t n;
		if (!close || close - name - 1 >= (long)sizeof(num))
			return NULL;
		memcpy(num, name + 1, (size_t)(close - name - 1));
		num[close - name - 1] = '\0';
		if (!gl_parse_u64(num, &n))
			return NULL;
		t = lookup(c, close + 1, depth + 1, why);
		return t ? gl_rtype_array_of(c, t, n) : NULL;
	}
	const char *chans[] = {"chan ", "<-chan ", "chan<- "};
	for (size_t i = 0; i < 3; i++)
		if (!strncmp(name, chans[i], strlen(chans[i]))) {
			t = lookup(c, name + strlen(chans[i]), depth + 1, why);
			return t ? gl_rtype_chan_of(c, t, name) : NULL;
		}
	/* the innermost name that is nowhere: what the message names */
	if (!why->len) {
		const char *unlisted = gl_rtype_index_error(c);
		if (unlisted)
			sb_addf(why, "no type named %s: %s", name, unlisted);
		else if (!strncmp(name, "map[", 4))
			sb_addf(why, "%s is in no type descriptor of the program (a map type is known only when the "
				       "program uses it: its buckets or groups are laid out by the compiler)", name);
		else
			sb_addf(why, "no type named %s", name);
	}
	return NULL;
}

struct gl_error *gl_type_by_go_name(struct gl_ctx *c, const char *text, struct gl_type **out)
{
	*out = NULL;
	/* as written first: DWARF's own names ("hash<string,int>") too */
	if ((*out = gl_dwarf_find_type(c->t->dw, text)))
		return NULL;
	struct tparser tp = {.s = text, .p = text};
	struct strbuf name, why;
	sb_init(&name);
	sb_init(&why);
	canon(&tp, &name);
	skip_ws(&tp);
	struct gl_error *err = NULL;
	if (tp.bad || *tp.p || !name.len)
		err = gl_error_create(GL_ERR_USAGE, "cannot read \"%s\" as a Go type", text);
	else if (name.oom)
		err = &gl_error_nomem;
	else if (!(*out = lookup(c, name.s, 0, &why)))
		err = gl_error_create(GL_ERR_LOOKUP, "%s%s", why.len ? why.s : "no type named ",
				      why.len ? "" : name.s);
	if (!err && !c->t->dw && !*out)
		err = gl_error_create(GL_ERR_LOOKUP, "no type named %s", name.s);
	sb_deinit(&name);
	sb_deinit(&why);
	return err;
}
