#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/strbuf.h"
#include "fake_target.h"

struct region {
	uint64_t addr, len;
	unsigned char *bytes;
};

struct reg {
	char name[32];
	uint64_t value;
};

#define MAX_REGS 64

/* A number the debugger knows (a callback answers it) or cannot tell
 * (the callback fails). */
struct fake_answer {
	bool known;
	uint64_t value;
};

static int fake_answer(const struct fake_answer *a, uint64_t *out)
{
	if (!a->known)
		return GL_BACKEND_FAIL;
	*out = a->value;
	return GL_BACKEND_OK;
}

struct fake_target {
	struct gl_backend be;
	struct region *regions;
	size_t nregions;
	uint64_t calls, bytes;
	struct fake_read log[FAKE_LOG_SIZE];
	struct reg regs[MAX_REGS];
	size_t nregs;
	int frame_level;
	struct fake_answer cfa;
	enum fake_read_mode read_mode;
	bool has_width;
	uint32_t width;
	char *exe;
	uint64_t stop_id;
	bool has_process;
	uint64_t interrupt_after;  /* Ctrl-C once this many reads were made; 0: never */
	uint64_t interrupt_polls;
	struct fake_answer bias;   /* load_bias */
	uint64_t bias_asks;
};

static void die(const char *msg)
{
	fprintf(stderr, "fake_target: %s\n", msg);
	abort();
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);
	if (!p)
		die("out of memory");
	return p;
}

/* ---- memory ---- */

/* The region holding addr, or NULL. */
static struct region *region_at(struct fake_target *ft, uint64_t addr)
{
	for (size_t i = 0; i < ft->nregions; i++) {
		struct region *r = &ft->regions[i];
		if (addr >= r->addr && addr - r->addr < r->len)
			return r;
	}
	return NULL;
}

/* Copies what is mapped from addr on; on failure reports as read_mode says. */
static int fk_read_memory(void *ctx, uint64_t addr, void *buf, uint64_t len, uint64_t *nread)
{
	struct fake_target *ft = ctx;
	struct fake_read *log = &ft->log[ft->calls % FAKE_LOG_SIZE];
	ft->calls++;
	ft->bytes += len;
	*log = (struct fake_read){.addr = addr, .len = len, .ok = true};
	unsigned char *out = buf;
	uint64_t done = 0, cur = addr;
	while (done < len) {
		struct region *r = region_at(ft, cur);
		if (!r) {
			log->ok = false;
			log->fault = cur;
			if (ft->read_mode == FAKE_READ_V1)
				*nread = cur; /* version 1: the fault address */
			else if (ft->read_mode == FAKE_READ_COUNT)
				*nread = done;
			return GL_BACKEND_FAIL;
		}
		uint64_t avail = r->len - (cur - r->addr), n = len - done;
		if (n > avail)
			n = avail;
		memcpy(out + done, r->bytes + (cur - r->addr), n);
		done += n;
		cur += n; /* may wrap to 0 at the top of the address space */
	}
	if (ft->read_mode != FAKE_READ_V1)
		*nread = len;
	return GL_BACKEND_OK;
}

void fake_set_read_mode(struct fake_target *ft, enum fake_read_mode mode)
{
	ft->read_mode = mode;
	ft->be.version = mode == FAKE_READ_V1 ? 1 : GL_BACKEND_VERSION;
}

static int fk_text_width(void *ctx, uint32_t *columns)
{
	struct fake_target *ft = ctx;
	if (!ft->has_width)
		return GL_BACKEND_FAIL;
	*columns = ft->width;
	return GL_BACKEND_OK;
}

static int fk_interrupted(void *ctx)
{
	struct fake_target *ft = ctx;
	ft->interrupt_polls++;
	return ft->interrupt_after && ft->calls >= ft->interrupt_after;
}

static int fk_load_bias(void *ctx, uint64_t *bias)
{
	struct fake_target *ft = ctx;
	ft->bias_asks++;
	return fake_answer(&ft->bias, bias);
}

void fake_set_load_bias(struct fake_target *ft, bool known, uint64_t bias)
{
	ft->bias = (struct fake_answer){known, bias};
}

uint64_t fake_load_bias_asks(const struct fake_target *ft)
{
	return ft->bias_asks;
}

