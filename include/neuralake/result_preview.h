// A result printed as a table without holding it: batches go in as they
// stream, and only the rows the table shows are kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "neuralake/data_frame.h"
#include "neuralake/types.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so

namespace neuralake {

// Gathers, from a result read batch by batch (a ResultStream), what
// DataFrame::to_string would print of the whole result: its first
// ceil(max_rows/2) and last floor(max_rows/2) rows and its row count. Memory
// stays at about max_rows rows whatever the result's size.
class ResultPreview {
 public:
  // `schema`: the result's columns (ResultStream::schema()); `max_rows` as in
  // FormatOptions.
  ResultPreview(const Schema& schema, size_t max_rows);

  // Throws InvalidArgument naming the column if the batch's columns differ
  // from the schema.
  void add(const DataFrame& batch);

  uint64_t total_rows() const { return total_; }

  // The table with the whole result's shape; `options.max_rows` is replaced
  // by this preview's.
  std::string to_string(FormatOptions options = {}) const;

 private:
  size_t head_limit_, tail_limit_;
  DataFrame head_;  // the first rows, up to head_limit_
  DataFrame tail_;  // the last rows after the head, up to tail_limit_
  uint64_t total_ = 0;
};

}  // namespace neuralake

#pragma GCC visibility pop
