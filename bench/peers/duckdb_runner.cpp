// The baseline engine of the peer benchmark: DuckDB's own C++ API
// (Connection::Query, result materialised) over views on the Parquet files,
// as a DuckDB user would query them, with the same thread count.
//
//   neuralake_peers_duckdb --data DIR --queries queries.sql [--threads 2] [--once QID [--check]]
#include <iostream>
#include <memory>
#include <stdexcept>

#include "duckdb.hpp"
#include "runner_protocol.h"

namespace {

std::string quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::vector<peers::ColumnSum> checksum(duckdb::MaterializedQueryResult& result) {
  std::vector<peers::ColumnSum> cols;
  const duckdb::idx_t rows = result.RowCount();
  for (duckdb::idx_t c = 0; c < result.ColumnCount(); ++c) {
    peers::ColumnSum sum;
    sum.name = result.names[c];
    const auto type = result.types[c].id();
    if (type == duckdb::LogicalTypeId::VARCHAR) sum.kind = "str";
    if (type == duckdb::LogicalTypeId::DATE) sum.kind = "date";
    for (duckdb::idx_t r = 0; r < rows; ++r) {
      duckdb::Value v = result.GetValue(c, r);
      if (v.IsNull()) {
        ++sum.nulls;
        continue;
      }
      double x;
      switch (type) {
        case duckdb::LogicalTypeId::VARCHAR:
          x = static_cast<double>(peers::fnv1a(duckdb::StringValue::Get(v)));
          break;
        case duckdb::LogicalTypeId::DATE:
          x = static_cast<double>(v.GetValue<duckdb::date_t>().days);
          break;
        case duckdb::LogicalTypeId::BOOLEAN:
          x = v.GetValue<bool>() ? 1.0 : 0.0;
          break;
        default:
          x = v.GetValue<double>();
      }
      sum.add(r, x);
    }
    cols.push_back(std::move(sum));
  }
  return cols;
}

}  // namespace

int main(int argc, char** argv) {
  const peers::RunnerOptions options = peers::parse_options(argc, argv);
  try {
    duckdb::DBConfig config;
    config.SetOptionByName("threads", duckdb::Value::BIGINT(options.threads));
    duckdb::DuckDB db(nullptr, &config);
    duckdb::Connection con(db);
    std::string views;
    for (const char* t : {"lineitem", "orders", "part", "supplier"})
      views += std::string("CREATE VIEW ") + t + " AS SELECT * FROM read_parquet(" +
               quoted(options.data + "/" + t + ".parquet") + ");\n";
    views += "CREATE VIEW lineitem_hive AS SELECT * FROM read_parquet(" +
             quoted(options.data + "/lineitem_hive/*/*.parquet") + ", hive_partitioning = true);\n";
    auto created = con.Query(views);
    if (created->HasError()) throw std::runtime_error("creating the views: " + created->GetError());

    peers::Engine engine;
    engine.name = "duckdb";
    engine.version = duckdb::DuckDB::LibraryVersion();
    engine.run = [&](const std::string& sql) {
      std::shared_ptr<duckdb::MaterializedQueryResult> result = con.Query(sql);
      if (result->HasError()) throw std::runtime_error(result->GetError());
      peers::Answer a;
      a.rows = result->RowCount();
      a.checksum = [result] { return checksum(*result); };
      return a;
    };
    engine.ping = [&] { con.Query("SELECT 42"); };
    return peers::serve(options, engine);
  } catch (const std::exception& e) {
    std::cerr << "neuralake_peers_duckdb: " << e.what() << "\n";
    return 1;
  }
}
