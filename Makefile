# golayout — build, test, demo.  `make` builds everything into build/.
PREFIX      ?= /usr/local
BUILD       ?= build
# The LLDB whose plugin is build/libgolayout-lldb.so (Debian 12's lldb-16,
# the one the project's machines have as `lldb-16`); see LLDB_WANT below.
LLDB_DEFAULT ?= 16
CC          ?= cc
CXX         ?= c++

Q           ?= @
WARN        := -Wall -Wextra -Werror
CFLAGS_BASE := -std=c11 -D_GNU_SOURCE -fPIC -g -O2 $(WARN) -Iinclude -Icore -I/usr/include/libdwarf
LIBS        := -ldwarf -lz -ljansson -lm
SAN         :=
ifeq ($(SANITIZE),1)
  SAN       := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
  BUILD     := build-sanitize
endif

CORE_SRC    := $(sort $(wildcard core/*/*.c))
CORE_OBJ    := $(patsubst core/%.c,$(BUILD)/core/%.o,$(CORE_SRC))
UNIT_SRC    := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BIN    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
# Checks that need the fixtures of scripts/build-fixtures.sh, run by `make test`.
CHECK_SRC   := $(sort $(wildcard tests/unit/check_*.c))
CHECK_BIN   := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(CHECK_SRC))
# What the fixture checks share: the generator of the built-in layout database.
CHECK_LIB   := tests/unit/rtlayout_dbgen.c
# What the unit-test programs share: the fake backend and the scene builders.
UNIT_LIB    := $(filter-out $(UNIT_SRC) $(CHECK_SRC) $(CHECK_LIB),$(sort $(wildcard tests/unit/*.c)))

# One LLDB plugin per LLDB version found: build/lldb-N/libgolayout-lldb.so,
# compiled with that version's SB API headers (from liblldb-N-dev, or
# unpacked into $(LLDB_ROOT)/N by scripts/install-lldb-versions.sh) for an
# installed liblldb-N. build/libgolayout-lldb.so is the LLDB_DEFAULT one.
# The plugin does not link liblldb: its SB API calls bind to the liblldb of
# the lldb that loads it, so a plugin of another version cannot drag a
# second liblldb into the process (which crashes lldb in `plugin load`);
# PluginInitialize refuses to run in another LLDB version instead.
LLDB_WANT   ?= 14 15 16 19
LLDB_ROOT   ?= $(or $(GOLAYOUT_LLDB_ROOT),/opt/golayout-lldb)
lldb_inc     = $(firstword $(foreach d,/usr/lib/llvm-$1/include $(LLDB_ROOT)/$1/usr/lib/llvm-$1/include,\
                 $(if $(wildcard $d/lldb/API/LLDB.h),$d)))
LLDB_VERSIONS := $(foreach n,$(LLDB_WANT),$(if $(and $(call lldb_inc,$n),$(wildcard /usr/lib/llvm-$n/lib/liblldb.so.1)),$n))
LLDB_PLUGINS  := $(foreach n,$(LLDB_VERSIONS),$(BUILD)/lldb-$n/libgolayout-lldb.so)

.PHONY: all core gdb lldb unit sanitize install test demo deps clean bench check-layers check-exports gallery \
	fuzz-build fuzz fuzz-smoke fuzz-campaign test-lldb-versions
all: core gdb lldb unit

core: $(BUILD)/libgolayout.so $(BUILD)/libgolayout.a
gdb: $(BUILD)/golayout-gdb.py $(BUILD)/libgolayout.so
lldb: $(BUILD)/libgolayout-lldb.so $(LLDB_PLUGINS)
unit: $(UNIT_BIN) $(CHECK_BIN)

$(BUILD)/core/%.o: core/%.c $(wildcard core/*/*.h core/*/*.def core/*/*.inc) include/golayout/golayout.h
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(CFLAGS_BASE) -fvisibility=hidden $(SAN) $(CFLAGS) -c $< -o $@

$(BUILD)/libgolayout.a: $(CORE_OBJ)
	$(Q)ar rcs $@ $^

$(BUILD)/libgolayout.so: $(CORE_OBJ)
	@echo "  LD      $@"
	$(Q)$(CC) -shared $(SAN) -o $@ $^ $(LIBS)

$(BUILD)/golayout-gdb.py: gdb/golayout-gdb.py
	@mkdir -p $(BUILD)
	cp $< $@

# The LLDB plugin carries the core inside it: one file to load. $1: the
# LLDB major version whose headers it is compiled with.
define lldb_plugin
@mkdir -p $(dir $@)
@echo "  CXX     $@ (LLDB $1)"
$(Q)$(CXX) -std=c++17 -fPIC -shared -g -O2 -fvisibility=hidden -fvisibility-inlines-hidden \
  $(WARN) $(SAN) -Iinclude -I$(call lldb_inc,$1) -DGL_LLDB_MAJOR=$1 \
  -o $@ $< $(CORE_OBJ) $(LIBS)
endef

$(BUILD)/libgolayout-lldb.so: lldb/golayout_lldb.cpp $(CORE_OBJ) include/golayout/golayout.h
	$(call lldb_plugin,$(LLDB_DEFAULT))

$(BUILD)/lldb-%/libgolayout-lldb.so: lldb/golayout_lldb.cpp $(CORE_OBJ) include/golayout/golayout.h
	$(call lldb_plugin,$*)

$(BUILD)/tests/%: tests/unit/%.c $(UNIT_LIB) $(wildcard tests/unit/*.h) $(BUILD)/libgolayout.a $(wildcard core/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS_BASE) $(SAN) -Itests/unit -o $@ $< $(UNIT_LIB) $(BUILD)/libgolayout.a $(LIBS) -lcmocka

$(BUILD)/tests/check_%: tests/unit/check_%.c $(CHECK_LIB) $(BUILD)/libgolayout.a $(wildcard core/*/*.h) core/gotypes/rtlayout.def
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(CC) $(CFLAGS_BASE) $(SAN) -Itests/unit -o $@ $< $(CHECK_LIB) $(BUILD)/libgolayout.a $(LIBS)

sanitize:
	$(MAKE) SANITIZE=1 core unit

# libFuzzer targets (tests/fuzz/fuzz_*.c), built with clang into build-fuzz/
# with ASan and UBSan: the core and the unit tests' fake target compiled for
# coverage, each target linked with -fsanitize=fuzzer. `make fuzz` runs each
# for FUZZ_SECONDS; `make fuzz-smoke` (part of `make test`) for a few seconds,
# first replaying the committed corpus (tests/fuzz/corpus/<target>/, crash
# inputs of fixed bugs included). FUZZ_TARGETS="map_swiss heap" picks some.
FUZZ_CC      ?= clang
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 4
FUZZ_SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := $(filter-out -O2,$(CFLAGS_BASE)) -O1 $(FUZZ_SAN)
FUZZ_CORE_OBJ := $(patsubst core/%.c,$(FUZZ_BUILD)/core/%.o,$(CORE_SRC))
FUZZ_COV_IGNORE := tests/fuzz/coverage-ignore.txt
FUZZ_LIB_OBJ := $(patsubst tests/%.c,$(FUZZ_BUILD)/%.o,$(UNIT_LIB) tests/fuzz/common.c)
FUZZ_SRC     := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BIN     := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/tests/%,$(FUZZ_SRC))
FUZZ_TARGETS ?= $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRC))

