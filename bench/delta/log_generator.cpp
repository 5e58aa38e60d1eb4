// The benchmark's Delta tables: the checkpoint and data files through DuckDB
// COPY, commit JSON written directly, all deterministic.
#include "log_generator.h"
#include "sample_stats.h"

#include <cstdio>
#include <fstream>
#include <stdexcept>
#include <string>

#include <nlohmann/json.hpp>

#include "duckdb.hpp"
#include "neuralake/expr.h"

namespace bench::delta {

namespace fs = std::filesystem;
using neuralake::sql_string_literal;

namespace {

const char* kSchema =
    R"({"type":"struct","fields":[)"
    R"({"name":"a","type":"long","nullable":true,"metadata":{}},)"
    R"({"name":"b","type":"long","nullable":true,"metadata":{}},)"
    R"({"name":"c","type":"double","nullable":true,"metadata":{}},)"
    R"({"name":"d","type":"double","nullable":true,"metadata":{}},)"
    R"({"name":"e","type":"string","nullable":true,"metadata":{}},)"
    R"({"name":"f","type":"string","nullable":true,"metadata":{}},)"
    R"({"name":"g","type":"date","nullable":true,"metadata":{}},)"
    R"({"name":"h","type":"timestamp","nullable":true,"metadata":{}},)"
    R"({"name":"day","type":"string","nullable":true,"metadata":{}}]})";

std::string padded(int64_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%020lld", static_cast<long long>(v));
  return buf;
}

// A uuid-shaped, deterministic file id.
std::string file_id(int64_t n) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-4%03llx-a%03llx-%012llx", static_cast<unsigned long long>(n * 2654435761u % 4294967296u),
                static_cast<unsigned long long>(n % 65536), static_cast<unsigned long long>(n % 4096),
                static_cast<unsigned long long>((n * 7) % 4096), static_cast<unsigned long long>(n * 11400714819323198485ull % 281474976710656ull));
  return buf;
}

std::string day_of(int64_t n) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "2025-%02lld-%02lld", static_cast<long long>(n / 28 % 12 + 1),
                static_cast<long long>(n % 28 + 1));
  return buf;
}

std::string path_of(int64_t n) {
  return "day=" + day_of(n / 100) + "/part-" + padded(n).substr(15) + "-" + file_id(n) + "-c000.zstd.parquet";
}

std::string json_string(const std::string& s) { return nlohmann::json(s).dump(); }

std::string add_json(int64_t n) {
  return R"({"add":{"path":)" + json_string(path_of(n)) + R"(,"partitionValues":{"day":")" + day_of(n / 100) +
         R"("},"size":)" + std::to_string(1000000 + n) + R"(,"modificationTime":)" + std::to_string(1735689600000 + n) +
         R"(,"dataChange":true,"stats":)" + json_string(stats_of(n)) + "}}\n";
}

void write_text(const fs::path& p, const std::string& text) {
  std::ofstream out(p, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + p.string());
}

void run(duckdb::Connection& con, const std::string& sql) {
  auto r = con.Query(sql);
  if (r->HasError()) throw std::runtime_error(r->GetError() + "\nin: " + sql.substr(0, 400));
}

const std::string kProtocol = R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2}})";

std::string metadata_json(const std::string& partition) {
  return R"({"metaData":{"id":"bench-table","format":{"provider":"parquet","options":{}},"schemaString":)" +
         json_string(kSchema) + R"(,"partitionColumns":[)" + (partition.empty() ? "" : "\"" + partition + "\"") +
         R"(],"configuration":{},"createdTime":1735689600000}})";
}

}  // namespace

