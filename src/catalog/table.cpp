// Table declarations: the fluent setters and the factory per table kind.
#include <mutex>

#include "neuralake/error.h"
#include "neuralake/table.h"

namespace neuralake {

static void check_name(const std::string& name, const char* what) {
  if (name.empty()) throw Error(ErrorCode::InvalidArgument, what, std::string(what) + " name must not be empty");
  for (char c : name) {
    if (c == '.' || c == '"' || static_cast<unsigned char>(c) < 0x20) {
      throw Error(ErrorCode::InvalidArgument, name,
                  std::string(what) + " name '" + name + "' must not contain '.', '\"' or control characters");
    }
  }
}

Table::Table(TableDef def) : def_(std::make_shared<TableDef>(std::move(def))) { check_name(def_->name, "table"); }

// Tables are handles; a setter copies the definition if another handle shares it,
// so a table already placed in a catalog never changes underneath it.
TableDef& Table::mut() {
  if (def_.use_count() > 1) def_ = std::make_shared<TableDef>(*def_);
  return *def_;
}

Table& Table::describe(std::string d) { mut().metadata.description = std::move(d); return *this; }
Table& Table::data_input(std::string t) { mut().metadata.data_input = std::move(t); return *this; }
Table& Table::latency_info(std::string t) { mut().metadata.latency_info = std::move(t); return *this; }
Table& Table::example_link(std::string label, std::string url) {
  mut().metadata.example_links.push_back({std::move(label), std::move(url)});
  return *this;
}
Table& Table::owner(std::string o) { mut().metadata.owner = std::move(o); return *this; }
Table& Table::tags(std::vector<std::string> t) { mut().metadata.tags = std::move(t); return *this; }
Table& Table::unique_columns(std::vector<std::string> c) { mut().metadata.unique_columns = std::move(c); return *this; }
Table& Table::docs_filters(Filters f) { mut().metadata.docs_filters = std::move(f); return *this; }
Table& Table::schema(Schema s) {
  for (const auto& f : s) check_name(f.name, "column");
  mut().metadata.schema = std::move(s);
  return *this;
}
Table& Table::extra_column(std::string name, std::string sql_expression) {
  check_name(name, "column");
  mut().metadata.extra_columns.push_back({std::move(name), std::move(sql_expression)});
  return *this;
}
Table& Table::column_description(std::string column, std::string text) {
  check_name(column, "column");
  mut().metadata.column_descriptions[std::move(column)] = std::move(text);
  return *this;
}
Table& Table::deprecated(bool on) { mut().metadata.deprecated = on; return *this; }
Table& Table::roapi(RoapiOptions options) {
  if (options.reload_interval_seconds && *options.reload_interval_seconds <= 0)
    throw Error(ErrorCode::InvalidArgument, def_->name,
                "table '" + def_->name + "': ROAPI reload interval must be a positive number of seconds");
  if (!options.override_name.empty()) check_name(options.override_name, "ROAPI table");
  mut().metadata.roapi = std::move(options);
  return *this;
}
Table& Table::partition_columns(std::vector<Field> columns) {
  auto& d = mut();
  d.file_options.partition_columns = std::move(columns);
  d.file_options.hive_partitioning = true;
  return *this;
}
Table& Table::hive_partitioning(bool on) { mut().file_options.hive_partitioning = on; return *this; }

static Table file_table(std::string name, std::string location, const char* kind) {
  if (location.empty()) throw Error(ErrorCode::InvalidArgument, name, "table '" + name + "' has an empty location");
  TableDef def;
  def.name = std::move(name);
  def.kind = kind;
  def.location = std::move(location);
  return Table(std::move(def));
}

Table ParquetTable(std::string name, std::string location) {
  return file_table(std::move(name), std::move(location), table_kind::parquet);
}

Table CsvTable(std::string name, std::string location, char delimiter) {
  Table t = file_table(std::move(name), std::move(location), table_kind::csv);
  TableDef def = t.def();
  def.file_options.delimiter = delimiter;
  return Table(std::move(def));
}

Table JsonTable(std::string name, std::string location) {
  return file_table(std::move(name), std::move(location), table_kind::json);
}

namespace {

class CallbackSource : public TableSource {
 public:
  CallbackSource(Schema schema, std::function<std::unique_ptr<BatchReader>(const ScanRequest&)> scan)
      : schema_(std::move(schema)), scan_(std::move(scan)) {}
  Schema schema() const override { return schema_; }
  std::unique_ptr<BatchReader> scan(const ScanRequest& r) const override { return scan_(r); }

 private:
  Schema schema_;
  std::function<std::unique_ptr<BatchReader>(const ScanRequest&)> scan_;
};

// A function that returns one whole frame. Its schema comes from one call
// with an empty request, made once and remembered.
class FrameSource : public TableSource {
 public:
  FrameSource(std::string name, std::function<DataFrame(const ScanRequest&)> make)
      : name_(std::move(name)), make_(std::move(make)) {}
  Schema schema() const override {
    std::call_once(once_, [&] { schema_ = make_(ScanRequest{}).schema(); });
    return schema_;
  }
  std::unique_ptr<BatchReader> scan(const ScanRequest& r) const override { return make_batch_reader(make_(r)); }

 private:
  std::string name_;
  std::function<DataFrame(const ScanRequest&)> make_;
  mutable std::once_flag once_;
  mutable Schema schema_;
};

class GeneratorReader : public BatchReader {
 public:
  explicit GeneratorReader(std::function<std::optional<DataFrame>()> next) : next_(std::move(next)) {}
  std::optional<DataFrame> next() override { return next_(); }

 private:
  std::function<std::optional<DataFrame>()> next_;
};

}  // namespace

std::unique_ptr<BatchReader> make_batch_reader(std::function<std::optional<DataFrame>()> next) {
  return std::make_unique<GeneratorReader>(std::move(next));
}

std::unique_ptr<BatchReader> make_batch_reader(DataFrame frame) {
  auto holder = std::make_shared<std::optional<DataFrame>>(std::move(frame));
  return make_batch_reader([holder]() -> std::optional<DataFrame> {
    auto out = std::move(*holder);
    holder->reset();
    return out;
  });
}

static Table function_table(std::string name, std::shared_ptr<const TableSource> source) {
  if (!source) throw Error(ErrorCode::InvalidArgument, name, "function table '" + name + "' has no source");
  TableDef def;
  def.name = std::move(name);
  def.kind = table_kind::function;
  def.source = std::move(source);
  return Table(std::move(def));
}

Table FunctionTable(std::string name, Schema schema,
                    std::function<std::unique_ptr<BatchReader>(const ScanRequest&)> scan) {
  if (!scan) throw Error(ErrorCode::InvalidArgument, name, "function table '" + name + "' has no function");
  Table t = function_table(name, std::make_shared<CallbackSource>(schema, std::move(scan)));
  t.schema(std::move(schema));
  return t;
}

Table FunctionTable(std::string name, std::function<DataFrame(const ScanRequest&)> make) {
  if (!make) throw Error(ErrorCode::InvalidArgument, name, "function table '" + name + "' has no function");
  auto src = std::make_shared<FrameSource>(name, std::move(make));
  return function_table(std::move(name), std::move(src));
}

Table FunctionTable(std::string name, std::shared_ptr<const TableSource> source) {
  return function_table(std::move(name), std::move(source));
}

}  // namespace neuralake