$(FUZZ_BUILD)/core/%.o: core/%.c $(wildcard core/*/*.h core/*/*.def core/*/*.inc) include/golayout/golayout.h \
		$(FUZZ_COV_IGNORE)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -fsanitize-coverage-ignorelist=$(FUZZ_COV_IGNORE) \
	  -fvisibility=hidden -c $< -o $@

$(FUZZ_BUILD)/%.o: tests/%.c $(wildcard tests/unit/*.h tests/fuzz/*.h core/*/*.h)
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -Itests/unit -Itests/fuzz -c $< -o $@

$(FUZZ_BUILD)/tests/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIB_OBJ) $(FUZZ_CORE_OBJ) tests/fuzz/fuzz.h
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -Itests/unit -Itests/fuzz -o $@ $< \
	  $(FUZZ_LIB_OBJ) $(FUZZ_CORE_OBJ) $(LIBS) -lcmocka

# kept: they are not intermediate files to make
.SECONDARY: $(FUZZ_CORE_OBJ) $(FUZZ_LIB_OBJ)

fuzz-build: $(FUZZ_BIN)

fuzz: fuzz-build
	scripts/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Until each target has run FUZZ_GOAL inputs, resumable (scripts/fuzz-campaign.sh).
FUZZ_GOAL ?= 10000000
fuzz-campaign: fuzz-build
	scripts/fuzz-campaign.sh $(FUZZ_BUILD) $(FUZZ_GOAL) $(FUZZ_TARGETS)

