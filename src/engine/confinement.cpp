// The statement check and the lock-down of a session confined to its catalog.
// The statement's kind comes from DuckDB's own parser, never from its text.
#include "engine/confinement.h"

#include "duckdb.hpp"
#include "duckdb/parser/parser.hpp"
#include "duckdb/parser/statement/explain_statement.hpp"
#include "engine/errors.h"
#include "neuralake/error.h"
#include "neuralake/expr.h"
#include "storage/path_allow_list.h"

namespace neuralake::engine {

namespace {

// A statement kind as a reader would name it ("COPY", "CREATE", "SET").
std::string kind_name(duckdb::StatementType type) {
  if (type == duckdb::StatementType::VARIABLE_SET_STATEMENT) return "SET VARIABLE";
  if (type == duckdb::StatementType::TRANSACTION_STATEMENT) return "transaction (BEGIN/COMMIT/ROLLBACK)";
  std::string name = duckdb::StatementTypeToString(type);
  for (auto& c : name)
    if (c == '_') c = ' ';
  return name;
}

[[noreturn]] void refuse(const std::string& what, const std::string& sql) {
  throw Error(ErrorCode::PermissionDenied, what,
              "only a single SELECT is allowed in this session; got " + what + " (in query: " +
                  (sql.size() > 120 ? sql.substr(0, 117) + "..." : sql) + ")");
}

std::string sql_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) out += (out.size() > 1 ? ", " : "") + sql_string_literal(item);
  return out + "]";
}

void run(duckdb::Connection& con, const std::string& sql) {
  auto result = con.Query(sql);
  if (result->HasError()) throw translate_error(result->GetErrorObject(), sql);
}

}  // namespace

void check_confined_statement(const std::string& sql) {
  duckdb::Parser parser;
  try {
    parser.ParseQuery(sql);
  } catch (const std::exception& e) {
    throw translate_error(duckdb::ErrorData(e), sql);
  }
  if (parser.statements.empty()) refuse("no statement", sql);
  if (parser.statements.size() > 1) refuse(std::to_string(parser.statements.size()) + " statements", sql);
  const auto& statement = *parser.statements[0];
  if (statement.type == duckdb::StatementType::SELECT_STATEMENT) return;
  if (statement.type == duckdb::StatementType::EXPLAIN_STATEMENT) {
    const auto& inner = *statement.Cast<duckdb::ExplainStatement>().stmt;
    if (inner.type == duckdb::StatementType::SELECT_STATEMENT) return;
    refuse("EXPLAIN of " + kind_name(inner.type), sql);
  }
  refuse(kind_name(statement.type), sql);
}

void lock_down(duckdb::DatabaseInstance& db, const PathAllowList& list) {
  duckdb::Connection con(db);
  const auto& roots = list.roots();
  // DuckDB's checks cover its own readers (read_csv, read_parquet, glob...),
  // whatever filesystem serves the path: a root is allowed as a file and as
  // a directory, since a location may be either. These must be set while
  // external access is still on.
  run(con, "SET GLOBAL allowed_directories = " + sql_list(roots));
  run(con, "SET GLOBAL allowed_paths = " + sql_list(roots));
  run(con, "SET GLOBAL enable_external_access = false");
  run(con, "SET GLOBAL lock_configuration = true");
}

}  // namespace neuralake::engine