void write_big_log(const fs::path& root, const BigLogSpec& spec) {
  const fs::path log = root / "_delta_log";
  fs::create_directories(log);
  write_text(log / (padded(0) + ".json"), kProtocol + "\n" + metadata_json("day") + "\n");

  // The checkpoint: one row per action, the action columns as structs. The
  // add rows are computed by DuckDB from the row number, as the C++ helpers do.
  duckdb::DuckDB db(nullptr);
  duckdb::Connection con(db);
  // Table of the generated add actions, filled from C++ in one appender pass.
  run(con, "CREATE TABLE adds(path VARCHAR, day VARCHAR, size BIGINT, mtime BIGINT, stats VARCHAR)");
  {
    duckdb::Appender app(con, "adds");
    for (int64_t n = 0; n < spec.checkpoint_adds; ++n) {
      app.BeginRow();
      app.Append(duckdb::Value(path_of(n)));
      app.Append(duckdb::Value(day_of(n / 100)));
      app.Append<int64_t>(1000000 + n);
      app.Append<int64_t>(1735689600000 + n);
      app.Append(duckdb::Value(stats_of(n)));
      app.EndRow();
    }
  }
  // stats_parsed: the JSON stats parsed by DuckDB into the typed structs of
  // the Delta checkpoint schema (minValues/maxValues in the column types).
  const std::string bounds_type =
      "STRUCT(a BIGINT, b BIGINT, c DOUBLE, d DOUBLE, e VARCHAR, f VARCHAR, g DATE, h TIMESTAMP)";
  const std::string parsed_type = "STRUCT(numRecords BIGINT, minValues " + bounds_type + ", maxValues " +
                                  bounds_type +
                                  ", nullCount STRUCT(a BIGINT, b BIGINT, c BIGINT, d BIGINT, e BIGINT, f BIGINT, "
                                  "g BIGINT, h BIGINT))";
  const std::string parsed_shape =
      R"({"numRecords":"BIGINT","minValues":{"a":"BIGINT","b":"BIGINT","c":"DOUBLE","d":"DOUBLE","e":"VARCHAR",)"
      R"("f":"VARCHAR","g":"DATE","h":"TIMESTAMP"},"maxValues":{"a":"BIGINT","b":"BIGINT","c":"DOUBLE",)"
      R"("d":"DOUBLE","e":"VARCHAR","f":"VARCHAR","g":"DATE","h":"TIMESTAMP"},"nullCount":{"a":"BIGINT",)"
      R"("b":"BIGINT","c":"BIGINT","d":"BIGINT","e":"BIGINT","f":"BIGINT","g":"BIGINT","h":"BIGINT"}})";
  const std::string add_type =
      "STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, modificationTime BIGINT, "
      "dataChange BOOLEAN" + std::string(spec.stats_json ? ", stats VARCHAR" : "") +
      (spec.stats_parsed ? ", stats_parsed " + parsed_type : "") + ", tags MAP(VARCHAR, VARCHAR))";
  std::string add_stats = spec.stats_json ? "'stats': stats, " : "";
  if (spec.stats_parsed) add_stats += "'stats_parsed': from_json(stats, " + sql_string_literal(parsed_shape) + "), ";
  const std::string remove_type =
      "STRUCT(path VARCHAR, deletionTimestamp BIGINT, dataChange BOOLEAN)";
  const std::string meta_type =
      "STRUCT(id VARCHAR, name VARCHAR, description VARCHAR, format STRUCT(provider VARCHAR, options MAP(VARCHAR, "
      "VARCHAR)), schemaString VARCHAR, partitionColumns VARCHAR[], configuration MAP(VARCHAR, VARCHAR), "
      "createdTime BIGINT)";
  const std::string protocol_type = "STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)";
  const std::string txn_type = "STRUCT(appId VARCHAR, version BIGINT, lastUpdated BIGINT)";
  const std::string ckpt = (log / (padded(0) + ".checkpoint.parquet")).string();
  run(con, "COPY (SELECT NULL::" + txn_type + " AS txn, NULL::" + add_type + " AS add, NULL::" + remove_type +
               " AS remove, NULL::" + meta_type + " AS metaData, {'minReaderVersion': 1, 'minWriterVersion': 2}::" +
               protocol_type + " AS protocol "
               "UNION ALL SELECT NULL, NULL, NULL, {'id': 'bench-table', 'name': NULL, 'description': NULL, "
               "'format': {'provider': 'parquet', 'options': MAP {}}, 'schemaString': " +
               sql_string_literal(kSchema) +
               ", 'partitionColumns': ['day'], 'configuration': MAP {}, 'createdTime': 1735689600000}, NULL "
               "UNION ALL SELECT NULL, {'path': path, 'partitionValues': MAP {'day': day}, 'size': size, "
               "'modificationTime': mtime, 'dataChange': false, " + add_stats + "'tags': NULL}, NULL, NULL, NULL "
               "FROM adds) TO " +
               sql_string_literal(ckpt) + " (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 2048)");
  write_text(log / "_last_checkpoint",
             R"({"version":0,"size":)" + std::to_string(spec.checkpoint_adds + 2) + "}");

  int64_t next = spec.checkpoint_adds;
  for (int64_t v = 1; v <= spec.commits; ++v) {
    std::string text = R"({"commitInfo":{"timestamp":)" + std::to_string(1735689600000 + v * 1000) +
                       R"(,"operation":"WRITE","operationParameters":{"mode":"Append"}}})" + "\n";
    for (int64_t i = 0; i < spec.adds_per_commit; ++i) text += add_json(next++);
    if (spec.removes_every > 0 && v % spec.removes_every == 0) {
      // Spread over the checkpoint's files: 1% of all files by the end.
      const int64_t victim = (v * 89) % spec.checkpoint_adds;
      text += R"({"remove":{"path":)" + json_string(path_of(victim)) + R"(,"deletionTimestamp":)" +
              std::to_string(1735689600000 + v * 1000) + R"(,"dataChange":true}})" + "\n";
    }
    write_text(log / (padded(v) + ".json"), text);
  }
}

