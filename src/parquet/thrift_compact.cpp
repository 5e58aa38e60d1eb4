// The compact protocol's varints, zigzag integers, field headers and
// skipping, each bounded by the bytes left.
#include "parquet/thrift_compact.h"

#include <cstring>
#include <string>

namespace neuralake::parquet {

namespace {
// Deeper nesting than any Parquet structure has: a corrupt or hostile footer
// must not recurse without bound.
constexpr int kMaxDepth = 64;
}  // namespace

void CompactReader::fail(const char* what) { throw FormatError(std::string("malformed Thrift metadata: ") + what); }

uint8_t CompactReader::byte() {
  if (p_ >= end_) fail("ends early");
  return *p_++;
}

const char* read_uleb128(const uint8_t*& p, const uint8_t* end, uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (p >= end) return "ends early";
    const uint8_t b = *p++;
    value |= static_cast<uint64_t>(b & 0x7f) << shift;
    if (!(b & 0x80)) return nullptr;
  }
  return "longer than 10 bytes";
}

uint64_t CompactReader::varint() {
  uint64_t v = 0;
  if (const char* wrong = read_uleb128(p_, end_, v)) fail((std::string("varint ") + wrong).c_str());
  return v;
}

void CompactReader::enter() {
  if (++depth_ > kMaxDepth) fail("nested too deeply");
}

CompactReader::Field CompactReader::next_field() {
  const uint8_t b = byte();
  Field f;
  f.type = b & 0x0f;
  if (f.type == kStop) return f;
  const int delta = b >> 4;
  f.id = delta ? static_cast<int16_t>(last_ids_.back() + delta) : static_cast<int16_t>(zigzag(varint()));
  last_ids_.back() = f.id;
  return f;
}

double CompactReader::read_double() {
  if (end_ - p_ < 8) fail("ends inside a double");
  double d;
  std::memcpy(&d, p_, 8);
  p_ += 8;
  return d;
}

std::string_view CompactReader::read_binary() {
  const uint64_t n = varint();
  if (n > static_cast<uint64_t>(end_ - p_)) fail("string longer than the bytes left");
  std::string_view s(reinterpret_cast<const char*>(p_), n);
  p_ += n;
  return s;
}

CompactReader::ListHeader CompactReader::read_list_header() {
  const uint8_t b = byte();
  ListHeader h;
  h.element_type = b & 0x0f;
  h.size = b >> 4;
  if (h.size == 15) {
    const uint64_t n = varint();
    // Every element takes at least one byte.
    if (n > static_cast<uint64_t>(end_ - p_)) fail("list longer than the bytes left");
    h.size = static_cast<uint32_t>(n);
  }
  return h;
}

std::vector<int32_t> CompactReader::read_i32_list() {
  const ListHeader h = read_list_header();
  std::vector<int32_t> out;
  for (uint32_t i = 0; i < h.size; ++i) {
    if (h.element_type == kI32) {
      out.push_back(read_i32());
    } else {
      skip(h.element_type);
    }
  }
  return out;
}

std::vector<std::string_view> CompactReader::read_binary_list() {
  const ListHeader h = read_list_header();
  std::vector<std::string_view> out;
  for (uint32_t i = 0; i < h.size; ++i) {
    if (h.element_type != kBinary) fail("list of strings holds another type");
    out.push_back(read_binary());
  }
  return out;
}

void CompactReader::skip(uint8_t type) {
  switch (type) {
    case kTrue:
    case kFalse:
      return;  // a field's boolean is its type; list elements are read by the list
    case kByte:
      byte();
      return;
    case kI16:
    case kI32:
    case kI64:
      varint();
      return;
    case kDouble:
      read_double();
      return;
    case kBinary:
      read_binary();
      return;
    case kList:
    case kSet: {
      enter();
      const ListHeader h = read_list_header();
      for (uint32_t i = 0; i < h.size; ++i) {
        if (h.element_type == kTrue || h.element_type == kFalse) {
          byte();
        } else {
          skip(h.element_type);
        }
      }
      --depth_;
      return;
    }
    case kMap: {
      enter();
      const uint64_t n = varint();
      if (n > static_cast<uint64_t>(end_ - p_)) fail("map longer than the bytes left");
      if (n > 0) {
        const uint8_t kinds = byte();
        for (uint64_t i = 0; i < n; ++i) {
          for (uint8_t t : {static_cast<uint8_t>(kinds >> 4), static_cast<uint8_t>(kinds & 0x0f)}) {
            if (t == kTrue || t == kFalse) {
              byte();
            } else {
              skip(t);
            }
          }
        }
      }
      --depth_;
      return;
    }
    case kStruct:
      read_struct([&](const Field& f) { skip(f.type); });
      return;
    default:
      fail("unknown value type");
  }
}

}  // namespace neuralake::parquet