void fake_interrupt_after(struct fake_target *ft, uint64_t reads)
{
	ft->interrupt_after = reads;
	ft->interrupt_polls = 0;
}

uint64_t fake_interrupt_polls(const struct fake_target *ft)
{
	return ft->interrupt_polls;
}

void fake_set_text_width(struct fake_target *ft, bool terminal, uint32_t columns)
{
	ft->has_width = terminal;
	ft->width = columns;
}

void fake_map(struct fake_target *ft, uint64_t addr, const void *bytes, uint64_t len)
{
	if (len == 0)
		return;
	if (addr + len - 1 < addr)
		die("fake_map: region wraps around the address space");
	for (size_t i = 0; i < ft->nregions; i++) {
		struct region *r = &ft->regions[i];
		if (addr <= r->addr + r->len - 1 && r->addr <= addr + len - 1)
			die("fake_map: overlapping regions");
	}
	struct region *nr = realloc(ft->regions, (ft->nregions + 1) * sizeof(*nr));
	if (!nr)
		die("out of memory");
	ft->regions = nr;
	struct region *r = &ft->regions[ft->nregions++];
	r->addr = addr;
	r->len = len;
	r->bytes = xcalloc(1, len);
	if (bytes)
		memcpy(r->bytes, bytes, len);
}

void fake_map_merge(struct fake_target *ft, uint64_t addr, const void *bytes, uint64_t len)
{
	const unsigned char *in = bytes;
	uint64_t i = 0;
	while (i < len) {
		struct region *r = region_at(ft, addr + i);
		if (r) {
			if (r->bytes[addr + i - r->addr] != in[i])
				die("fake_map_merge: different bytes already mapped");
			i++;
			continue;
		}
		uint64_t j = i + 1;
		while (j < len && !region_at(ft, addr + j))
			j++;
		fake_map(ft, addr + i, in + i, j - i);
		i = j;
	}
}

void fake_fill_pages(struct fake_target *ft)
{
	size_t n = ft->nregions; /* the regions added below need no filling */
	for (size_t i = 0; i < n; i++) {
		uint64_t lo = ft->regions[i].addr & ~(uint64_t)4095;
		uint64_t last = (ft->regions[i].addr + ft->regions[i].len - 1) & ~(uint64_t)4095;
		for (uint64_t pg = lo;; pg += 4096) {
			for (uint64_t a = pg; a - pg < 4096;) {
				if (region_at(ft, a)) {
					a++;
					continue;
				}
				uint64_t b = a + 1;
				while (b - pg < 4096 && !region_at(ft, b))
					b++;
				fake_map(ft, a, NULL, b - a);
				a = b;
			}
			if (pg == last)
				break;
		}
	}
}

size_t fake_region_count(const struct fake_target *ft)
{
	return ft->nregions;
}

unsigned char *fake_region(struct fake_target *ft, size_t i, uint64_t *addr, uint64_t *len)
{
	if (i >= ft->nregions)
		die("no such region");
	*addr = ft->regions[i].addr;
	*len = ft->regions[i].len;
	return ft->regions[i].bytes;
}

unsigned char fake_pattern_byte(uint64_t addr)
{
	return (unsigned char)(addr * 7 + 1);
}

void fake_map_pattern(struct fake_target *ft, uint64_t addr, uint64_t len)
{
	fake_map(ft, addr, NULL, len);
	struct region *r = region_at(ft, addr);
	for (uint64_t i = 0; i < len; i++)
		r->bytes[i] = fake_pattern_byte(addr + i);
}

void fake_poke(struct fake_target *ft, uint64_t addr, const void *bytes, uint64_t len)
{
	const unsigned char *in = bytes;
	for (uint64_t i = 0; i < len; i++) {
		struct region *r = region_at(ft, addr + i);
		if (!r)
			die("fake_poke: address not mapped");
		r->bytes[addr + i - r->addr] = in[i];
	}
}

void fake_poke_u64(struct fake_target *ft, uint64_t addr, uint64_t v)
{
	unsigned char b[8];
	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	fake_poke(ft, addr, b, 8);
}

