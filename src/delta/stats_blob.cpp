// The compact binary form of a file's stats (one flag byte per column, then
// varint/delta-coded bounds): written from typed bounds, read back per column.
#include "delta/stats_blob.h"

#include <array>
#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>

namespace neuralake::delta {

namespace {

using Kind = StatsColumn::Kind;

// The blob: per column one flag byte, then the payloads its flags announce.
// Trailing columns with nothing known are left out (a short blob reads as
// unknown for them), and a blob with nothing known is empty.
//
// Flag bits shared by all kinds:
constexpr uint8_t kHasMin = 1, kHasMax = 2;
constexpr uint8_t kNullsZero = 4;    // nullCount known and 0: no payload
constexpr uint8_t kNullsVarint = 8;  // nullCount > 0 follows as a varint
// Int, Date, Timestamp: min as a zigzag varint of min/scale; max as a varint
// of (max-min)/scale, or (kMaxAbsolute: no min, or max < min) as a zigzag
// varint of max/scale. Bits 5-6 pick the scale, the largest of kScales that
// divides both bounds: timestamps are mostly whole milliseconds, seconds or days.
constexpr uint8_t kMaxAbsolute = 16;
constexpr int kScaleShift = 5;
constexpr std::array<int64_t, 4> kScales = {1, 1000, 1000000, 86400000000};
// Double: 8 raw bytes per bound, or 4 (a float) when that keeps it exactly.
constexpr uint8_t kMinFloat = 16, kMaxFloat = 32;
// String: min as a length byte and its bytes; max as the length of the prefix
// it shares with min (only if min is known), its remaining length, and the
// remaining bytes. The remaining length lives in bits 4-7 when under 15,
// otherwise those bits are 15 and a length byte follows.
constexpr int kRestShift = 4;
constexpr uint8_t kRestInByte = 15;

constexpr uint8_t kKnownMask = kHasMin | kHasMax | kNullsZero | kNullsVarint;
constexpr size_t kMaxStringBound = 64;
// Writers truncate timestamp stats to milliseconds: the upper bound is widened
// by this much when read back.
constexpr int64_t kTimestampMaxSlack = 999;

// ---------------------------------------------------------------------------
// Writing

// Appends to a buffer the caller sized for the worst case (kMaxColumnBytes
// per column), so no append checks the capacity.
struct BlobWriter {
  char* p;
  void byte(uint8_t b) { *p++ = static_cast<char>(b); }
  void bytes(const void* data, size_t n) {
    std::memcpy(p, data, n);
    p += n;
  }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      *p++ = static_cast<char>((v & 0x7F) | 0x80);
      v >>= 7;
    }
    *p++ = static_cast<char>(v);
  }
};
// Flags, two string bounds with their lengths, the shared-prefix byte and a
// varint nullCount; more than any other kind needs.
constexpr size_t kMaxColumnBytes = 1 + 2 * (2 + kMaxStringBound) + 10;

uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t unzigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

// True if `d` survives a round trip through float bit for bit (NaN payloads
// and out-of-range values do not, and are kept as doubles).
bool fits_float(double d, float& f) {
  if (std::isnan(d) || (std::isfinite(d) && std::fabs(d) > static_cast<double>(FLT_MAX))) return false;
  f = static_cast<float>(d);
  const double back = f;
  return std::memcmp(&back, &d, sizeof d) == 0;
}

void put_double(BlobWriter& out, double d, uint8_t float_flag, uint8_t& flags) {
  float f;
  if (fits_float(d, f)) {
    out.bytes(&f, sizeof f);
    flags |= float_flag;
  } else {
    out.bytes(&d, sizeof d);
  }
}

// The index in kScales of the largest scale dividing `v`. Constant divisors
// compile to multiplications; a division by kScales[i] would not.
unsigned scale_code(int64_t v) {
  if (v % 1000 != 0) return 0;
  if (v % 1000000 != 0) return 1;
  if (v % 86400000000 != 0) return 2;
  return 3;
}

template <class T>
T divide_by_scale(T v, unsigned code) {
  switch (code) {
    case 1: return v / 1000;
    case 2: return v / 1000000;
    case 3: return v / 86400000000;
    default: return v;
  }
}

