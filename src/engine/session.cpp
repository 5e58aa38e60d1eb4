// Session: one embedded DuckDB per session, with each catalog database as a
// schema and each table as a view over the scan its kind's provider writes
// (src/tables/).
#include <optional>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>

#include "catalog/filter_sql.h"
#include "duckdb/function/replacement_scan.hpp"
#include "duckdb/parser/parser.hpp"
#include "duckdb/parser/statement/select_statement.hpp"
#include "duckdb/parser/tableref/subqueryref.hpp"
#include "neuralake/suggest.h"
#include "engine/confinement.h"
#include "engine/conversion.h"
#include "engine/frame_collector.h"
#include "engine/delta_scan.h"
#include "engine/engine.h"
#include "engine/errors.h"
#include "engine/object_store_fs.h"
#include "engine/pruning_translate.h"
#include "engine/rewrites/applied.h"
#include "engine/rewrites/rewrites.h"
#include "engine/running_query.h"
#include "engine/session_state.h"
#include "frame/plan.h"
#include "neuralake/error.h"
#include "neuralake/expr.h"
#include "storage/confinement_switch.h"
#include "storage/s3/s3_factory.h"
#include "storage/store_registry.h"
#include "tables/table_provider.h"

namespace neuralake {

namespace fs = std::filesystem;

SessionOptions SessionOptions::from_environment() {
  SessionOptions o;
  // Resolved and validated once, here: a bad profile stops the run before any query.
  o.config = Config::resolve(Environment::from_process());
  o.warehouse = o.config->warehouse;
  return o;
}

const Table* SessionState::find_table(const std::string& database, const std::string& table) const {
  for (const auto& d : databases) {
    if (d.name() != database) continue;
    for (const auto& t : d.tables())
      if (t.name() == table) return &t;
  }
  return nullptr;
}

namespace engine {

namespace {

bool has_scheme(const std::string& s) { return s.find("://") != std::string::npos; }

std::string resolve_warehouse(const std::string& w) {
  if (w.empty()) throw Error(ErrorCode::InvalidArgument, "warehouse", "the warehouse location is empty");
  std::string root = w;
  if (root.rfind("file://", 0) == 0) root = root.substr(7);
  if (!has_scheme(root)) {
    // Local tables are read through the file:// store, so their I/O is counted.
    root = fs::weakly_canonical(fs::absolute(root)).string();
    while (root.size() > 1 && root.back() == '/') root.pop_back();
    return "file://" + root;
  }
  while (!root.empty() && root.back() == '/') root.pop_back();
  return root;
}

std::string expand_warehouse(const std::string& warehouse, const std::string& location) {
  std::string out = location;
  const std::string key = "{warehouse}";
  for (size_t p = out.find(key); p != std::string::npos; p = out.find(key, p + warehouse.size()))
    out.replace(p, key.size(), warehouse);
  return out;
}

std::string expand_location(const SessionState& st, const std::string& location) {
  return expand_warehouse(st.warehouse, location);
}

// A directory location scans every file of the table's format below it.
// A location is a directory when it ends in '/', or when no object has its
// exact name but objects exist below it.
std::string file_pattern(const SessionState& st, const std::string& location, const std::string& extension) {
  bool is_dir = !location.empty() && location.back() == '/';
  bool is_glob = location.find_first_of("*?[") != std::string::npos;
  if (!is_dir && !is_glob) {
    if (!has_scheme(location)) {
      std::error_code ec;
      is_dir = fs::is_directory(location, ec);
    } else if (st.stores->handles(location)) {
      try {
        auto r = st.stores->resolve(location);
        if (!r.store->head(r.key)) {
          auto level = r.store->list_level(r.key + "/");  // one level is enough to tell
          is_dir = !level.objects.empty() || !level.prefixes.empty();
        }
      } catch (const Error&) {
        // Unreachable stores report their error when the table is read.
      }
    }
  }
  if (!is_dir) return location;
  std::string base = location;
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  return base + "/**/*." + extension;
}


}  // namespace

// What table providers use of a session: locations, stores and queries.
class SessionScanContext : public tables::ScanContext {
 public:
  explicit SessionScanContext(SessionState& st) : st_(st) {}
  std::string expand_location(const std::string& location) const override {
    return engine::expand_location(st_, location);
  }
  std::string file_pattern(const std::string& location, const std::string& extension) const override {
    return engine::file_pattern(st_, location, extension);
  }
  StoreRegistry& stores() const override { return *st_.stores; }
  Schema describe_sql(const std::string& sql) override { return describe_query(st_, sql); }
  DataFrame run_sql(const std::string& sql) override { return run_query(st_, sql); }

