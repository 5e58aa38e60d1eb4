#include "delta/writer/stats_out.h"

#include <algorithm>
#include <cctype>

#include "common/civil_time.h"
#include "delta/writer/json_out.h"
#include "neuralake/error.h"

namespace neuralake::delta {

namespace {

constexpr size_t kStringPrefix = 32;              // characters, as Spark keeps
constexpr std::string_view kTieBreaker = "\xF4\x8F\xBF\xBF";  // U+10FFFF, the largest code point

// One leaf of the schema to collect stats for.
struct Leaf {
  std::vector<std::string> path;
  const DeltaType* type = nullptr;
};

void collect_leaves(const std::vector<DeltaField>& fields, std::vector<std::string>& prefix, std::vector<Leaf>& out) {
  for (const auto& f : fields) {
    prefix.push_back(f.name);
    if (f.type.kind == DeltaType::Kind::Struct) {
      collect_leaves(f.type.fields, prefix, out);
    } else {
      out.push_back({prefix, &f.type});
    }
    prefix.pop_back();
  }
}

bool is_json_number(const std::string& s) {
  size_t i = 0, n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  if (s[i] == '0') {
    ++i;
  } else {
    while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (i >= n || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= n || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    while (i < n && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
  }
  return i == n;
}

// Byte length of the first `chars` UTF-8 characters of `s` (all of it if shorter).
size_t prefix_bytes(const std::string& s, size_t chars) {
  size_t i = 0, seen = 0;
  while (i < s.size() && seen < chars) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 1;
    i = std::min(s.size(), i + len);
    ++seen;
  }
  return i;
}

// The JSON value of a min (is_max false) or max, or nullopt to leave it out.
std::optional<std::string> bound_json(const DeltaType& type, const LeafStats& s, bool is_max) {
  const auto& text = is_max ? s.max : s.min;
  if (!text || type.kind != DeltaType::Kind::Primitive) return std::nullopt;
  const std::string& p = type.primitive;
  if (p == "byte" || p == "short" || p == "integer" || p == "long" || p.rfind("decimal", 0) == 0) {
    if (!is_json_number(*text)) return std::nullopt;
    return *text;
  }
  if (p == "float" || p == "double") {
    if (s.has_nan || !is_json_number(*text)) return std::nullopt;  // NaN, inf: no bound
    return *text;
  }
  if (p == "string") {
    std::string v = *text;
    size_t cut = prefix_bytes(v, kStringPrefix);
    if (cut < v.size()) {
      v.resize(cut);
      if (is_max) v += kTieBreaker;
    }
    std::string out;
    append_json_string(out, v);
    return out;
  }
  if (p == "date") {
    int y, m, d;
    if (text->size() != 10 || !civil::parse_ymd(*text, y, m, d)) return std::nullopt;
    return "\"" + *text + "\"";
  }
  if (p == "timestamp" || p == "timestamp_ntz") {
    auto iso = iso_millis(*text, p == "timestamp", is_max);
    if (!iso) return std::nullopt;
    return "\"" + *iso + "\"";
  }
  return std::nullopt;  // boolean, binary
}

bool has_min_max(const DeltaType& t) {
  return t.kind == DeltaType::Kind::Primitive && t.primitive != "boolean" && t.primitive != "binary";
}

// Writes {"a":v,"st":{"b":v}} for the leaves that have a value under `pick`.
template <class Pick>
void write_nested(JsonOut& j, const std::vector<Leaf>& leaves, const Pick& pick) {
  // Leaves come in schema order, so a struct's leaves are contiguous.
  std::vector<std::string> open;
  j.begin_object();
  for (const auto& leaf : leaves) {
    auto value = pick(leaf);
    if (!value) continue;
    size_t common = 0;
    while (common < open.size() && common + 1 < leaf.path.size() && open[common] == leaf.path[common]) ++common;
    while (open.size() > common) {
      j.end_object();
      open.pop_back();
    }
    for (size_t i = common; i + 1 < leaf.path.size(); ++i) {
      j.key(leaf.path[i]).begin_object();
      open.push_back(leaf.path[i]);
    }
    j.key(leaf.path.back()).raw(*value);
  }
  while (!open.empty()) {
    j.end_object();
    open.pop_back();
  }
  j.end_object();
}

std::string trim(std::string s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

}  // namespace

std::vector<std::string> split_column_path(const std::string& quoted) {
  std::vector<std::string> out;
  std::string cur;
  bool in_quotes = false, was_quoted = false;
  for (size_t i = 0; i < quoted.size(); ++i) {
    char c = quoted[i];
    if (in_quotes) {
      if (c == '"' && i + 1 < quoted.size() && quoted[i + 1] == '"') {
        cur += '"';
        ++i;
      } else if (c == '"') {
        in_quotes = false;
      } else {
        cur += c;
      }
    } else if (c == '"') {
      in_quotes = was_quoted = true;
    } else if (c == '.') {
      out.push_back(was_quoted ? cur : trim(cur));
      cur.clear();
      was_quoted = false;
    } else {
      cur += c;
    }
  }
  out.push_back(was_quoted ? cur : trim(cur));
  return out;
}

std::optional<std::string> iso_millis(const std::string& text, bool with_zone, bool round_up) {
  int64_t micros = 0;
  if (!civil::parse_timestamp_micros(text, micros)) return std::nullopt;
  int64_t millis = micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
  if (round_up && millis * 1000 != micros) ++millis;
  int64_t days = millis >= 0 ? millis / 86400000 : -((-millis + 86399999) / 86400000);
  int64_t rest = millis - days * 86400000;
  char buf[32];
  std::snprintf(buf, sizeof buf, "T%02d:%02d:%02d.%03d", static_cast<int>(rest / 3600000),
                static_cast<int>(rest / 60000 % 60), static_cast<int>(rest / 1000 % 60), static_cast<int>(rest % 1000));
  std::string out = civil::format_date(days) + buf;
  if (with_zone) out += 'Z';
  return out;
}

StatsColumns StatsColumns::from_configuration(const std::map<std::string, std::string>& configuration) {
  StatsColumns out;
  if (auto it = configuration.find("delta.dataSkippingNumIndexedCols"); it != configuration.end()) {
    try {
      size_t used = 0;
      out.num_indexed = std::stoi(it->second, &used);
      if (used != it->second.size() || out.num_indexed < -1) throw std::invalid_argument("range");
    } catch (const std::exception&) {
      throw Error(ErrorCode::InvalidArgument, it->first,
                  "table property delta.dataSkippingNumIndexedCols is '" + it->second +
                      "', expected an integer >= -1");
    }
  }
  if (auto it = configuration.find("delta.dataSkippingStatsColumns"); it != configuration.end()) {
    std::vector<std::vector<std::string>> named;
    std::string cur;
    bool in_ticks = false;
    auto flush = [&] {
      std::string c = trim(cur);
      cur.clear();
      if (c.empty()) return;
      std::vector<std::string> path;
      std::string part;
      bool ticks = false;
      for (char ch : c) {
        if (ch == '`') {
          ticks = !ticks;
        } else if (ch == '.' && !ticks) {
          path.push_back(trim(part));
          part.clear();
        } else {
          part += ch;
        }
      }
      path.push_back(trim(part));
      named.push_back(std::move(path));
    };
    for (char ch : it->second) {
      if (ch == '`') in_ticks = !in_ticks;
      if (ch == ',' && !in_ticks) {
        flush();
      } else {
        cur += ch;
      }
    }
    flush();
    if (in_ticks) {
      throw Error(ErrorCode::InvalidArgument, it->first,
                  "table property delta.dataSkippingStatsColumns has an unclosed backtick: '" + it->second + "'");
    }
    out.named = std::move(named);
  }
  return out;
}

std::string file_stats_json(const DeltaSchema& schema, const std::vector<std::string>& partition_columns,
                            const StatsColumns& which, int64_t num_records, const FileColumnStats& columns) {
  std::vector<DeltaField> data_fields;
  for (const auto& f : schema.fields) {
    if (std::find(partition_columns.begin(), partition_columns.end(), f.name) == partition_columns.end())
      data_fields.push_back(f);
  }
  std::vector<Leaf> leaves;
  std::vector<std::string> prefix;
  collect_leaves(data_fields, prefix, leaves);
  std::vector<Leaf> indexed;
  if (which.named) {
    for (const auto& leaf : leaves) {
      bool chosen = std::any_of(which.named->begin(), which.named->end(), [&](const std::vector<std::string>& n) {
        return n.size() <= leaf.path.size() && std::equal(n.begin(), n.end(), leaf.path.begin());
      });
      if (chosen) indexed.push_back(leaf);
    }
  } else {
    size_t n = which.num_indexed < 0 ? leaves.size() : std::min<size_t>(leaves.size(), which.num_indexed);
    indexed.assign(leaves.begin(), leaves.begin() + static_cast<std::ptrdiff_t>(n));
  }
  auto stats_of = [&](const Leaf& leaf) -> const LeafStats* {
    auto it = columns.find(leaf.path);
    return it == columns.end() ? nullptr : &it->second;
  };

  JsonOut j;
  j.begin_object().key("numRecords").number(num_records);
  j.key("minValues");
  write_nested(j, indexed, [&](const Leaf& l) -> std::optional<std::string> {
    const LeafStats* s = stats_of(l);
    if (!s || !has_min_max(*l.type)) return std::nullopt;
    return bound_json(*l.type, *s, false);
  });
  j.key("maxValues");
  write_nested(j, indexed, [&](const Leaf& l) -> std::optional<std::string> {
    const LeafStats* s = stats_of(l);
    if (!s || !has_min_max(*l.type)) return std::nullopt;
    return bound_json(*l.type, *s, true);
  });
  j.key("nullCount");
  write_nested(j, indexed, [&](const Leaf& l) -> std::optional<std::string> {
    const LeafStats* s = stats_of(l);
    if (!s || !s->null_count || l.type->kind == DeltaType::Kind::Array || l.type->kind == DeltaType::Kind::Map)
      return std::nullopt;
    return std::to_string(*s->null_count);
  });
  j.end_object();
  return j.take();
}

}  // namespace neuralake::delta