void fake_unmap_all(struct fake_target *ft)
{
	for (size_t i = 0; i < ft->nregions; i++)
		free(ft->regions[i].bytes);
	free(ft->regions);
	ft->regions = NULL;
	ft->nregions = 0;
}

uint64_t fake_read_calls(const struct fake_target *ft)
{
	return ft->calls;
}

uint64_t fake_read_bytes(const struct fake_target *ft)
{
	return ft->bytes;
}

const struct fake_read *fake_read_log(const struct fake_target *ft, uint64_t i)
{
	if (i >= ft->calls || ft->calls - i > FAKE_LOG_SIZE)
		return NULL;
	return &ft->log[i % FAKE_LOG_SIZE];
}

void fake_reset_counts(struct fake_target *ft)
{
	ft->calls = ft->bytes = 0;
	memset(ft->log, 0, sizeof(ft->log));
}

/* ---- registers, frame, process ---- */

static int fk_read_register(void *ctx, const char *name, uint64_t *value)
{
	struct fake_target *ft = ctx;
	for (size_t i = 0; i < ft->nregs; i++)
		if (!strcmp(ft->regs[i].name, name)) {
			*value = ft->regs[i].value;
			return GL_BACKEND_OK;
		}
	return GL_BACKEND_FAIL;
}

void fake_set_reg(struct fake_target *ft, const char *name, uint64_t value)
{
	if (strlen(name) >= sizeof(ft->regs[0].name))
		die("fake_set_reg: name too long");
	for (size_t i = 0; i < ft->nregs; i++)
		if (!strcmp(ft->regs[i].name, name)) {
			ft->regs[i].value = value;
			return;
		}
	if (ft->nregs == MAX_REGS)
		die("fake_set_reg: too many registers");
	strcpy(ft->regs[ft->nregs].name, name);
	ft->regs[ft->nregs++].value = value;
}

/* The innermost frame's registers live in the same table as "0:NAME". */
static int fk_innermost_register(void *ctx, const char *name, uint64_t *value)
{
	char key[sizeof(((struct reg *)0)->name)];
	if ((size_t)snprintf(key, sizeof(key), "0:%s", name) >= sizeof(key))
		return GL_BACKEND_FAIL;
	return fk_read_register(ctx, key, value);
}

void fake_set_innermost_reg(struct fake_target *ft, const char *name, uint64_t value)
{
	char key[sizeof(ft->regs[0].name)];
	if ((size_t)snprintf(key, sizeof(key), "0:%s", name) >= sizeof(key))
		die("fake_set_innermost_reg: name too long");
	fake_set_reg(ft, key, value);
}

/* Another thread's innermost registers, as "TID:NAME" (TID > 0, so the
 * selected thread's "0:NAME" stays apart). */
static int fk_thread_register(void *ctx, uint64_t tid, const char *name, uint64_t *value)
{
	char key[sizeof(((struct reg *)0)->name)];
	if (!tid || (size_t)snprintf(key, sizeof(key), "%llu:%s", (unsigned long long)tid, name) >= sizeof(key))
		return GL_BACKEND_FAIL;
	return fk_read_register(ctx, key, value);
}

void fake_set_thread_reg(struct fake_target *ft, uint64_t tid, const char *name, uint64_t value)
{
	char key[sizeof(ft->regs[0].name)];
	if (!tid || (size_t)snprintf(key, sizeof(key), "%llu:%s", (unsigned long long)tid, name) >= sizeof(key))
		die("fake_set_thread_reg: bad thread id or name too long");
	fake_set_reg(ft, key, value);
}

void fake_clear_regs(struct fake_target *ft)
{
	ft->nregs = 0;
}

static int fk_frame_level(void *ctx, uint32_t *level)
{
	struct fake_target *ft = ctx;
	if (ft->frame_level < 0)
		return GL_BACKEND_FAIL;
	*level = (uint32_t)ft->frame_level;
	return GL_BACKEND_OK;
}

void fake_set_frame_level(struct fake_target *ft, int level)
{
	ft->frame_level = level;
}

static int fk_frame_cfa(void *ctx, uint64_t *cfa)
{
	return fake_answer(&((struct fake_target *)ctx)->cfa, cfa);
}

