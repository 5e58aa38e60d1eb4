# The two set-up commands: `make demo` (the quickstart) and `make test` (the suite).
BUILD ?= build
JOBS ?= $(shell nproc)
NEURALAKE = $(BUILD)/apps/neuralake/neuralake

.PHONY: all deps build test fuzz demo bench clean

all: build

deps:
	@scripts/bootstrap

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# The suite, then the sanitizer suite (build-asan/), then a short run of every
# fuzz target (build-fuzz/); each stage timed, all run even if one fails, and a
# last line "N passed, N failed" (scripts/test-all).
test: deps $(BUILD)/CMakeCache.txt
	@BUILD=$(BUILD) JOBS=$(JOBS) scripts/test-all

# Fuzz every target for FUZZ_SECONDS each (one after the other), or FUZZ_TARGETS only.
FUZZ_SECONDS ?= 300
fuzz: deps
	scripts/fuzz -t $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The quickstart needs only the CLI (for the sample data) and query_data.
demo: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS) --target neuralake_cli query_data quickstart_catalog
	$(NEURALAKE) sample-data
	$(BUILD)/examples/quickstart/query_data

# Each benchmark exits non-zero when it misses a target; run them all regardless.
bench: build
	-$(BUILD)/bench/neuralake_bench
	-$(BUILD)/bench/neuralake_delta_bench
	-$(BUILD)/bench/neuralake_s3_scan_bench
	-$(BUILD)/bench/neuralake_s3_stream_bench
	-$(BUILD)/bench/neuralake_stream_bench

clean:
	rm -rf $(BUILD) build-asan build-fuzz
