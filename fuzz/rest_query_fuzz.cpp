// Fuzzes the API server's REST query parameters: the input is a raw query
// string (as after '?' in GET /api/tables/{table}?...), read into a query and
// translated to SQL against a fixed schema with a column of every kind.
// Only the server's ApiError may come out, and SQL that comes out must keep
// every value inside a literal and every name inside an identifier: its
// quotes balance, and outside them there is no ';' and no comment.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "neuralake/types.h"
#include "server/api_error.h"
#include "server/rest_query.h"
#include "server/rest_query_sql.h"

using namespace neuralake;

namespace {

const Schema& fuzz_schema() {
  static const Schema schema = {
      {"name", DataType::string()},
      {"id", DataType::int64()},
      {"price", DataType::float64()},
      {"amount", DataType::decimal(10, 2)},
      {"day", DataType::date()},
      {"ts", DataType::timestamp()},
      {"tstz", DataType::timestamp_tz()},
      {"t", DataType(TypeId::Time)},
      {"flag", DataType::boolean()},
      {"tags", DataType::list(DataType::string())},
      {"u", DataType::other("UUID")},
      {"we\"i'rd", DataType::int64()},
      {"a]b", DataType::string()},
  };
  return schema;
}

constexpr const char* kTable = "\"db\".\"t\"";

// Quotes ('...' literals, "..." identifiers, each with its quote doubled
// inside) balance, and nothing outside them ends the statement or starts a comment.
void check_sql(const std::string& sql) {
  if (sql.rfind(std::string("SELECT "), 0) != 0 || sql.find(std::string(" FROM ") + kTable) == std::string::npos) {
    fuzz::property_failed("not a SELECT from the table: " + sql);
  }
  char quote = 0;
  for (size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\0') fuzz::property_failed("NUL byte in SQL: " + sql);
    if (quote) {
      if (c == quote) {
        if (i + 1 < sql.size() && sql[i + 1] == quote) {
          ++i;
        } else {
          quote = 0;
        }
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == ';' || (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') ||
               (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*')) {
      fuzz::property_failed("statement end or comment outside quotes: " + sql);
    }
  }
  if (quote) fuzz::property_failed("unbalanced quotes: " + sql);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    const server::RestQuery query = server::parse_rest_query(fuzz::as_text(data, size));
    check_sql(server::rest_query_to_sql(query, kTable, fuzz_schema()));
  } catch (const server::ApiError& e) {
    if (e.kind().empty()) fuzz::property_failed(std::string("an error without a kind: ") + e.what());
  } catch (const Error& e) {
    fuzz::property_failed(std::string("an error that is not an ApiError: ") + e.what());
  }
  return 0;
}
