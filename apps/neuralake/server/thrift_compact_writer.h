// Writes Thrift's compact protocol, the encoding of Parquet's page headers and
// footer: field headers with delta ids, zigzag varints, binaries, lists and
// nested structs. Only writing, only the value types Parquet uses.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace neuralake::server {

class CompactWriter {
 public:
  // Value types of the compact protocol, as they appear in field and list headers.
  enum Type : uint8_t {
    kTrue = 1, kFalse = 2, kByte = 3, kI16 = 4, kI32 = 5, kI64 = 6,
    kDouble = 7, kBinary = 8, kList = 9, kSet = 10, kMap = 11, kStruct = 12,
  };

  // A struct with no field header: the outermost one, or an element of a list.
  void begin_struct();
  // A struct-valued field.
  void begin_struct(int16_t id);
  // The stop byte of the innermost open struct.
  void end_struct();

  // Fields; ids must increase within a struct (as Parquet's writers emit them).
  void field_bool(int16_t id, bool v);
  void field_i8(int16_t id, int8_t v);
  void field_i16(int16_t id, int16_t v);
  void field_i32(int16_t id, int32_t v);
  void field_i64(int16_t id, int64_t v);
  void field_binary(int16_t id, std::string_view v);
  // A list-valued field's header; its `size` elements follow, written with
  // the element calls below (structs with begin_struct()).
  void begin_list(int16_t id, Type element, size_t size);
  void i32_element(int32_t v) { varint(zigzag(v)); }
  void binary_element(std::string_view v);
  // Elements already encoded elsewhere (e.g. structs written by another CompactWriter).
  void raw(std::string_view bytes) { out_.append(bytes); }

  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  void field_header(int16_t id, uint8_t type);
  void varint(uint64_t v);
  static uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }

  std::string out_;
  std::vector<int16_t> last_ids_;  // the last field id of each open struct
};

}  // namespace neuralake::server
