/* Position-independent executables: the structs fixture built with
 * -buildmode=pie (build-testdata.sh: structs-pie, and its truth from a run
 * with address randomisation off). The target layer's readers relocate by
 * the load bias; the session takes the bias from the backend once per
 * command and never keeps it from one command to the next. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/le.h"
#include "fake_target.h"
#include "gotypes/rtlayout.h"
#include "target/target.h"

/* Page-aligned, far from the link-time image: a wrong relocation reads
 * nothing rather than something plausible. */
#define BIAS_A 0x7f1200000000ull
#define BIAS_B 0x7f3400000000ull

static const char *pie_binary(void)
{
	const char *p = fake_testdata("structs-pie");
	if (!p)
		fail_msg("no structs-pie: run tests/unit/build-testdata.sh");
	static char path[4096];
	snprintf(path, sizeof(path), "%s", p);
	return path;
}

static json_t *pie_truth(void)
{
	static json_t *doc;
	const char *p = doc ? NULL : fake_testdata("structs-pie.json");
	if (!doc && p)
		doc = json_load_file(p, JSON_ALLOW_NUL, NULL);
	if (!doc)
		fail_msg("no structs-pie.json: run tests/unit/build-testdata.sh");
	return doc;
}

static json_t *pie_global(const char *name)
{
	json_t *a = json_object_get(pie_truth(), "globals");
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		const char *n = json_string_value(json_object_get(o, "name"));
		if (n && !strcmp(n, name))
			return o;
	}
	fail_msg("no global %s in structs-pie.json", name);
	return NULL;
}

static struct gl_target *open_pie(void)
{
	struct gl_target *t = NULL;
	struct gl_error *err = gl_target_open(pie_binary(), &t);
	if (err)
		fail_msg("gl_target_open: %s", err->message);
	assert_true(t->elf.pie);
	assert_non_null(t->dw);
	assert_true(t->has_pcln);
	return t;
}

static uint64_t global_addr(struct gl_target *t, const char *name)
{
	uint64_t addr;
	struct gl_type *ty;
	if (!gl_dwarf_find_global(t->dw, name, &addr, &ty))
		fail_msg("no global %s", name);
	return addr;
}

/* Everything the target gives moves by the bias; nothing is found at the
 * link-time address any more. */
static void test_target_relocates(void **state)
{
	(void)state;
	struct gl_target *t = open_pie();
	uint64_t a0 = global_addr(t, "main.gPadded"), v0 = global_addr(t, "runtime.buildVersion");
	unsigned char hdr0[16], hdr[16];
	assert_null(gl_elf_read_vaddr(&t->elf, v0, hdr0, sizeof(hdr0)));
	uint64_t ptr0 = gl_get_uint(hdr0, 8), types0 = t->types_base;
	assert_true(types0 != 0);
	uint64_t pc = t->pcln.text_start + 0x200;
	struct gl_pcfunc f0, f;
	assert_true(gl_pclntab_func(&t->pcln, pc, &f0));
	const struct gl_func *d0 = gl_dwarf_func_at(t->dw, pc);
	const struct gl_rtlayout *L = gl_rt_of(t);
	assert_non_null(L);
	struct gl_rt_global allgs0 = gl_rt_global(L, GL_RTG_ALLGS);
	assert_true(allgs0.present);

	gl_target_set_bias(t, BIAS_A);
	assert_int_equal(global_addr(t, "main.gPadded"), a0 + BIAS_A);
	/* the string header's pointer is relocated, and its bytes are there */
	assert_null(gl_elf_read_vaddr(&t->elf, v0 + BIAS_A, hdr, sizeof(hdr)));
	assert_int_equal(gl_get_uint(hdr, 8), ptr0 + BIAS_A);
	char ver[4];
	assert_null(gl_elf_read_vaddr(&t->elf, ptr0 + BIAS_A, ver, sizeof(ver)));
	assert_memory_equal(ver, "go1.", 4);
	struct gl_error *err = gl_elf_read_vaddr(&t->elf, v0, hdr, sizeof(hdr));
	assert_non_null(err); /* the link-time address is not the process's */
	gl_error_destroy(err);
	/* functions by PC, both tables */
	assert_true(gl_pclntab_func(&t->pcln, pc + BIAS_A, &f));
	assert_int_equal(f.entry, f0.entry + BIAS_A);
	assert_string_equal(f.name, f0.name);
	assert_false(gl_pclntab_func(&t->pcln, pc, &f));
	assert_ptr_equal(gl_dwarf_func_at(t->dw, pc + BIAS_A), d0);
	/* sections, moduledata.types, the runtime-layout table */
	const struct gl_elf_section *s = gl_elf_section_at(&t->elf, a0 + BIAS_A);
	assert_non_null(s);
	assert_true(gl_elf_section_start(&t->elf, s) <= a0 + BIAS_A);
	assert_int_equal(t->types_base, types0 + BIAS_A);
	assert_int_equal(gl_rt_global(gl_rt_of(t), GL_RTG_ALLGS).addr, allgs0.addr + BIAS_A);

	/* another run, another bias: the cached table follows */
	gl_target_set_bias(t, BIAS_B);
	assert_int_equal(gl_rt_global(gl_rt_of(t), GL_RTG_ALLGS).addr, allgs0.addr + BIAS_B);
	assert_int_equal(global_addr(t, "main.gPadded"), a0 + BIAS_B);
	gl_target_set_bias(t, 0);
	assert_int_equal(gl_rt_global(gl_rt_of(t), GL_RTG_ALLGS).addr, allgs0.addr);
	assert_int_equal(t->types_base, types0);
	gl_target_destroy(t);
}

