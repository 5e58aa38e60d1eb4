// The metaData, add and remove actions a Delta writer commits, as one JSON
// line each, in the field order and JSON types Spark writes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "delta/snapshot.h"

namespace neuralake::delta {

// {"metaData":{id, name?, description?, format, schemaString, partitionColumns,
// configuration, createdTime}}.
std::string metadata_action(const Metadata& m);

// A data file written by this commit.
struct WrittenFile {
  std::string path;  // add.path: relative to the table root, encoded (encode_log_path)
  std::vector<std::optional<std::string>> partition_values;  // by partition column; nullopt: null
  int64_t size = 0;
  int64_t modification_time = 0;
  int64_t num_records = 0;
  std::string stats;  // the stats JSON
};

// {"add":{path, partitionValues, size, modificationTime, dataChange:true, stats}}.
std::string add_action(const WrittenFile& f, const std::vector<std::string>& partition_columns);

// {"remove":{path, deletionTimestamp, dataChange:true, extendedFileMetadata:true,
// partitionValues, size}} for a live file of a snapshot.
std::string remove_action(const FileEntry& f, const std::vector<std::string>& partition_columns,
                          int64_t deletion_timestamp);

}  // namespace neuralake::delta
