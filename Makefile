# libimapclient: build, test and demo entry points.
#   make demo   build everything and run the C quickstart against a private Dovecot
#   make test   Rust tests, header freshness, C (ctest) and Go tests, all
#               against one private Dovecot started by scripts/test-server.sh;
#               tests/cyrus.rs, examples-c/cyrus*.c and the Go TestCyrus*
#               also against a private Cyrus IMAP (scripts/cyrus-server.sh)
#
# One cargo profile for everything (release): tests, examples, Go and
# benchmarks all link the same build, so nothing is compiled twice.

CARGO ?= cargo
PREFIX ?= /usr/local
BUILD_DIR = build
CMAKE ?= cmake
CTEST ?= ctest
GO ?= go
LIBDIR = target/release
# --tests makes the library's dependencies resolve with the dev-dependency
# features, exactly as `cargo test --release` does. With a plain `cargo build`
# some shared deps (once_cell via proptest/criterion) get other features, and
# because the cdylib file name has no hash, build and test would keep
# overwriting each other's library and rebuild it every time.
CARGO_BUILD = $(CARGO) build --release --lib --tests

.PHONY: all deps lib header-check test test-inner test-rust test-c test-go demo bench fmt clippy clean

all: lib

deps:
	scripts/install-deps.sh

lib:
	$(CARGO_BUILD)
	ln -sf libimapclient.so $(LIBDIR)/libimapclient.so.0

header-check: lib
	@if ! git diff --exit-code -- include/imapclient.h; then \
		echo "include/imapclient.h is out of date: the build regenerated it; commit it." >&2; \
		exit 1; \
	fi
	@if git ls-files --error-unmatch include/imapclient.h >/dev/null 2>&1; then :; else \
		echo "include/imapclient.h is not committed; commit it." >&2; exit 1; \
	fi
	@# Every exported name carries the imapc_/IMAPC_ prefix (CONVENTIONS.md).
	python3 scripts/check-header-names.py --self-test
	python3 scripts/check-header-names.py include/imapclient.h

# Installation (make install PREFIX=/usr/local DESTDIR=): the shared library
# as libimapclient.so.$(VERSION) with the SONAME link .so.0 and the
# development link .so, the static library, the header, pkg-config and CMake
# package files (templates in bindings/c).
VERSION := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)
DESTDIR ?=
INSTALL ?= install
INST_LIB = $(DESTDIR)$(PREFIX)/lib
INST_INC = $(DESTDIR)$(PREFIX)/include
INST_PC = $(INST_LIB)/pkgconfig
INST_CMAKE = $(INST_LIB)/cmake/imapclient

.PHONY: install
install: lib
	$(INSTALL) -d $(INST_LIB) $(INST_INC) $(INST_PC) $(INST_CMAKE)
	$(INSTALL) -m 0755 $(LIBDIR)/libimapclient.so $(INST_LIB)/libimapclient.so.$(VERSION)
	ln -sf libimapclient.so.$(VERSION) $(INST_LIB)/libimapclient.so.0
	ln -sf libimapclient.so.0 $(INST_LIB)/libimapclient.so
	$(INSTALL) -m 0644 $(LIBDIR)/libimapclient.a $(INST_LIB)/libimapclient.a
	$(INSTALL) -m 0644 include/imapclient.h $(INST_INC)/imapclient.h
	@# What the static library needs besides itself: rustc --print native-static-libs.
	libs=$$(bindings/c/native-static-libs.sh) && \
	cmake_libs=$$(echo "$$libs" | sed -e 's/^-l//' -e 's/ -l/;/g') && \
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@VERSION@|$(VERSION)|g' \
		-e "s|@NATIVE_STATIC_LIBS@|$$libs|g" \
		bindings/c/imapclient.pc.in > $(INST_PC)/imapclient.pc && \
	sed -e "s|@NATIVE_STATIC_LIBS_CMAKE@|$$cmake_libs|g" \
		bindings/c/imapclientConfig.cmake.in > $(INST_CMAKE)/imapclientConfig.cmake
	sed -e 's|@VERSION@|$(VERSION)|g' bindings/c/imapclientConfigVersion.cmake.in \
		> $(INST_CMAKE)/imapclientConfigVersion.cmake