fuzz-smoke: fuzz-build
	FUZZ_SCRATCH=1 scripts/run-fuzz.sh $(FUZZ_BUILD) $(FUZZ_SMOKE_SECONDS) $(FUZZ_TARGETS)

# The core's layering, from the symbols of the built objects; then the
# checker itself on synthetic objects: it must name a deliberately added
# upward call and cycle, and pass a clean set.
check-layers: $(CORE_OBJ)
	python3 scripts/check-layers.py $(BUILD)
	python3 tests/layers/test_check_layers.py $(BUILD)

# libgolayout.so and the LLDB plugin export the public API only, and the gdb
# shim calls nothing else.
check-exports: $(BUILD)/libgolayout.so $(BUILD)/libgolayout-lldb.so
	python3 tests/layers/test_exports.py $(BUILD)

install: all
	install -d $(DESTDIR)$(PREFIX)/lib/golayout $(DESTDIR)$(PREFIX)/include/golayout
	install -m 755 $(BUILD)/libgolayout.so $(BUILD)/libgolayout-lldb.so $(DESTDIR)$(PREFIX)/lib/golayout/
	for n in $(LLDB_VERSIONS); do \
	  install -d $(DESTDIR)$(PREFIX)/lib/golayout/lldb-$$n && \
	  install -m 755 $(BUILD)/lldb-$$n/libgolayout-lldb.so $(DESTDIR)$(PREFIX)/lib/golayout/lldb-$$n/ || exit 1; \
	done
	install -m 644 $(BUILD)/libgolayout.a $(BUILD)/golayout-gdb.py $(DESTDIR)$(PREFIX)/lib/golayout/
	install -m 644 include/golayout/golayout.h $(DESTDIR)$(PREFIX)/include/golayout/

deps:
	scripts/install-deps.sh

# The whole suite: unit tests (plain and sanitized), then gdb and lldb on
# fixtures built with every supported Go toolchain.
test: deps
	$(MAKE) all
	$(MAKE) sanitize
	tests/unit/build-testdata.sh
	scripts/run-unit-tests.sh $(BUILD) build-sanitize
	$(MAKE) fuzz-smoke
	$(MAKE) check-layers check-exports
	scripts/build-fixtures.sh
	$(BUILD)/tests/check_rtlayout
	build-sanitize/tests/check_rtlayout
	python3 tests/integration/run.py
	$(MAKE) test-lldb-versions
	python3 tests/integration/terminal.py
	python3 tests/integration/examples.py
	python3 scripts/gallery.py --check

# The integration suite in every other LLDB of LLDB_WANT (run.py above runs
# lldb-16 on every toolchain), on three configurations: go1.26 (swiss maps,
# DWARF 5), go1.23 (classic maps, DWARF 4) and go1.26-pie (the load bias
# comes from the SB API), the terminal test (Ctrl-C, writes), and every
# plugin loaded into every LLDB (lldb_versions.py). A wanted LLDB that is not there fails:
# scripts/install-lldb-versions.sh installs it.
LLDB_TEST_TOOLCHAINS ?= go1.23 go1.26 go1.26-pie
LLDB_OTHERS  = $(patsubst %,lldb-%,$(filter-out $(LLDB_DEFAULT),$(LLDB_VERSIONS)))
test-lldb-versions: lldb
	$(if $(filter-out $(LLDB_VERSIONS),$(LLDB_WANT)),\
	  @echo "FAIL LLDB $(filter-out $(LLDB_VERSIONS),$(LLDB_WANT)) not found (scripts/install-lldb-versions.sh)"; exit 1)
	GOLAYOUT_TOOLCHAINS="$(LLDB_TEST_TOOLCHAINS)" GOLAYOUT_DEBUGGERS="$(LLDB_OTHERS)" \
	  python3 tests/integration/run.py
	GOLAYOUT_DEBUGGERS="$(LLDB_OTHERS)" python3 tests/integration/terminal.py
	GOLAYOUT_DEBUGGERS="$(patsubst %,lldb-%,$(LLDB_VERSIONS))" python3 tests/integration/lldb_versions.py

# The README gallery's text blocks and pictures (docs/gallery/*.svg) from
# real runs of examples/demo and the fixtures; `make test` checks them.
gallery: gdb lldb
	python3 scripts/gallery.py --update

demo: deps
	$(MAKE) all
	scripts/demo.sh

bench: all
	scripts/bench-map.sh
	scripts/bench-gc.sh
	scripts/bench-goroutines.sh
	scripts/bench-heapgraph

clean:
	rm -rf build build-sanitize build-fuzz
