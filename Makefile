# The two set-up commands: `make demo` (the quickstart) and `make test` (the suite).
BUILD ?= build
JOBS ?= $(shell nproc)
NEURALAKE = $(BUILD)/apps/neuralake/neuralake

.PHONY: all deps build test demo bench clean

all: build

deps:
	@scripts/bootstrap

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

# Tests start their own local S3 server; fetch it once before they run in parallel.
test: build
	@scripts/local-s3 fetch
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 600

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

clean:
	rm -rf $(BUILD)
