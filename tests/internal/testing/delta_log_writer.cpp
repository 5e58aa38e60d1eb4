// Hand-written Delta tables for tests: action lines, commit files and Parquet
// data, written the way the Delta protocol lays them out.
#include "testing/delta_log_writer.h"

#include <algorithm>

#include "delta/log_listing.h"
#include "neuralake/expr.h"
#include "testing/test_util.h"

namespace neuralake::testing {

namespace {

std::string json_array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + json_string(items[i]);
  return out + "]";
}

}  // namespace

std::string delta_protocol(int min_reader_version, int min_writer_version,
                           const std::vector<std::string>& reader_features,
                           const std::vector<std::string>& writer_features) {
  std::string out = R"({"protocol":{"minReaderVersion":)" + std::to_string(min_reader_version) +
                    R"(,"minWriterVersion":)" + std::to_string(min_writer_version);
  if (!reader_features.empty()) out += R"(,"readerFeatures":)" + json_array(reader_features);
  if (!writer_features.empty()) out += R"(,"writerFeatures":)" + json_array(writer_features);
  return out + "}}\n";
}

std::string delta_metadata(const std::string& id, const std::string& schema_string,
                           const std::vector<std::string>& partition_columns, const std::string& configuration_json) {
  return R"({"metaData":{"id":)" + json_string(id) + R"(,"format":{"provider":"parquet","options":{}},"schemaString":)" +
         json_string(schema_string) + R"(,"partitionColumns":)" + json_array(partition_columns) +
         R"(,"configuration":)" + configuration_json + "}}\n";
}

std::string delta_add(const std::string& path, const std::string& partition_values_json, int64_t size,
                      const std::string& stats_json) {
  std::string out = R"({"add":{"path":)" + json_string(path) + R"(,"partitionValues":)" + partition_values_json +
                    R"(,"size":)" + std::to_string(size) + R"(,"modificationTime":0,"dataChange":true)";
  if (!stats_json.empty()) out += R"(,"stats":)" + json_string(stats_json);
  return out + "}}\n";
}

void write_delta_commit(const std::filesystem::path& table_root, int64_t version, const std::string& actions) {
  write_file(table_root / "_delta_log" / (delta::padded_version(version) + ".json"), actions);
}

int64_t copy_to_parquet(Session& session, const std::string& select, const std::filesystem::path& file,
                        const std::string& options) {
  std::filesystem::create_directories(file.parent_path());
  session.execute("COPY (" + select + ") TO " + sql_string_literal(file.string()) + " (" + options + ")");
  return static_cast<int64_t>(std::filesystem::file_size(file));
}

std::filesystem::path delta_testdata_dir() {
  auto shared = shared_dir();
  return shared.empty() ? shared : shared / "testdata" / "delta";
}

std::vector<std::string> delta_conformance_tables() {
  std::vector<std::string> names;
  const auto dir = delta_testdata_dir();
  if (dir.empty() || !std::filesystem::is_directory(dir)) return names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (std::filesystem::exists(e.path() / "EXPECTED.json")) names.push_back(e.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace neuralake::testing
