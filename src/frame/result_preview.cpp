#include "neuralake/result_preview.h"

#include <algorithm>
#include <vector>

#include "frame/printer.h"

namespace neuralake {

namespace {

DataFrame empty_frame(const Schema& schema) {
  std::vector<Series> columns;
  columns.reserve(schema.size());
  for (const Field& f : schema) columns.push_back(Series::empty(f.name, f.type));
  return DataFrame::from_columns(std::move(columns));
}

}  // namespace

ResultPreview::ResultPreview(const Schema& schema, size_t max_rows)
    : head_limit_((max_rows + 1) / 2), tail_limit_(max_rows / 2), head_(empty_frame(schema)), tail_(head_) {}

void ResultPreview::add(const DataFrame& batch) {
  const size_t rows = batch.num_rows();
  size_t from = 0;
  if (head_.num_rows() < head_limit_) {
    from = std::min(rows, head_limit_ - head_.num_rows());
    head_.append(batch.slice(0, from));  // append checks the columns
  }
  if (from < rows && tail_limit_ > 0) {
    // Only the batch's last tail_limit_ rows can still be shown.
    const size_t keep = std::min(rows - from, tail_limit_);
    tail_.append(batch.slice(rows - keep, keep));
    if (tail_.num_rows() > tail_limit_) tail_ = tail_.slice(tail_.num_rows() - tail_limit_, tail_limit_);
  } else if (from < rows) {
    tail_.append(batch.slice(0, 0));  // checks the columns of a batch that adds no shown row
  }
  total_ += rows;
}

std::string ResultPreview::to_string(FormatOptions options) const {
  options.max_rows = head_limit_ + tail_limit_;
  DataFrame shown = head_;
  shown.append(tail_);
  return detail::format_frame(shown, options, static_cast<size_t>(total_));
}

}  // namespace neuralake
