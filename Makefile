# The two commands of the README, plus a few helpers. Everything goes through
# CMake presets; this file only sequences them.
.PHONY: all deps deps-test build run test test-asan test-asan-rules bench format clean

JOBS ?= $(shell nproc)
CONFIG ?= config/bellwether.toml

all: build

deps:
	scripts/install-deps

# Tests also need Chromium and playwright-core for the dashboard test.
deps-test:
	scripts/install-deps --browser

build: deps
	cmake --preset release >/dev/null
	cmake --build --preset release -j $(JOBS)

run: build
	mkdir -p data
	build/app/bellwether serve --config $(CONFIG)

test: deps-test build
	ctest --preset release -j $(JOBS) --repeat until-pass:2

test-asan: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS) -LE browser --repeat until-pass:2

# The CI's sanitizer pass: ASan + UBSan over the rule engine's unit tests
# (its hand-managed memory layout and the differential tests), about 7 minutes
# on 2 cores; `make test-asan` runs every suite that way (about 33 minutes).
test-asan-rules: deps
	cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS) --target bw_rules_tests
	build-asan/tests/unit/rules/bw_rules_tests

bench: build
	build/bench/bw_bench

format:
	find rules ingest store notify web config app tests bench \( -name '*.hpp' -o -name '*.cpp' \) | xargs clang-format -i

clean:
	rm -rf build build-asan build-debug
