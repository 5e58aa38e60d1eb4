// Time travel on a catalog Delta table: the table's scan re-aimed at an older
// version or point in time, with the table's filters, projection and extra columns kept.
#include "catalog/filter_sql.h"
#include "engine/engine.h"
#include "engine/session_state.h"
#include "frame/plan.h"
#include "neuralake/error.h"
#include "tables/table_provider.h"

namespace neuralake::engine {

std::string delta_time_travel_sql(SessionState& st, const TableScanOrigin& origin, const std::string& delta_args) {
  const std::string qualified = origin.database + "." + origin.table;
  const Table* table = st.find_table(origin.database, origin.table);
  if (!table) throw Error(ErrorCode::NotFound, qualified, "unknown table '" + qualified + "'");
  if (!tables::table_provider(table->def()).versions()) {
    throw Error(ErrorCode::InvalidArgument, qualified,
                "table '" + qualified + "' is a " + table->kind() +
                    " table; only Delta tables can be read at another version");
  }
  std::string sql = "SELECT " + origin.items + " FROM (" + table_view_sql(st, origin.database, *table, delta_args) +
                    ") AS " + quote_identifier(origin.table);
  if (!origin.where.empty()) sql += " WHERE " + origin.where;
  try {
    describe_query(st, sql);
  } catch (const Error& e) {
    // The scan names the table by its location; the user asked by catalog name.
    throw Error(e.code(), qualified, "table '" + qualified + "' (" + delta_args + "): " + e.what());
  }
  return sql;
}

}  // namespace neuralake::engine
