// delta_scan: DuckDB's parquet_scan with a MultiFileReader whose file list is
// a Delta snapshot. Partition values become per-file constants, deletion
// vectors a per-file DeleteFilter, column mapping the column identifiers.
// Files are skipped by the pruning module (src/pruning/) over each file's
// partition values and stats; this file only translates DuckDB's filters.
#include "engine/delta_scan.h"

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "delta/file_facts.h"
#include "delta/log_replay.h"
#include "delta/typed_value.h"
#include "duckdb.hpp"
#include "duckdb/common/multi_file/multi_file_data.hpp"
#include "duckdb/common/multi_file/multi_file_list.hpp"
#include "duckdb/common/multi_file/multi_file_reader.hpp"
#include "duckdb/common/multi_file/multi_file_states.hpp"
#include "duckdb/catalog/catalog_entry/table_function_catalog_entry.hpp"
#include "duckdb/main/extension/extension_loader.hpp"
#include "duckdb/parser/expression/constant_expression.hpp"
#include "duckdb/execution/expression_executor.hpp"
#include "duckdb/planner/expression/bound_columnref_expression.hpp"
#include "duckdb/planner/expression/bound_constant_expression.hpp"
#include "duckdb/planner/expression_iterator.hpp"
#include "duckdb/planner/table_filter.hpp"
#include "engine/delta_checkpoint_reader.h"
#include "engine/errors.h"
#include "engine/pruning_translate.h"
#include "pruning/predicate.h"
#include "storage/confinement_switch.h"
#include "storage/store_registry.h"

namespace neuralake::engine {

namespace {

using duckdb::idx_t;

// Shared by every delta_scan of one database: stores, checkpoint reading and
// the snapshot cache.
struct DeltaScanInfo : duckdb::TableFunctionInfo {
  std::shared_ptr<StoreRegistry> stores;
  std::shared_ptr<const ConfinementSwitch> confinement;  // null or empty: any table URI
  std::unique_ptr<delta::CheckpointReader> checkpoints;
  int64_t staleness_ms = 1000;

  struct Cached {
    delta::SnapshotPtr snapshot;
    std::chrono::steady_clock::time_point checked;
    bool stale = false;  // a write happened: refresh whatever its age
  };
  std::mutex mu;
  std::map<std::string, Cached> latest;  // by table URI

  delta::TableLocation locate(const std::string& uri) {
    std::string u = uri;
    while (u.size() > 1 && u.back() == '/') u.pop_back();
    if (const PathAllowList* list = confinement ? confinement->list() : nullptr)
      list->check(u, "read the Delta table at");
    auto resolved = stores->resolve(u);
    return {resolved.store, resolved.key, uri};
  }

  void mark_stale() {
    std::lock_guard<std::mutex> lock(mu);
    for (auto& [uri, cached] : latest) cached.stale = true;
  }

  delta::SnapshotPtr snapshot(const std::string& uri, std::optional<int64_t> version,
                              std::optional<std::string> timestamp) {
    auto table = locate(uri);
    if (timestamp) {
      int64_t micros = 0;
      try {
        micros = parse_timestamp(*timestamp).micros;
      } catch (const Error&) {
        throw Error(ErrorCode::InvalidArgument, *timestamp,
                    "timestamp '" + *timestamp + "' for Delta table '" + uri + "' is not a valid time");
      }
      version = delta::version_at_timestamp(table, micros / 1000);
    }
    if (version) return delta::load_snapshot(table, *checkpoints, version);
    std::lock_guard<std::mutex> lock(mu);
    auto now = std::chrono::steady_clock::now();
    auto it = latest.find(uri);
    if (it == latest.end()) {
      auto snap = delta::load_snapshot(table, *checkpoints);
      latest[uri] = {snap, now, false};
      return snap;
    }
    if (it->second.stale || now - it->second.checked >= std::chrono::milliseconds(staleness_ms)) {
      it->second.snapshot = delta::refresh_snapshot(it->second.snapshot, *checkpoints);
      it->second.checked = now;
      it->second.stale = false;
    }
    return it->second.snapshot;
  }
};

duckdb::LogicalType logical_type(const delta::DeltaType& t) {
  return duckdb::TransformStringToLogicalType(delta::duckdb_type_name(t));
}

// Deleted row positions of one file; read-only once built, so threads share it.
class DeltaDeleteFilter : public duckdb::DeleteFilter {
 public:
  explicit DeltaDeleteFilter(std::vector<uint64_t> deleted) : deleted_(std::move(deleted)) {}
  idx_t Filter(duckdb::row_t start, idx_t count, duckdb::SelectionVector& sel) override {
    sel.Initialize(STANDARD_VECTOR_SIZE);
    auto it = std::lower_bound(deleted_.begin(), deleted_.end(), static_cast<uint64_t>(start));
    idx_t kept = 0;
    for (idx_t i = 0; i < count; ++i) {
      const uint64_t row = static_cast<uint64_t>(start) + i;
      while (it != deleted_.end() && *it < row) ++it;
      if (it != deleted_.end() && *it == row) continue;
      sel.set_index(kept++, i);
    }
    return kept;
  }

