#include "metadata/snippets.h"

#include <cctype>
#include <cstdio>
#include <optional>
#include <vector>
#include <variant>

namespace neuralake::cli {

namespace {

bool is_plain_identifier(const std::string& s) {
  if (s.empty() || !(std::islower(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_'))
      return false;
  return true;
}

std::string sql_identifier(const std::string& s) {
  if (is_plain_identifier(s)) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string sql_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// A value as written in SQL: numbers and booleans bare, everything else a
// string literal that DuckDB casts to the column's type.
std::string sql_value(const Value& v) {
  if (v.is_null()) return "NULL";
  if (v.is<bool>()) return v.as<bool>() ? "true" : "false";
  if (v.is<int64_t>()) return std::to_string(v.as<int64_t>());
  if (v.is<uint64_t>()) return std::to_string(v.as<uint64_t>());
  if (v.is<double>()) return v.to_string();
  if (v.is<std::string>()) return sql_string(v.as<std::string>());
  if (v.is<ValueList>()) {
    std::string out = "[";
    const auto& items = v.as<ValueList>();
    for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + sql_value(items[i]);
    return out + "]";
  }
  std::string text = v.to_string();
  if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') text = text.substr(1, text.size() - 2);
  return sql_string(text);
}

std::string value_list_sql(const std::vector<Value>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + sql_value(values[i]);
  return out;
}

std::string filter_sql(const Filter& f) {
  const std::string c = sql_identifier(f.column());
  switch (f.op()) {
    case FilterOp::Eq: return c + " = " + sql_value(f.value());
    case FilterOp::NotEq: return c + " != " + sql_value(f.value());
    case FilterOp::Lt: return c + " < " + sql_value(f.value());
    case FilterOp::LtEq: return c + " <= " + sql_value(f.value());
    case FilterOp::Gt: return c + " > " + sql_value(f.value());
    case FilterOp::GtEq: return c + " >= " + sql_value(f.value());
    case FilterOp::In: return c + " IN (" + value_list_sql(f.values()) + ")";
    case FilterOp::NotIn: return c + " NOT IN (" + value_list_sql(f.values()) + ")";
    case FilterOp::Contains: return "contains(" + c + ", " + sql_value(f.value()) + ")";
    case FilterOp::Includes: return "list_contains(" + c + ", " + sql_value(f.value()) + ")";
    case FilterOp::IncludesAny: return "list_has_any(" + c + ", [" + value_list_sql(f.values()) + "])";
    case FilterOp::IncludesAll: return "list_has_all(" + c + ", [" + value_list_sql(f.values()) + "])";
    case FilterOp::IsNull: return c + " IS NULL";
    case FilterOp::IsNotNull: return c + " IS NOT NULL";
  }
  return c;
}

// A C++ string literal.
std::string cpp_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          // Octal, three digits: a hex escape would swallow a hex digit after it.
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\%03o", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string cpp_value(const Value& v) {
  if (v.is_null()) return "neuralake::Value::null()";
  if (v.is<bool>()) return v.as<bool>() ? "true" : "false";
  if (v.is<int64_t>()) return std::to_string(v.as<int64_t>());
  if (v.is<uint64_t>()) return std::to_string(v.as<uint64_t>()) + "u";
  if (v.is<double>()) {
    std::string t = v.to_string();
    if (t.find_first_of(".eEn") == std::string::npos) t += ".0";
    return t;
  }
  if (v.is<std::string>()) return cpp_string(v.as<std::string>());
  // Dates, timestamps and the rest: their text, which the filter coerces to
  // the column's type.
  std::string text = v.to_string();
  if (text.size() >= 2 && text.front() == '\'' && text.back() == '\'') text = text.substr(1, text.size() - 2);
  return cpp_string(text);
}

std::string cpp_filter(const Filter& f) {
  std::string out = "neuralake::Filter(" + cpp_string(f.column()) + ", " + cpp_string(to_string(f.op()));
  switch (f.op()) {
    case FilterOp::IsNull:
    case FilterOp::IsNotNull: break;
    case FilterOp::In:
    case FilterOp::NotIn:
    case FilterOp::IncludesAny:
    case FilterOp::IncludesAll: {
      out += ", {";
      for (size_t i = 0; i < f.values().size(); ++i) out += (i ? ", " : "") + cpp_value(f.values()[i]);
      out += "}";
      break;
    }
    default: out += ", " + cpp_value(f.value());
  }
  return out + ")";
}

// Double quotes for a POSIX shell: $, `, " and \ escaped.
std::string shell_double_quoted(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '$' || c == '`' || c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string shell_single_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Percent-encodes everything but unreserved characters and the few that
// ROAPI's syntax reads literally (quotes, commas, brackets are encoded by
// browsers anyway; curl sends them as given).
std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || c == '\'' || c == ',') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

// A filter value in ROAPI's REST syntax: a number, or a single-quoted string.
std::optional<std::string> rest_value(const Value& v) {
  if (v.is<int64_t>()) return std::to_string(v.as<int64_t>());
  if (v.is<uint64_t>()) return std::to_string(v.as<uint64_t>());
  if (v.is<double>()) return v.to_string();
  if (v.is_null() || v.is<ValueList>() || v.is<ValueStruct>() || v.is<Bytes>()) return std::nullopt;
  std::string text = v.is<std::string>() ? v.as<std::string>() : v.to_string();
  if (!v.is<std::string>() && text.size() >= 2 && text.front() == '\'' && text.back() == '\'')
    text = text.substr(1, text.size() - 2);
  if (text.find('\'') != std::string::npos) return std::nullopt;  // no escape for a quote inside
  return "'" + text + "'";
}

// One filter as a REST query parameter, or nothing when REST cannot say it.
std::optional<std::string> rest_filter(const Filter& f) {
  std::string key = "filter[" + url_encode(f.column()) + "]";
  auto single = [&](const char* op) -> std::optional<std::string> {
    auto v = rest_value(f.value());
    if (!v) return std::nullopt;
    return key + op + "=" + url_encode(*v);
  };
  switch (f.op()) {
    case FilterOp::Eq: return single("eq");
    case FilterOp::NotEq: return single("ne");
    case FilterOp::Lt: return single("lt");
    case FilterOp::LtEq: return single("lte");
    case FilterOp::Gt: return single("gt");
    case FilterOp::GtEq: return single("gte");
    case FilterOp::In: {
      std::string list;
      for (size_t i = 0; i < f.values().size(); ++i) {
        auto v = rest_value(f.values()[i]);
        if (!v) return std::nullopt;
        list += (i ? "," : "") + *v;
      }
      return key + "in=" + url_encode(list);
    }
    case FilterOp::IsNull: return key + "isnull=true";
    case FilterOp::IsNotNull: return key + "isnull=false";
    default: return std::nullopt;
  }
}

}  // namespace

std::string filters_to_sql(const Filters& filters) {
  const auto& any = filters.any_of();
  std::string out;
  for (size_t i = 0; i < any.size(); ++i) {
    std::string conj;
    for (size_t j = 0; j < any[i].size(); ++j) conj += (j ? " AND " : "") + filter_sql(any[i][j]);
    if (any.size() > 1) conj = "(" + conj + ")";
    out += (i ? " OR " : "") + conj;
  }
  return out;
}

std::string select_sql(const SnippetTarget& t) {
  std::string sql = "SELECT * FROM " + sql_identifier(t.database) + "." + sql_identifier(t.table);
  if (std::string where = filters_to_sql(t.filters); !where.empty()) sql += " WHERE " + where;
  return sql + " LIMIT " + std::to_string(t.limit);
}

std::string cpp_snippet(const SnippetTarget& t) {
  std::string out = "#include <iostream>\n#include \"neuralake/neuralake.h\"\n\n";
  out += "// catalog: your neuralake::Catalog, or neuralake::load_catalog_plugin(" +
         cpp_string(t.plugin.empty() ? "libcatalog.so" : t.plugin) + ")\n";
  out += "auto frame = catalog.db(" + cpp_string(t.database) + ")\n";
  out += "                 .table(" + cpp_string(t.table);
  const auto& any = t.filters.any_of();
  if (any.size() == 1) {
    out += ", {\n";
    for (const auto& f : any[0]) out += "                     " + cpp_filter(f) + ",\n";
    out += "                 })";
  } else if (any.size() > 1) {
    out += ", neuralake::Filters(std::vector<std::vector<neuralake::Filter>>{\n";
    for (const auto& conj : any) {
      out += "                     {";
      for (size_t j = 0; j < conj.size(); ++j) out += (j ? ", " : "") + cpp_filter(conj[j]);
      out += "},\n";
    }
    out += "                 }))";
  } else {
    out += ")";
  }
  out += "\n                 .limit(" + std::to_string(t.limit) + ")\n                 .collect();\n";
  out += "std::cout << frame.to_string() << \"\\n\";\n";
  return out;
}

std::string cli_snippet(const SnippetTarget& t) {
  std::string plugin = t.plugin.empty() ? "libcatalog.so" : t.plugin;
  return "neuralake --catalog " + shell_single_quoted(plugin) + " sql " + shell_double_quoted(select_sql(t));
}

std::string rest_snippet(const SnippetTarget& t) {
  std::string base = t.api_url;
  while (!base.empty() && base.back() == '/') base.pop_back();
  const auto& any = t.filters.any_of();
  std::vector<std::string> params;
  bool expressible = any.size() <= 1;
  if (any.size() == 1) {
    for (const auto& f : any[0]) {
      auto p = rest_filter(f);
      if (!p) {
        expressible = false;
        break;
      }
      params.push_back(*p);
    }
  }
  if (!expressible) {
    // REST has neither OR nor these operators: the same query through SQL.
    return "curl -X POST " + shell_single_quoted(base + "/api/sql") + " --data-binary " +
           shell_single_quoted(select_sql(t));
  }
  params.push_back("limit=" + std::to_string(t.limit));
  std::string url = base + "/api/tables/" + url_encode(t.api_name) + "?";
  for (size_t i = 0; i < params.size(); ++i) url += (i ? "&" : "") + params[i];
  // -g: brackets are not curl globs. The URL holds no $, `, " or \ (they are
  // percent-encoded), so double quotes keep its single quotes readable.
  return "curl -g " + shell_double_quoted(url);
}

}  // namespace neuralake::cli
