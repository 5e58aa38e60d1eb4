// Deletion-vector decoding per the Delta protocol: Z85 ids and inline data,
// the .bin file layout (version, size, bitmap, CRC-32) and portable Roaring.
#include "delta/deletion_vector.h"

#include <algorithm>
#include <cstring>

#include "neuralake/error.h"

namespace neuralake::delta {

namespace {

constexpr uint32_t kRoaringArrayMagic = 1681511377;
constexpr uint32_t kSerialCookieNoRun = 12346;
constexpr uint32_t kSerialCookie = 12347;

class Cursor {
 public:
  Cursor(std::string_view data, const std::string& object) : data_(data), object_(object) {}
  template <class T>
  T le() {
    need(sizeof(T));
    T v;
    std::memcpy(&v, data_.data() + pos_, sizeof(T));
    pos_ += sizeof(T);
    return v;  // little-endian hosts only, as everywhere in this build
  }
  void skip(size_t n) { need(n), pos_ += n; }
  size_t pos() const { return pos_; }
  size_t left() const { return data_.size() - pos_; }
  void seek(size_t p) {
    if (p > data_.size()) fail();
    pos_ = p;
  }
  [[noreturn]] void fail() const {
    throw Error(ErrorCode::Corruption, object_, "deletion vector '" + object_ + "' is malformed");
  }

 private:
  void need(size_t n) const {
    if (pos_ + n > data_.size()) fail();
  }
  std::string_view data_;
  size_t pos_ = 0;
  const std::string& object_;
};

// CRC-32 (IEEE, as java.util.zip.CRC32 computes it for the .bin checksum).
uint32_t crc32_ieee(std::string_view data) {
  uint32_t crc = 0xFFFFFFFFu;
  for (unsigned char byte : data) {
    crc ^= byte;
    for (int k = 0; k < 8; ++k) crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
  }
  return ~crc;
}

uint32_t be32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | u[3];
}

// One 32-bit Roaring bitmap in the portable format; `high` is prefixed to each
// value. More than `max_rows` values in `out` is malformed: a few bytes of
// runs can state billions of rows.
void decode_roaring32(Cursor& c, uint64_t high, std::vector<uint64_t>& out, uint64_t max_rows) {
  const size_t start = c.pos();
  const uint32_t cookie = c.le<uint32_t>();
  uint32_t containers = 0;
  bool has_runs = false;
  std::vector<uint8_t> run_flags;
  if ((cookie & 0xFFFF) == kSerialCookie) {
    has_runs = true;
    containers = (cookie >> 16) + 1;
    run_flags.resize((containers + 7) / 8);
    for (auto& b : run_flags) b = c.le<uint8_t>();
  } else if (cookie == kSerialCookieNoRun) {
    containers = c.le<uint32_t>();
  } else {
    c.fail();
  }
  // At most one container per 16-bit key, each with 4 bytes of key and
  // cardinality here: checked before they size anything.
  if (containers > 65536 || containers > c.left() / 4) c.fail();
  std::vector<uint16_t> keys(containers), cards(containers);
  for (uint32_t i = 0; i < containers; ++i) {
    keys[i] = c.le<uint16_t>();
    cards[i] = c.le<uint16_t>();
  }
  std::vector<uint32_t> offsets;
  if (!has_runs || containers >= 4) {
    offsets.resize(containers);
    for (auto& o : offsets) o = c.le<uint32_t>();
  }
  for (uint32_t i = 0; i < containers; ++i) {
    if (!offsets.empty()) c.seek(start + offsets[i]);
    const uint64_t base = (high << 32) | (uint64_t{keys[i]} << 16);
    const uint32_t card = uint32_t{cards[i]} + 1;
    const bool is_run = has_runs && (run_flags[i / 8] >> (i % 8)) & 1;
    if (is_run) {
      const uint16_t runs = c.le<uint16_t>();
      for (uint16_t r = 0; r < runs; ++r) {
        const uint32_t s = c.le<uint16_t>(), len = c.le<uint16_t>();
        if (out.size() + len + 1 > max_rows) c.fail();
        for (uint32_t v = s; v <= s + len; ++v) out.push_back(base | v);
      }
    } else if (card <= 4096) {
      if (out.size() + card > max_rows) c.fail();
      for (uint32_t k = 0; k < card; ++k) out.push_back(base | c.le<uint16_t>());
    } else {
      if (out.size() + card > max_rows) c.fail();
      for (uint32_t w = 0; w < 1024; ++w) {
        uint64_t word = c.le<uint64_t>();
        while (word) {
          const int bit = __builtin_ctzll(word);
          out.push_back(base | (w * 64 + bit));
          word &= word - 1;
        }
      }
    }
  }
}

std::string uuid_from_z85(std::string_view encoded, const std::string& object) {
  const std::string bytes = z85_decode(encoded, object);
  if (bytes.size() != 16) {
    throw Error(ErrorCode::Corruption, object, "deletion vector id '" + object + "' is not a UUID");
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[(static_cast<unsigned char>(bytes[i]) >> 4) & 15];
    out += hex[static_cast<unsigned char>(bytes[i]) & 15];
  }
  return out;
}

}  // namespace