 private:
  std::vector<uint64_t> deleted_;
};

// A partition value as the typed constant DuckDB sees for every row of the
// file (an absent or empty value is NULL).
duckdb::Value partition_constant(const std::optional<std::string>& raw, const duckdb::LogicalType& type) {
  return (!raw || raw->empty()) ? duckdb::Value(type) : duckdb::Value(*raw).DefaultCastAs(type);
}

// True if `expr` reads only columns of the scan that `partition_of` maps to
// partition columns; collects those partition indexes in `reads`.
bool reads_only_partitions(const duckdb::Expression& expr, idx_t table_index,
                           const std::map<idx_t, int>& partition_of, std::set<int>& reads) {
  if (expr.GetExpressionClass() == duckdb::ExpressionClass::BOUND_COLUMN_REF) {
    const auto& ref = expr.Cast<duckdb::BoundColumnRefExpression>();
    if (ref.binding.table_index != table_index || !partition_of.count(ref.binding.column_index)) return false;
    reads.insert(partition_of.at(ref.binding.column_index));
    return true;
  }
  bool ok = true;
  duckdb::ExpressionIterator::EnumerateChildren(expr, [&](const duckdb::Expression& child) {
    ok = ok && reads_only_partitions(child, table_index, partition_of, reads);
  });
  return ok;
}

// Replaces the scan's column references in `expr` by the file's partition
// constants.
void bind_partition_values(duckdb::unique_ptr<duckdb::Expression>& expr, idx_t table_index,
                           const std::map<idx_t, int>& partition_of, const delta::FileEntry& file) {
  if (expr->GetExpressionClass() == duckdb::ExpressionClass::BOUND_COLUMN_REF) {
    const auto& ref = expr->Cast<duckdb::BoundColumnRefExpression>();
    const int p = partition_of.at(ref.binding.column_index);
    expr = duckdb::make_uniq<duckdb::BoundConstantExpression>(
        partition_constant(file.partition_value(static_cast<size_t>(p)), ref.return_type));
    return;
  }
  duckdb::ExpressionIterator::EnumerateChildren(*expr, [&](duckdb::unique_ptr<duckdb::Expression>& child) {
    bind_partition_values(child, table_index, partition_of, file);
  });
}

// The files of one snapshot, loaded on first use (the version is known only
// after the named parameters are parsed).
class DeltaFileList : public duckdb::MultiFileList {
 public:
  DeltaFileList(duckdb::shared_ptr<DeltaScanInfo> info, std::string uri)
      : MultiFileList({duckdb::OpenFileInfo(uri)}, duckdb::FileGlobOptions::ALLOW_EMPTY),
        info_(std::move(info)), uri_(std::move(uri)) {}
  DeltaFileList(const DeltaFileList& base, std::vector<const delta::FileEntry*> files)
      : MultiFileList({duckdb::OpenFileInfo(base.uri_)}, duckdb::FileGlobOptions::ALLOW_EMPTY),
        info_(base.info_), uri_(base.uri_), snapshot_(base.snapshot_), files_(std::move(files)), loaded_(true) {}

  std::optional<int64_t> version;
  std::optional<std::string> timestamp;

  const delta::Snapshot& snapshot() {
    load();
    return *snapshot_;
  }
  const delta::FileEntry& entry(idx_t i) {
    load();
    return *files_.at(i);
  }

