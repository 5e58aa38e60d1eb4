// Hand-written Delta tables for tests: the JSON action lines of a commit, the
// commit files under _delta_log, Parquet data through COPY, and the shared
// conformance tables. Each test still decides what its table holds.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "neuralake/session.h"

namespace neuralake::testing {

// A protocol action line (newline-terminated). Features are listed only when
// given, as reader/writer versions 3/7 require.
std::string delta_protocol(int min_reader_version, int min_writer_version,
                           const std::vector<std::string>& reader_features = {},
                           const std::vector<std::string>& writer_features = {});

// A metaData action line (newline-terminated) for a Parquet table with the
// schema `schema_string` (Delta schema JSON, embedded as a string) and
// `configuration_json`, a JSON object of string values.
std::string delta_metadata(const std::string& id, const std::string& schema_string,
                           const std::vector<std::string>& partition_columns,
                           const std::string& configuration_json = "{}");

// An add action line (newline-terminated), modificationTime 0, dataChange
// true. `partition_values_json` is a JSON object; `stats_json` is embedded
// as the stats string, or left out when empty.
std::string delta_add(const std::string& path, const std::string& partition_values_json, int64_t size,
                      const std::string& stats_json = "");

// Writes `actions` as commit `version` of the table at `table_root`
// (creating _delta_log).
void write_delta_commit(const std::filesystem::path& table_root, int64_t version, const std::string& actions);

// COPY (`select`) TO `file` (`options`), creating its folder; returns the
// file's size for the add action.
int64_t copy_to_parquet(Session& session, const std::string& select, const std::filesystem::path& file,
                        const std::string& options = "FORMAT parquet");

// ../shared/testdata/delta, or an empty path when the shared folder is absent.
std::filesystem::path delta_testdata_dir();
// The tables there that carry an EXPECTED.json, sorted by name.
std::vector<std::string> delta_conformance_tables();

}  // namespace neuralake::testing
