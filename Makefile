# offtrace - GNU Make build.
#
#   make                 build ./offtrace
#   make check           every test (also once under ASan+UBSan); ends "N passed, N failed"
#   make demo            analyze the sample traces in testdata/
#   make bench           one table: every path against its ceiling (bench/bench.sh)
#   make fuzz            libFuzzer harnesses (clang) in build/fuzz/
#   make fuzz-smoke      each harness briefly (tests/fuzz/long.sh: 30 minutes)
#   make install         PREFIX=/usr/local DESTDIR=
#
# Knobs: DEVELOPER=1 (strict warnings, -Werror), SANITIZE=address,undefined,
# V=1 (show commands), O=DIR (build directory).  Put local settings in
# config.mak.

-include config.mak

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=
PKG_CONFIG ?= pkg-config
CC ?= cc
CFLAGS ?= -O2 -g
PKGS = sqlite3 libcjson libpcap libcurl zlib libarchive
DEBIAN_PKGS = libpcap-dev libsqlite3-dev libcjson-dev pkg-config libcurl4-openssl-dev zlib1g-dev libarchive-dev

ifdef SANITIZE
O ?= build/san
SAN_FLAGS = -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
else
O ?= build
SAN_FLAGS =
endif

ifeq ($(V),1)
Q =
else
Q = @
endif

WARN = -Wall -Wextra -Wno-unused-parameter
ifeq ($(DEVELOPER),1)
WARN += -Werror -Wmissing-prototypes -Wstrict-prototypes -Wwrite-strings \
	-Wvla -Wformat-security -Wshadow -fno-common
endif

# Flags from pkg-config, once the packages are there (see $(O)/.deps).
PKG_CFLAGS = $(shell $(PKG_CONFIG) --cflags $(PKGS) 2>/dev/null)
PKG_LIBS = $(shell $(PKG_CONFIG) --libs $(PKGS) 2>/dev/null)

ALL_CFLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -I$(O) \
	$(PKG_CFLAGS) $(WARN) $(CFLAGS) $(SAN_FLAGS) -MMD -MP
ALL_LDFLAGS = $(LDFLAGS) $(SAN_FLAGS)
LIBS = $(PKG_LIBS) -lpthread -lm

CLI_SRC = src/main.c $(wildcard src/cmd_*.c)
LIB_SRC = $(filter-out $(CLI_SRC), $(wildcard src/*.c src/*/*.c))
LIB_OBJ = $(patsubst src/%.c,$(O)/obj/%.o,$(LIB_SRC)) $(O)/obj/schema_sql.o \
	$(O)/obj/profile_chimney.o $(O)/obj/clickhouse_sql.o
