// delta_table_info() and delta_history(): a Delta table's log facts for the
// CLI and for users, loaded through the session's stores and checkpoint reader.
#include <filesystem>

#include "delta/log_replay.h"
#include "engine/delta_location.h"
#include "engine/delta_checkpoint_reader.h"
#include "engine/session_state.h"
#include "neuralake/delta.h"
#include "neuralake/error.h"
#include "storage/store_registry.h"

namespace neuralake {

delta::TableLocation engine::locate_delta_table(Session& session, const std::string& location, const std::string& name) {
  std::string uri = session.resolve_location(location);
  while (uri.size() > 1 && uri.back() == '/') uri.pop_back();
  if (uri.find("://") == std::string::npos) {
    std::error_code ec;
    auto abs = std::filesystem::absolute(uri, ec);
    uri = "file://" + (ec ? uri : abs.lexically_normal().string());
    while (uri.size() > 8 && uri.back() == '/') uri.pop_back();
  }
  auto resolved = session.state()->stores->resolve(uri);
  return {resolved.store, resolved.key, name.empty() ? uri : name};
}

namespace {

delta::TableLocation locate(Session& session, const std::string& location, const std::string& name) {
  return engine::locate_delta_table(session, location, name);
}

const Table& delta_table(Session& session, const std::string& database, const std::string& table) {
  const std::string qualified = database + "." + table;
  const Table* t = session.state()->find_table(database, table);
  if (!t) throw Error(ErrorCode::NotFound, qualified, "unknown table '" + qualified + "'");
  if (t->kind() != table_kind::delta) {
    throw Error(ErrorCode::InvalidArgument, qualified,
                "table '" + qualified + "' is a " + t->kind() + " table, not a Delta table");
  }
  return *t;
}

DeltaTableInfo info_of(Session& session, const delta::TableLocation& where) {
  auto reader = engine::make_checkpoint_reader(*session.state()->db->instance);
  auto snap = delta::load_snapshot(where, *reader);
  DeltaTableInfo info;
  info.location = engine::object_uri(*where.store, where.key);
  info.version = snap->version;
  info.timestamp_ms = snap->timestamp_ms;
  info.partition_columns = snap->metadata.partition_columns;
  info.num_files = snap->num_files();
  info.total_bytes = snap->total_bytes();
  info.min_reader_version = snap->protocol.min_reader_version;
  info.min_writer_version = snap->protocol.min_writer_version;
  info.reader_features = snap->protocol.reader_features.value_or(std::vector<std::string>{});
  info.writer_features = snap->protocol.writer_features.value_or(std::vector<std::string>{});
  info.column_mapping = snap->column_mapping == delta::ColumnMappingMode::Name ? "name"
                        : snap->column_mapping == delta::ColumnMappingMode::Id ? "id"
                                                                                : "none";
  if (snap->checkpoint) info.checkpoint_version = snap->checkpoint->version;
  return info;
}

std::vector<DeltaCommit> history_of(const delta::TableLocation& where, size_t limit) {
  std::vector<DeltaCommit> out;
  for (auto& c : delta::history(where, limit)) {
    out.push_back({c.version, c.timestamp_ms, std::move(c.operation), std::move(c.parameters), std::move(c.engine),
                   c.adds, c.removes});
  }
  return out;
}

}  // namespace

DeltaTableInfo delta_table_info(Session& session, const std::string& database, const std::string& table) {
  const Table& t = delta_table(session, database, table);
  return info_of(session, locate(session, t.def().location, database + "." + table));
}

DeltaTableInfo delta_table_info(Session& session, const std::string& location) {
  return info_of(session, locate(session, location, ""));
}

std::vector<DeltaCommit> delta_history(Session& session, const std::string& database, const std::string& table,
                                       size_t limit) {
  const Table& t = delta_table(session, database, table);
  return history_of(locate(session, t.def().location, database + "." + table), limit);
}

std::vector<DeltaCommit> delta_history(Session& session, const std::string& location, size_t limit) {
  return history_of(locate(session, location, ""), limit);
}

}  // namespace neuralake
