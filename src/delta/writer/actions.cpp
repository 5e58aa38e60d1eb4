#include "delta/writer/actions.h"

#include "delta/writer/json_out.h"

namespace neuralake::delta {

namespace {

template <class ValueAt>
void partition_values(JsonOut& j, const std::vector<std::string>& columns, ValueAt&& value_at) {
  j.key("partitionValues").begin_object();
  for (size_t i = 0; i < columns.size(); ++i) {
    std::optional<std::string> v = value_at(i);
    j.key(columns[i]);
    if (v && !v->empty()) {
      j.string(*v);
    } else {
      j.null();  // empty strings are written as null, as the protocol reads them
    }
  }
  j.end_object();
}

}  // namespace

std::string metadata_action(const Metadata& m) {
  JsonOut j;
  j.begin_object().key("metaData").begin_object();
  j.key("id").string(m.id);
  if (!m.name.empty()) j.key("name").string(m.name);
  if (!m.description.empty()) j.key("description").string(m.description);
  j.key("format").begin_object().key("provider").string("parquet").key("options").begin_object().end_object().end_object();
  j.key("schemaString").string(m.schema_string);
  j.key("partitionColumns").begin_array();
  for (const auto& c : m.partition_columns) j.string(c);
  j.end_array();
  j.key("configuration").begin_object();
  for (const auto& [k, v] : m.configuration) j.key(k).string(v);
  j.end_object();
  if (m.created_time) j.key("createdTime").number(*m.created_time);
  j.end_object().end_object();
  return j.take();
}

std::string add_action(const WrittenFile& f, const std::vector<std::string>& partition_columns) {
  JsonOut j;
  j.begin_object().key("add").begin_object();
  j.key("path").string(f.path);
  partition_values(j, partition_columns, [&](size_t i) {
    return i < f.partition_values.size() ? f.partition_values[i] : std::nullopt;
  });
  j.key("size").number(f.size);
  j.key("modificationTime").number(f.modification_time);
  j.key("dataChange").boolean(true);
  j.key("stats").string(f.stats);
  j.end_object().end_object();
  return j.take();
}

std::string remove_action(const FileEntry& f, const std::vector<std::string>& partition_columns,
                          int64_t deletion_timestamp) {
  JsonOut j;
  j.begin_object().key("remove").begin_object();
  j.key("path").string(f.path());
  j.key("deletionTimestamp").number(deletion_timestamp);
  j.key("dataChange").boolean(true);
  j.key("extendedFileMetadata").boolean(true);
  partition_values(j, partition_columns, [&](size_t i) { return f.partition_value(i); });
  j.key("size").number(f.size);
  j.end_object().end_object();
  return j.take();
}

}  // namespace neuralake::delta
