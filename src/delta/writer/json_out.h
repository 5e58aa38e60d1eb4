// A small JSON emitter for the actions the Delta writer commits: keys and
// values in the order given, strings escaped as RFC 8259 requires, commas
// placed automatically.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/json_string.h"

namespace neuralake::delta {

class JsonOut {
 public:
  JsonOut& begin_object() { return open('{'); }
  JsonOut& end_object() { return close('}'); }
  JsonOut& begin_array() { return open('['); }
  JsonOut& end_array() { return close(']'); }
  JsonOut& key(std::string_view k) {
    separate();
    append_json_string(out_, k);
    out_ += ':';
    after_key_ = true;
    return *this;
  }
  JsonOut& string(std::string_view v) {
    separate();
    append_json_string(out_, v);
    return *this;
  }
  JsonOut& number(int64_t v) { return raw(std::to_string(v)); }
  JsonOut& boolean(bool v) { return raw(v ? "true" : "false"); }
  JsonOut& null() { return raw("null"); }
  // Text already in JSON form (a number formatted elsewhere, a nested document).
  JsonOut& raw(std::string_view json) {
    separate();
    out_ += json;
    return *this;
  }
  const std::string& str() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  JsonOut& open(char c) {
    separate();
    out_ += c;
    first_.push_back(true);
    return *this;
  }
  JsonOut& close(char c) {
    out_ += c;
    first_.pop_back();
    return *this;
  }
  // A comma before every member or element but the first; none after a key.
  void separate() {
    if (after_key_) {
      after_key_ = false;
      return;
    }
    if (first_.empty()) return;
    if (!first_.back()) out_ += ',';
    first_.back() = false;
  }

  std::string out_;
  std::vector<bool> first_;
  bool after_key_ = false;
};

}  // namespace neuralake::delta
