# senseops: plain GNU make. `make` builds every tool under build/,
# `make check` builds a sanitizer tree under build/asan/ and runs every test.
.SUFFIXES:

VERSION  := 0.1.0
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DESTDIR  ?=
BUILD    ?= build
CC       ?= cc
SAN      ?=

PKGS := libcurl openssl libcjson libmosquitto libpq yaml-0.1 zlib
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wpointer-arith -Wcast-qual \
	-Wstrict-prototypes -Wmissing-prototypes -Wvla -Wwrite-strings \
	-Wnull-dereference -Wimplicit-fallthrough -Wundef
ifeq ($(CI),true)
WARN += -Werror
endif

HARDEN := -fstack-protector-strong -fstack-clash-protection -fcf-protection -fPIE
HARDEN_LD := -pie -Wl,-z,relro,-z,now -Wl,-z,noexecstack
ifeq ($(SAN),1)
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
SAN_LD := -fsanitize=address,undefined
else
OPT := -O2 -g -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3
endif

CPPFLAGS += -D_GNU_SOURCE -DSENSEOPS_VERSION='"$(VERSION)"' -Ilib-common $(PKG_CFLAGS)
CFLAGS   ?=
ALL_CFLAGS := -std=gnu11 $(OPT) $(WARN) $(HARDEN) $(CFLAGS)
ALL_LDFLAGS := $(SAN_LD) $(HARDEN_LD) -Wl,--as-needed $(LDFLAGS)
LDLIBS   += $(PKG_LIBS) -lm

TOOLS := sysinfo udp-listen sense-poll to-influx to-mqtt to-pg log-tail
TOOL_BINS := $(TOOLS:%=$(BUILD)/bin/%)
HELPERS := record-lint udp-blast sense-sim sense-logs
HELPER_BINS := $(HELPERS:%=$(BUILD)/tools/%)

LIB_SRCS := $(wildcard lib-common/*.c)
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/obj/%.o)
LIB      := $(BUILD)/lib/libsos.a

UNIT_SRCS := $(wildcard tests/unit/t-*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz-*.c)
BENCH_SRCS := $(wildcard tests/bench/bench-*.c)
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(BUILD)/tests/bench/%)
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(BUILD)/tests/fuzz/%)

MANS := $(wildcard man/*.[178])

all: $(TOOL_BINS) $(HELPER_BINS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# Each tool is every .c file under bin/<tool>/, linked with libsos.a.
.SECONDEXPANSION:
src2obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
$(BUILD)/bin/%: $$(call src2obj,$$(wildcard bin/$$*/*.c)) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tools/%: $$(call src2obj,$$(wildcard tools/$$*/*.c)) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)
$(BUILD)/tools/sense-sim: $(BUILD)/obj/tools/udp-blast/gen.o

# A unit test may test a tool's own modules: it links every object of
# bin/<tool>/ except main.o when it names the tool in its file name
# (t-udp-listen-*.c links bin/udp-listen/*.o).
unit_tool = $(firstword $(foreach t,$(TOOLS),$(if $(filter t-$(t)-%,$(1)),$(t))))
unit_objs = $(call src2obj,$(filter-out %/main.c,$(wildcard bin/$(call unit_tool,$(1))/*.c)))
$(BUILD)/tests/unit/%: $(BUILD)/obj/tests/unit/%.o $$(call unit_objs,$$*) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# Fuzz harnesses linked with a corpus-replay driver; tools/fuzz links the
# same harnesses with libFuzzer.
# A harness named fuzz-<tool>-*.c also links that tool's modules.
fuzz_objs = $(call unit_objs,t-$(patsubst fuzz-%,%,$(1)))
$(BUILD)/tests/fuzz/%: $(BUILD)/obj/tests/fuzz/%.o $(BUILD)/obj/tests/fuzz/driver.o $$(call fuzz_objs,$$*) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

# Benchmarks link their tool's modules like the fuzz harnesses do.
bench_objs = $(call unit_objs,t-$(patsubst bench-%,%,$(1)))
$(BUILD)/tests/bench/%: $(BUILD)/obj/tests/bench/%.o $$(call bench_objs,$$*) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

unit-tests: $(UNIT_BINS) $(FUZZ_BINS)

# --- checks -------------------------------------------------------------
ASAN_BUILD := $(BUILD)/asan

deps:
	@tools/install-deps

check: deps
	$(MAKE) --no-print-directory BUILD=$(ASAN_BUILD) SAN=1 all unit-tests
	$(MAKE) --no-print-directory all
	SENSEOPS_BUILD=$(ASAN_BUILD) SENSEOPS_FIXTURES=$(FIXTURES) \
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	prove --norc -j2 $(UNIT_BINS:$(BUILD)/%=$(ASAN_BUILD)/%) tests/integration/t*.sh

FIXTURES ?= $(abspath ../shared/fixtures)

lint: all
	tools/lint

bench: all $(BENCH_BINS)
	tools/bench

FUZZ_SECONDS ?= 60
fuzz:
	tools/fuzz $(FUZZ_SECONDS)

demo: deps
	$(MAKE) --no-print-directory all
	tools/demo $(BUILD)

install: all
	$(MAKE) --no-print-directory install-files

# Copies what `all` built, building nothing (the install test uses it on
# the tree the other tests are running).
install-files:
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man7
	install -m 755 $(TOOL_BINS) $(BUILD)/tools/record-lint $(DESTDIR)$(BINDIR)/
	install -m 644 $(foreach t,$(TOOLS) record-lint,man/$(t).1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(filter %.7,$(MANS)) $(DESTDIR)$(MANDIR)/man7/

clean:
	rm -rf $(BUILD)

.PHONY: all check lint bench fuzz demo install install-files clean deps unit-tests
