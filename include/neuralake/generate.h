// The TPC-H-like data generator: lineitem, orders, part and supplier as
// Parquet, deterministic for a seed, written in bounded-memory batches.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

// What generate_tpch() writes. Every field has a stated default.
struct GenerateOptions {
  // --- size and content ---
  // lineitem rows (N). The other tables scale like TPC-H: orders = ceil(N/4)
  // (four lines per order), part = max(N/30, 10), supplier = max(N/600, 5).
  // Must be positive.
  uint64_t rows = 0;
  // Same seed and rows: byte-identical files. Different seed: different data.
  uint64_t seed = 42;
  // Tables to write, from "lineitem", "orders", "part", "supplier". Empty: all four.
  std::vector<std::string> tables;

  // --- layout ---
  // Output directory (a local path). Empty: "{warehouse}/tpch" with the
  // warehouse of SessionOptions::from_environment(). Each table goes to its
  // own subdirectory (lineitem/, orders/, ...), which is replaced whole.
  std::string out_dir;
  // Hive-partition lineitem by ship year: lineitem/l_shipyear=1992/ ...
  // lineitem/l_shipyear=1998/ (seven partitions). The partition column
  // l_shipyear (INTEGER) lives in the path only, not in the files.
  bool partitioned = false;
  // Rows per Parquet file (and per generation batch, which bounds memory):
  // table/part-00000.parquet, part-00001.parquet, ... Memory does not grow
  // with `rows` (about 170 MB peak at the default, for any N); a partitioned
  // lineitem holds one batch in memory while splitting it (about 400 MB).
  // With partitioning, each batch adds one file to each ship-year directory.
  uint64_t rows_per_file = 1'000'000;

  // --- resources and feedback ---
  // Engine threads. 0: all hardware threads. Output does not depend on it.
  int threads = 0;
  // Draw a progress bar on stderr, but only when stderr is a terminal.
  bool progress = true;
};

struct GeneratedTable {
  std::string name;                // "lineitem"
  std::string directory;           // out_dir/lineitem
  uint64_t rows = 0;
  std::vector<std::string> files;  // paths written, in order
};

// Writes the tables and returns what was written. Throws InvalidArgument
// naming the option for rows = 0, rows_per_file = 0, negative threads or an
// unknown table name; IOError naming the path when the output directory
// cannot be created or written. A failed run leaves the previous contents of
// each table directory in place (tables are written beside it, then swapped in).
std::vector<GeneratedTable> generate_tpch(const GenerateOptions& options);

}  // namespace neuralake
#pragma GCC visibility pop
