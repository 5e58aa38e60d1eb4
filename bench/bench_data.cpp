// Generate-once data for the benchmark, keyed by rows and seed.
#include "bench_data.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <vector>

#include "neuralake/generate.h"

namespace fs = std::filesystem;

namespace bench {

DataLayout ensure_data(const std::string& cache_dir, uint64_t rows, uint64_t seed, int threads) {
  DataLayout layout;
  layout.root = (fs::absolute(cache_dir) / ("rows-" + std::to_string(rows) + "-seed-" + std::to_string(seed))).string();
  const fs::path marker = fs::path(layout.root) / ".complete";
  if (fs::exists(marker)) return layout;

  std::cerr << "generating " << rows << " lineitem rows (seed " << seed << ") into " << layout.root << "\n";
  auto t0 = std::chrono::steady_clock::now();
  neuralake::GenerateOptions o;
  o.rows = rows;
  o.seed = seed;
  o.threads = threads;
  o.out_dir = layout.root;
  neuralake::generate_tpch(o);
  o.out_dir = layout.root + "/partitioned";
  o.tables = {"lineitem"};
  o.partitioned = true;
  neuralake::generate_tpch(o);
  std::ofstream(marker) << rows << " " << seed << "\n";
  std::cerr << "generated in "
            << std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count() << " s\n";
  return layout;
}

uint64_t warm_page_cache(const std::string& root) {
  uint64_t total = 0;
  std::vector<char> buf(1 << 20);
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (!e.is_regular_file()) continue;
    std::ifstream in(e.path(), std::ios::binary);
    while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0)
      total += static_cast<uint64_t>(in.gcount());
  }
  return total;
}

}  // namespace bench