  duckdb::vector<duckdb::OpenFileInfo> GetAllFiles() override {
    load();
    duckdb::vector<duckdb::OpenFileInfo> out;
    for (idx_t i = 0; i < files_.size(); ++i) out.push_back(GetFile(i));
    return out;
  }
  duckdb::FileExpandResult GetExpandResult() override {
    load();
    if (files_.empty()) return duckdb::FileExpandResult::NO_FILES;
    return files_.size() == 1 ? duckdb::FileExpandResult::SINGLE_FILE : duckdb::FileExpandResult::MULTIPLE_FILES;
  }
  idx_t GetTotalFileCount() override {
    load();
    return files_.size();
  }
  duckdb::unique_ptr<duckdb::MultiFileList> Copy() override {
    load();
    return duckdb::make_uniq<DeltaFileList>(*this, files_);
  }

  // Drops files for which a filter on partition columns only (any
  // expression: IN lists, ORs, functions of the values) is false or NULL,
  // evaluated once per distinct combination of the values it reads. Runs at
  // planning time, before any file is opened, so EXPLAIN shows the count.
  // The filters stay in place: DuckDB still applies them to the constants.
  duckdb::unique_ptr<duckdb::MultiFileList> ComplexFilterPushdown(
      duckdb::ClientContext& context, const duckdb::MultiFileOptions&, duckdb::MultiFilePushdownInfo& info,
      duckdb::vector<duckdb::unique_ptr<duckdb::Expression>>& filters) override {
    try {
      load();
    } catch (const Error& e) {
      throw_into_duckdb(e);
    }
    const auto& snap = *snapshot_;
    if (filters.empty() || snap.metadata.partition_columns.empty()) return nullptr;
    std::map<idx_t, int> partition_of;  // the scan's column index -> partition index
    for (idx_t i = 0; i < info.column_ids.size(); ++i) {
      if (duckdb::IsVirtualColumn(info.column_ids[i]) || info.column_ids[i] >= info.column_names.size()) continue;
      const int p = snap.partition_index(info.column_names[info.column_ids[i]]);
      if (p >= 0) partition_of[i] = p;
    }
    // Each usable filter as a pruning predicate over the partition columns;
    // what the module cannot read (functions of the values) DuckDB folds on
    // the file's partition constants.
    const auto types = partition_types(snap);
    auto evaluator_for = [&](const duckdb::Expression& sub) -> pruning::Predicate::Evaluator {
      return [&context, &sub, &info, &partition_of](const pruning::FileFacts& facts) {
        auto bound = sub.Copy();
        bind_partition_values(bound, info.table_index, partition_of,
                              static_cast<const delta::DeltaFileFacts&>(facts).file());
        duckdb::Value result;
        if (!bound->IsFoldable() || !duckdb::ExpressionExecutor::TryEvaluateScalar(context, *bound, result))
          return pruning::Outcome::anything();  // an expression we cannot evaluate here never prunes
        if (result.IsNull()) return pruning::Outcome::null();
        return pruning::Outcome::always(result.DefaultCastAs(duckdb::LogicalType::BOOLEAN).GetValue<bool>());
      };
    };
    auto column_of = [&](const duckdb::BoundColumnRefExpression& ref) -> std::optional<std::string> {
      if (ref.binding.table_index != info.table_index || !partition_of.count(ref.binding.column_index))
        return std::nullopt;
      return snap.metadata.partition_columns[static_cast<size_t>(partition_of.at(ref.binding.column_index))];
    };
    struct PartitionFilter {
      const duckdb::Expression* expr;
      std::vector<int> reads;  // partition indexes, for the cache key
      pruning::Pruner pruner;
      std::map<std::vector<std::optional<std::string>>, bool> keeps;
    };
    std::vector<PartitionFilter> usable;
    for (const auto& f : filters) {
      std::set<int> reads;
      if (!f->IsFoldable() && reads_only_partitions(*f, info.table_index, partition_of, reads) && !reads.empty()) {
        auto predicate = predicate_from_expression(*f, column_of, evaluator_for);
        pruning::Pruner pruner(predicate, [&](const std::string& name) { return delta::DeltaFileFacts::slot_of(snap, name); });
        usable.push_back({f.get(), std::vector<int>(reads.begin(), reads.end()), std::move(pruner), {}});
      }
    }
    if (usable.empty()) return nullptr;
    std::vector<const delta::FileEntry*> kept;
    std::string applied;
    delta::DeltaFileFacts facts(snap, types);
    for (const auto* file : files_) {
      facts.set_file(*file);
      bool keep = true;
      for (auto& pf : usable) {
        std::vector<std::optional<std::string>> key;
        for (int p : pf.reads) key.push_back(file->partition_value(static_cast<size_t>(p)));
        auto it = pf.keeps.find(key);
        if (it == pf.keeps.end()) {
          const bool k = pf.pruner.may_match(facts);
          it = pf.keeps.emplace(std::move(key), k).first;
          if (!k && applied.find(pf.expr->ToString()) == std::string::npos) {
            applied += (applied.empty() ? "" : " AND ") + pf.expr->ToString();
          }
        }
        if (!it->second) {
          keep = false;
          break;
        }
      }
      if (keep) kept.push_back(file);
    }
    if (kept.size() == files_.size()) return nullptr;
    info.extra_info.file_filters = applied;
    info.extra_info.total_files = files_.size();
    info.extra_info.filtered_files = kept.size();
    return duckdb::make_uniq<DeltaFileList>(*this, std::move(kept));
  }