void put_integers(BlobWriter& out, const TypedBound& lo, const TypedBound& hi, uint8_t& flags) {
  if (!lo.known && !hi.known) return;
  const unsigned code = std::min(lo.known ? scale_code(lo.i) : 3u, hi.known ? scale_code(hi.i) : 3u);
  flags |= static_cast<uint8_t>(code << kScaleShift);
  if (lo.known) {
    flags |= kHasMin;
    out.varint(zigzag(divide_by_scale(lo.i, code)));
  }
  if (hi.known) {
    flags |= kHasMax;
    if (lo.known && hi.i >= lo.i) {
      // The difference of two multiples of the scale is one; as uint64 it is exact.
      out.varint(divide_by_scale(static_cast<uint64_t>(hi.i) - static_cast<uint64_t>(lo.i), code));
    } else {
      flags |= kMaxAbsolute;
      out.varint(zigzag(divide_by_scale(hi.i, code)));
    }
  }
}

void put_strings(BlobWriter& out, const TypedBound& lo, const TypedBound& hi, uint8_t& flags) {
  std::string_view min;
  if (lo.known) {
    // A prefix is still a lower bound.
    min = lo.s.substr(0, kMaxStringBound);
    flags |= kHasMin;
    out.byte(static_cast<uint8_t>(min.size()));
    out.bytes(min.data(), min.size());
  }
  // A prefix is not an upper bound: a longer max is dropped.
  if (!hi.known || hi.s.size() > kMaxStringBound) return;
  flags |= kHasMax;
  size_t shared = 0;
  if (lo.known) {
    const size_t n = std::min(min.size(), hi.s.size());
    while (shared < n && min[shared] == hi.s[shared]) ++shared;
    out.byte(static_cast<uint8_t>(shared));
  }
  const size_t rest = hi.s.size() - shared;
  if (rest < kRestInByte) {
    flags |= static_cast<uint8_t>(rest << kRestShift);
  } else {
    flags |= static_cast<uint8_t>(kRestInByte << kRestShift);
    out.byte(static_cast<uint8_t>(rest));
  }
  out.bytes(hi.s.data() + shared, rest);
}

// The one encoder behind both inputs (JSON and typed), so that equal numbers
// give equal blobs. Returns the blob, a view of `out`.
std::string_view encode_typed(const TypedStats& stats, const StatsLayout& layout, std::string& buffer) {
  const size_t bound = layout.columns.size() * kMaxColumnBytes;
  if (buffer.size() < bound) buffer.resize(bound);
  BlobWriter out{buffer.data()};
  const char* keep = out.p;  // end of the last column with anything known
  const TypedBound unknown;
  for (size_t i = 0; i < layout.columns.size(); ++i) {
    const Kind kind = layout.columns[i].kind;
    const TypedBound& lo = i < stats.mins.size() ? stats.mins[i] : unknown;
    const TypedBound& hi = i < stats.maxs.size() ? stats.maxs[i] : unknown;
    char* const flag_pos = out.p++;
    uint8_t flags = 0;
    switch (kind) {
      case Kind::Int:
      case Kind::Date:
      case Kind::Timestamp: put_integers(out, lo, hi, flags); break;
      case Kind::Double:
        if (lo.known) {
          flags |= kHasMin;
          put_double(out, lo.d, kMinFloat, flags);
        }
        if (hi.known) {
          flags |= kHasMax;
          put_double(out, hi.d, kMaxFloat, flags);
        }
        break;
      case Kind::String: put_strings(out, lo, hi, flags); break;
      case Kind::NullCountOnly: break;
    }
    if (i < stats.null_counts.size() && stats.null_counts[i] && *stats.null_counts[i] >= 0) {
      const int64_t nc = *stats.null_counts[i];
      if (nc == 0) {
        flags |= kNullsZero;
      } else {
        flags |= kNullsVarint;
        out.varint(static_cast<uint64_t>(nc));
      }
    }
    *flag_pos = static_cast<char>(flags);
    if (flags & kKnownMask) keep = out.p;
  }
  return std::string_view(buffer.data(), static_cast<size_t>(keep - buffer.data()));
}

// ---------------------------------------------------------------------------
// Reading

// Bounds-checked reads over a blob; a short blob reads as zeros and marks
// the reader bad, so a damaged blob can only lose stats, never crash.
struct BlobReader {
  std::string_view s;
  size_t pos = 0;
  bool ok = true;