std::string DeletionVectorDescriptor::unique_id() const {
  std::string id(1, storage_type);
  id += path_or_inline;
  if (offset) id += "@" + std::to_string(*offset);
  return id;
}

std::string z85_decode(std::string_view text, const std::string& object) {
  static const char* alphabet =
      "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
  int8_t table[256];
  std::memset(table, -1, sizeof table);
  for (int i = 0; i < 85; ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  if (text.size() % 5 != 0) {
    throw Error(ErrorCode::Corruption, object, "Z85 text of '" + object + "' has a length not a multiple of 5");
  }
  std::string out;
  out.reserve(text.size() / 5 * 4);
  for (size_t i = 0; i < text.size(); i += 5) {
    uint64_t v = 0;
    for (size_t k = 0; k < 5; ++k) {
      const int8_t d = table[static_cast<unsigned char>(text[i + k])];
      if (d < 0) throw Error(ErrorCode::Corruption, object, "invalid Z85 character in '" + object + "'");
      v = v * 85 + static_cast<uint64_t>(d);
    }
    if (v > 0xFFFFFFFFull) throw Error(ErrorCode::Corruption, object, "invalid Z85 group in '" + object + "'");
    for (int s = 24; s >= 0; s -= 8) out += static_cast<char>((v >> s) & 0xFF);
  }
  return out;
}

std::vector<uint64_t> decode_roaring_bitmap_array(std::string_view bytes, const std::string& object,
                                                  uint64_t max_rows) {
  Cursor c(bytes, object);
  if (c.le<uint32_t>() != kRoaringArrayMagic) c.fail();
  const uint64_t bitmaps = c.le<uint64_t>();
  std::vector<uint64_t> rows;
  for (uint64_t i = 0; i < bitmaps; ++i) {
    const uint32_t high = c.le<uint32_t>();
    decode_roaring32(c, high, rows, max_rows);
  }
  return rows;
}

std::string deletion_vector_key(const std::string& table_key, const DeletionVectorDescriptor& dv) {
  if (dv.storage_type == 'p') return split_uri(dv.path_or_inline).key;
  const std::string& s = dv.path_or_inline;
  if (s.size() < 20) {
    throw Error(ErrorCode::Corruption, s, "deletion vector path '" + s + "' is too short");
  }
  const std::string prefix = s.substr(0, s.size() - 20);
  std::string key = table_key.empty() ? "" : table_key + "/";
  if (!prefix.empty()) key += prefix + "/";
  return key + "deletion_vector_" + uuid_from_z85(std::string_view(s).substr(s.size() - 20), s) + ".bin";
}

std::vector<uint64_t> load_deletion_vector(ObjectStore& store, const std::string& table_key,
                                           const DeletionVectorDescriptor& dv) {
  if (dv.size_in_bytes < 0 || dv.cardinality < 0) {
    throw Error(ErrorCode::Corruption, dv.path_or_inline,
                "deletion vector '" + dv.path_or_inline + "' has a negative size or cardinality");
  }
  // The log states how many rows are deleted: a bitmap holding more is corrupt.
  const auto max_rows = static_cast<uint64_t>(dv.cardinality);
  if (dv.storage_type == 'i') {
    const std::string bytes = z85_decode(dv.path_or_inline, dv.path_or_inline);
    return decode_roaring_bitmap_array(std::string_view(bytes).substr(0, static_cast<size_t>(dv.size_in_bytes)),
                                       dv.path_or_inline, max_rows);
  }
  if (dv.storage_type != 'u' && dv.storage_type != 'p') {
    throw Error(ErrorCode::NotSupported, dv.path_or_inline,
                std::string("deletion vector storage type '") + dv.storage_type + "' of '" + dv.path_or_inline +
                    "' is not supported");
  }
  const std::string key = deletion_vector_key(table_key, dv);
  const uint64_t offset = dv.offset.value_or(1);
  // Layout at `offset`: 4-byte big-endian size, the bitmap, 4-byte big-endian CRC-32.
  // Read a MiB at a time: the buffer grows with what the file holds, not
  // with what the log states (one request for any usual vector).
  const size_t want = static_cast<size_t>(dv.size_in_bytes) + 8;
  constexpr size_t kStep = size_t{1} << 20;
  std::string buf;
  while (buf.size() < want) {
    const size_t at = buf.size(), n = std::min(kStep, want - at);
    buf.resize(at + n);
    if (store.read_range(key, offset + at, n, buf.data() + at) != n) {
      throw Error(ErrorCode::Corruption, key, "deletion vector file '" + key + "' is truncated or malformed");
    }
  }
  if (be32(buf.data()) != static_cast<uint32_t>(dv.size_in_bytes)) {
    throw Error(ErrorCode::Corruption, key, "deletion vector file '" + key + "' is truncated or malformed");
  }
  const std::string_view bitmap(buf.data() + 4, static_cast<size_t>(dv.size_in_bytes));
  if (crc32_ieee(bitmap) != be32(buf.data() + 4 + dv.size_in_bytes)) {
    throw Error(ErrorCode::Corruption, key, "deletion vector file '" + key + "' fails its checksum");
  }
  return decode_roaring_bitmap_array(bitmap, key, max_rows);
}

}  // namespace neuralake::delta
