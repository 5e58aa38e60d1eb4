// LazyFrame: each operation composes SQL; collect()/explain() hand it to the engine.
#include "neuralake/lazy_frame.h"

#include <set>

#include "catalog/filter_sql.h"
#include "neuralake/suggest.h"
#include "engine/engine.h"
#include "frame/plan.h"
#include "neuralake/error.h"
#include "neuralake/expr.h"
#include "neuralake/session.h"

namespace neuralake {

namespace {

std::string select_item(const Expr& e) {
  if (e.name().empty()) return e.sql();
  return e.sql() + " AS " + quote_identifier(e.name());
}

std::vector<std::string> names_of(const Schema& s) {
  std::vector<std::string> out;
  for (const auto& f : s) out.push_back(f.name);
  return out;
}

bool has_column(const Schema& s, const std::string& name) {
  for (const auto& f : s)
    if (f.name == name) return true;
  return false;
}

void require_column(const Schema& s, const std::string& name, const char* side) {
  if (!has_column(s, name)) {
    throw Error(ErrorCode::NotFound, name,
                std::string("unknown column '") + name + "' in the " + side + " frame" +
                    did_you_mean(name, names_of(s)));
  }
}

}  // namespace

LazyFrame::LazyFrame(std::shared_ptr<const PlanNode> plan, std::shared_ptr<SessionState> session)
    : plan_(std::move(plan)), session_(std::move(session)) {}

LazyFrame LazyFrame::derive(std::string sql) const {
  return LazyFrame(std::make_shared<PlanNode>(std::move(sql)), session_);
}

static std::string from(const PlanNode& p) { return " FROM (" + p.sql + ") AS __t"; }

Schema LazyFrame::schema() const {
  std::call_once(plan_->schema_once, [&] { plan_->schema = engine::describe_query(*session_, plan_->sql); });
  return plan_->schema;
}

LazyFrame LazyFrame::filter(const Filters& filters) const {
  if (filters.empty()) return *this;
  return derive("SELECT *" + from(*plan_) + " WHERE " + detail::filters_to_sql(filters, schema(), "the frame"));
}

LazyFrame LazyFrame::filter(const Expr& predicate) const {
  return derive("SELECT *" + from(*plan_) + " WHERE " + predicate.sql());
}

LazyFrame LazyFrame::select(const std::vector<Expr>& exprs) const {
  if (exprs.empty()) throw Error(ErrorCode::InvalidArgument, "select", "select() needs at least one expression");
  std::string items;
  for (size_t i = 0; i < exprs.size(); ++i) items += (i ? ", " : "") + select_item(exprs[i]);
  return derive("SELECT " + items + from(*plan_));
}

LazyFrame LazyFrame::select(const std::vector<std::string>& columns) const {
  Schema s = schema();
  std::vector<Expr> exprs;
  for (const auto& c : columns) {
    require_column(s, c, "input");
    exprs.push_back(col(c));
  }
  return select(exprs);
}

LazyFrame LazyFrame::with_column(const Expr& expr, const std::string& name) const {
  if (name.empty()) throw Error(ErrorCode::InvalidArgument, "with_column", "with_column() needs a column name");
  if (has_column(schema(), name)) {
    return derive("SELECT * REPLACE (" + expr.sql() + " AS " + quote_identifier(name) + ")" + from(*plan_));
  }
  return derive("SELECT *, " + expr.sql() + " AS " + quote_identifier(name) + from(*plan_));
}

LazyFrame LazyFrame::join(const LazyFrame& other, const std::string& on, JoinType how,
                          const std::string& suffix) const {
  return join(other, std::vector<std::string>{on}, std::vector<std::string>{on}, how, suffix);
}

LazyFrame LazyFrame::join(const LazyFrame& other, const std::string& left_on, const std::string& right_on,
                          JoinType how, const std::string& suffix) const {
  return join(other, std::vector<std::string>{left_on}, std::vector<std::string>{right_on}, how, suffix);
}

LazyFrame LazyFrame::join(const LazyFrame& other, const std::vector<std::string>& left_on,
                          const std::vector<std::string>& right_on, JoinType how, const std::string& suffix) const {
  if (other.session_ != session_) {
    throw Error(ErrorCode::InvalidArgument, "join", "cannot join frames from two different sessions");
  }
  if (how != JoinType::Cross && (left_on.empty() || left_on.size() != right_on.size())) {
    throw Error(ErrorCode::InvalidArgument, "join",
                "join keys must be non-empty and pair up: " + std::to_string(left_on.size()) + " left vs " +
                    std::to_string(right_on.size()) + " right");
  }
  Schema ls = schema(), rs = other.schema();
  for (const auto& k : left_on) require_column(ls, k, "left");
  for (const auto& k : right_on) require_column(rs, k, "right");

  std::string cond;
  for (size_t i = 0; i < left_on.size(); ++i) {
    cond += (i ? " AND " : "") + ("__l." + quote_identifier(left_on[i]) + " = __r." + quote_identifier(right_on[i]));
  }
  const std::string sources = "(" + plan_->sql + ") AS __l";
  const std::string rsrc = "(" + other.plan_->sql + ") AS __r";

  if (how == JoinType::Semi || how == JoinType::Anti) {
    return derive("SELECT __l.* FROM " + sources + (how == JoinType::Semi ? " SEMI JOIN " : " ANTI JOIN ") + rsrc +
                  " ON " + cond);
  }

  // Output columns: the left's, then the right's (minus coalesced keys), with
  // the suffix on right-side names that clash.
  bool coalesce = how == JoinType::Inner || how == JoinType::Left || how == JoinType::Right;
  std::set<std::string> right_keys(right_on.begin(), right_on.end());
  std::set<std::string> used;
  std::string items;
  for (const auto& f : ls) {
    std::string item = "__l." + quote_identifier(f.name);
    if (how == JoinType::Right) {
      for (size_t i = 0; i < left_on.size(); ++i)
        if (left_on[i] == f.name) item = "__r." + quote_identifier(right_on[i]);
    }
    items += (items.empty() ? "" : ", ") + item + " AS " + quote_identifier(f.name);
    used.insert(f.name);
  }
  for (const auto& f : rs) {
    if (coalesce && right_keys.count(f.name)) continue;
    std::string out = f.name;
    if (used.count(out)) out += suffix;
    if (used.count(out)) {
      throw Error(ErrorCode::InvalidArgument, out,
                  "join output would have two columns named '" + out + "'; choose another suffix");
    }
    used.insert(out);
    items += ", __r." + quote_identifier(f.name) + " AS " + quote_identifier(out);
  }
  const char* kw = how == JoinType::Inner  ? " INNER JOIN "
                   : how == JoinType::Left  ? " LEFT JOIN "
                   : how == JoinType::Right ? " RIGHT JOIN "
                   : how == JoinType::Full  ? " FULL OUTER JOIN "
                                            : " CROSS JOIN ";
  return derive("SELECT " + items + " FROM " + sources + kw + rsrc + (how == JoinType::Cross ? "" : " ON " + cond));
}

GroupBy LazyFrame::group_by(const std::vector<Expr>& keys) const {
  if (keys.empty()) throw Error(ErrorCode::InvalidArgument, "group_by", "group_by() needs at least one key");
  return GroupBy(*this, keys);
}

LazyFrame GroupBy::agg(const std::vector<Expr>& aggregations) const {
  std::string items, group;
  for (size_t i = 0; i < keys_.size(); ++i) {
    items += (i ? ", " : "") + select_item(keys_[i]);
    group += (i ? ", " : "") + keys_[i].sql();
  }
  for (const auto& a : aggregations) items += ", " + select_item(a);
  return frame_.derive("SELECT " + items + from(*frame_.plan_) + " GROUP BY " + group);
}

LazyFrame LazyFrame::sort(const std::vector<SortKey>& keys) const {
  if (keys.empty()) return *this;
  std::string order;
  for (size_t i = 0; i < keys.size(); ++i) {
    order += (i ? ", " : "") + keys[i].expr.sql() + (keys[i].descending ? " DESC" : " ASC") +
             (keys[i].nulls_last ? " NULLS LAST" : " NULLS FIRST");
  }
  return derive("SELECT *" + from(*plan_) + " ORDER BY " + order);
}

LazyFrame LazyFrame::limit(uint64_t n, uint64_t offset) const {
  std::string sql = "SELECT *" + from(*plan_) + " LIMIT " + std::to_string(n);
  if (offset) sql += " OFFSET " + std::to_string(offset);
  return derive(sql);
}

LazyFrame LazyFrame::distinct() const { return derive("SELECT DISTINCT *" + from(*plan_)); }

LazyFrame LazyFrame::union_all(const LazyFrame& other) const {
  if (other.session_ != session_) {
    throw Error(ErrorCode::InvalidArgument, "union_all", "cannot union frames from two different sessions");
  }
  auto a = names_of(schema()), b = names_of(other.schema());
  if (std::set<std::string>(a.begin(), a.end()) != std::set<std::string>(b.begin(), b.end()) || a.size() != b.size()) {
    std::string list_a, list_b;
    for (const auto& n : a) list_a += (list_a.empty() ? "" : ", ") + n;
    for (const auto& n : b) list_b += (list_b.empty() ? "" : ", ") + n;
    throw Error(ErrorCode::InvalidArgument, "union_all",
                "union_all() needs the same column names on both sides: [" + list_a + "] vs [" + list_b + "]");
  }
  return derive("SELECT * FROM (" + plan_->sql + ") UNION ALL BY NAME SELECT * FROM (" + other.plan_->sql + ")");
}

// Time travel needs the table a frame scans, so it only applies to a frame
// that is still exactly one table's scan.
static const TableScanOrigin& scan_origin(const PlanNode& plan, const char* method) {
  if (!plan.origin) {
    throw Error(ErrorCode::InvalidArgument, method,
                std::string(method) + "() applies to a Delta table's scan (catalog.db(..).table(..)), "
                                      "before other operations");
  }
  return *plan.origin;
}

LazyFrame LazyFrame::at_version(int64_t version) const {
  const auto& origin = scan_origin(*plan_, "at_version");
  if (version < 0) {
    throw Error(ErrorCode::NotFound, origin.database + "." + origin.table,
                "table '" + origin.database + "." + origin.table + "' has no version " + std::to_string(version));
  }
  return derive(engine::delta_time_travel_sql(*session_, origin, "version := " + std::to_string(version)));
}

LazyFrame LazyFrame::as_of(const std::string& timestamp) const {
  const auto& origin = scan_origin(*plan_, "as_of");
  return derive(
      engine::delta_time_travel_sql(*session_, origin, "\"timestamp\" := " + sql_string_literal(timestamp)));
}

DataFrame LazyFrame::collect() const { return engine::run_query(*session_, plan_->sql); }

DataFrame LazyFrame::collect(const QueryOptions& options) const {
  return engine::run_query(*session_, plan_->sql, options);
}

ResultStream LazyFrame::stream(const QueryOptions& options) const {
  return engine::stream_query(session_, plan_->sql, options);
}

std::string LazyFrame::explain() const { return engine::explain_query(*session_, plan_->sql); }

std::string LazyFrame::sql() const { return plan_->sql; }

}  // namespace neuralake