 private:
  SessionState& st_;
};

// Describes tables from their declarations alone: only locations resolve.
class DeclarationsOnlyContext : public tables::ScanContext {
 public:
  explicit DeclarationsOnlyContext(std::string warehouse) : warehouse_(std::move(warehouse)) {}
  std::string expand_location(const std::string& location) const override {
    return expand_warehouse(warehouse_, location);
  }
  std::string file_pattern(const std::string& location, const std::string&) const override { return location; }
  StoreRegistry& stores() const override { throw unavailable("object stores"); }
  Schema describe_sql(const std::string&) override { throw unavailable("queries"); }
  DataFrame run_sql(const std::string&) override { throw unavailable("queries"); }

 private:
  static Error unavailable(const std::string& what) {
    return Error(ErrorCode::Internal, "describe_table", what + " are not available when describing declarations");
  }
  std::string warehouse_;
};

// The view body over a provider's FROM item: every column, then the extra ones.
static std::string view_over(const TableDef& def, const std::string& scan) {
  std::string select = "SELECT *";
  for (const auto& extra : def.metadata.extra_columns)
    select += ", (" + extra.expression + ") AS " + quote_identifier(extra.name);
  return select + " FROM " + scan;
}

std::string table_view_sql(SessionState& st, const std::string& database, const Table& table,
                           const std::string& version_args) {
  SessionScanContext ctx(st);
  const tables::ScanTarget target{database, table, version_args};
  return view_over(table.def(), tables::table_provider(table.def()).scan_sql(ctx, target));
}

// The view body narrowed to what `filter` can match, when the table's
// provider can skip partitions before the engine lists them; std::nullopt otherwise.
static std::optional<std::string> pruned_view_sql(SessionState& st, const std::string& database, const Table& table,
                                                  const pruning::Predicate& filter) {
  SessionScanContext ctx(st);
  const tables::ScanTarget target{database, table, ""};
  auto scan = tables::table_provider(table.def()).pruned_scan_sql(ctx, target, filter);
  if (!scan) return std::nullopt;
  return view_over(table.def(), *scan);
}

DataFrame run_query(SessionState& st, const std::string& sql, const QueryOptions& options) {
  duckdb::Connection con(*st.db);
  RunningQuery running(st, con, options);
  try {
    // The last pipeline converts its rows into the frame on every thread
    // (frame_collector.h), where a streamed result would be drained by this
    // thread alone and a materialized one copied twice.
    auto result = query_into_frame(*con.context, sql);
    if (result->HasError()) throw running.error(result->GetErrorObject(), sql);
    if (auto columns = take_frame_columns(*result)) return DataFrame::from_columns(std::move(*columns));
    return collect_result(*result);
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw running.error(duckdb::ErrorData(e), sql);
  }
}

Schema describe_query(SessionState& st, const std::string& sql) {
  duckdb::Connection con(*st.db);
  try {
    auto prepared = con.Prepare(sql);
    if (prepared->HasError()) throw translate_error(prepared->GetErrorObject(), sql);
    return schema_of(prepared->GetNames(), prepared->GetTypes());
  } catch (const Error&) {
    throw;
  } catch (const std::exception& e) {
    throw translate_error(duckdb::ErrorData(e), sql);
  }
}

std::string explain_query(SessionState& st, const std::string& sql) {
  rewrites::AppliedCapture capture;  // the query is planned on this thread
  DataFrame plan = run_query(st, "EXPLAIN " + sql);
  std::string out;
  for (size_t r = 0; r < plan.num_rows(); ++r) {
    auto v = plan.column(plan.num_columns() - 1).at<std::string>(r);
    if (v) out += *v;
  }
  if (!out.empty() && out.back() != '\n') out += '\n';
  return out + rewrites::describe_applied(capture.applied()) + "\n";
}

// Declared columns must match what the data has, name and type.
static void check_declared_schema(SessionState& st, const std::string& qualified, const Table& table,
                                  const Schema& actual) {
  const auto& declared = table.def().metadata.schema;
  const auto& provider = tables::table_provider(table.def());
  if (!declared || !provider.checks_declared_schema()) return;
  for (const auto& want : *declared) {
    const Field* got = nullptr;
    for (const auto& f : actual)
      if (f.name == want.name) got = &f;
    if (got && got->type == want.type) continue;
    // The provider finds the first file that disagrees, so the error can name it.
    SessionScanContext ctx(st);
    std::string file = provider.file_with_mismatch(ctx, table.def(), want);
    std::string found = got ? "has type " + got->type.polars_name() : "is missing";
    throw Error(ErrorCode::InvalidArgument, qualified + "." + want.name,
                "table '" + qualified + "' declares column '" + want.name + "' as " + want.type.polars_name() +
                    ", but in file '" + file + "' it " + found);
  }
}

Schema table_schema(SessionState& st, const std::string& database, const std::string& table) {
  const std::string qualified = database + "." + table;
  {
    std::lock_guard<std::mutex> lock(st.schema_mu);
    auto it = st.schemas.find(qualified);
    if (it != st.schemas.end()) return it->second;
  }
  const Table* t = st.find_table(database, table);
  if (!t) throw Error(ErrorCode::NotFound, qualified, "unknown table '" + qualified + "'");
  Schema s = describe_query(st, "SELECT * FROM " + quote_identifier(database) + "." + quote_identifier(table));
  check_declared_schema(st, qualified, *t, s);
  std::lock_guard<std::mutex> lock(st.schema_mu);
  st.schemas[qualified] = s;
  return s;
}

static void run_statement(SessionState& st, const std::string& sql) {
  duckdb::Connection con(*st.db);
  auto result = con.Query(sql);
  if (result->HasError()) throw translate_error(result->GetErrorObject(), sql);
}

static void open_database(SessionState& st) {
  duckdb::DBConfig config;
  // Nothing is downloaded at run time: the library has what we use built in.
  config.SetOptionByName("autoinstall_known_extensions", duckdb::Value::BOOLEAN(false));
  config.SetOptionByName("autoload_known_extensions", duckdb::Value::BOOLEAN(false));
  if (st.options.threads < 0)
    throw Error(ErrorCode::InvalidArgument, "threads", "threads must be 0 (all cores) or positive");
  if (st.options.threads > 0) config.options.maximum_threads = static_cast<duckdb::idx_t>(st.options.threads);
  auto set_option = [&](const char* name, const std::string& value) {
    try {
      config.SetOptionByName(name, duckdb::Value(value));
    } catch (const std::exception& e) {
      duckdb::ErrorData err(e);
      throw Error(ErrorCode::InvalidArgument, name,
                  std::string("invalid session option ") + name + " = '" + value + "': " + err.RawMessage());
    }
  };
  if (!st.options.memory_limit.empty()) set_option("memory_limit", st.options.memory_limit);
  if (!st.options.spill_directory.empty()) set_option("temp_directory", st.options.spill_directory);
  try {
    st.db = std::make_unique<duckdb::DuckDB>(nullptr, &config);
  } catch (const std::exception& e) {
    duckdb::ErrorData err(e);
    throw Error(ErrorCode::InvalidArgument, "SessionOptions", "invalid session options: " + err.Message());
  }
  // Every table read goes through our ObjectStore adapter, which counts it.
  st.stores = std::make_shared<StoreRegistry>();
  // s3:// stores are made per bucket from the resolved configuration.
  if (st.options.config)
    s3::add_s3_factory(*st.stores, std::make_shared<const Config>(*st.options.config), Environment::from_process());
  st.confinement = std::make_shared<ConfinementSwitch>();
  register_object_store_filesystem(*st.db->instance, st.stores, st.confinement);
  st.delta_tables_changed =
      register_delta_scan(*st.db->instance, st.stores, st.options.delta_staleness.count(), st.confinement);
  rewrites::register_rewrites(*st.db->instance, st.options.rewrites);
  // Parquet footers are cached per session (checked against the file's
  // modification time), so binding a view does not re-read a footer each query.
  run_statement(st, "SET GLOBAL parquet_metadata_cache = true");
  run_statement(st, std::string("SET GLOBAL enable_external_file_cache = ") +
                        (st.options.external_file_cache ? "true" : "false"));
}

struct DeferredViews : public duckdb::ReplacementScanData {
  const SessionState* state = nullptr;
};

// Resolves "db.table" for tables whose view was deferred: the view's query is
// bound in place of the name, in every query that uses it.
static duckdb::unique_ptr<duckdb::TableRef> bind_deferred_view(duckdb::ClientContext&,
                                                               duckdb::ReplacementScanInput& input,
                                                               duckdb::optional_ptr<duckdb::ReplacementScanData> data) {
  auto& st = *data->Cast<DeferredViews>().state;
  auto it = st.deferred.find({input.schema_name, input.table_name});
  if (it == st.deferred.end()) return nullptr;
  duckdb::Parser parser;
  parser.ParseQuery(it->second);
  auto select = duckdb::unique_ptr_cast<duckdb::SQLStatement, duckdb::SelectStatement>(std::move(parser.statements[0]));
  return duckdb::make_uniq<duckdb::SubqueryRef>(std::move(select), input.table_name);
}

static void register_catalog(SessionState& st) {
  register_function_scan(st);
  for (const auto& d : st.databases) {
    run_statement(st, "CREATE SCHEMA IF NOT EXISTS " + quote_identifier(d.name()));
    for (const auto& t : d.tables()) {
      // A kind no provider reads, or a declaration its provider refuses, fails the session.
      tables::table_provider(t.def()).validate(t.def());
      std::string view = table_view_sql(st, d.name(), t);
      try {
        run_statement(st, "CREATE VIEW " + quote_identifier(d.name()) + "." + quote_identifier(t.name()) + " AS " + view);
      } catch (const Error&) {
        // One table's missing data must not take the rest of the catalog down.
        st.deferred[{d.name(), t.name()}] = view;
      }
    }
  }
  if (!st.deferred.empty()) {
    auto data = duckdb::make_uniq<DeferredViews>();
    data->state = &st;
    duckdb::DBConfig::GetConfig(*st.db->instance).replacement_scans.emplace_back(bind_deferred_view, std::move(data));
  }
}

// Confines the session to its catalog's table locations: the engine's own
// readers first, then DuckDB's settings and lock. Once only.
static void confine(SessionState& st) {
  if (st.confinement->list()) return;
  std::vector<std::string> locations;
  for (const auto& d : st.databases)
    for (const auto& t : d.tables())
      if (!t.def().location.empty()) locations.push_back(expand_location(st, t.def().location));
  auto list = std::make_shared<const PathAllowList>(locations);
  // Fails closed: if the lock-down throws, the statement check and the
  // readers' checks are already on.
  st.options.confine_to_catalog = true;
  st.confinement->confine(list);
  lock_down(*st.db->instance, *list);
}

}  // namespace engine

static std::shared_ptr<SessionState> make_state(std::vector<Database> databases, SessionOptions options) {
  auto st = std::make_shared<SessionState>();
  st->options = std::move(options);
  st->databases = std::move(databases);
  st->warehouse = engine::resolve_warehouse(st->options.warehouse);
  engine::open_database(*st);
  engine::register_catalog(*st);
  if (st->options.confine_to_catalog) engine::confine(*st);
  return st;
}

Session::Session(SessionOptions options) : state_(make_state({}, std::move(options))) {}

Session::Session(const std::vector<Database>& databases, SessionOptions options)
    : state_(make_state(databases, std::move(options))) {}

Session::Session(const Catalog& catalog, SessionOptions options)
    : Session([&] {
        std::vector<Database> dbs;
        for (const auto& n : catalog.database_names()) dbs.push_back(catalog.db(n));
        return dbs;
      }(), std::move(options)) {}

Session::Session(const Catalog& catalog) : Session(catalog, catalog.options()) {}

Session::~Session() = default;

// A confined session runs only a single SELECT of what the caller sends.
static void check_statement(const SessionState& st, const std::string& query) {
  if (st.options.confine_to_catalog) engine::check_confined_statement(query);
}

DataFrame Session::sql(const std::string& query) {
  check_statement(*state_, query);
  return engine::run_query(*state_, query);
}

DataFrame Session::sql(const std::string& query, const QueryOptions& options) {
  check_statement(*state_, query);
  return engine::run_query(*state_, query, options);
}

ResultStream Session::stream(const std::string& query, const QueryOptions& options) {
  check_statement(*state_, query);
  return engine::stream_query(state_, query, options);
}

LazyFrame Session::lazy(const std::string& query) {
  check_statement(*state_, query);
  // Bind now so that a bad query fails here, not at collect().
  LazyFrame f(std::make_shared<PlanNode>(query), state_);
  f.schema();
  return f;
}

void Session::execute(const std::string& statement, const QueryOptions& options) {
  check_statement(*state_, statement);
  engine::run_query(*state_, statement, options);
}

Schema Session::describe(const std::string& query) {
  check_statement(*state_, query);
  return engine::describe_query(*state_, query);
}

std::string Session::explain(const std::string& query) {
  check_statement(*state_, query);
  return engine::explain_query(*state_, query);
}

LazyFrame Session::table(const std::string& database, const std::string& table, const Filters& filters,
                         const std::vector<std::string>& columns) {
  const std::string qualified = database + "." + table;
  if (!state_->find_table(database, table)) {
    std::vector<std::string> dbs, tables;
    for (const auto& d : state_->databases) {
      dbs.push_back(d.name());
      if (d.name() == database) tables = d.table_names();
    }
    bool db_known = std::find(dbs.begin(), dbs.end(), database) != dbs.end();
    if (!db_known)
      throw Error(ErrorCode::NotFound, database, "unknown database '" + database + "'" + did_you_mean(database, dbs));
    throw Error(ErrorCode::NotFound, qualified, "unknown table '" + qualified + "'" + did_you_mean(table, tables));
  }
  Schema schema = engine::table_schema(*state_, database, table);
  std::string items = "*";
  if (!columns.empty()) {
    items.clear();
    std::vector<std::string> names;
    for (const auto& f : schema) names.push_back(f.name);
    for (const auto& c : columns) {
      if (std::find(names.begin(), names.end(), c) == names.end())
        throw Error(ErrorCode::NotFound, c,
                    "unknown column '" + c + "' in " + qualified + did_you_mean(c, names));
      items += (items.empty() ? "" : ", ") + quote_identifier(c);
    }
  }
  std::string where = detail::filters_to_sql(filters, schema, qualified);
  std::string source = quote_identifier(database) + "." + quote_identifier(table);
  if (!filters.empty()) {
    const Table& declared = *state_->find_table(database, table);
    if (auto view = engine::pruned_view_sql(*state_, database, declared,
                                            engine::predicate_from_filters(filters, schema))) {
      source = "(" + *view + ") AS " + quote_identifier(table);
    }
  }
  std::string sql = "SELECT " + items + " FROM " + source;
  if (!where.empty()) sql += " WHERE " + where;
  auto node = std::make_shared<PlanNode>(sql);
  node->origin = TableScanOrigin{database, table, items, where};
  return LazyFrame(std::move(node), state_);
}

void Session::confine_to_catalog() { engine::confine(*state_); }

void Session::interrupt() { engine::interrupt_running_queries(*state_); }

std::map<std::string, IoStats> Session::io_stats() const { return state_->stores->stats(); }

IoStats Session::total_io_stats() const {
  IoStats total;
  for (const auto& [k, s] : io_stats()) {
    total.files_opened += s.files_opened;
    total.read_requests += s.read_requests;
    total.bytes_read += s.bytes_read;
    total.list_requests += s.list_requests;
    total.head_requests += s.head_requests;
  }
  return total;
}

void Session::reset_io_stats() { state_->stores->reset(); }

void Session::add_store(const std::string& store_uri, std::shared_ptr<ObjectStore> store) {
  state_->stores->add(store_uri, std::move(store));
}

std::pair<std::shared_ptr<ObjectStore>, std::string> Session::resolve_store(const std::string& uri) {
  auto r = state_->stores->resolve(uri);
  return {r.store, r.key};
}

const SessionOptions& Session::options() const { return state_->options; }

std::string Session::resolve_location(const std::string& location) const {
  return engine::expand_location(*state_, location);
}

TableDescription Session::describe_table(const Table& table) const {
  engine::SessionScanContext ctx(*state_);
  return tables::table_provider(table.def()).describe(ctx, table.def());
}

TableDescription describe_table(const Table& table, const SessionOptions& options) {
  // Resolving a local warehouse asks the file system; a catalog's thousands
  // of tables share one warehouse, so the answer is kept per spelling.
  static std::mutex mu;
  static std::map<std::string, std::string> resolved;
  std::string warehouse;
  {
    std::lock_guard lock(mu);
    auto it = resolved.find(options.warehouse);
    if (it == resolved.end()) it = resolved.emplace(options.warehouse, engine::resolve_warehouse(options.warehouse)).first;
    warehouse = it->second;
  }
  engine::DeclarationsOnlyContext ctx(warehouse);
  return tables::table_provider(table.def()).describe(ctx, table.def());
}

}  // namespace neuralake