  // Drops files whose partition values or stats show that no row can pass
  // the scan's filters, before any file is opened.
  duckdb::unique_ptr<duckdb::MultiFileList> DynamicFilterPushdown(
      duckdb::ClientContext&, const duckdb::MultiFileOptions&, const duckdb::vector<duckdb::string>& names,
      const duckdb::vector<duckdb::LogicalType>&, const duckdb::vector<duckdb::column_t>& column_ids,
      duckdb::TableFilterSet& filters) const override {
    auto& self = const_cast<DeltaFileList&>(*this);
    self.load();
    if (filters.filters.empty()) return nullptr;
    const auto& snap = *snapshot_;
    const pruning::Pruner pruner(predicate_from_table_filters(filters, names, column_ids),
                                 [&](const std::string& name) { return delta::DeltaFileFacts::slot_of(snap, name); });
    if (pruner.trivial()) return nullptr;
    const auto types = partition_types(snap);
    delta::DeltaFileFacts facts(snap, types);
    std::vector<const delta::FileEntry*> kept;
    for (const auto* file : files_) {
      facts.set_file(*file);
      if (pruner.may_match(facts)) kept.push_back(file);
    }
    if (kept.size() == files_.size()) return nullptr;
    return duckdb::make_uniq<DeltaFileList>(*this, std::move(kept));
  }

 protected:
  duckdb::OpenFileInfo GetFile(idx_t i) override {
    load();
    if (i >= files_.size()) return duckdb::OpenFileInfo("");
    const auto& loc = snapshot_->location;
    return duckdb::OpenFileInfo(object_uri(*loc.store, loc.file_key(files_[i]->path())));
  }

 private:
  void load() {
    std::lock_guard<std::mutex> lock(mu_);
    if (loaded_) return;
    snapshot_ = info_->snapshot(uri_, version, timestamp);
    files_ = snapshot_->files();
    loaded_ = true;
  }

  duckdb::shared_ptr<DeltaScanInfo> info_;
  std::string uri_;
  std::mutex mu_;
  delta::SnapshotPtr snapshot_;
  std::vector<const delta::FileEntry*> files_;
  bool loaded_ = false;
};

duckdb::MultiFileColumnDefinition column_definition(const delta::DeltaField& f, delta::ColumnMappingMode mode) {
  duckdb::MultiFileColumnDefinition col(f.name, logical_type(f.type));
  if (mode == delta::ColumnMappingMode::Name) col.identifier = duckdb::Value(f.physical_name);
  if (mode == delta::ColumnMappingMode::Id && f.field_id) {
    col.identifier = duckdb::Value::INTEGER(static_cast<int32_t>(*f.field_id));
  }
  // A column a file lacks (added later by schema evolution) reads as NULL.
  col.default_expression = duckdb::make_uniq<duckdb::ConstantExpression>(duckdb::Value(col.type));
  if (f.type.kind == delta::DeltaType::Kind::Struct) {
    for (const auto& child : f.type.fields) col.children.push_back(column_definition(child, mode));
  }
  return col;
}

class DeltaMultiFileReader : public duckdb::MultiFileReader {
 public:
  explicit DeltaMultiFileReader(duckdb::shared_ptr<DeltaScanInfo> info) : info_(std::move(info)) {
    function_name = "delta_scan";
  }