void fake_set_cfa(struct fake_target *ft, bool has, uint64_t cfa)
{
	ft->cfa = (struct fake_answer){has, cfa};
}

static int fk_executable_path(void *ctx, char *buf, size_t len)
{
	struct fake_target *ft = ctx;
	if (!ft->exe || strlen(ft->exe) >= len)
		return GL_BACKEND_FAIL;
	strcpy(buf, ft->exe);
	return GL_BACKEND_OK;
}

void fake_set_exe(struct fake_target *ft, const char *path)
{
	free(ft->exe);
	ft->exe = path ? strdup(path) : NULL;
	if (path && !ft->exe)
		die("out of memory");
}

static uint64_t fk_stop_id(void *ctx)
{
	return ((struct fake_target *)ctx)->stop_id;
}

void fake_set_stop_id(struct fake_target *ft, uint64_t id)
{
	ft->stop_id = id;
}

static int fk_has_process(void *ctx)
{
	return ((struct fake_target *)ctx)->has_process;
}

void fake_set_has_process(struct fake_target *ft, bool has)
{
	ft->has_process = has;
}

/* ---- life ---- */

struct fake_target *fake_new(void)
{
	struct fake_target *ft = xcalloc(1, sizeof(*ft));
	ft->be = (struct gl_backend){
		.version = GL_BACKEND_VERSION,
		.ctx = ft,
		.read_memory = fk_read_memory,
		.read_register = fk_read_register,
		.frame_cfa = fk_frame_cfa,
		.executable_path = fk_executable_path,
		.stop_id = fk_stop_id,
		.has_process = fk_has_process,
		.frame_level = fk_frame_level,
		.innermost_register = fk_innermost_register,
		.text_width = fk_text_width,
		.interrupted = fk_interrupted,
		.load_bias = fk_load_bias,
		.thread_register = fk_thread_register,
	};
	ft->bias.known = true; /* a bias of 0: the executable is where it was linked */
	ft->stop_id = 1;
	ft->has_process = true;
	return ft;
}

void fake_free(struct fake_target *ft)
{
	if (!ft)
		return;
	fake_unmap_all(ft);
	free(ft->exe);
	free(ft);
}

const struct gl_backend *fake_backend(struct fake_target *ft)
{
	return &ft->be;
}

struct gl_backend fake_backend_copy(struct fake_target *ft)
{
	return ft->be;
}

/* ---- running commands ---- */

void fake_run(struct gl_session *s, struct fake_target *ft, struct fake_result *r,
	      const char *fmt, ...)
{
	char *args;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&args, fmt, ap) < 0)
		die("out of memory");
	va_end(ap);
	memset(r, 0, sizeof(*r));
	r->status = gl_session_run(s, fake_backend(ft), args, 0, &r->out, &r->err);
	if (strstr(args, "--json")) {
		json_error_t je;
		/* Without JSON_DISABLE_EOF_CHECK jansson rejects anything after
		 * the one value but whitespace: exactly one document. */
		r->doc = r->out ? json_loads(r->out, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je)
				: NULL;
		if (!r->out)
			snprintf(r->json_error, sizeof(r->json_error), "no output");
		else if (!r->doc)
		{
			int n = snprintf(r->json_error, sizeof(r->json_error), "%.200s (line %d col %d)",
					 je.text, je.line, je.column);
			(void)n;
		}
		else if (!json_is_object(r->doc)) {
			snprintf(r->json_error, sizeof(r->json_error), "not an object");
			json_decref(r->doc);
			r->doc = NULL;
		}
	}
	free(args);
}

void fake_result_free(struct fake_result *r)
{
	gl_free(r->out);
	gl_free(r->err);
	json_decref(r->doc);
	memset(r, 0, sizeof(*r));
}

const char *fake_doc_str(const struct fake_result *r, const char *key)
{
	return r->doc ? json_string_value(json_object_get(r->doc, key)) : NULL;
}

long long fake_doc_int(const struct fake_result *r, const char *key)
{
	json_t *v = r->doc ? json_object_get(r->doc, key) : NULL;
	return json_is_integer(v) ? (long long)json_integer_value(v) : -1;
}

