// Fuzzes the filter value coercion: a column type by its Delta name, an
// operator and values of every kind, coerced to the column's type and turned
// into the SQL predicate; string values are also read as the column's
// partition values and as dates and timestamps. Only a neuralake::Error may
// come out.
//
// Input, one item a line: the Delta type ("decimal(10,2)", or a JSON type
// such as {"type":"array","elementType":"long","containsNull":true}), the
// operator ("=", "in", ...), then values, each a tag and its text: n (null),
// b (boolean: 1 or 0), i (int64), u (uint64), d (double), s (string),
// m (decimal: unscaled,scale), D (date: days), T (timestamp: micros),
// y (bytes), l (a list of the values after it on the line, comma separated
// int64s).
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/filter_sql.h"
#include "delta/schema.h"
#include "delta/typed_value.h"
#include "fuzz_util.h"
#include "neuralake/filter.h"
#include "pruning/predicate.h"

using namespace neuralake;

namespace {

template <class T>
T number(std::string_view s) {
  T v{};
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

std::vector<std::string_view> lines(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const size_t end = text.find('\n');
    out.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return out;
}

Value value_of(std::string_view line) {
  if (line.empty()) return Value();
  const char tag = line[0];
  const std::string_view s = line.substr(1);
  switch (tag) {
    case 'b': return Value(s == "1");
    case 'i': return Value(number<int64_t>(s));
    case 'u': return Value(number<uint64_t>(s));
    case 'd': return Value(number<double>(s));
    case 's': return Value(s);
    case 'm': {
      const size_t comma = s.find(',');
      const int64_t unscaled = number<int64_t>(s.substr(0, comma));
      const int scale = comma == std::string_view::npos ? 0 : number<int>(s.substr(comma + 1));
      // Scaled up so that the full 128-bit range is reachable.
      return Value(Decimal{static_cast<__int128>(unscaled) * (int64_t{1} << 62), scale});
    }
    case 'D': return Value(Date{number<int32_t>(s)});
    case 'T': return Value(Timestamp{number<int64_t>(s)});
    case 'y': return Value(Bytes{std::string(s)});
    case 'l': {
      ValueList items;
      std::string_view rest = s;
      while (!rest.empty()) {
        const size_t comma = rest.find(',');
        items.emplace_back(number<int64_t>(rest.substr(0, comma)));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
      return Value(std::move(items));
    }
    default: return Value();
  }
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<std::string_view> in = lines(fuzz::as_text(data, size));
  if (in.empty()) return 0;
  const std::string_view type_text = in[0];
  const std::string op = in.size() > 1 ? std::string(in[1]) : "=";
  std::vector<Value> values;
  for (size_t i = 2; i < in.size(); ++i) values.push_back(value_of(in[i]));

  fuzz::expect_only_errors([&] {
    const std::string type_json =
        !type_text.empty() && type_text[0] == '{' ? std::string(type_text) : quoted(type_text);
    const delta::DeltaSchema schema = delta::parse_schema(
        R"({"type":"struct","fields":[{"name":"c","type":)" + type_json + R"(,"nullable":true,"metadata":{}}]})",
        "fuzz");
    const delta::DeltaType& delta_type = schema.fields.at(0).type;
    (void)delta::type_name(delta_type);
    const Schema columns = delta::to_schema(schema);
    const DataType& type = columns.at(0).type;
    (void)type.polars_name();
    (void)type.sql_name();

    std::vector<Value> coerced;
    for (const Value& v : values) {
      fuzz::expect_only_errors([&] { coerced.push_back(detail::coerce_value(v, type, "c")); });
      if (v.is<std::string>()) {
        const std::string& s = v.as<std::string>();
        fuzz::expect_only_errors([&] { (void)delta::parse_partition_value(s, delta_type, "t.c"); });
        fuzz::expect_only_errors([&] { (void)parse_date(s); });
        fuzz::expect_only_errors([&] { (void)parse_timestamp(s); });
      }
      (void)v.to_string();
    }
    for (size_t i = 0; i + 1 < coerced.size(); ++i) (void)pruning::compare_values(coerced[i], coerced[i + 1]);

    fuzz::expect_only_errors([&] {
      const Filter filter = values.size() == 1 ? Filter("c", op, values[0])
                            : values.empty()   ? Filter("c", op)
                                               : Filter("c", op, values);
      (void)filter.to_string();
      (void)detail::filters_to_sql(Filters{filter}, columns, "t");
    });
  });
  return 0;
}
