// CSV and JSON Lines writers over DataFrame cells (Value), so every column
// type renders the same way in both formats.
#include "frame_writers.h"

#include <cmath>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

namespace neuralake::cli {

namespace {

std::string float_text(double d) {
  std::string s = Value(d).to_string();
  // Polars and DuckDB write 10.0, not 10: the column still reads back as a float.
  if (std::isfinite(d) && s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

// Binary cells as text: printable ASCII kept, every other byte as \xHH.
std::string bytes_text(const std::string& data) {
  static const char* hex = "0123456789ABCDEF";
  std::string s;
  for (unsigned char c : data) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      s += static_cast<char>(c);
    } else {
      s += "\\x";
      s += hex[c >> 4];
      s += hex[c & 0xf];
    }
  }
  return s;
}

// The cell as CSV text (before quoting). Strings are bare; nested values use
// Value's rendering ([1, 2], {a: 1}).
std::string csv_text(const Value& v, const DataType& type) {
  if (v.is_null()) return "";
  if (v.is<std::string>()) return v.as<std::string>();
  if (v.is<double>()) return float_text(v.as<double>());
  if (v.is<Bytes>()) return bytes_text(v.as<Bytes>().data);
  if (v.is<Timestamp>() && type.id() == TypeId::TimestampTz) return v.to_string() + "+00:00";
  return v.to_string();
}

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string s = "\"";
  for (char c : text) s += c == '"' ? std::string("\"\"") : std::string(1, c);
  return s + "\"";
}

std::string json_string(const std::string& s) {
  // Invalid UTF-8 is replaced rather than failing the whole output.
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void write_json_value(std::ostream& out, const Value& v, const DataType& type) {
  const auto& st = v.storage();
  if (v.is_null()) {
    out << "null";
  } else if (v.is<bool>()) {
    out << (v.as<bool>() ? "true" : "false");
  } else if (v.is<int64_t>() || v.is<uint64_t>() || v.is<Decimal>()) {
    out << v.to_string();
  } else if (v.is<double>()) {
    double d = v.as<double>();
    if (std::isfinite(d)) out << float_text(d);
    else out << "null";
  } else if (v.is<std::string>()) {
    out << json_string(v.as<std::string>());
  } else if (v.is<Bytes>()) {
    out << json_string(bytes_text(v.as<Bytes>().data));
  } else if (const auto* list = std::get_if<ValueList>(&st)) {
    DataType element = type.id() == TypeId::List && !type.children().empty() ? type.children()[0].type : DataType();
    out << '[';
    for (size_t i = 0; i < list->size(); ++i) {
      if (i) out << ',';
      write_json_value(out, (*list)[i], element);
    }
    out << ']';
  } else if (const auto* fields = std::get_if<ValueStruct>(&st)) {
    out << '{';
    for (size_t i = 0; i < fields->size(); ++i) {
      DataType field_type;
      if (type.id() == TypeId::Struct && i < type.children().size()) field_type = type.children()[i].type;
      if (i) out << ',';
      out << json_string((*fields)[i].first) << ':';
      write_json_value(out, (*fields)[i].second, field_type);
    }
    out << '}';
  } else {
    out << json_string(csv_text(v, type));
  }
}

}  // namespace

void write_csv(std::ostream& out, const DataFrame& df) {
  const auto& columns = df.columns();
  for (size_t c = 0; c < columns.size(); ++c) out << (c ? "," : "") << csv_field(columns[c].name());
  out << '\n';
  for (size_t r = 0; r < df.num_rows(); ++r) {
    for (size_t c = 0; c < columns.size(); ++c) {
      Value v = columns[c].get(r);
      // An empty string is quoted so that it reads back differently from null.
      bool empty_string = v.is<std::string>() && v.as<std::string>().empty();
      out << (c ? "," : "") << (empty_string ? "\"\"" : csv_field(csv_text(v, columns[c].type())));
    }
    out << '\n';
  }
}

void write_json_lines(std::ostream& out, const DataFrame& df) {
  const auto& columns = df.columns();
  std::vector<std::string> keys;
  for (const auto& c : columns) keys.push_back(json_string(c.name()));
  for (size_t r = 0; r < df.num_rows(); ++r) {
    out << '{';
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c) out << ',';
      out << keys[c] << ':';
      write_json_value(out, columns[c].get(r), columns[c].type());
    }
    out << "}\n";
  }
}

}  // namespace neuralake::cli