# IMAPC_REQUIRE_SERVERS=1: a test that finds no server in the environment
# fails instead of skipping (by hand, without it, they skip with a note).
test: deps lib
	IMAPC_REQUIRE_SERVERS=1 scripts/test-server.sh run -- scripts/cyrus-server.sh run -- \
		$(MAKE) --no-print-directory test-inner

# Runs inside scripts/test-server.sh run and scripts/cyrus-server.sh run:
# IMAP_HOST, IMAP_PORT, ... and CYRUS_HOST, CYRUS_PORT, ... are set.
test-inner: test-rust header-check test-c test-go
	@echo "==== all tests passed ===="

test-rust:
	@echo "==== Rust tests (cargo test --release) against $$IMAP_HOST:$$IMAP_PORT (Cyrus: $${CYRUS_PORT:-none}) ===="
	$(CARGO) test --release

test-c:
	@echo "==== C tests (ctest) ===="
	@if [ -f CMakeLists.txt ]; then \
		$(CMAKE) -S . -B $(BUILD_DIR) && \
		$(CMAKE) --build $(BUILD_DIR) && \
		$(CTEST) --test-dir $(BUILD_DIR) --output-on-failure; \
	else \
		echo "skipped: no CMakeLists.txt yet (arrives with the C ABI)"; \
	fi

test-go:
	@echo "==== Go tests (bindings/go) ===="
	@if [ -f bindings/go/go.mod ]; then \
		cd bindings/go && $(GO) vet ./... && $(GO) test -race ./... && \
		echo "==== Go soak without -race (the RSS check applies) ====" && \
		$(GO) test -count=1 -run '^TestSoak$$' -v .; \
	else \
		echo "skipped: no bindings/go yet"; \
	fi

demo: deps lib
	@if [ ! -f examples-c/quickstart.c ] || [ ! -f CMakeLists.txt ]; then \
		echo "demo: the C quickstart (examples-c/quickstart.c) arrives with the C ABI; nothing to run yet."; \
		exit 0; \
	fi; \
	$(CMAKE) -S . -B $(BUILD_DIR) && $(CMAKE) --build $(BUILD_DIR) && \
	scripts/test-server.sh run -- sh -c \
		'IMAP_TLS=implicit IMAP_PORT=$$IMAP_TLS_PORT exec $(BUILD_DIR)/examples-c/quickstart'

# Fetch benchmark (bench/README.md): builds the contenders, runs them against
# a replay server and the private Dovecot, rewrites docs/performance.md.
# BENCH_ARGS passes options, e.g. BENCH_ARGS="--runs 7 --servers replay".
# Bounded run of every cargo-fuzz target (framer+parser, UTF-7, message
# sets); fails on a crash. FUZZ_SECONDS per target; FUZZ_TARGETS picks some.
# A campaign: make fuzz FUZZ_SECONDS=600 (README: Reliability and security tests).
FUZZ_SECONDS ?= 30
.PHONY: fuzz
fuzz:
	scripts/fuzz-ci.sh $(FUZZ_SECONDS)

bench: deps lib
	python3 bench/run.py $(BENCH_ARGS)

fmt:
	$(CARGO) fmt --all
	@if [ -f bindings/go/go.mod ]; then gofmt -w bindings/go; fi

clippy:
	$(CARGO) clippy --release --all-targets -- -D warnings

clean:
	-scripts/test-server.sh stop --clean
	-scripts/cyrus-server.sh stop --clean
	$(CARGO) clean
	rm -rf $(BUILD_DIR) .testserver