  static duckdb::unique_ptr<duckdb::MultiFileReader> Create(const duckdb::TableFunction& fn) {
    auto info = duckdb::shared_ptr_cast<duckdb::TableFunctionInfo, DeltaScanInfo>(fn.function_info);
    return duckdb::make_uniq<DeltaMultiFileReader>(info);
  }

  duckdb::shared_ptr<duckdb::MultiFileList> CreateFileList(duckdb::ClientContext&, const duckdb::vector<duckdb::string>& paths,
                                                           const duckdb::FileGlobInput&) override {
    if (paths.size() != 1) throw duckdb::BinderException("delta_scan takes exactly one table path");
    list_ = duckdb::make_shared_ptr<DeltaFileList>(info_, paths[0]);
    return list_;
  }

  bool ParseOption(const std::string& key, const duckdb::Value& val, duckdb::MultiFileOptions& options,
                   duckdb::ClientContext& context) override {
    if (key == "version") {
      list_->version = val.GetValue<int64_t>();
      return true;
    }
    if (key == "timestamp") {
      list_->timestamp = val.ToString();
      return true;
    }
    return MultiFileReader::ParseOption(key, val, options, context);
  }

  bool Bind(duckdb::MultiFileOptions& options, duckdb::MultiFileList& files, duckdb::vector<duckdb::LogicalType>& types,
            duckdb::vector<duckdb::string>& names, duckdb::MultiFileReaderBindData& bind_data) override {
    auto& list = files.Cast<DeltaFileList>();
    const delta::Snapshot* snap_ptr = nullptr;
    try {
      snap_ptr = &list.snapshot();
    } catch (const Error& e) {
      throw_into_duckdb(e);
    }
    const auto& snap = *snap_ptr;
    options.hive_partitioning = false;
    options.auto_detect_hive_partitioning = false;
    for (const auto& f : snap.schema.fields) {
      names.push_back(f.name);
      types.push_back(logical_type(f.type));
      bind_data.schema.push_back(column_definition(f, snap.column_mapping));
    }
    bind_data.mapping = snap.column_mapping == delta::ColumnMappingMode::Id
                            ? duckdb::MultiFileColumnMappingMode::BY_FIELD_ID
                            : duckdb::MultiFileColumnMappingMode::BY_NAME;
    return true;
  }

  void BindOptions(duckdb::MultiFileOptions& options, duckdb::MultiFileList& files,
                   duckdb::vector<duckdb::LogicalType>& types, duckdb::vector<duckdb::string>& names,
                   duckdb::MultiFileReaderBindData& bind_data) override {
    options.hive_partitioning = false;
    options.auto_detect_hive_partitioning = false;
    MultiFileReader::BindOptions(options, files, types, names, bind_data);
  }

  void FinalizeBind(duckdb::MultiFileReaderData& reader_data, const duckdb::MultiFileOptions& file_options,
                    const duckdb::MultiFileReaderBindData& options,
                    const duckdb::vector<duckdb::MultiFileColumnDefinition>& global_columns,
                    const duckdb::vector<duckdb::ColumnIndex>& global_column_ids, duckdb::ClientContext& context,
                    duckdb::optional_ptr<duckdb::MultiFileReaderGlobalState> global_state) override {
    MultiFileReader::FinalizeBind(reader_data, file_options, options, global_columns, global_column_ids, context,
                                  global_state);
    // Without the list a file's partition values and deletion vector are
    // unknown: reading it anyway would return wrong rows.
    if (!global_state || !global_state->file_list) {
      throw duckdb::InternalException("Delta scan: a file was opened without its file list");
    }
    auto& list = const_cast<duckdb::MultiFileList&>(*global_state->file_list).Cast<DeltaFileList>();
    const auto& snap = list.snapshot();
    const auto& entry = list.entry(reader_data.reader->file_list_idx.GetIndex());
    for (idx_t i = 0; i < global_column_ids.size(); ++i) {
      const auto col = global_column_ids[i].GetPrimaryIndex();
      if (col >= global_columns.size()) continue;  // virtual columns
      const int p = snap.partition_index(global_columns[col].name);
      if (p < 0) continue;
      const auto raw = entry.partition_value(static_cast<size_t>(p));
      const auto& type = global_columns[col].type;
      duckdb::Value v = (!raw || raw->empty()) ? duckdb::Value(type) : duckdb::Value(*raw).DefaultCastAs(type);
      reader_data.constant_map.Add(duckdb::MultiFileGlobalIndex(i), std::move(v));
    }
    if (entry.deletion_vector) {
      std::vector<uint64_t> rows;
      try {
        rows = delta::load_deletion_vector(*snap.location.store, snap.location.key, *entry.deletion_vector);
      } catch (const Error& e) {
        throw_into_duckdb(e);
      }
      reader_data.reader->deletion_filter = duckdb::make_uniq<DeltaDeleteFilter>(std::move(rows));
    }
  }