json_t *fake_doc_field(const struct fake_result *r, const char *name)
{
	json_t *fields = r->doc ? json_object_get(r->doc, "fields") : NULL;
	for (size_t i = 0; i < json_array_size(fields); i++) {
		json_t *f = json_array_get(fields, i);
		const char *n = json_string_value(json_object_get(f, "name"));
		if (n && !strcmp(n, name))
			return f;
	}
	return NULL;
}

/* ---- bounded runs ---- */

double fake_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int fake_run_in_child(int (*fn)(void *), void *arg, unsigned timeout_ms)
{
	fflush(NULL);
	pid_t pid = fork();
	if (pid < 0)
		die("fork failed");
	if (pid == 0) {
		/* cmocka's handlers would catch a crash here and run the remaining
		 * tests inside the child: let a crash kill the child instead */
		static const int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
		for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], SIG_DFL);
		_exit(fn(arg) == 0 ? 0 : 1);
	}
	double deadline = fake_now_ms() + timeout_ms;
	int status;
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);
		if (w == pid)
			break;
		if (w < 0)
			die("waitpid failed");
		if (fake_now_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return FAKE_CHILD_TIMEOUT;
		}
		usleep(2000);
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? FAKE_CHILD_OK : FAKE_CHILD_FAILED;
}

/* ---- test data ---- */

/* path = a/b (or a/b/c), NULL when it does not fit or is not readable */
static const char *try_path(char *path, size_t size, const char *a, const char *b, const char *c)
{
	int n = c ? snprintf(path, size, "%s/%s/%s", a, b, c) : snprintf(path, size, "%s/%s", a, b);
	if (n < 0 || (size_t)n >= size || access(path, R_OK) != 0)
		return NULL;
	return path;
}

const char *fake_testdata(const char *name)
{
	static char path[8192];
	char exe[4096];
	const char *env = getenv("GOLAYOUT_TESTDATA");
	if (env && *env && try_path(path, sizeof(path), env, name, NULL))
		return path;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	if (try_path(path, sizeof(path), exe, "testdata", name) ||
	    try_path(path, sizeof(path), exe, "../../build/tests/testdata", name))
		return path;
	return NULL;
}

unsigned char *fake_unhex(const char *hex, uint64_t *len)
{
	size_t n = strlen(hex) / 2;
	unsigned char *b = xcalloc(1, n);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			die("fake_unhex: bad hex");
		b[i] = (unsigned char)v;
	}
	*len = n;
	return b;
}

/* ---- the Go test program ---- */

static const char *program = "structs";

void fake_set_go_program(const char *name)
{
	program = name;
}

const char *fake_go_binary(void)
{
	static char path[8192];
	char json[256];
	const char *p = fake_testdata(program);
	if (!p || access(p, X_OK) != 0)
		return NULL;
	snprintf(path, sizeof(path), "%s", p); /* p is fake_testdata's buffer */
	snprintf(json, sizeof(json), "%s.json", program);
	return fake_testdata(json) ? path : NULL;
}

json_t *fake_truth(void)
{
	static json_t *doc;
	static const char *doc_of;
	if (doc && doc_of == program)
		return doc;
	json_decref(doc);
	doc = NULL;
	doc_of = program;
	char json[256];
	snprintf(json, sizeof(json), "%s.json", program);
	const char *p = fake_testdata(json);
	if (!p)
		return NULL;
	json_error_t je;
	doc = json_load_file(p, JSON_ALLOW_NUL, &je);
	if (!doc) {
		fprintf(stderr, "fake_target: %s: %s\n", p, je.text);
		die("bad truth document");
	}
	return doc;
}

static json_t *find_named(const char *array, const char *name)
{
	json_t *a = json_object_get(fake_truth(), array);
	for (size_t i = 0; i < json_array_size(a); i++) {
		json_t *o = json_array_get(a, i);
		const char *n = json_string_value(json_object_get(o, "name"));
		if (n && !strcmp(n, name))
			return o;
	}
	return NULL;
}

json_t *fake_truth_global(const char *name)
{
	return find_named("globals", name);
}

json_t *fake_truth_type(const char *name)
{
	return find_named("types", name);
}

uint64_t fake_parse_addr(const char *s)
{
	if (!s)
		die("fake_parse_addr: no address");
	char *end;
	uint64_t v = strtoull(s, &end, 16);
	if (*end)
		die("fake_parse_addr: bad address");
	return v;
}