void append_commit(const fs::path& root, int64_t version, int64_t adds) {
  std::string text = R"({"commitInfo":{"operation":"WRITE"}})" "\n";
  for (int64_t i = 0; i < adds; ++i) text += add_json(10000000 + version * 1000 + i);
  write_text(root / "_delta_log" / (padded(version) + ".json"), text);
}

void write_scan_table(const fs::path& root, int64_t files, int64_t rows_per_file) {
  fs::create_directories(root / "_delta_log");
  duckdb::DuckDB db(nullptr);
  duckdb::Connection con(db);
  // One COPY writes every file: ROW_GROUPS_PER_FILE 1 with one row group per
  // file, in order (one thread), so file k holds ids [k*rows, (k+1)*rows).
  run(con, "SET threads = 1");
  run(con, "SET preserve_insertion_order = true");
  const std::string dir = (root / "data").string();
  run(con, "COPY (SELECT i AS id, (i * 7919) % 1000003 AS k, i / 3.0 AS x, 'name-' || (i % 1000) AS s FROM range(" +
               std::to_string(files * rows_per_file) + ") t(i)) TO " + sql_string_literal(dir) +
               " (FORMAT parquet, ROW_GROUP_SIZE " + std::to_string(rows_per_file) +
               ", ROW_GROUPS_PER_FILE 1, FILENAME_PATTERN 'part_{i}', OVERWRITE_OR_IGNORE)");
  const std::string glob = sql_string_literal(dir + "/*.parquet");
  auto stats = con.Query(
      "WITH s AS (SELECT filename, count(*) AS n, min(id) AS id0, max(id) AS id1, min(k) AS k0, max(k) AS k1, "
      "min(x) AS x0, max(x) AS x1, min(s) AS s0, max(s) AS s1 FROM read_parquet(" + glob +
      ", filename = true) GROUP BY filename) "
      "SELECT parse_filename(s.filename), n, id0, id1, k0, k1, x0, x1, s0, s1, b.size FROM s JOIN read_blob(" + glob +
      ") b ON b.filename = s.filename ORDER BY id0");
  if (stats->HasError()) throw std::runtime_error(stats->GetError());
  const std::string schema =
      R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},)"
      R"({"name":"k","type":"long","nullable":true,"metadata":{}},{"name":"x","type":"double","nullable":true,"metadata":{}},)"
      R"({"name":"s","type":"string","nullable":true,"metadata":{}}]})";
  std::string text = kProtocol + "\n" + R"({"metaData":{"id":"scan-table","format":{"provider":"parquet","options":{}},"schemaString":)" +
                     json_string(schema) + R"(,"partitionColumns":[],"configuration":{},"createdTime":1735689600000}})" + "\n";
  for (duckdb::idx_t r = 0; r < stats->RowCount(); ++r) {
    auto v = [&](duckdb::idx_t c) { return stats->GetValue(c, r).ToString(); };
    const std::string st = R"({"numRecords":)" + v(1) + R"(,"minValues":{"id":)" + v(2) + R"(,"k":)" + v(4) +
                           R"(,"x":)" + v(6) + R"(,"s":)" + json_string(v(8)) + R"(},"maxValues":{"id":)" + v(3) +
                           R"(,"k":)" + v(5) + R"(,"x":)" + v(7) + R"(,"s":)" + json_string(v(9)) +
                           R"(},"nullCount":{"id":0,"k":0,"x":0,"s":0}})";
    text += R"({"add":{"path":)" + json_string("data/" + v(0)) + R"(,"partitionValues":{},"size":)" + v(10) +
            R"(,"modificationTime":1735689600000,"dataChange":true,"stats":)" + json_string(st) + "}}\n";
  }
  write_text(root / "_delta_log" / (padded(0) + ".json"), text);
}

}  // namespace bench::delta