CLI_OBJ = $(patsubst src/%.c,$(O)/obj/%.o,$(CLI_SRC))
UNIT_SRC = $(wildcard tests/unit/*.c)
UNIT_BIN = $(patsubst tests/unit/%.c,$(O)/tests/%,$(UNIT_SRC))
TOOL_SRC = $(wildcard tests/tools/*.c)
TOOL_BIN = $(patsubst tests/tools/%.c,$(O)/tests/%,$(TOOL_SRC))
FUZZ_SRC = $(wildcard tests/fuzz/*.c)
LIB = $(O)/libofftrace.a

ifdef SANITIZE
PROG = $(O)/offtrace
else
PROG = offtrace
endif

.PHONY: all check test check-run demo bench fuzz fuzz-smoke install uninstall clean deps FORCE

all: $(PROG)

# Missing Debian packages: installed when root, otherwise the exact command
# (again whenever the list of packages changes).
$(O)/.deps: tools/ensure-deps.sh $(O)/.deps-list
	$(Q)mkdir -p $(O)
	$(Q)sh tools/ensure-deps.sh $(DEBIAN_PKGS)
	$(Q)touch $@

$(O)/.deps-list: FORCE
	$(Q)mkdir -p $(O)
	$(Q)echo '$(DEBIAN_PKGS)' | cmp -s - $@ || echo '$(DEBIAN_PKGS)' > $@

FORCE:

deps: $(O)/.deps

$(PROG): $(CLI_OBJ) $(LIB)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(LIBS)

$(LIB): $(LIB_OBJ)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $(LIB_OBJ)

$(O)/obj/%.o: src/%.c $(O)/.deps
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# schemas/offtrace.sql is embedded as a C string (single source of truth).
$(O)/schema_sql.c: schemas/offtrace.sql tools/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh tools/embed.sh ot_schema_sql < schemas/offtrace.sql > $@

$(O)/obj/schema_sql.o: $(O)/schema_sql.c $(O)/.deps
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# schemas/clickhouse.sql, the fleet tables (issue 14), embedded the same way.
$(O)/clickhouse_sql.c: schemas/clickhouse.sql tools/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh tools/embed.sh ot_clickhouse_sql < schemas/clickhouse.sql > $@

$(O)/obj/clickhouse_sql.o: $(O)/clickhouse_sql.c $(O)/.deps
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The built-in chimney profile (schemas/profiles/chimney.json), embedded too.
$(O)/profile_chimney.c: schemas/profiles/chimney.json tools/embed.sh
	@mkdir -p $(dir $@)
	$(Q)sh tools/embed.sh ot_profile_chimney_json < schemas/profiles/chimney.json > $@

$(O)/obj/profile_chimney.o: $(O)/profile_chimney.c $(O)/.deps
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(O)/tests/%: tests/unit/%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

$(O)/tests/%: tests/tools/%.c $(LIB)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS)

# The whole suite: once normally, once under ASan+UBSan; one closing line.
check: $(PROG) $(UNIT_BIN) $(TOOL_BIN)
	$(Q)rm -f build/results
	$(Q)sh tests/run-all.sh ./$(PROG) $(O) build/results normal
	$(Q)$(MAKE) --no-print-directory SANITIZE=address,undefined check-run
	$(Q)sh tests/summary.sh build/results

test: check

# Used by check: the suite under the sanitizer build.
check-run: $(PROG) $(UNIT_BIN) $(TOOL_BIN)
	$(Q)ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1 \
		sh tests/run-all.sh ./$(PROG) $(O) build/results sanitize

# The main job on the sample traces: four files (two adapters, an IM over a
# NIC, one driver with a late context write) merged into one report.
demo: $(PROG)
	@rm -f $(O)/demo.db
	./$(PROG) analyze --db $(O)/demo.db testdata/samples/*.jsonl

# Every libFuzzer harness briefly, from its seeds and with its dictionary
# (the same runs `make check` makes); the long runs: tests/fuzz/long.sh.
fuzz-smoke: $(PROG)
	$(Q)rm -f build/fuzz-smoke.results
	$(Q)sh tests/cli/fuzz.sh ./$(PROG) $(O) build/fuzz-smoke.results
	$(Q)sh tests/summary.sh build/fuzz-smoke.results

bench: $(PROG) $(O)/tests/mkpcap
	sh bench/bench.sh ./$(PROG) $(O)/tests/mkpcap

# libFuzzer harnesses, one per reader (tests/fuzz/fuzz_*.c), in build/fuzz/.
FUZZ_CC ?= clang
FUZZ_CFLAGS = -g -O1 -fno-sanitize-recover=all -std=c11 \
	-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -I$(O) $(PKG_CFLAGS)
FUZZ_DIR = build/fuzz
# the library once, instrumented for the fuzzer but without its main();
# each harness then links it (compiling every source per harness made
# `make fuzz` take minutes)
FUZZ_LIB_OBJ = $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(LIB_SRC)) \
	$(FUZZ_DIR)/obj/schema_sql.o $(FUZZ_DIR)/obj/profile_chimney.o \
	$(FUZZ_DIR)/obj/clickhouse_sql.o
FUZZ_BIN = $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(FUZZ_SRC))
# the commands without main(), for the harnesses that drive one (fuzz_db:
# show); an archive, so the other harnesses link none of it
FUZZ_CLI_OBJ = $(patsubst src/%.c,$(FUZZ_DIR)/obj/%.o,$(filter-out src/main.c,$(CLI_SRC)))

fuzz: $(O)/.deps $(FUZZ_BIN)

$(FUZZ_DIR)/obj/%.o: src/%.c $(O)/.deps
	@mkdir -p $(dir $@)
	@echo "  FUZZCC  $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -MMD -MP -c -o $@ $<

$(FUZZ_DIR)/obj/%.o: $(O)/%.c
	@mkdir -p $(dir $@)
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<

$(FUZZ_DIR)/libofftrace.a: $(FUZZ_LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $(FUZZ_LIB_OBJ)

$(FUZZ_DIR)/libofftrace-cli.a: $(FUZZ_CLI_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $(FUZZ_CLI_OBJ)

$(FUZZ_DIR)/%: tests/fuzz/%.c $(FUZZ_DIR)/libofftrace.a $(FUZZ_DIR)/libofftrace-cli.a
	@echo "  FUZZ    $<"
	$(Q)$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer,address,undefined -o $@ $< \
		$(FUZZ_DIR)/libofftrace-cli.a $(FUZZ_DIR)/libofftrace.a $(LIBS)

install: $(PROG)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1
	install -m 755 $(PROG) $(DESTDIR)$(BINDIR)/offtrace
	install -m 644 man/offtrace.1 $(DESTDIR)$(MANDIR)/man1/offtrace.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/offtrace $(DESTDIR)$(MANDIR)/man1/offtrace.1

clean:
	rm -rf build offtrace

-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
-include $(shell find $(FUZZ_DIR)/obj -name '*.d' 2>/dev/null)