/* Whether the '[' at p in name opens type arguments (not a slice's, an
 * array's or a map's). */
static bool type_args(const char *name, const char *p)
{
	if (*p != '[' || p == name || !(isalnum((unsigned char)p[-1]) || p[-1] == '_'))
		return false;
	return !(p - name >= 3 && !strncmp(p - 3, "map", 3) &&
		 (p - name == 3 || !(isalnum((unsigned char)p[-4]) || p[-4] == '_' || p[-4] == '.')));
}

void fake_reflect_name(const char *name, char *out, size_t n)
{
	size_t w = 0, seg = 0; /* seg: where the current qualified name began */
	bool args = false;
	for (const char *p = name; *p && w + 1 < n; p++) {
		args = args || type_args(name, p);
		if (*p == '/' && !args) {
			w = seg;
			continue;
		}
		out[w++] = *p;
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			seg = w;
	}
	out[w] = '\0';
}

char *fake_truth_value(json_t *g)
{
	const char *v = json_string_value(json_object_get(g, "fields_value"));
	if (!v)
		v = json_string_value(json_object_get(g, "value"));
	if (!v)
		die("fake_truth_value: no \"value\"");
	char *s = strdup(v), *br = strrchr(s, '[');
	if (!s)
		die("fake_truth_value: out of memory");
	if (json_is_true(json_object_get(g, "clock_dependent")) && br && br > s && br[-1] == ' ')
		strcpy(br, "[?])"); /* shorter than what it replaces */
	return s;
}

uint64_t fake_truth_addr(json_t *o)
{
	json_t *a = json_object_get(o, "address");
	if (!json_is_integer(a))
		die("fake_truth_addr: no integer \"address\"");
	return (uint64_t)json_integer_value(a);
}

/* Map o's "hex" bytes at o's "address". */
static void map_hex(struct fake_target *ft, json_t *o)
{
	const char *hex = json_string_value(json_object_get(o, "hex"));
	if (!hex)
		die("fake_map_global: no \"hex\" (was the program run with GOLAYOUT_TRUTH_MEMORY=1?)");
	uint64_t len;
	unsigned char *b = fake_unhex(hex, &len);
	fake_map_merge(ft, fake_truth_addr(o), b, len);
	free(b);
}

void fake_map_global(struct fake_target *ft, json_t *g)
{
	map_hex(ft, g);
	json_t *mem = json_object_get(g, "memory");
	for (size_t i = 0; i < json_array_size(mem); i++)
		map_hex(ft, json_array_get(mem, i));
}

int fake_fx_setup(void **state)
{
	struct fake_fx *f = calloc(1, sizeof(*f));
	if (!f || !(f->ft = fake_new()) || !(f->s = gl_session_create())) {
		fprintf(stderr, "fake_fx_setup: out of memory\n");
		return -1;
	}
	*state = f;
	return 0;
}

int fake_fx_setup_go(void **state)
{
	if (fake_fx_setup(state))
		return -1;
	const char *bin = fake_go_binary();
	if (!bin) {
		fprintf(stderr, "no Go test program: run tests/unit/build-testdata.sh\n");
		return -1; /* missing test data fails, it does not skip */
	}
	fake_set_exe(((struct fake_fx *)*state)->ft, bin);
	return 0;
}

int fake_fx_teardown(void **state)
{
	struct fake_fx *f = *state;
	fake_result_free(&f->r);
	gl_session_destroy(f->s);
	fake_free(f->ft);
	free(f);
	return 0;
}

char *fake_slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	struct strbuf sb = {0};
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		sb_addn(&sb, buf, n);
	fclose(fp);
	if (len)
		*len = sb.len;
	return sb.s ? sb_steal(&sb) : strdup("");
}

struct fake_target *fake_structs_target(void)
{
	if (!fake_go_binary())
		return NULL;
	struct fake_target *ft = fake_new();
	fake_set_exe(ft, fake_go_binary());
	json_t *globals = json_object_get(fake_truth(), "globals");
	for (size_t i = 0; i < json_array_size(globals); i++)
		fake_map_global(ft, json_array_get(globals, i));
	return ft;
}
