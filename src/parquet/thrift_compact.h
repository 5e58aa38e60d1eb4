// Reads Thrift's compact protocol, the encoding of Parquet's footer and page
// headers. Only reading, only what Parquet uses; every length and count is
// checked against the bytes left, so a corrupt file is an error, never a read
// past the buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>
#include <vector>

namespace neuralake::parquet {

// Malformed Parquet metadata; the message says what was wrong.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Reads an unsigned LEB128 varint (Thrift's and the RLE run headers') at p,
// advancing it. Returns what went wrong ("ends early", "longer than 10
// bytes"), or nullptr.
const char* read_uleb128(const uint8_t*& p, const uint8_t* end, uint64_t& value);

class CompactReader {
 public:
  // Value types of the compact protocol.
  enum Type : uint8_t {
    kStop = 0, kTrue = 1, kFalse = 2, kByte = 3, kI16 = 4, kI32 = 5, kI64 = 6,
    kDouble = 7, kBinary = 8, kList = 9, kSet = 10, kMap = 11, kStruct = 12,
  };
  struct Field {
    int16_t id = 0;
    uint8_t type = kStop;
  };
  struct ListHeader {
    uint32_t size = 0;
    uint8_t element_type = kStop;
  };

  CompactReader(const uint8_t* data, size_t size) : p_(data), end_(data + size), begin_(data) {}

  // Calls on_field(field) for each field of the struct starting here, until
  // its stop byte; on_field must read the value or skip() it.
  template <class F>
  void read_struct(F&& on_field) {
    enter();
    last_ids_.push_back(0);
    for (;;) {
      const Field f = next_field();
      if (f.type == kStop) break;
      on_field(f);
    }
    last_ids_.pop_back();
    --depth_;
  }

  // A boolean field's value is its type; inside a list it is a byte.
  static bool field_bool(const Field& f) { return f.type == kTrue; }
  bool read_bool_element() { return byte() == 1; }
  int8_t read_byte() { return static_cast<int8_t>(byte()); }
  int32_t read_i32() { return static_cast<int32_t>(zigzag(varint())); }
  int64_t read_i64() { return zigzag(varint()); }
  double read_double();
  std::string_view read_binary();
  ListHeader read_list_header();
  // Reads `count` i32 list elements (Parquet's lists of enums).
  std::vector<int32_t> read_i32_list();
  std::vector<std::string_view> read_binary_list();
  void skip(uint8_t type);

  size_t position() const { return static_cast<size_t>(p_ - begin_); }

 private:
  Field next_field();
  uint8_t byte();
  uint64_t varint();
  static int64_t zigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }
  void enter();
  [[noreturn]] static void fail(const char* what);

  const uint8_t* p_;
  const uint8_t* end_;
  const uint8_t* begin_;
  std::vector<int16_t> last_ids_;
  int depth_ = 0;
};

}  // namespace neuralake::parquet
