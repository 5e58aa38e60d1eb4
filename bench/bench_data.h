// The benchmark's data: generated once per (rows, seed) into a cache
// directory and reused, then read once so that timed runs hit the page cache.
#pragma once

#include <cstdint>
#include <string>

#include "queries.h"

namespace bench {

// Returns the layout under `cache_dir`/rows-N-seed-S, generating it first if
// no complete copy is there (a marker file is written last).
DataLayout ensure_data(const std::string& cache_dir, uint64_t rows, uint64_t seed, int threads);
// Reads every file below `root` once; returns the bytes read.
uint64_t warm_page_cache(const std::string& root);

}  // namespace bench
