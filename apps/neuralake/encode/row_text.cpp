#include "encode/row_text.h"

#include <charconv>
#include <cmath>
#include <string>

#include <nlohmann/json.hpp>

namespace neuralake::cli {

namespace {

bool is_plain_integer(const DataType& t);

std::string float_text(double d) {
  std::string s = Value(d).to_string();
  // Polars and DuckDB write 10.0, not 10: the column still reads back as a float.
  if (std::isfinite(d) && s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

void append_int(std::string& out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
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

void append_csv_field(std::string& out, std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) {
    out.append(text);
    return;
  }
  out += '"';
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

bool plain_json_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return false;
  return true;
}

void append_json_value(std::string& out, const Value& v, const DataType& type) {
  const auto& st = v.storage();
  if (v.is_null()) {
    out += "null";
  } else if (v.is<bool>()) {
    out += v.as<bool>() ? "true" : "false";
  } else if (v.is<int64_t>() || v.is<uint64_t>() || v.is<Decimal>()) {
    out += v.to_string();
  } else if (v.is<double>()) {
    double d = v.as<double>();
    out += std::isfinite(d) ? float_text(d) : "null";
  } else if (v.is<std::string>()) {
    append_json_string(out, v.as<std::string>());
  } else if (v.is<Bytes>()) {
    append_json_string(out, bytes_text(v.as<Bytes>().data));
  } else if (const auto* list = std::get_if<ValueList>(&st)) {
    DataType element = type.id() == TypeId::List && !type.children().empty() ? type.children()[0].type : DataType();
    out += '[';
    for (size_t i = 0; i < list->size(); ++i) {
      if (i) out += ',';
      append_json_value(out, (*list)[i], element);
    }
    out += ']';
  } else if (const auto* fields = std::get_if<ValueStruct>(&st)) {
    out += '{';
    for (size_t i = 0; i < fields->size(); ++i) {
      DataType field_type;
      if (type.id() == TypeId::Struct && i < type.children().size()) field_type = type.children()[i].type;
      if (i) out += ',';
      append_json_string(out, (*fields)[i].first);
      out += ':';
      append_json_value(out, (*fields)[i].second, field_type);
    }
    out += '}';
  } else {
    append_json_string(out, csv_text(v, type));
  }
}

bool is_plain_integer(const DataType& t) {
  switch (t.id()) {
    case TypeId::Int8:
    case TypeId::Int16:
    case TypeId::Int32:
    case TypeId::Int64: return true;
    default: return false;
  }
}

// The common column kinds straight from their storage, skipping the Value
// detour: integers, floats, strings and dates. Returns false for the others.
// Renders exactly as the Value path does.
bool append_fast_cell(std::string& out, const Series& s, size_t row, bool json) {
  const auto& st = s.storage();
  const TypeId id = s.type().id();
  if (const auto* ints = std::get_if<std::vector<int64_t>>(&st)) {
    if (is_plain_integer(s.type())) {
      append_int(out, (*ints)[row]);
      return true;
    }
    if (id == TypeId::Date) {
      if (json) out += '"';
      out += format_date(Date{static_cast<int32_t>((*ints)[row])});
      if (json) out += '"';
      return true;
    }
    return false;
  }
  if (const auto* doubles = std::get_if<std::vector<double>>(&st)) {
    if (id != TypeId::Float64 && id != TypeId::Float32) return false;
    double d = (*doubles)[row];
    if (json && !std::isfinite(d)) {
      out += "null";
      return true;
    }
    char buf[64];
    auto r = std::to_chars(buf, buf + sizeof buf, d);
    std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
    out.append(text);
    if (std::isfinite(d) && text.find_first_of(".eE") == std::string_view::npos) out += ".0";
    return true;
  }
  if (const auto* strs = std::get_if<StringColumn>(&st)) {
    if (id != TypeId::String) return false;
    std::string_view v = (*strs)[row];
    if (json) append_json_string(out, v);
    else if (v.empty()) out += "\"\"";  // quoted, so that it reads back differently from null
    else append_csv_field(out, v);
    return true;
  }
  return false;
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
  if (plain_json_ascii(s)) {  // the common case, without a detour through nlohmann
    out += '"';
    out.append(s);
    out += '"';
    return;
  }
  out += nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_csv_header(std::string& out, const std::vector<std::string>& names) {
  for (size_t c = 0; c < names.size(); ++c) {
    if (c) out += ',';
    append_csv_field(out, names[c]);
  }
  out += '\n';
}

void append_csv_rows(std::string& out, const DataFrame& df) {
  const auto& columns = df.columns();
  for (size_t r = 0; r < df.num_rows(); ++r) {
    for (size_t c = 0; c < columns.size(); ++c) {
      if (c) out += ',';
      const Series& s = columns[c];
      if (s.is_null(r)) continue;
      if (!append_fast_cell(out, s, r, false)) {
        Value v = s.get(r);
        bool empty_string = v.is<std::string>() && v.as<std::string>().empty();
        if (empty_string) out += "\"\"";
        else append_csv_field(out, csv_text(v, s.type()));
      }
    }
    out += '\n';
  }
}

void for_each_csv_piece(const DataFrame& df, const std::function<void(std::string_view)>& piece) {
  constexpr size_t kStep = 4096;
  std::string text;
  for (size_t start = 0; start < df.num_rows(); start += kStep) {
    text.clear();
    append_csv_rows(text, df.num_rows() <= kStep ? df : df.slice(start, kStep));
    piece(text);
  }
}

std::vector<std::string> json_keys(const std::vector<std::string>& names) {
  std::vector<std::string> keys;
  for (const auto& n : names) {
    std::string k;
    append_json_string(k, n);
    keys.push_back(std::move(k));
  }
  return keys;
}

void append_json_object(std::string& out, const DataFrame& df, size_t row, const std::vector<std::string>& keys) {
  const auto& columns = df.columns();
  out += '{';
  for (size_t c = 0; c < columns.size(); ++c) {
    if (c) out += ',';
    out += keys[c];
    out += ':';
    const Series& s = columns[c];
    if (s.is_null(row)) {
      out += "null";
      continue;
    }
    if (!append_fast_cell(out, s, row, true)) append_json_value(out, s.get(row), s.type());
  }
  out += '}';
}

}  // namespace neuralake::cli
