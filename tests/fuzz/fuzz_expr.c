/* The expression parser: the input is an expression, optionally followed
 * by a line with a --type name ("0x5c5650\nmain.Padded"), evaluated
 * against the structs program with its globals mapped (fields, indexing,
 * dereference, raw addresses), and the value found formatted with %v;
 * with a type, the text is also parsed as a map key literal of it and
 * hashed (golayout map --key). */
#include <stdlib.h>
#include <string.h>

#include "eval/expr.h"
#include "eval/keylit.h"
#include "fmt/format.h"
#include "fuzz.h"

static const char *const GLOBALS[] = {
	"main.gInt64", "main.gInt8",  "main.gUint64", "main.gFloat",  "main.gF32",   "main.gC128",
	"main.gBool",  "main.gStr",   "main.gArr",    "main.gTarget", "main.gPadded", "main.gSlice",
	"main.gEmbeds", "main.gTail", "main.gSmall",  "main.gScalars", "main.gIface", "main.gNulStr",
	"main.gNulStruct", NULL};
static const char *const NO_CMDS[] = {NULL};
static struct fz_scene Z;
static struct gl_target *T;
static struct gl_mem M;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fz_structs_scene(&Z, GLOBALS, true, NO_CMDS);
	gl_mem_init(&M);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	char *type = strchr(text, '\n');
	if (type) {
		*type++ = '\0';
		type[strcspn(type, "\n")] = '\0';
	}
	fz_new_stop(Z.ft);
	const struct gl_backend *be = fake_backend(Z.ft);
	gl_mem_begin(&M, be);
	struct gl_ctx c = {.target_slot = &T, .be = be, .mem = &M};
	sb_init(&c.out);
	struct gl_target *t;
	struct gl_error *err = gl_ctx_target(&c, &t);
	if (err)
		fz_die("%s", err->message);
	struct gl_value v = {0};
	err = gl_expr_eval(&c, text, type && *type ? type : NULL, &v);
	if (!err) {
		char *s = gl_format_value_str(&c, v.type, v.bytes);
		if (!s || strlen(s) > FZ_MAX_OUT)
			fz_die("%s: no text, or too much", text);
		free(s);
	}
	gl_error_destroy(err);
	gl_value_deinit(&v);
	/* the same text as a map key literal of the --type (golayout map
	 * --key), then hashed as that map type's hasher would */
	struct gl_type *kt = type && *type && t->dw ? gl_dwarf_find_type(t->dw, type) : NULL;
	if (kt) {
		struct gl_keylit k;
		err = gl_keylit_parse(&c, kt, text, &k);
		if (!err) {
			struct gl_gohash_keys keys = {.aes = (size & 1) != 0};
			uint64_t h;
			bool random;
			gl_error_destroy(gl_maphash_key(&c, &keys, kt, k.bytes, 0x1234, &k.rd, &h, &random));
		}
		gl_error_destroy(err);
		gl_keylit_deinit(&k);
	}
	sb_deinit(&c.out);
	gl_mem_end(&M);
	free(text);
	return 0;
}
