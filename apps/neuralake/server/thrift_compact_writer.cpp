#include "server/thrift_compact_writer.h"

namespace neuralake::server {

void CompactWriter::begin_struct() { last_ids_.push_back(0); }

void CompactWriter::begin_struct(int16_t id) {
  field_header(id, kStruct);
  last_ids_.push_back(0);
}

void CompactWriter::end_struct() {
  out_.push_back('\0');  // stop
  last_ids_.pop_back();
}

void CompactWriter::field_bool(int16_t id, bool v) { field_header(id, v ? kTrue : kFalse); }

void CompactWriter::field_i8(int16_t id, int8_t v) {
  field_header(id, kByte);
  out_.push_back(static_cast<char>(v));
}

void CompactWriter::field_i16(int16_t id, int16_t v) {
  field_header(id, kI16);
  varint(zigzag(v));
}

void CompactWriter::field_i32(int16_t id, int32_t v) {
  field_header(id, kI32);
  varint(zigzag(v));
}

void CompactWriter::field_i64(int16_t id, int64_t v) {
  field_header(id, kI64);
  varint(zigzag(v));
}

void CompactWriter::field_binary(int16_t id, std::string_view v) {
  field_header(id, kBinary);
  binary_element(v);
}

void CompactWriter::binary_element(std::string_view v) {
  varint(v.size());
  out_.append(v);
}

void CompactWriter::begin_list(int16_t id, Type element, size_t size) {
  field_header(id, kList);
  if (size < 15) {
    out_.push_back(static_cast<char>((size << 4) | element));
  } else {
    out_.push_back(static_cast<char>(0xF0 | element));
    varint(size);
  }
}

void CompactWriter::field_header(int16_t id, uint8_t type) {
  int16_t& last = last_ids_.back();
  const int delta = id - last;
  if (delta > 0 && delta <= 15) {
    out_.push_back(static_cast<char>((delta << 4) | type));
  } else {
    // The long form: the type alone, then the id as a zigzag varint.
    out_.push_back(static_cast<char>(type));
    varint(zigzag(id));
  }
  last = id;
}

void CompactWriter::varint(uint64_t v) {
  while (v >= 0x80) {
    out_.push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out_.push_back(static_cast<char>(v));
}

}  // namespace neuralake::server
