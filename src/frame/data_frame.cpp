// DataFrame: named Series of equal length, with lookup, slicing and appending.
// Printing lives in printer.cpp; Parquet/CSV/Arrow export lives in the engine.
#include <algorithm>
#include <ostream>
#include <set>

#include "neuralake/suggest.h"
#include "common/page_memory.h"
#include "frame/printer.h"
#include "frame/series_append.h"
#include "neuralake/data_frame.h"
#include "neuralake/error.h"

namespace neuralake {

DataFrame DataFrame::from_columns(std::vector<Series> columns) {
  std::set<std::string> seen;
  for (const Series& s : columns) {
    if (!seen.insert(s.name()).second) {
      throw Error(ErrorCode::InvalidArgument, s.name(), "column '" + s.name() + "' appears more than once");
    }
    if (s.size() != columns.front().size()) {
      throw Error(ErrorCode::InvalidArgument, s.name(),
                  "column '" + s.name() + "' has " + std::to_string(s.size()) + " rows but column '" +
                      columns.front().name() + "' has " + std::to_string(columns.front().size()));
    }
  }
  DataFrame df;
  df.columns_ = std::move(columns);
  return df;
}

size_t DataFrame::num_rows() const { return columns_.empty() ? 0 : columns_.front().size(); }

std::vector<std::string> DataFrame::column_names() const {
  std::vector<std::string> names;
  names.reserve(columns_.size());
  for (const Series& s : columns_) names.push_back(s.name());
  return names;
}

Schema DataFrame::schema() const {
  Schema schema;
  schema.reserve(columns_.size());
  for (const Series& s : columns_) schema.push_back(Field{s.name(), s.type()});
  return schema;
}

const Series& DataFrame::column(size_t i) const {
  if (i >= columns_.size()) {
    throw Error(ErrorCode::InvalidArgument, std::to_string(i),
                "column index " + std::to_string(i) + " is out of range for a frame with " +
                    std::to_string(columns_.size()) + " columns");
  }
  return columns_[i];
}

const Series& DataFrame::column(const std::string& name) const {
  for (const Series& s : columns_) {
    if (s.name() == name) return s;
  }
  throw Error(ErrorCode::NotFound, name, "no column '" + name + "'" + did_you_mean(name, column_names()));
}

namespace {
Series slice_series(const Series& s, size_t offset, size_t length) {
  Series out = Series::empty(s.name(), s.type());
  std::visit(
      [&](auto& dst) {
        const auto& src = std::get<std::decay_t<decltype(dst)>>(s.storage());
        if constexpr (std::is_same_v<std::decay_t<decltype(dst)>, StringColumn>) {
          dst.append(src, offset, offset + length);
        } else {
          dst.assign(src.begin() + static_cast<std::ptrdiff_t>(offset),
                     src.begin() + static_cast<std::ptrdiff_t>(offset + length));
        }
      },
      out.mutable_storage());
  const auto& valid = s.validity();
  out.mutable_validity().assign(valid.begin() + static_cast<std::ptrdiff_t>(offset),
                                valid.begin() + static_cast<std::ptrdiff_t>(offset + length));
  return out;
}
}  // namespace

DataFrame DataFrame::slice(size_t offset, size_t length) const {
  size_t rows = num_rows();
  offset = std::min(offset, rows);
  length = std::min(length, rows - offset);
  DataFrame df;
  df.columns_.reserve(columns_.size());
  for (const Series& s : columns_) df.columns_.push_back(slice_series(s, offset, length));
  return df;
}

void DataFrame::append(const DataFrame& other) {
  if (columns_.empty()) {
    *this = other;
    return;
  }
  if (other.columns_.size() != columns_.size()) {
    throw Error(ErrorCode::InvalidArgument, other.columns_.empty() ? "" : other.columns_.back().name(),
                "cannot append a frame with " + std::to_string(other.columns_.size()) + " columns to one with " +
                    std::to_string(columns_.size()));
  }
  for (size_t i = 0; i < columns_.size(); ++i) {
    const Series& a = columns_[i];
    const Series& b = other.columns_[i];
    if (a.name() != b.name() || !(a.type() == b.type())) {
      throw Error(ErrorCode::InvalidArgument, b.name(),
                  "cannot append: column " + std::to_string(i) + " is '" + b.name() + "' (" + b.type().polars_name() +
                      ") but this frame has '" + a.name() + "' (" + a.type().polars_name() + ")");
    }
  }
  for (size_t i = 0; i < columns_.size(); ++i) detail::append_values(columns_[i], other.columns_[i]);
}

namespace detail {

// Room for `more` values after the last, the new part mapped at once.
template <class V>
static void make_room(V& v, size_t more) {
  const size_t wanted = v.size() + more;
  if (wanted > v.capacity()) v.reserve(std::max(wanted, v.capacity() * 2));
  populate_pages(v.data() + v.size(), more * sizeof(v[0]));
}

void append_values(Series& to, const Series& from) {
  std::visit(
      [&](auto& dst) {
        using C = std::decay_t<decltype(dst)>;
        const auto& src = std::get<C>(from.storage());
        if constexpr (std::is_same_v<C, StringColumn>) {
          dst.reserve(src.size(), src.byte_size());
          populate_pages(dst.offsets().data() + dst.offsets().size(), src.size() * sizeof(int64_t));
          populate_pages(dst.bytes().data() + dst.bytes().size(), src.byte_size());
          dst.append(src);
        } else {
          if constexpr (!std::is_same_v<C, std::vector<Value>>) make_room(dst, src.size());
          dst.insert(dst.end(), src.begin(), src.end());
        }
      },
      to.mutable_storage());
  auto& validity = to.mutable_validity();
  make_room(validity, from.size());
  validity.insert(validity.end(), from.validity().begin(), from.validity().end());
}

}  // namespace detail

std::string DataFrame::to_string(const FormatOptions& options) const { return detail::format_frame(*this, options); }

std::ostream& operator<<(std::ostream& os, const DataFrame& df) { return os << df.to_string(); }

}  // namespace neuralake
