// A lazy query plan over catalog tables (Polars' LazyFrame). Nothing runs
// until collect() or explain(); the whole plan becomes one SQL query, so the
// engine pushes filters and projections down to every source.
//
// LazyFrames are immutable values: every operation returns a new frame, and a
// frame may be shared and collected from several threads.
#pragma once

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "neuralake/data_frame.h"
#include "neuralake/expr.h"
#include "neuralake/filter.h"
#include "neuralake/query.h"
#include "neuralake/types.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

enum class JoinType { Inner, Left, Right, Full, Semi, Anti, Cross };

struct SortKey {
  Expr expr;                // a column name or expression
  bool descending = false;
  bool nulls_last = false;  // Polars' default puts nulls first
  SortKey(Expr e, bool desc = false, bool nl = false) : expr(std::move(e)), descending(desc), nulls_last(nl) {}  // NOLINT
  SortKey(const char* column) : expr(col(column)) {}                                                           // NOLINT
  SortKey(const std::string& column) : expr(col(column)) {}                                                    // NOLINT
};

class GroupBy;
struct PlanNode;
struct SessionState;

class LazyFrame {
 public:
  // Keeps rows matching the filters (see filter.h). Throws NotFound for an
  // unknown column, InvalidArgument for a value that does not fit its type.
  LazyFrame filter(const Filters& filters) const;
  // Keeps rows where a SQL boolean expression holds, e.g. "p_retailprice > 20".
  LazyFrame filter(const Expr& predicate) const;
  LazyFrame select(const std::vector<Expr>& exprs) const;
  // Columns by name; throws NotFound (with a suggestion) for an unknown one.
  LazyFrame select(const std::vector<std::string>& columns) const;
  LazyFrame select(std::initializer_list<const char*> columns) const {
    return select(std::vector<std::string>(columns.begin(), columns.end()));
  }
  // Adds (or replaces) column `name` computed by `expr`.
  LazyFrame with_column(const Expr& expr, const std::string& name) const;

  // Joins. Inner/left/right joins keep one copy of each key (the left's name);
  // full joins keep both. Right-side columns whose names clash get `suffix`.
  // Semi/anti joins keep only the left's columns. Throws NotFound for an
  // unknown key column.
  LazyFrame join(const LazyFrame& other, const std::string& on, JoinType how = JoinType::Inner,
                 const std::string& suffix = "_right") const;
  LazyFrame join(const LazyFrame& other, const std::string& left_on, const std::string& right_on,
                 JoinType how = JoinType::Inner, const std::string& suffix = "_right") const;
  LazyFrame join(const LazyFrame& other, const std::vector<std::string>& left_on,
                 const std::vector<std::string>& right_on, JoinType how = JoinType::Inner,
                 const std::string& suffix = "_right") const;

  GroupBy group_by(const std::vector<Expr>& keys) const;
  LazyFrame sort(const std::vector<SortKey>& keys) const;
  LazyFrame limit(uint64_t n, uint64_t offset = 0) const;
  LazyFrame head(uint64_t n = 5) const { return limit(n); }
  LazyFrame distinct() const;
  // Rows of this frame, then of `other`, matched by column name.
  // Throws InvalidArgument if the column names differ.
  LazyFrame union_all(const LazyFrame& other) const;

  // Delta time travel on a frame that is one catalog Delta table's scan
  // (Database::table(), with its filters and columns): the same scan at
  // `version`, or at the newest version committed at or before `timestamp`
  // (ISO 8601, e.g. "2025-01-01T00:00:00Z"; a time after the latest commit
  // gives the latest version). A commit's time is its in-commit timestamp
  // where that table feature is on, otherwise its log file's modification
  // time. Throws NotFound naming the table and the version or time if it does
  // not exist (or predates the first commit), InvalidArgument naming the
  // table if it is not a Delta table or the frame is not a plain table scan.
  LazyFrame at_version(int64_t version) const;
  LazyFrame as_of(const std::string& timestamp) const;

  // Runs the plan. Throws Cancelled / Timeout if interrupted.
  DataFrame collect() const;
  // The same with a cancel handle and a time limit of its own.
  DataFrame collect(const QueryOptions& options) const;
  // Runs the plan and returns its result batch by batch (Session::stream()).
  ResultStream stream(const QueryOptions& options = {}) const;
  // The engine's physical plan, with pushed-down filters and projections
  // visible on the scans.
  std::string explain() const;
  // The SQL this plan runs.
  std::string sql() const;
  // Output columns and types (binds the plan; reads only metadata).
  Schema schema() const;

  // Internal: frames are made by Database::table(), Catalog::sql() and
  // Session::lazy(). A frame keeps its session's engine alive.
  LazyFrame(std::shared_ptr<const PlanNode> plan, std::shared_ptr<SessionState> session);
  const std::shared_ptr<const PlanNode>& plan() const { return plan_; }
  const std::shared_ptr<SessionState>& session_state() const { return session_; }

 private:
  friend class GroupBy;
  LazyFrame derive(std::string sql) const;
  std::shared_ptr<const PlanNode> plan_;
  std::shared_ptr<SessionState> session_;
};

class GroupBy {
 public:
  // One row per key combination; keys first, then the aggregations.
  LazyFrame agg(const std::vector<Expr>& aggregations) const;

 private:
  friend class LazyFrame;
  GroupBy(LazyFrame frame, std::vector<Expr> keys) : frame_(std::move(frame)), keys_(std::move(keys)) {}
  LazyFrame frame_;
  std::vector<Expr> keys_;
};

}  // namespace neuralake
#pragma GCC visibility pop
