#include "export/roapi_export.h"

#include <cstdio>
#include <optional>

#include "export/table_location.h"
#include "metadata/api_names.h"
#include "neuralake/error.h"
#include "neuralake/filter.h"
#include "text/one_line.h"

namespace neuralake::cli {

namespace {

// ROAPI's default reload interval for Delta tables in datarepo's exporter.
constexpr int64_t kDeltaReloadSeconds = 60;

// A partition value as Hive writes it into a path: the text, with the
// characters Hive escapes in path names percent-encoded.
std::string hive_path_value(const Value& v) {
  std::string text = v.is<std::string>() ? v.as<std::string>() : v.to_string();
  std::string out;
  for (unsigned char c : text) {
    bool escape = c < 0x20 || c == 0x7F || std::string_view("\"#%'*/:=?\\{[]^").find(static_cast<char>(c)) !=
                                                std::string_view::npos;
    if (!escape) {
      out += static_cast<char>(c);
      continue;
    }
    char buf[4];
    std::snprintf(buf, sizeof buf, "%%%02X", c);
    out += buf;
  }
  return out;
}

// The value every conjunction of `filters` fixes `column` to with exactly one
// equality; std::nullopt if one does not, or two disagree.
std::optional<Value> fixed_value(const Filters& filters, const std::string& column) {
  std::optional<Value> fixed;
  for (const auto& all_of : filters.any_of()) {
    const Filter* eq = nullptr;
    int on_column = 0;
    for (const auto& f : all_of) {
      if (f.column() != column) continue;
      ++on_column;
      if (f.op() == FilterOp::Eq) eq = &f;
    }
    if (on_column != 1 || eq == nullptr || eq->value().is_null()) return std::nullopt;
    if (fixed && !(*fixed == eq->value())) return std::nullopt;
    fixed = eq->value();
  }
  return fixed;
}

}  // namespace

std::optional<std::string> roapi_skip_reason(const Table& table) {
  const TableDef& def = table.def();
  const std::string& kind = def.kind;
  if (kind == table_kind::function) return "function table: computed by C++ code, there are no files for ROAPI to read";
  if (kind != table_kind::parquet && kind != table_kind::delta && kind != table_kind::csv && kind != table_kind::json)
    return "tables of kind '" + kind + "' have no ROAPI format";
  const auto& parts = def.file_options.partition_columns;
  if (kind == table_kind::json && !parts.empty()) return "ROAPI's ndjson format reads no Hive partition columns";
  if (kind == table_kind::parquet || kind == table_kind::csv) {
    for (const auto& p : parts) {
      try {
        arrow_type_name(p.type);
      } catch (const Error& err) {
        return "partition column '" + p.name + "': " + err.what();
      }
    }
  }
  return std::nullopt;
}

namespace {

struct Entry {
  std::string yaml;
  std::optional<std::string> skipped;  // the reason it is left out
  std::vector<std::string> notes;
};

Entry roapi_entry(const std::string& qualified, const std::string& api_name, const Table& table,
                  const Session& session) {
  Entry e;
  const TableDef& def = table.def();
  const RoapiOptions& opts = def.metadata.roapi;
  const std::string& kind = def.kind;
  if (auto why = roapi_skip_reason(table)) {
    e.skipped = *why;
    return e;
  }
  if (opts.reload_interval_seconds && *opts.reload_interval_seconds < 0) {
    throw Error(ErrorCode::InvalidArgument, qualified,
                "table '" + qualified + "' has a negative ROAPI reload interval (" +
                    std::to_string(*opts.reload_interval_seconds) + " s)");
  }
  const bool delta = kind == table_kind::delta;
  const ExportLocation loc = export_location(session.resolve_location(def.location), delta);
  const auto& parts = def.file_options.partition_columns;

  std::string format = kind == table_kind::json ? "ndjson" : kind;
  std::string partitions;
  for (const auto& p : parts) {
    if (kind != table_kind::parquet && kind != table_kind::csv) break;
    partitions += "      - name: " + yaml_string(p.name) + "\n        data_type: " + arrow_type_name(p.type) + "\n";
  }
  if (def.file_options.hive_partitioning && parts.empty() && !delta) {
    e.notes.push_back(
        "Hive partitions are detected from paths, not declared: ROAPI gets no partition_columns and shows no "
        "partition column; declare them with partition_columns()");
  }
  if (!loc.glob.empty() && !glob_selects_extension_only(loc.glob)) {
    e.notes.push_back("ROAPI takes no glob: it reads every " + format + " file under " + loc.uri +
                      ", not only those matching '" + loc.glob + "'");
  }
  if (kind == table_kind::json) {
    e.notes.push_back("ROAPI loads ndjson tables into memory (its ndjson format has no use_memory_table option)");
  }

  std::string& y = e.yaml;
  y += "  - name: " + yaml_string(api_name) + "\n";
  y += "    uri: " + yaml_string(loc.uri) + "\n";
  y += "    option:\n      format: " + format + "\n";
  if (kind != table_kind::json) {
    y += std::string("      use_memory_table: ") + (opts.use_memory_table ? "true" : "false") + "\n";
  }
  if (kind == table_kind::csv) {
    // Written only when they differ from ROAPI's defaults (a header, ',').
    if (!def.file_options.header) y += "      has_header: false\n";
    if (def.file_options.delimiter != ',') {
      y += "      delimiter: " + yaml_string(std::string(1, def.file_options.delimiter)) + "\n";
    }
  }
  if (!partitions.empty()) {
    y += "    partition_columns:\n" + partitions;
    std::string fragment = roapi_schema_fragment(table);
    if (!fragment.empty()) y += "    schema_from_files:\n      - " + yaml_string(fragment) + "\n";
  }
  std::optional<int64_t> reload = opts.reload_interval_seconds;
  if (!reload && delta) reload = kDeltaReloadSeconds;
  if (reload) y += "    reload_interval:\n      secs: " + std::to_string(*reload) + "\n      nanos: 0\n";
  return e;
}

}  // namespace

std::string yaml_string(const std::string& text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7F) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string arrow_type_name(const DataType& type) {
  switch (type.id()) {
    case TypeId::Boolean: return "Boolean";
    case TypeId::Int8: return "Int8";
    case TypeId::Int16: return "Int16";
    case TypeId::Int32: return "Int32";
    case TypeId::Int64: return "Int64";
    case TypeId::UInt8: return "UInt8";
    case TypeId::UInt16: return "UInt16";
    case TypeId::UInt32: return "UInt32";
    case TypeId::UInt64: return "UInt64";
    case TypeId::Float32: return "Float32";
    case TypeId::Float64: return "Float64";
    case TypeId::String: return "Utf8";
    case TypeId::Binary: return "Binary";
    case TypeId::Date: return "Date32";
    default:
      throw Error(ErrorCode::NotSupported, type.polars_name(),
                  "type " + type.polars_name() + " has no plain Arrow type name in ROAPI's configuration");
  }
}

std::string roapi_schema_fragment(const Table& table) {
  const TableDef& def = table.def();
  std::string fragment;
  if (def.metadata.docs_filters.empty()) return fragment;
  for (const auto& p : def.file_options.partition_columns) {
    auto value = fixed_value(def.metadata.docs_filters, p.name);
    if (!value) break;
    fragment += p.name + "=" + hive_path_value(*value) + "/";
  }
  return fragment;
}

ExportResult export_roapi(const Catalog& catalog, const Session& session) {
  ApiNames names({&catalog});
  ExportResult result;
  std::string tables;
  for (const auto& entry : names.entries()) {
    const Table& table = *entry.table;
    if (table.def().metadata.roapi.disable) continue;
    const std::string qualified = entry.database + "." + table.name();
    Entry e = roapi_entry(qualified, entry.api_name, table, session);
    if (e.skipped) {
      result.skipped.push_back({qualified, *e.skipped});
      continue;
    }
    for (auto& n : e.notes) result.notes.push_back({qualified, std::move(n)});
    tables += e.yaml;
  }
  std::string& out = result.text;
  out += "# ROAPI tables of catalog '" + one_line(catalog.name()) + "', written by `neuralake export roapi`.\n";
  for (const auto& s : result.skipped) out += "# skipped " + s.table + ": " + one_line(s.text) + "\n";
  for (const auto& n : result.notes) out += "# note " + n.table + ": " + one_line(n.text) + "\n";
  out += tables.empty() ? "tables: []\n" : "tables:\n" + tables;
  return result;
}

}  // namespace neuralake::cli