/* The bias of the truth run: where the global is minus where it was linked. */
static uint64_t truth_bias(void)
{
	struct gl_target *t = open_pie();
	uint64_t b = fake_truth_addr(pie_global("main.gPadded")) - global_addr(t, "main.gPadded");
	gl_target_destroy(t);
	return b;
}

static int setup(void **state)
{
	if (fake_fx_setup(state))
		return -1;
	struct fake_fx *f = *state;
	fake_set_exe(f->ft, pie_binary());
	return 0;
}

static void assert_error_mentions(const struct fake_result *r, const char *needle)
{
	assert_int_not_equal(r->status, 0);
	if (!r->err || !strstr(r->err, needle))
		fail_msg("error %s does not mention \"%s\"", r->err ? r->err : "(none)", needle);
}

/* A global of a PIE read at the bias the debugger gives, with its value. */
static void test_value_at_bias(void **state)
{
	struct fake_fx *f = *state;
	json_t *g = pie_global("main.gPadded");
	fake_set_load_bias(f->ft, true, truth_bias());
	fake_map_global(f->ft, g);
	FAKE_FX_RUN(f, "value main.gPadded --json");
	if (f->r.status != 0)
		fail_msg("value failed: %s", f->r.out);
	assert_int_equal(fake_parse_addr(fake_doc_str(&f->r, "address")), fake_truth_addr(g));
	assert_string_equal(fake_doc_str(&f->r, "value"), json_string_value(json_object_get(g, "value")));
	FAKE_FX_RUN(f, "version --json");
	assert_int_equal(f->r.status, 0);
	assert_true(json_is_true(json_object_get(f->r.doc, "pie")));
	assert_int_equal(fake_parse_addr(fake_doc_str(&f->r, "load_bias")), truth_bias());
}

/* ASLR: the next run loads the executable elsewhere. The session keeps
 * the parsed executable but asks for the bias again, once per command. */
static void test_bias_per_command(void **state)
{
	struct fake_fx *f = *state;
	json_t *g = pie_global("main.gCount");
	uint64_t len, b1 = truth_bias(), b2 = b1 + 0x10000000;
	unsigned char *bytes = fake_unhex(json_string_value(json_object_get(g, "hex")), &len);
	uint64_t link = fake_truth_addr(g) - b1;
	for (int run = 0; run < 2; run++) {
		uint64_t bias = run ? b2 : b1, asks = fake_load_bias_asks(f->ft);
		fake_unmap_all(f->ft);
		fake_set_stop_id(f->ft, 10 + run);
		fake_map(f->ft, link + bias, bytes, len);
		fake_set_load_bias(f->ft, true, bias);
		FAKE_FX_RUN(f, "value main.gCount --json");
		if (f->r.status != 0)
			fail_msg("run %d: %s", run, f->r.out);
		assert_int_equal(fake_parse_addr(fake_doc_str(&f->r, "address")), link + bias);
		assert_string_equal(fake_doc_str(&f->r, "value"), "42");
		assert_int_equal(fake_load_bias_asks(f->ft), asks + 1);
	}
	free(bytes);
}

/* A debugger that cannot tell the bias: refused in one line, nothing read. */
static void test_bias_unknown(void **state)
{
	struct fake_fx *f = *state;
	fake_set_load_bias(f->ft, false, 0);
	fake_map_global(f->ft, pie_global("main.gPadded"));
	FAKE_FX_RUN(f, "value main.gPadded");
	assert_error_mentions(&f->r, "position-independent");
	assert_int_equal(fake_read_calls(f->ft), 0);
	/* without a process nothing is asked: the file's addresses are shown */
	uint64_t asks = fake_load_bias_asks(f->ft);
	fake_set_has_process(f->ft, false);
	FAKE_FX_RUN(f, "version --json");
	assert_int_equal(f->r.status, 0);
	assert_int_equal(fake_parse_addr(fake_doc_str(&f->r, "load_bias")), 0);
	assert_int_equal(fake_load_bias_asks(f->ft), asks);
	FAKE_FX_RUN(f, "value main.gPadded");
	assert_error_mentions(&f->r, "no process");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_relocates),
		cmocka_unit_test_setup_teardown(test_value_at_bias, setup, fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_bias_per_command, setup, fake_fx_teardown),
		cmocka_unit_test_setup_teardown(test_bias_unknown, setup, fake_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
