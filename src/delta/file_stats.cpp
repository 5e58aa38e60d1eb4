// Compact encoding of Delta file statistics: one flag byte per column, then
// fixed-width bounds (strings length-prefixed, at most 64 bytes) and nullCount.
#include "delta/file_stats.h"

#include <cstring>

#include <nlohmann/json.hpp>

namespace neuralake::delta {

namespace {

constexpr uint8_t kHasMin = 1, kHasMax = 2, kHasNulls = 4;
constexpr size_t kMaxStringBound = 64;

StatsColumn::Kind kind_of(const DeltaType& t) {
  if (t.kind != DeltaType::Kind::Primitive) return StatsColumn::Kind::NullCountOnly;
  const std::string& p = t.primitive;
  if (p == "long" || p == "integer" || p == "short" || p == "byte") return StatsColumn::Kind::Int;
  if (p == "float" || p == "double") return StatsColumn::Kind::Double;
  if (p == "string") return StatsColumn::Kind::String;
  if (p == "date") return StatsColumn::Kind::Date;
  if (p == "timestamp" || p == "timestamp_ntz") return StatsColumn::Kind::Timestamp;
  return StatsColumn::Kind::NullCountOnly;
}

void put64(std::string& out, int64_t v) { out.append(reinterpret_cast<const char*>(&v), 8); }

int64_t get64(std::string_view s, size_t& pos) {
  int64_t v = 0;
  if (pos + 8 > s.size()) return 0;
  std::memcpy(&v, s.data() + pos, 8);
  pos += 8;
  return v;
}

// Encodes one bound; false if it cannot be kept (then the bound is unknown).
bool encode_bound(const nlohmann::json& v, StatsColumn::Kind kind, bool is_max, std::string& out) {
  switch (kind) {
    case StatsColumn::Kind::Int:
      if (!v.is_number_integer()) return false;
      put64(out, v.get<int64_t>());
      return true;
    case StatsColumn::Kind::Double: {
      if (!v.is_number()) return false;
      double d = v.get<double>();
      out.append(reinterpret_cast<const char*>(&d), 8);
      return true;
    }
    case StatsColumn::Kind::String: {
      if (!v.is_string()) return false;
      const auto& s = v.get_ref<const std::string&>();
      // A prefix is still a lower bound, but not an upper one.
      if (s.size() > kMaxStringBound && is_max) return false;
      const size_t n = std::min(s.size(), kMaxStringBound);
      out += static_cast<char>(n);
      out.append(s.data(), n);
      return true;
    }
    case StatsColumn::Kind::Date: {
      if (!v.is_string()) return false;
      int64_t days = 0;
      try {
        days = parse_date(v.get_ref<const std::string&>()).days;
      } catch (...) {
        return false;
      }
      put64(out, days);
      return true;
    }
    case StatsColumn::Kind::Timestamp: {
      if (!v.is_string()) return false;
      int64_t micros = 0;
      try {
        micros = parse_timestamp(v.get_ref<const std::string&>()).micros;
      } catch (...) {
        return false;
      }
      // Writers round timestamp stats to milliseconds: widen the upper bound.
      if (is_max) micros += 999;
      put64(out, micros);
      return true;
    }
    case StatsColumn::Kind::NullCountOnly: return false;
  }
  return false;
}

Value decode_bound(std::string_view s, size_t& pos, StatsColumn::Kind kind) {
  switch (kind) {
    case StatsColumn::Kind::Int: return Value(get64(s, pos));
    case StatsColumn::Kind::Double: {
      double d = 0;
      if (pos + 8 <= s.size()) std::memcpy(&d, s.data() + pos, 8);
      pos += 8;
      return Value(d);
    }
    case StatsColumn::Kind::String: {
      const size_t n = static_cast<unsigned char>(s[pos]);
      std::string v(s.substr(pos + 1, n));
      pos += 1 + n;
      return Value(std::move(v));
    }
    case StatsColumn::Kind::Date: return Value(Date{static_cast<int32_t>(get64(s, pos))});
    case StatsColumn::Kind::Timestamp: return Value(Timestamp{get64(s, pos)});
    case StatsColumn::Kind::NullCountOnly: break;
  }
  return Value();
}

}  // namespace

StatsLayout StatsLayout::from_schema(const DeltaSchema& schema, const std::vector<std::string>& partition_columns) {
  StatsLayout layout;
  for (const auto& f : schema.fields) {
    bool is_partition = false;
    for (const auto& p : partition_columns) is_partition |= p == f.name;
    if (is_partition) continue;
    layout.columns.push_back({f.name, f.physical_name, kind_of(f.type)});
  }
  return layout;
}

int StatsLayout::find(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

std::string encode_stats(std::string_view stats_json, const StatsLayout& layout, int64_t& num_records) {
  num_records = -1;
  if (stats_json.empty()) return {};
  nlohmann::json j = nlohmann::json::parse(stats_json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return {};
  if (auto n = j.find("numRecords"); n != j.end() && n->is_number_integer()) num_records = n->get<int64_t>();
  const auto mins = j.find("minValues"), maxs = j.find("maxValues"), nulls = j.find("nullCount");
  std::string out;
  for (const auto& c : layout.columns) {
    const size_t flag_pos = out.size();
    out += '\0';
    uint8_t flags = 0;
    if (mins != j.end() && mins->is_object()) {
      if (auto v = mins->find(c.key); v != mins->end() && encode_bound(*v, c.kind, false, out)) flags |= kHasMin;
    }
    if (maxs != j.end() && maxs->is_object()) {
      if (auto v = maxs->find(c.key); v != maxs->end() && encode_bound(*v, c.kind, true, out)) flags |= kHasMax;
    }
    if (nulls != j.end() && nulls->is_object()) {
      if (auto v = nulls->find(c.key); v != nulls->end() && v->is_number_integer()) {
        put64(out, v->get<int64_t>());
        flags |= kHasNulls;
      }
    }
    out[flag_pos] = static_cast<char>(flags);
  }
  // All-unknown stats need no bytes at all.
  bool any = false;
  for (char ch : out) any |= ch != 0;
  return any ? out : std::string();
}

ColumnStats decode_column_stats(std::string_view blob, const StatsLayout& layout, size_t index) {
  ColumnStats result;
  if (blob.empty()) return result;
  size_t pos = 0;
  for (size_t i = 0; i < layout.columns.size() && pos < blob.size(); ++i) {
    const uint8_t flags = static_cast<uint8_t>(blob[pos++]);
    const auto kind = layout.columns[i].kind;
    Value min, max;
    if (flags & kHasMin) min = decode_bound(blob, pos, kind);
    if (flags & kHasMax) max = decode_bound(blob, pos, kind);
    std::optional<int64_t> nulls;
    if (flags & kHasNulls) nulls = get64(blob, pos);
    if (i == index) {
      result.min = std::move(min);
      result.max = std::move(max);
      result.null_count = nulls;
      return result;
    }
  }
  return result;
}

}  // namespace neuralake::delta
