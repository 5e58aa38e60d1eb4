// The quickstart's sample data, the blueprint's create_sample_data in C++.
#include "neuralake/sample_data.h"

#include <filesystem>

#include "neuralake/error.h"
#include "neuralake/expr.h"

namespace neuralake {

std::vector<std::string> write_sample_data(Session& session) {
  std::string target = session.resolve_location("{warehouse}/parts.parquet");
  if (target.find("://") == std::string::npos) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(target).parent_path(), ec);
    if (ec) {
      throw Error(ErrorCode::IOError, target,
                  "cannot create the warehouse directory for '" + target + "': " + ec.message());
    }
  }
  session.execute(
      "COPY (SELECT i::BIGINT AS p_partkey, 'Part#' || i AS p_name, "
      "'Brand#' || ((i - 1) % 3 + 1) AS p_brand, (10.0 * i)::DOUBLE AS p_retailprice "
      "FROM range(1, 6) t(i) ORDER BY i) TO " + sql_string_literal(target) + " (FORMAT parquet)");
  return {target};
}

}  // namespace neuralake
