// Plain-text catalog documentation for the terminal. Keys are fixed words so
// that scripts and tests can find a line with grep.
#include "table_docs.h"

#include <algorithm>
#include <ostream>

namespace neuralake::cli {

namespace {

std::string join(const std::vector<std::string>& items, const std::string& sep) {
  std::string s;
  for (size_t i = 0; i < items.size(); ++i) s += (i ? sep : "") + items[i];
  return s;
}

std::string or_dash(const std::string& s) { return s.empty() ? "-" : s; }

std::string quote_identifier(const std::string& name) {
  std::string s = "\"";
  for (char c : name) s += c == '"' ? std::string("\"\"") : std::string(1, c);
  return s + "\"";
}

void line(std::ostream& out, const std::string& key, const std::string& value) {
  out << "  " << key << ":" << std::string(key.size() < 16 ? 16 - key.size() : 1, ' ') << value << "\n";
}

void write_schema(std::ostream& out, const Schema& schema) {
  size_t width = 0;
  for (const auto& f : schema) width = std::max(width, f.name.size());
  out << "schema:\n";
  for (const auto& f : schema) out << "  " << f.name << std::string(width + 2 - f.name.size(), ' ')
                                   << f.type.polars_name() << "\n";
}

}  // namespace

void write_doc_line(std::ostream& out, const std::string& key, const std::string& value) { line(out, key, value); }

void write_column_list(std::ostream& out, const Schema& schema) { write_schema(out, schema); }

void write_table_list(std::ostream& out, const Catalog& catalog) {
  std::vector<std::pair<std::string, std::string>> rows;
  size_t width = 0;
  for (const auto& db_name : catalog.database_names()) {
    for (const auto& table : catalog.db(db_name).tables()) {
      rows.emplace_back(db_name + "." + table.name(), table.def().metadata.description);
      width = std::max(width, rows.back().first.size());
    }
  }
  for (const auto& [name, description] : rows) {
    out << name;
    if (!description.empty()) out << std::string(width + 2 - name.size(), ' ') << description;
    out << "\n";
  }
}

void write_table_docs(std::ostream& out, const Catalog& catalog, const std::string& qualified_name,
                      const Session& locations) {
  const Table& table = catalog.table(qualified_name);
  const TableMetadata& m = table.def().metadata;
  std::string database = qualified_name.substr(0, qualified_name.find('.'));

  // Kind, location and partitioning as the table's kind describes itself.
  const TableDescription d = locations.describe_table(table);
  out << database << "." << table.name() << "\n";
  line(out, "kind", d.kind);
  if (d.location.empty()) {
    line(out, "location", "-");
  } else {
    line(out, "location", d.resolved_location == d.location ? d.location : d.location + " (" + d.resolved_location + ")");
  }
  line(out, "description", or_dash(m.description));
  line(out, "data_input", or_dash(m.data_input));
  line(out, "latency_info", or_dash(m.latency_info));
  line(out, "owner", or_dash(m.owner));
  line(out, "tags", or_dash(join(m.tags, ", ")));
  line(out, "unique_columns", or_dash(join(m.unique_columns, ", ")));
  line(out, "docs_filters", or_dash(m.docs_filters.to_string()));
  std::vector<std::string> links;
  for (const auto& l : m.example_links) links.push_back(l.label + " <" + l.url + ">");
  line(out, "example_links", or_dash(join(links, ", ")));
  std::vector<std::string> extras;
  for (const auto& e : m.extra_columns) extras.push_back(e.name + " = " + e.expression);
  line(out, "extra_columns", or_dash(join(extras, ", ")));
  if (!d.partitioning.empty()) line(out, "partitioned_by", join(d.partitioning, ", "));
  std::vector<std::string> options;
  for (const auto& [key, value] : d.options) options.push_back(key + "=" + value);
  if (!options.empty()) line(out, "options", join(options, ", "));
}

void write_table_schema(std::ostream& out, const Catalog& catalog, Session& session,
                        const std::string& qualified_name) {
  const Table& table = catalog.table(qualified_name);
  std::string database = qualified_name.substr(0, qualified_name.find('.'));
  write_schema(out, session.describe("SELECT * FROM " + quote_identifier(database) + "." +
                                     quote_identifier(table.name())));
}

}  // namespace neuralake::cli
