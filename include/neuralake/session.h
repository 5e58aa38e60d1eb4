// A Session is one embedded DuckDB database with a catalog registered in it:
// each Database is a SQL schema, file tables are views over scans, function
// tables are table functions.
//
// Thread safety: every method may be called concurrently from several
// threads; each query runs on its own connection. interrupt() cancels every
// query running in the session at that moment (see interrupt()).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "neuralake/data_frame.h"
#include "neuralake/filter.h"
#include "neuralake/lazy_frame.h"
#include "neuralake/object_store.h"
#include "neuralake/options.h"
#include "neuralake/query.h"
#include "neuralake/table.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

class Catalog;
class Database;
struct SessionState;

// What the storage layer served, counted at the engine's filesystem adapter.
struct IoStats {
  uint64_t files_opened = 0;
  uint64_t read_requests = 0;
  uint64_t bytes_read = 0;
  uint64_t list_requests = 0;
  uint64_t head_requests = 0;
};

class Session {
 public:
  // A session with no catalog: SQL over files by path (read_parquet(...)).
  explicit Session(SessionOptions options = SessionOptions::from_environment());
  // A session over `catalog`. The catalog must outlive no one: the session
  // keeps what it needs. Throws if a table cannot be registered.
  Session(const Catalog& catalog, SessionOptions options);
  explicit Session(const Catalog& catalog);
  // A session over these databases (what a Catalog holds).
  Session(const std::vector<Database>& databases, SessionOptions options);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Runs SQL and collects the result. Throws InvalidArgument for SQL errors
  // (naming the query's fault as DuckDB reports it), NotFound for unknown
  // tables, Cancelled / Timeout when interrupted. In a session confined to
  // its catalog (SessionOptions::confine_to_catalog), every method here that
  // takes SQL throws PermissionDenied for anything but one SELECT, and for a
  // path outside the catalog's table locations.
  DataFrame sql(const std::string& query);
  // The same with a cancel handle and a time limit of its own (QueryOptions).
  DataFrame sql(const std::string& query, const QueryOptions& options);
  // Runs SQL and returns its result batch by batch, in bounded memory: for
  // results too large to collect, or consumed as they come (a server, an
  // export). Errors found before the first batch (binding, or an early
  // failure) throw here; later ones from ResultStream::next(). The stream
  // must not outlive the session.
  ResultStream stream(const std::string& query, const QueryOptions& options = {});
  // The same query as a lazy frame, to refine before collecting.
  LazyFrame lazy(const std::string& query);
  // A lazy scan of a catalog table; see Database::table().
  LazyFrame table(const std::string& database, const std::string& table, const Filters& filters = {},
                  const std::vector<std::string>& columns = {});
  // Output columns and types of a query, without running it.
  Schema describe(const std::string& query);
  // The engine's physical plan for a query.
  std::string explain(const std::string& query);
  // Runs a statement for its effect (COPY, SET, CREATE ...).
  void execute(const std::string& statement, const QueryOptions& options = {});

  // Confines this session to its catalog from now on, as
  // SessionOptions::confine_to_catalog does when the session opens, for a
  // caller that first sets up views or settings of its own (with execute()).
  // Irreversible; call it before other threads use the session. Does nothing
  // if the session is already confined. Throws InvalidArgument naming a
  // table location that cannot be confined to (e.g. a bare glob).
  void confine_to_catalog();

  // Cancels every query running in this session at the moment of the call
  // (one query alone: QueryOptions::cancel);
  // they throw Cancelled. A query runs from the call that starts it (sql(),
  // execute(), LazyFrame::collect()) until that call returns, binding
  // included. Nothing stays pending: a query started after interrupt() runs
  // normally, and an interrupt with no query running does nothing. A query
  // that finishes before the engine notices the interrupt returns its result.
  void interrupt();

  // Counters per store URI ("file://", "s3://bucket"); reset_io_stats() zeroes them.
  std::map<std::string, IoStats> io_stats() const;
  IoStats total_io_stats() const;
  void reset_io_stats();
  // Serves URIs under `store_uri` (e.g. "memory://test") from `store` in this
  // session's queries. Throws InvalidArgument for a malformed store URI.
  void add_store(const std::string& store_uri, std::shared_ptr<ObjectStore> store);
  // The store serving `uri` ("file:///dir/x", "s3://bucket/key"...) in this
  // session's queries, and the key within it. Throws InvalidArgument for an
  // unsupported scheme, NotFound naming the store URI when no store serves it.
  std::pair<std::shared_ptr<ObjectStore>, std::string> resolve_store(const std::string& uri);

  const SessionOptions& options() const;
  // Expands "{warehouse}" in a table location to the warehouse URI.
  std::string resolve_location(const std::string& location) const;
  // How `table` reads its data (kind, location with "{warehouse}" expanded
  // by this session, partitioning, options), as its kind's provider
  // describes it; the table need not be in this session's catalog. Reads no
  // data. Throws InvalidArgument naming the table if no provider reads its kind.
  TableDescription describe_table(const Table& table) const;

  const std::shared_ptr<SessionState>& state() const { return state_; }

 private:
  std::shared_ptr<SessionState> state_;
};

// Session::describe_table() without a session: the warehouse comes from
// `options`, and no engine is started (what the catalog site and the exports
// use for thousands of tables). Throws as Session::describe_table().
TableDescription describe_table(const Table& table, const SessionOptions& options);

}  // namespace neuralake
#pragma GCC visibility pop