  uint8_t byte() {
    if (pos >= s.size()) return fail(), 0;
    return static_cast<uint8_t>(s[pos++]);
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos >= s.size()) return fail(), 0;
      const auto b = static_cast<uint8_t>(s[pos++]);
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    return fail(), 0;
  }
  std::string_view bytes(size_t n) {
    if (n > s.size() - pos) return fail(), std::string_view();
    const std::string_view v = s.substr(pos, n);
    pos += n;
    return v;
  }
  double real(bool is_float) {
    if (is_float) {
      float f = 0;
      const auto b = bytes(sizeof f);
      if (ok) std::memcpy(&f, b.data(), sizeof f);
      return f;
    }
    double d = 0;
    const auto b = bytes(sizeof d);
    if (ok) std::memcpy(&d, b.data(), sizeof d);
    return d;
  }
  void fail() {
    ok = false;
    pos = s.size();
  }
};

Value integer_value(Kind kind, int64_t v, bool is_max) {
  switch (kind) {
    case Kind::Date: return Value(Date{static_cast<int32_t>(v)});
    case Kind::Timestamp:
      if (is_max) {
        v = v > std::numeric_limits<int64_t>::max() - kTimestampMaxSlack ? std::numeric_limits<int64_t>::max()
                                                                          : v + kTimestampMaxSlack;
      }
      return Value(Timestamp{v});
    default: return Value(v);
  }
}

// Reads one column's entry; fills `out` only if `want` (other columns are
// only stepped over). False if the blob ended early.
bool read_column(BlobReader& in, Kind kind, bool want, ColumnStats& out) {
  const uint8_t flags = in.byte();
  Value min, max;
  switch (kind) {
    case Kind::Int:
    case Kind::Date:
    case Kind::Timestamp: {
      const int64_t scale = kScales[(flags >> kScaleShift) & 3];
      int64_t lo = 0;
      if (flags & kHasMin) {
        // q * scale is the encoded value itself, so it cannot overflow.
        lo = static_cast<int64_t>(static_cast<uint64_t>(unzigzag(in.varint())) * static_cast<uint64_t>(scale));
        min = integer_value(kind, lo, false);
      }
      if (flags & kHasMax) {
        const uint64_t v = in.varint();
        const int64_t hi = (flags & kMaxAbsolute)
                               ? static_cast<int64_t>(static_cast<uint64_t>(unzigzag(v)) * static_cast<uint64_t>(scale))
                               : static_cast<int64_t>(static_cast<uint64_t>(lo) + v * static_cast<uint64_t>(scale));
        max = integer_value(kind, hi, true);
      }
      break;
    }
    case Kind::Double:
      if (flags & kHasMin) min = Value(in.real(flags & kMinFloat));
      if (flags & kHasMax) max = Value(in.real(flags & kMaxFloat));
      break;
    case Kind::String: {
      std::string_view lo;
      if (flags & kHasMin) {
        lo = in.bytes(in.byte());
        if (want) min = Value(lo);
      }
      if (flags & kHasMax) {
        const size_t shared = (flags & kHasMin) ? std::min<size_t>(in.byte(), lo.size()) : 0;
        size_t rest = flags >> kRestShift;
        if (rest == kRestInByte) rest = in.byte();
        const std::string_view tail = in.bytes(rest);
        if (want) {
          std::string s(lo.substr(0, shared));
          s.append(tail);
          max = Value(std::move(s));
        }
      }
      break;
    }
    case Kind::NullCountOnly: break;
  }
  std::optional<int64_t> nulls;
  if (flags & kNullsZero) nulls = 0;
  if (flags & kNullsVarint) nulls = static_cast<int64_t>(in.varint());
  if (!in.ok) return false;
  if (want) {
    out.min = std::move(min);
    out.max = std::move(max);
    out.null_count = nulls;
  }
  return true;
}

}  // namespace

std::string_view encode_stats_blob(const TypedStats& stats, const StatsLayout& layout, std::string& buffer) {
  return encode_typed(stats, layout, buffer);
}

ColumnStats decode_column_stats(std::string_view blob, const StatsLayout& layout, size_t index) {
  ColumnStats result;
  if (index >= layout.columns.size()) return result;
  BlobReader in{blob};
  for (size_t i = 0; i <= index && in.pos < blob.size(); ++i) {
    if (!read_column(in, layout.columns[i].kind, i == index, result)) return ColumnStats{};
  }
  return result;
}

}  // namespace neuralake::delta
