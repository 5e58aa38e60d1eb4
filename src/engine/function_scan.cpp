// The table function behind every FunctionTable: it hands the source the
// projected columns and the filters DuckDB could push down, then streams the
// source's chunks into the engine. DuckDB keeps every filter above the scan,
// so a source may ignore them.
#include "duckdb/planner/expression/bound_columnref_expression.hpp"
#include "duckdb/planner/expression/bound_comparison_expression.hpp"
#include "duckdb/planner/expression/bound_constant_expression.hpp"
#include "duckdb/planner/expression/bound_operator_expression.hpp"
#include "duckdb/planner/operator/logical_get.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "engine/conversion.h"
#include "engine/errors.h"
#include "engine/session_state.h"

namespace neuralake::engine {

namespace {

struct FunctionScanInfo : public duckdb::TableFunctionInfo {
  SessionState* state = nullptr;  // the session owns the database, so it outlives every scan
};

struct FunctionScanBind : public duckdb::TableFunctionData {
  std::string qualified;
  std::shared_ptr<const TableSource> source;
  Schema schema;
  duckdb::vector<duckdb::LogicalType> types;
  std::vector<Filter> filters;  // hints gathered from the plan
};

struct FunctionScanGlobal : public duckdb::GlobalTableFunctionState {
  std::unique_ptr<BatchReader> reader;
  std::vector<std::string> columns;           // requested, in output order ("" for row ids)
  std::vector<duckdb::LogicalType> types;     // of each output column
  std::optional<DataFrame> current;
  std::vector<int> current_index;             // output column -> column of `current`
  size_t offset = 0;
  uint64_t row_number = 0;
  idx_t MaxThreads() const override { return 1; }
};

duckdb::unique_ptr<duckdb::FunctionData> Bind(duckdb::ClientContext&, duckdb::TableFunctionBindInput& input,
                                              duckdb::vector<duckdb::LogicalType>& return_types,
                                              duckdb::vector<duckdb::string>& names) {
  auto& info = input.info->Cast<FunctionScanInfo>();
  auto database = input.inputs[0].ToString();
  auto table = input.inputs[1].ToString();
  auto bind = duckdb::make_uniq<FunctionScanBind>();
  bind->qualified = database + "." + table;
  const Table* t = info.state->find_table(database, table);
  if (!t || !t->def().source) {
    throw duckdb::BinderException("function table '" + bind->qualified + "' is not in this session's catalog");
  }
  bind->source = t->def().source;
  try {
    bind->schema = t->def().metadata.schema ? *t->def().metadata.schema : bind->source->schema();
  } catch (const Error& e) {
    throw_into_duckdb(e);
  } catch (const std::exception& e) {
    throw_into_duckdb(Error(ErrorCode::IOError, bind->qualified,
                            "function table '" + bind->qualified + "' failed to report its schema: " + e.what()));
  }
  if (bind->schema.empty()) {
    throw_into_duckdb(Error(ErrorCode::InvalidArgument, bind->qualified,
                            "function table '" + bind->qualified + "' has no columns"));
  }
  for (const auto& f : bind->schema) {
    names.push_back(f.name);
    return_types.push_back(to_duckdb_type(f.type));
  }
  bind->types = return_types;
  return bind;
}

std::optional<FilterOp> comparison_op(duckdb::ExpressionType t, bool flipped) {
  using duckdb::ExpressionType;
  switch (t) {
    case ExpressionType::COMPARE_EQUAL: return FilterOp::Eq;
    case ExpressionType::COMPARE_NOTEQUAL: return FilterOp::NotEq;
    case ExpressionType::COMPARE_LESSTHAN: return flipped ? FilterOp::Gt : FilterOp::Lt;
    case ExpressionType::COMPARE_GREATERTHAN: return flipped ? FilterOp::Lt : FilterOp::Gt;
    case ExpressionType::COMPARE_LESSTHANOREQUALTO: return flipped ? FilterOp::GtEq : FilterOp::LtEq;
    case ExpressionType::COMPARE_GREATERTHANOREQUALTO: return flipped ? FilterOp::LtEq : FilterOp::GtEq;
    default: return std::nullopt;
  }
}

// Collects the filters we can express as Filter objects. The expressions stay
// in `filters`, so DuckDB still applies every one of them above the scan.
void PushdownComplexFilter(duckdb::ClientContext&, duckdb::LogicalGet& get, duckdb::FunctionData* bind_data,
                           duckdb::vector<duckdb::unique_ptr<duckdb::Expression>>& filters) {
  auto& bind = bind_data->Cast<FunctionScanBind>();
  const auto& column_ids = get.GetColumnIds();
  auto column_name = [&](const duckdb::Expression& e) -> std::optional<std::string> {
    if (e.GetExpressionClass() != duckdb::ExpressionClass::BOUND_COLUMN_REF) return std::nullopt;
    auto& ref = e.Cast<duckdb::BoundColumnRefExpression>();
    if (ref.binding.column_index >= column_ids.size()) return std::nullopt;
    const auto& idx = column_ids[ref.binding.column_index];
    if (idx.IsRowIdColumn() || idx.IsVirtualColumn() || idx.GetPrimaryIndex() >= get.names.size()) return std::nullopt;
    return get.names[idx.GetPrimaryIndex()];
  };
  auto constant = [](const duckdb::Expression& e) -> std::optional<Value> {
    if (e.GetExpressionClass() != duckdb::ExpressionClass::BOUND_CONSTANT) return std::nullopt;
    return from_duckdb_value(e.Cast<duckdb::BoundConstantExpression>().value);
  };
  for (const auto& expr : filters) {
    try {
      if (expr->GetExpressionClass() == duckdb::ExpressionClass::BOUND_COMPARISON) {
        auto& cmp = expr->Cast<duckdb::BoundComparisonExpression>();
        auto lc = column_name(*cmp.left), rc = column_name(*cmp.right);
        auto lv = constant(*cmp.left), rv = constant(*cmp.right);
        if (lc && rv && !rv->is_null()) {
          if (auto op = comparison_op(cmp.GetExpressionType(), false))
            bind.filters.emplace_back(*lc, to_string(*op), *rv);
        } else if (rc && lv && !lv->is_null()) {
          if (auto op = comparison_op(cmp.GetExpressionType(), true))
            bind.filters.emplace_back(*rc, to_string(*op), *lv);
        }
      } else if (expr->GetExpressionClass() == duckdb::ExpressionClass::BOUND_OPERATOR) {
        auto& op = expr->Cast<duckdb::BoundOperatorExpression>();
        if (op.children.empty()) continue;
        auto c = column_name(*op.children[0]);
        if (!c) continue;
        auto type = op.GetExpressionType();
        if (type == duckdb::ExpressionType::OPERATOR_IS_NULL) bind.filters.emplace_back(*c, "is null");
        if (type == duckdb::ExpressionType::OPERATOR_IS_NOT_NULL) bind.filters.emplace_back(*c, "is not null");
        if (type == duckdb::ExpressionType::COMPARE_IN) {
          std::vector<Value> values;
          bool all_constant = true;
          for (size_t i = 1; i < op.children.size(); ++i) {
            auto v = constant(*op.children[i]);
            if (!v) all_constant = false;
            else values.push_back(*v);
          }
          if (all_constant) bind.filters.emplace_back(*c, "in", std::move(values));
        }
      }
    } catch (const Error&) {
      // A filter we cannot express is simply not passed on; DuckDB applies it.
    }
  }
}

duckdb::unique_ptr<duckdb::GlobalTableFunctionState> InitGlobal(duckdb::ClientContext&,
                                                                duckdb::TableFunctionInitInput& input) {
  auto& bind = input.bind_data->Cast<FunctionScanBind>();
  auto state = duckdb::make_uniq<FunctionScanGlobal>();
  ScanRequest request;
  for (const auto& id : input.column_indexes) {
    if (id.IsRowIdColumn() || id.IsVirtualColumn() || id.GetPrimaryIndex() >= bind.schema.size()) {
      state->columns.push_back("");
      state->types.push_back(duckdb::LogicalType::BIGINT);
      continue;
    }
    const auto& field = bind.schema[id.GetPrimaryIndex()];
    state->columns.push_back(field.name);
    state->types.push_back(bind.types[id.GetPrimaryIndex()]);
  }
  // The request lists real columns in schema order; a count(*) asks for none,
  // so the first column is requested to learn the row count.
  for (const auto& f : bind.schema) {
    if (std::find(state->columns.begin(), state->columns.end(), f.name) != state->columns.end())
      request.columns.push_back(f.name);
  }
  if (request.columns.empty()) request.columns.push_back(bind.schema[0].name);
  for (const auto& f : bind.filters) request.filters.push_back(f);
  try {
    state->reader = bind.source->scan(request);
  } catch (const Error& e) {
    throw_into_duckdb(e);
  } catch (const std::exception& e) {
    throw_into_duckdb(Error(ErrorCode::IOError, bind.qualified,
                            "function table '" + bind.qualified + "' failed to start: " + e.what()));
  }
  if (!state->reader) {
    throw_into_duckdb(Error(ErrorCode::Internal, bind.qualified,
                            "function table '" + bind.qualified + "' returned no reader"));
  }
  return state;
}

// Pulls the next non-empty chunk from the source, or returns false at the end.
bool NextChunk(const FunctionScanBind& bind, FunctionScanGlobal& st) {
  while (true) {
    std::optional<DataFrame> next;
    try {
      next = st.reader->next();
    } catch (const Error& e) {
      throw_into_duckdb(e);
    } catch (const std::exception& e) {
      throw_into_duckdb(Error(ErrorCode::IOError, bind.qualified,
                              "function table '" + bind.qualified + "' failed: " + e.what()));
    }
    if (!next) return false;
    if (next->num_rows() == 0) continue;
    st.current_index.assign(st.columns.size(), -1);
    auto names = next->column_names();
    for (size_t c = 0; c < st.columns.size(); ++c) {
      if (st.columns[c].empty()) continue;
      auto it = std::find(names.begin(), names.end(), st.columns[c]);
      if (it == names.end()) {
        throw_into_duckdb(Error(ErrorCode::InvalidArgument, bind.qualified + "." + st.columns[c],
                                "function table '" + bind.qualified + "' yielded a chunk without column '" +
                                    st.columns[c] + "'"));
      }
      st.current_index[c] = static_cast<int>(it - names.begin());
    }
    st.current = std::move(next);
    st.offset = 0;
    return true;
  }
}

void Scan(duckdb::ClientContext&, duckdb::TableFunctionInput& input, duckdb::DataChunk& output) {
  auto& bind = input.bind_data->Cast<FunctionScanBind>();
  auto& st = input.global_state->Cast<FunctionScanGlobal>();
  if (!st.current || st.offset >= st.current->num_rows()) {
    if (!NextChunk(bind, st)) {
      output.SetCardinality(0);
      return;
    }
  }
  size_t count = std::min<size_t>(STANDARD_VECTOR_SIZE, st.current->num_rows() - st.offset);
  for (size_t c = 0; c < st.columns.size(); ++c) {
    auto& vec = output.data[c];
    if (st.current_index[c] < 0) {
      auto data = duckdb::FlatVector::GetData<int64_t>(vec);
      for (size_t i = 0; i < count; ++i) data[i] = static_cast<int64_t>(st.row_number + i);
      continue;
    }
    write_vector(st.current->column(static_cast<size_t>(st.current_index[c])), st.offset, count, vec, st.types[c],
                 "function table '" + bind.qualified + "'");
  }
  st.offset += count;
  st.row_number += count;
  output.SetCardinality(count);
}

// What EXPLAIN shows on the scan: the table and the filters handed to it.
duckdb::InsertionOrderPreservingMap<duckdb::string> ToString(duckdb::TableFunctionToStringInput& input) {
  duckdb::InsertionOrderPreservingMap<duckdb::string> out;
  if (!input.bind_data) return out;
  auto& bind = input.bind_data->Cast<FunctionScanBind>();
  out["Function Table"] = bind.qualified;
  if (!bind.filters.empty()) {
    std::string f;
    for (const auto& filter : bind.filters) f += (f.empty() ? "" : "\n") + filter.to_string();
    out["Pushed Filters"] = f;
  }
  return out;
}

}  // namespace

void register_function_scan(SessionState& state) {
  duckdb::TableFunction fn("__neuralake_function_scan", {duckdb::LogicalType::VARCHAR, duckdb::LogicalType::VARCHAR},
                           Scan, Bind, InitGlobal);
  fn.projection_pushdown = true;
  fn.filter_pushdown = false;
  fn.pushdown_complex_filter = PushdownComplexFilter;
  fn.to_string = ToString;
  auto info = duckdb::make_shared_ptr<FunctionScanInfo>();
  info->state = &state;
  fn.function_info = std::move(info);
  duckdb::ExtensionLoader loader(*state.db->instance, "neuralake");
  loader.RegisterFunction(fn);
}

}  // namespace neuralake::engine
