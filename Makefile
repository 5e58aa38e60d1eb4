# The two set-up commands: `make demo` (the quickstart) and `make test` (the suite).
BUILD ?= build
JOBS ?= $(shell nproc)
NEURALAKE = $(BUILD)/apps/neuralake/neuralake

.PHONY: all deps build test fuzz demo bench bench-peers clean

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
	@scripts/bootstrap --test
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
# The benchmarks are outside the default build (and so outside `make test`).
bench: build
	cmake --build $(BUILD) -j $(JOBS) --target neuralake_benchmarks
	-$(BUILD)/bench/neuralake_bench
	-$(BUILD)/bench/neuralake_delta_bench
	-$(BUILD)/bench/neuralake_s3_scan_bench
	-$(BUILD)/bench/neuralake_s3_stream_bench
	-$(BUILD)/bench/neuralake_stream_bench
	-$(BUILD)/bench/neuralake_delta_write_bench
	-$(BUILD)/bench/neuralake_delta_concurrency_bench
	-$(BUILD)/bench/neuralake_delta_checkpoint_bench
	-node bench/site/site_bench.js $(NEURALAKE) $(BUILD)/tests/libtest_many_tables_catalog.so
	-$(BUILD)/bench/neuralake_serve_bench

# The peer benchmark (bench/peers): neuralake with and without plan rewrites,
# raw DuckDB and Polars (in-memory and streaming) on the same nine queries over
# generated Parquet data, cached in $(PEERS_DATA). Harness flags through
# PEERS_ARGS, e.g. PEERS_ARGS="--queries Q1,Q4 --engines neuralake,duckdb".
# Exits non-zero when the engines' results differ.
PEERS_SF ?= 1
PEERS_ARGS ?=
PEERS_DATA ?= $(or $(NEURALAKE_BENCH_DIR),$(BUILD)/bench-data)/peers-sf$(PEERS_SF)
bench-peers: deps $(BUILD)/CMakeCache.txt bench/peers/node_modules
	cmake --build $(BUILD) -j $(JOBS) --target neuralake_peers_gen neuralake_peers_duckdb neuralake_peers_neuralake
	$(BUILD)/bench/neuralake_peers_gen --sf $(PEERS_SF) --out $(PEERS_DATA)
	node bench/peers/bench_peers.js --data $(PEERS_DATA) --bin $(BUILD)/bench \
	  --out $(BUILD)/bench-results/peers-$(shell date -u +%Y%m%dT%H%M%SZ).json $(PEERS_ARGS)

# Polars for the peer benchmark, at the versions package-lock.json pins. npm ci
# refuses a lock that lacks nodejs-polars' optional packages for other
# platforms when the registry does not serve them (the lock cannot hold them
# then); npm install --no-save installs the same pinned versions instead and
# leaves the lock as it is.
bench/peers/node_modules: bench/peers/package.json bench/peers/package-lock.json
	cd bench/peers && { npm ci --no-audit --no-fund --loglevel=silent 2>/dev/null || \
	  { echo "npm ci refused the lock; installing its pinned versions with npm install"; \
	    npm install --no-save --no-audit --no-fund; }; }
	@touch $@

clean:
	rm -rf $(BUILD) build-asan build-fuzz