  duckdb::unique_ptr<duckdb::MultiFileReaderGlobalState> InitializeGlobalState(
      duckdb::ClientContext&, const duckdb::MultiFileOptions&, const duckdb::MultiFileReaderBindData&,
      const duckdb::MultiFileList& file_list, const duckdb::vector<duckdb::MultiFileColumnDefinition>&,
      const duckdb::vector<duckdb::ColumnIndex>&) override {
    // FinalizeBind finds each file's partition values and DV through the list.
    return duckdb::make_uniq<duckdb::MultiFileReaderGlobalState>(duckdb::vector<duckdb::LogicalType>(), &file_list);
  }

  duckdb::shared_ptr<duckdb::BaseFileReader> CreateReader(duckdb::ClientContext& context,
                                                          duckdb::GlobalTableFunctionState& gstate,
                                                          const duckdb::OpenFileInfo& file, idx_t file_idx,
                                                          const duckdb::MultiFileBindData& bind_data) override {
    try {
      return MultiFileReader::CreateReader(context, gstate, file, file_idx, bind_data);
    } catch (const std::exception& e) {
      duckdb::ErrorData err(e);
      auto& list = bind_data.file_list->Cast<DeltaFileList>();
      const auto& snap = list.snapshot();
      const auto key = snap.location.file_key(list.entry(file_idx).path());
      if (!snap.location.store->head(key)) {
        throw_into_duckdb(Error(ErrorCode::NotFound, file.path,
                                "Delta table '" + snap.location.name + "' at version " +
                                    std::to_string(snap.version) + " references data file '" + file.path +
                                    "', which is gone (vacuumed?)"));
      }
      throw;
    }
  }

  duckdb::unique_ptr<duckdb::MultiFileReader> Copy() const override {
    auto copy = duckdb::make_uniq<DeltaMultiFileReader>(info_);
    copy->list_ = list_;
    return copy;
  }

 private:
  duckdb::shared_ptr<DeltaScanInfo> info_;
  duckdb::shared_ptr<DeltaFileList> list_;
};

}  // namespace

std::function<void()> register_delta_scan(duckdb::DatabaseInstance& db, std::shared_ptr<StoreRegistry> stores,
                                          int64_t staleness_ms, std::shared_ptr<const ConfinementSwitch> confinement) {
  auto info = duckdb::make_shared_ptr<DeltaScanInfo>();
  info->stores = std::move(stores);
  info->confinement = std::move(confinement);
  info->checkpoints = make_checkpoint_reader(db);
  info->staleness_ms = staleness_ms;

  duckdb::ExtensionLoader loader(db, "neuralake");
  auto& parquet = loader.GetTableFunction("parquet_scan");
  for (auto& fn : parquet.functions.functions) {
    if (fn.arguments.size() != 1 || fn.arguments[0] != duckdb::LogicalType::VARCHAR) continue;
    duckdb::TableFunction scan = fn;
    scan.name = "delta_scan";
    scan.get_multi_file_reader = DeltaMultiFileReader::Create;
    scan.function_info = info;
    scan.named_parameters["version"] = duckdb::LogicalType::BIGINT;
    scan.named_parameters["timestamp"] = duckdb::LogicalType::VARCHAR;
    loader.RegisterFunction(scan);
    return [weak = duckdb::weak_ptr<DeltaScanInfo>(info)] {
      if (auto i = weak.lock()) i->mark_stale();
    };
  }
  throw Error(ErrorCode::Internal, "parquet_scan", "DuckDB's parquet_scan has no single-path overload to build delta_scan on");
}

}  // namespace neuralake::engine
