#include "metadata/catalog_json.h"

#include <algorithm>
#include <atomic>
#include <ctime>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "export/roapi_export.h"
#include "metadata/api_names.h"
#include "metadata/markdown.h"
#include "metadata/snippets.h"
#include "neuralake/delta.h"
#include "neuralake/error.h"
#include "neuralake/session.h"
#include "neuralake/suggest.h"
#include "text/one_line.h"

#ifndef NEURALAKE_VERSION
#define NEURALAKE_VERSION "dev"
#endif

namespace neuralake::cli {

namespace {

using json = nlohmann::json;

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// datarepo's table_type values, plus CSV and JSON.
std::string table_type(const std::string& kind) {
  if (kind == table_kind::delta) return "DELTA_LAKE";
  if (kind == table_kind::parquet) return "PARQUET";
  if (kind == table_kind::csv) return "CSV";
  if (kind == table_kind::json) return "JSON";
  if (kind == table_kind::function) return "FUNCTION";
  std::string upper = kind;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return upper;
}

// A location without the user information a URI may carry ("s3://key:secret@bucket").
std::string without_credentials(const std::string& uri) {
  auto scheme = uri.find("://");
  if (scheme == std::string::npos) return uri;
  auto start = scheme + 3;
  auto end = uri.find('/', start);
  auto at = uri.find('@', start);
  if (at == std::string::npos || (end != std::string::npos && at > end)) return uri;
  return uri.substr(0, start) + uri.substr(at + 1);
}

json type_json(const DataType& type);

json field_json(const std::string& name, const DataType& type) {
  json f = {{"name", name}, {"type", type.polars_name()}, {"sql_type", type.sql_name()}};
  if (type.is_nested()) f["fields"] = type_json(type);
  return f;
}

// The children of a nested type: struct fields by name, a list's element,
// a map's key and value.
json type_json(const DataType& type) {
  json fields = json::array();
  switch (type.id()) {
    case TypeId::Struct:
      for (const auto& c : type.children()) fields.push_back(field_json(c.name, c.type));
      break;
    case TypeId::List: fields.push_back(field_json("element", type.children().at(0).type)); break;
    case TypeId::Map:
      fields.push_back(field_json("key", type.children().at(0).type));
      fields.push_back(field_json("value", type.children().at(1).type));
      break;
    default: break;
  }
  return fields;
}

std::string value_text(const Value& v) {
  if (v.is<std::string>()) return v.as<std::string>();
  std::string t = v.to_string();
  if (t.size() >= 2 && t.front() == '\'' && t.back() == '\'') t = t.substr(1, t.size() - 2);
  return t;
}

json filter_value_json(const Value& v) {
  if (v.is_null()) return nullptr;
  if (v.is<bool>()) return v.as<bool>();
  if (v.is<int64_t>()) return v.as<int64_t>();
  if (v.is<uint64_t>()) return v.as<uint64_t>();
  if (v.is<double>()) return v.as<double>();
  if (v.is<ValueList>()) {
    json a = json::array();
    for (const auto& x : v.as<ValueList>()) a.push_back(filter_value_json(x));
    return a;
  }
  return value_text(v);
}

const char* value_type_annotation(const Value& v) {
  if (v.is<bool>()) return "bool";
  if (v.is<int64_t>() || v.is<uint64_t>()) return "int";
  if (v.is<double>()) return "float";
  if (v.is<std::string>()) return "str";
  if (v.is<Date>()) return "date";
  if (v.is<Timestamp>()) return "datetime";
  return nullptr;
}

// datarepo's "partitions": the example filters the docs show.
json partitions_json(const Filters& filters) {
  json out = json::array();
  if (filters.empty()) return out;
  for (const auto& f : filters.any_of().front()) {
    json p = {{"column_name", f.column()}, {"operator", to_string(f.op())}};
    bool list = f.op() == FilterOp::In || f.op() == FilterOp::NotIn || f.op() == FilterOp::IncludesAny ||
                f.op() == FilterOp::IncludesAll;
    if (list) {
      json values = json::array();
      for (const auto& v : f.values()) values.push_back(filter_value_json(v));
      p["value"] = values;
      p["type_annotation"] = f.values().empty() || !value_type_annotation(f.values()[0])
                                 ? json(nullptr)
                                 : json(std::string("list[") + value_type_annotation(f.values()[0]) + "]");
    } else if (f.op() == FilterOp::IsNull || f.op() == FilterOp::IsNotNull) {
      p["value"] = nullptr;
      p["type_annotation"] = nullptr;
    } else {
      p["value"] = filter_value_json(f.value());
      const char* a = value_type_annotation(f.value());
      p["type_annotation"] = a ? json(a) : json(nullptr);
    }
    out.push_back(std::move(p));
  }
  return out;
}

std::string iso_utc(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(((ms % 1000) + 1000) % 1000));
  return out;
}

// What the engine found for one table.
struct EngineFacts {
  std::optional<Schema> schema;  // the table's columns as a query sees them
  std::string schema_error;
  std::optional<DataFrame> preview;
  std::string preview_error;
  std::optional<DeltaTableInfo> delta;
  std::string delta_error;
};

struct TableJob {
  const CatalogSource* source = nullptr;
  std::string database;
  const Table* table = nullptr;
  bool needs_schema = false;
  bool needs_preview = false;
  bool needs_facts = false;
  EngineFacts facts;
};

bool needs_engine_schema(const TableDef& def) {
  return !def.metadata.schema.has_value() || !def.metadata.extra_columns.empty();
}

std::string sql_quoted(const std::string& name) {
  std::string out = "\"";
  for (char c : name) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void run_engine_job(Session& session, TableJob& job, const CatalogJsonOptions& options) {
  QueryOptions limits;
  limits.timeout = options.table_time_limit;
  const std::string from = sql_quoted(job.database) + "." + sql_quoted(job.table->name());
  if (job.needs_schema) {
    try {
      job.facts.schema = session.sql("SELECT * FROM " + from + " LIMIT 0", limits).schema();
    } catch (const Error& e) {
      job.facts.schema_error = one_line(e.what());
    }
  }
  if (job.needs_preview) {
    try {
      SnippetTarget t{job.database, job.table->name(), "", "", "", job.table->def().metadata.docs_filters,
                      options.preview_rows};
      job.facts.preview = session.sql(select_sql(t), limits);
    } catch (const Error& e) {
      job.facts.preview_error = one_line(e.what());
    }
  }
  if (job.needs_facts) {
    try {
      job.facts.delta = delta_table_info(session, job.database, job.table->name());
    } catch (const Error& e) {
      job.facts.delta_error = one_line(e.what());
    }
  }
}

// Runs the jobs that need the engine: one session per catalog, opened only
// when one of its tables needs it, and a few tables at a time.
void run_engine_jobs(std::vector<TableJob>& jobs, const CatalogJsonOptions& options) {
  std::vector<TableJob*> todo;
  for (auto& j : jobs)
    if (j.needs_schema || j.needs_preview || j.needs_facts) todo.push_back(&j);
  if (todo.empty()) return;

  std::mutex sessions_mutex;
  std::map<const Catalog*, std::shared_ptr<Session>> sessions;
  std::map<const Catalog*, std::string> session_errors;
  auto session_for = [&](const Catalog* c) -> std::shared_ptr<Session> {
    // Opened under the lock: a catalog's session is made once.
    std::lock_guard lock(sessions_mutex);
    if (auto it = sessions.find(c); it != sessions.end()) return it->second;
    if (auto it = session_errors.find(c); it != session_errors.end())
      throw Error(ErrorCode::Internal, "session", it->second);
    try {
      SessionOptions o = options.session_options ? options.session_options(c->options()) : c->options();
      auto s = std::make_shared<Session>(*c, o);
      sessions.emplace(c, s);
      return s;
    } catch (const Error& e) {
      session_errors.emplace(c, e.what());
      throw;
    }
  };

  unsigned threads = options.parallelism ? options.parallelism : std::min(8u, std::max(1u, std::thread::hardware_concurrency()));
  threads = static_cast<unsigned>(std::min<size_t>(threads, todo.size()));
  std::atomic<size_t> next{0}, done{0};
  std::mutex progress_mutex;
  auto worker = [&] {
    for (size_t i = next++; i < todo.size(); i = next++) {
      TableJob& job = *todo[i];
      try {
        run_engine_job(*session_for(job.source->catalog), job, options);
      } catch (const Error& e) {  // the session could not be opened
        std::string why = one_line(e.what());
        if (job.needs_schema) job.facts.schema_error = why;
        if (job.needs_preview) job.facts.preview_error = why;
        if (job.needs_facts) job.facts.delta_error = why;
      }
      size_t d = ++done;
      if (options.progress) {
        std::lock_guard lock(progress_mutex);
        options.progress(d, todo.size());
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
}

json preview_json(const DataFrame& frame) {
  json columns = frame.column_names();
  json rows = json::array();
  for (size_t r = 0; r < frame.num_rows(); ++r) {
    json row = json::array();
    for (size_t c = 0; c < frame.num_columns(); ++c) {
      Value v = frame.value(r, c);
      row.push_back(v.is_null() ? json(nullptr) : json(value_text(v)));
    }
    rows.push_back(std::move(row));
  }
  return {{"columns", std::move(columns)}, {"rows", std::move(rows)}};
}

// The table's columns: declared (plus partition and computed columns) or as
// the engine reads them.
json columns_json(const TableDef& def, const EngineFacts& facts, std::string& source, const std::string& qualified) {
  const auto& m = def.metadata;
  std::optional<Schema> schema;
  if (facts.schema) {
    schema = facts.schema;
    source = m.schema ? "declared" : "inferred";
  } else if (m.schema) {
    // Declared columns, then partition columns the declaration leaves out,
    // then computed columns whose types only the engine could give.
    schema = *m.schema;
    for (const auto& p : def.file_options.partition_columns) {
      bool present = std::any_of(schema->begin(), schema->end(), [&](const Field& f) { return f.name == p.name; });
      if (!present) schema->push_back(p);
    }
    for (const auto& x : m.extra_columns) schema->push_back({x.name, DataType::other("unknown")});
    source = "declared";
  } else {
    source = "unavailable";
    return nullptr;
  }
  for (const auto& [column, text] : m.column_descriptions) {
    bool known = std::any_of(schema->begin(), schema->end(), [&](const Field& f) { return f.name == column; });
    if (!known) {
      std::vector<std::string> names;
      for (const auto& f : *schema) names.push_back(f.name);
      throw Error(ErrorCode::InvalidArgument, qualified,
                  "table '" + qualified + "' describes column '" + column + "', which it does not have" +
                      did_you_mean(column, names));
    }
  }
  json cols = json::array();
  for (const auto& f : *schema) {
    json c = field_json(f.name, f.type);
    auto desc = m.column_descriptions.find(f.name);
    std::string text = desc == m.column_descriptions.end() ? "" : desc->second;
    c["description"] = text;
    c["description_html"] = text.empty() ? "" : markdown_to_safe_html(text);
    auto extra = std::find_if(m.extra_columns.begin(), m.extra_columns.end(),
                              [&](const ExtraColumn& x) { return x.name == f.name; });
    c["computed"] = extra != m.extra_columns.end();
    c["expression"] = extra != m.extra_columns.end() ? json(extra->expression) : json(nullptr);
    c["partition"] = std::any_of(def.file_options.partition_columns.begin(), def.file_options.partition_columns.end(),
                                 [&](const Field& p) { return p.name == f.name; });
    cols.push_back(std::move(c));
  }
  return cols;
}

json table_json(const TableJob& job, const std::string& catalog_name, const std::string& api_name,
                const CatalogJsonOptions& options) {
  const Table& table = *job.table;
  const TableDef& def = table.def();
  const TableMetadata& m = def.metadata;
  const std::string qualified = job.database + "." + table.name();
  const TableDescription d = describe_table(table, job.source->catalog->options());

  std::string schema_source;
  json columns = columns_json(def, job.facts, schema_source, qualified);

  json links = json::array();
  for (const auto& l : m.example_links)
    if (is_safe_url(l.url)) links.push_back({{"label", l.label.empty() ? l.url : l.label}, {"url", l.url}});

  json partition_columns = json::array();
  for (const auto& p : def.file_options.partition_columns)
    partition_columns.push_back({{"name", p.name}, {"type", p.type.polars_name()}});
  std::string partitioning = "not partitioned";
  if (!d.partitioning.empty()) {
    partitioning.clear();
    for (size_t i = 0; i < d.partitioning.size(); ++i) partitioning += (i ? ", " : "") + d.partitioning[i];
  }
  json kind_options = json::array();
  for (const auto& [k, v] : d.options) kind_options.push_back({{"key", k}, {"value", v}});

  SnippetTarget target{job.database, table.name(), api_name, job.source->plugin, options.api_url, m.docs_filters};
  json snippets = {{"cpp", cpp_snippet(target)}, {"cli", cli_snippet(target)}, {"rest", rest_snippet(target)}};

  json roapi = {{"name", api_name}, {"exported", true}, {"skip_reason", nullptr}};
  if (m.roapi.disable) {
    roapi["exported"] = false;
    roapi["skip_reason"] = "disabled for ROAPI export by the table's RoapiOptions";
  } else if (auto why = roapi_skip_reason(table)) {
    roapi["exported"] = false;
    roapi["skip_reason"] = *why;
  }

  json t = {
      // datarepo's fields
      {"name", table.name()},
      {"description", m.description},
      {"partitions", partitions_json(m.docs_filters)},
      {"columns", columns},
      {"selected_columns", nullptr},
      {"supports_sql_filter", true},
      {"table_type", table_type(def.kind)},
      {"latency_info", or_null(m.latency_info)},
      {"example_notebook", m.example_links.empty() || !is_safe_url(m.example_links.front().url)
                               ? json(nullptr)
                               : json(m.example_links.front().url)},
      {"data_input", or_null(m.data_input)},
      // ours
      {"route", job.database + "/" + table.name()},
      {"qualified_name", qualified},
      {"api_name", api_name},
      {"catalog", catalog_name},
      {"kind", def.kind},
      {"description_html", m.description.empty() ? "" : markdown_to_safe_html(m.description)},
      {"owner", or_null(m.owner)},
      {"tags", m.tags},
      {"example_links", links},
      {"unique_columns", m.unique_columns},
      {"deprecated", m.deprecated},
      {"location", d.resolved_location.empty() ? json(nullptr) : json(without_credentials(d.resolved_location))},
      {"partition_columns", partition_columns},
      {"partitioning", partitioning},
      {"options", kind_options},
      {"schema_source", schema_source},
      {"schema_error", or_null(job.facts.schema_error)},
      {"preview", job.facts.preview ? preview_json(*job.facts.preview) : json(nullptr)},
      {"preview_error", or_null(job.facts.preview_error)},
      {"delta", nullptr},
      {"delta_error", or_null(job.facts.delta_error)},
      {"snippets", snippets},
      {"roapi", roapi},
  };
  if (schema_source == "unavailable" && job.facts.schema_error.empty())
    t["schema_error"] = "no declared schema, and schemas were not read from the data";
  if (job.facts.delta) {
    const auto& info = *job.facts.delta;
    t["delta"] = {{"version", info.version}, {"last_commit", iso_utc(info.timestamp_ms)}, {"files", info.num_files}};
  }
  return t;
}

// What one table needs of the engine under `options`.
TableJob make_job(const CatalogSource& source, const std::string& database, const Table& table,
                  const CatalogJsonOptions& options) {
  TableJob j;
  j.source = &source;
  j.database = database;
  j.table = &table;
  j.needs_schema = options.infer_schemas && needs_engine_schema(table.def());
  j.needs_preview = options.preview_rows > 0;
  j.needs_facts = options.table_facts && table.kind() == table_kind::delta;
  return j;
}

std::vector<TableJob> plan_jobs(const std::vector<CatalogSource>& catalogs, const CatalogJsonOptions& options) {
  std::vector<TableJob> jobs;
  for (const auto& source : catalogs) {
    for (const auto& db : source.catalog->database_names()) {
      for (const auto& table : source.catalog->db(db).tables()) jobs.push_back(make_job(source, db, table, options));
    }
  }
  return jobs;
}

// Runs fn(i) for i in [0, n) on a few threads; the first exception is rethrown.
template <class F>
void parallel_for(size_t n, unsigned threads, F&& fn) {
  std::atomic<size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_mu;
  auto worker = [&] {
    for (size_t i = next++; i < n; i = next++) {
      try {
        fn(i);
      } catch (...) {
        std::lock_guard lock(failure_mu);
        if (!failure) failure = std::current_exception();
        next = n;  // the others stop too
      }
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads && t < n; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);
}

std::string dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

}  // namespace

std::string catalog_metadata_text(const std::vector<CatalogSource>& catalogs, const CatalogJsonOptions& options,
                                  CatalogSummary* summary) {
  std::vector<const Catalog*> list;
  for (const auto& c : catalogs) list.push_back(c.catalog);
  ApiNames names(list);  // refuses two tables under one API name

  std::vector<TableJob> jobs = plan_jobs(catalogs, options);
  run_engine_jobs(jobs, options);

  // Each table's object is built and written on its own: thousands of
  // tables are spread over the hardware threads.
  std::vector<std::string> texts(jobs.size());
  unsigned threads = options.parallelism ? options.parallelism : std::min(8u, std::max(1u, std::thread::hardware_concurrency()));
  parallel_for(jobs.size(), threads, [&](size_t i) {
    const TableJob& job = jobs[i];
    texts[i] = dump(table_json(job, job.source->catalog->name(), api_table_name(job.database, *job.table), options));
  });

  // The skeleton around them, keys in the order nlohmann::json sorts them.
  size_t total = 4096;
  for (const auto& t : texts) total += t.size() + 1;
  std::string out;
  out.reserve(total + 256 * jobs.size() / 64);
  out += "{\"api_url\":" + dump(options.api_url) + ",\"catalogs\":[";
  size_t databases = 0, tables = 0, deprecated = 0, j = 0;
  for (size_t c = 0; c < catalogs.size(); ++c) {
    const Catalog& catalog = *catalogs[c].catalog;
    out += c ? ",{" : "{";
    out += "\"databases\":[";
    bool first_db = true;
    for (const auto& db_name : catalog.database_names()) {
      const Database& db = catalog.db(db_name);
      out += first_db ? "{" : ",{";
      first_db = false;
      out += "\"description\":" + dump(db.description());
      out += ",\"description_html\":" + dump(db.description().empty() ? "" : markdown_to_safe_html(db.description()));
      out += ",\"name\":" + dump(db_name) + ",\"tables\":[";
      for (size_t t = 0; t < db.tables().size(); ++t) {
        if (t) out += ',';
        out += texts[j];
        std::string().swap(texts[j]);
        if (jobs[j].table->def().metadata.deprecated) ++deprecated;
        ++j;
        ++tables;
      }
      out += "]}";
      ++databases;
    }
    out += "],\"metadata\":null,\"name\":" + dump(catalog.name()) + ",\"package_name\":null}";
  }
  out += "],\"counts\":" +
         dump({{"catalogs", catalogs.size()}, {"databases", databases}, {"tables", tables}, {"deprecated", deprecated}});
  out += ",\"generator\":" + dump(std::string("neuralake ") + NEURALAKE_VERSION) + "}";
  if (summary) {
    summary->databases = databases;
    summary->tables = tables;
    for (const auto& job : jobs) {
      const std::string name = job.database + "." + job.table->name();
      const EngineFacts& f = job.facts;
      if (!f.schema && !job.table->def().metadata.schema)
        summary->problems.push_back(name + ": schema unavailable: " +
                                    (f.schema_error.empty() ? "no declared schema" : f.schema_error));
      if (!f.preview_error.empty()) summary->problems.push_back(name + ": no preview: " + f.preview_error);
      if (!f.delta_error.empty()) summary->problems.push_back(name + ": no table facts: " + f.delta_error);
    }
  }
  return out;
}

json catalog_metadata_json(const std::vector<CatalogSource>& catalogs, const CatalogJsonOptions& options) {
  return json::parse(catalog_metadata_text(catalogs, options));
}

json table_metadata_json(const CatalogSource& source, const std::string& qualified_name,
                         const CatalogJsonOptions& options) {
  const Table& table = source.catalog->table(qualified_name);  // NotFound with a suggestion
  std::string db = qualified_name.substr(0, qualified_name.find('.'));
  std::vector<TableJob> jobs{make_job(source, db, table, options)};
  run_engine_jobs(jobs, options);
  return table_json(jobs[0], source.catalog->name(), api_table_name(db, table), options);
}

}  // namespace neuralake::cli
