// The strings of a column in one buffer, laid out as Arrow's large string
// (and large binary): value i is bytes()[offsets()[i] .. offsets()[i+1]).
// Filling it from the engine is two bulk appends per chunk, not one
// allocation per cell, and Arrow consumers can read the buffers as they are.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

class StringColumn {
 public:
  StringColumn() : offsets_{0} {}
  StringColumn(std::initializer_list<std::string_view> values) : StringColumn() {
    for (auto v : values) push_back(v);
  }

  size_t size() const { return offsets_.size() - 1; }
  bool empty() const { return size() == 0; }
  // Bytes of all values together.
  size_t byte_size() const { return bytes_.size(); }

  std::string_view operator[](size_t i) const {
    return std::string_view(bytes_.data() + offsets_[i], static_cast<size_t>(offsets_[i + 1] - offsets_[i]));
  }
  std::string_view back() const { return (*this)[size() - 1]; }

  void push_back(std::string_view s) {
    bytes_.insert(bytes_.end(), s.begin(), s.end());
    offsets_.push_back(static_cast<int64_t>(bytes_.size()));
  }
  // Room for `values` more values of `bytes` bytes in all. Capacity grows
  // at least geometrically, so reserving before every append stays linear.
  void reserve(size_t values, size_t bytes = 0) {
    grow(offsets_, offsets_.size() + values);
    grow(bytes_, bytes_.size() + bytes);
  }
  // Appends values [from, to) of `other`.
  void append(const StringColumn& other, size_t from, size_t to) {
    const int64_t base = static_cast<int64_t>(bytes_.size()) - other.offsets_[from];
    bytes_.insert(bytes_.end(), other.bytes_.begin() + other.offsets_[from], other.bytes_.begin() + other.offsets_[to]);
    grow(offsets_, offsets_.size() + (to - from));
    for (size_t i = from + 1; i <= to; ++i) offsets_.push_back(other.offsets_[i] + base);
  }
  void append(const StringColumn& other) { append(other, 0, other.size()); }
  void emplace_back() { offsets_.push_back(offsets_.back()); }  // an empty value (under a null)
  void clear() {
    offsets_.assign(1, 0);
    bytes_.clear();
  }

  // Arrow's buffers: size() + 1 offsets, and the bytes.
  const std::vector<int64_t>& offsets() const { return offsets_; }
  const std::vector<char>& bytes() const { return bytes_; }

  bool operator==(const StringColumn& o) const { return offsets_ == o.offsets_ && bytes_ == o.bytes_; }

  // Iterates the values as string_views.
  class const_iterator {
   public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = std::string_view;
    using difference_type = std::ptrdiff_t;
    using pointer = void;
    using reference = std::string_view;
    const_iterator(const StringColumn* c, size_t i) : c_(c), i_(i) {}
    std::string_view operator*() const { return (*c_)[i_]; }
    const_iterator& operator++() { ++i_; return *this; }
    const_iterator operator++(int) { auto t = *this; ++i_; return t; }
    const_iterator& operator+=(difference_type n) { i_ += static_cast<size_t>(n); return *this; }
    const_iterator operator+(difference_type n) const { return {c_, i_ + static_cast<size_t>(n)}; }
    difference_type operator-(const const_iterator& o) const { return static_cast<difference_type>(i_) - static_cast<difference_type>(o.i_); }
    bool operator==(const const_iterator& o) const { return i_ == o.i_; }
    bool operator!=(const const_iterator& o) const { return i_ != o.i_; }

   private:
    const StringColumn* c_;
    size_t i_;
  };
  const_iterator begin() const { return {this, 0}; }
  const_iterator end() const { return {this, size()}; }

 private:
  template <class V>
  static void grow(V& v, size_t wanted) {
    if (wanted > v.capacity()) v.reserve(std::max(wanted, v.capacity() * 2));
  }

  std::vector<int64_t> offsets_;
  std::vector<char> bytes_;
};

}  // namespace neuralake
#pragma GCC visibility pop
