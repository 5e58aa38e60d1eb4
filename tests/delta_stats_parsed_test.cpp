// Checkpoints whose adds carry typed stats (add.stats_parsed) instead of, or
// beside, the JSON text: the snapshot must keep the same bounds for skipping.
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "delta/file_stats.h"
#include "delta/log_listing.h"
#include "delta/log_replay.h"
#include "engine/delta_checkpoint_reader.h"
#include "neuralake/expr.h"
#include "neuralake/session.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace delta = neuralake::delta;
namespace fs = std::filesystem;

namespace {

const char* kSchema =
    R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},)"
    R"({"name":"x","type":"double","nullable":true,"metadata":{}},)"
    R"({"name":"s","type":"string","nullable":true,"metadata":{}},)"
    R"({"name":"d","type":"date","nullable":true,"metadata":{}},)"
    R"({"name":"t","type":"timestamp","nullable":true,"metadata":{}},)"
    R"({"name":"flag","type":"boolean","nullable":true,"metadata":{}}]})";

// add.stats_parsed as the Delta checkpoint schema has it: bounds in the
// columns' own types, null counts as longs (booleans keep null counts only).
const char* kBounds = "STRUCT(id BIGINT, x DOUBLE, s VARCHAR, d DATE, t TIMESTAMP)";
const char* kShape =
    R"({"numRecords":"BIGINT","minValues":{"id":"BIGINT","x":"DOUBLE","s":"VARCHAR","d":"DATE","t":"TIMESTAMP"},)"
    R"("maxValues":{"id":"BIGINT","x":"DOUBLE","s":"VARCHAR","d":"DATE","t":"TIMESTAMP"},)"
    R"("nullCount":{"id":"BIGINT","x":"BIGINT","s":"BIGINT","d":"BIGINT","t":"BIGINT","flag":"BIGINT"}})";

// Stats of file k; some files lack some stats, one has no stats at all, one
// a string bound too long to keep as an upper bound.
std::string stats_of(int k) {
  if (k == 3) return "";
  const std::string n = std::to_string(k);
  std::string mins = R"("id":)" + std::to_string(k * 100) + R"(,"x":)" + n + R"(.5,"s":"s-)" + n +
                     R"(","d":"2024-01-0)" + std::to_string(k % 9 + 1) + R"(","t":"2024-01-01T0)" + std::to_string(k % 10) +
                     R"(:00:00.000Z")";
  std::string maxs = R"("id":)" + std::to_string(k * 100 + 99) + R"(,"x":)" + std::to_string(k + 10) + R"(.25,"s":")" +
                     (k == 5 ? std::string(80, 'z') : "t-" + n) + R"(","d":"2024-02-0)" + std::to_string(k % 9 + 1) +
                     R"(","t":"2024-01-02T0)" + std::to_string(k % 10) + R"(:30:00.123Z")";
  if (k == 2) maxs = R"("id":299)";  // only one upper bound
  return R"({"numRecords":)" + std::to_string(10 + k) + R"(,"minValues":{)" + mins + R"(},"maxValues":{)" + maxs +
         R"(},"nullCount":{"id":0,"x":)" + n + R"(,"s":1,"d":0,"t":2,"flag":)" + std::to_string(k % 3) + "}}";
}

class DeltaStatsParsed : public ::testing::Test {
 protected:
  static constexpr int kFiles = 8;

  // A table whose checkpoint (version 0) holds kFiles adds with their stats
  // as JSON, as typed structs, or both (`json_stats` may differ from the
  // typed ones, to see which the reader takes).
  delta::TableLocation write_table(const std::string& name, bool json, bool parsed, bool json_disagrees = false) {
    const fs::path root = dir_.path() / name;
    fs::create_directories(root / "_delta_log");
    const std::string add_t = std::string("STRUCT(path VARCHAR, partitionValues MAP(VARCHAR, VARCHAR), size BIGINT, "
                                          "modificationTime BIGINT, dataChange BOOLEAN") +
                              (json ? ", stats VARCHAR" : "") +
                              (parsed ? std::string(", stats_parsed STRUCT(numRecords BIGINT, minValues ") + kBounds +
                                            ", maxValues " + kBounds +
                                            ", nullCount STRUCT(id BIGINT, x BIGINT, s BIGINT, d BIGINT, t BIGINT, "
                                            "flag BIGINT))"
                                      : "") +
                              ")";
    const std::string meta_t = "STRUCT(id VARCHAR, schemaString VARCHAR, partitionColumns VARCHAR[], "
                               "configuration MAP(VARCHAR, VARCHAR))";
    const std::string proto_t = "STRUCT(minReaderVersion INTEGER, minWriterVersion INTEGER)";
    std::string rows;
    for (int k = 0; k < kFiles; ++k) {
      const std::string st = stats_of(k);
      const std::string st_sql = st.empty() ? "NULL::VARCHAR" : nl::sql_string_literal(st);
      const std::string json_sql = json_disagrees ? nl::sql_string_literal(R"({"numRecords":1,"minValues":{"id":-5}})") : st_sql;
      rows += " UNION ALL SELECT {'path': " + nl::sql_string_literal("f" + std::to_string(k) + ".parquet") +
              ", 'partitionValues': MAP {}, 'size': 1, 'modificationTime': 0, 'dataChange': false" +
              (json ? ", 'stats': " + json_sql : "") +
              (parsed ? ", 'stats_parsed': from_json(" + st_sql + ", " + nl::sql_string_literal(kShape) + ")" : "") + "}::" +
              add_t + ", NULL, NULL";
    }
    session_.execute("COPY (SELECT NULL::" + add_t + " AS add, {'minReaderVersion': 1, 'minWriterVersion': 2}::" +
                     proto_t + " AS protocol, NULL::" + meta_t + " AS metaData UNION ALL SELECT NULL, NULL, "
                     "{'id': 'sp', 'schemaString': " + nl::sql_string_literal(kSchema) +
                     ", 'partitionColumns': []::VARCHAR[], 'configuration': MAP {}}::" + meta_t + rows + ") TO " +
                     nl::sql_string_literal((root / "_delta_log" / "00000000000000000000.checkpoint.parquet").string()) +
                     " (FORMAT parquet)");
    nl::testing::write_file(root / "_delta_log" / "_last_checkpoint", R"({"version":0})");
    return {nl::make_local_store(root.string()), "", name};
  }

  // Every file's num_records and every column's decoded bounds, in one text.
  static std::string describe(const delta::Snapshot& snap) {
    std::string out;
    snap.for_each_file([&](const delta::FileEntry& f) {
      out += std::string(f.path()) + " rows=" + std::to_string(f.num_records);
      for (size_t c = 0; c < snap.stats_layout.columns.size(); ++c) {
        const auto s = delta::decode_column_stats(f.stats(), snap.stats_layout, c);
        out += " " + snap.stats_layout.columns[c].name + "[" + s.min.to_string() + ".." + s.max.to_string() + " nulls=" +
               (s.null_count ? std::to_string(*s.null_count) : "?") + "]";
      }
      out += "\n";
    });
    return out;
  }

  nl::testing::TempDir dir_;
  std::unique_ptr<delta::CheckpointReader> reader_ = nl::engine::make_standalone_checkpoint_reader();
  nl::Session session_;
};

TEST_F(DeltaStatsParsed, TypedStatsOnlyGiveTheSameBoundsAsJsonStats) {
  const auto from_json = delta::load_snapshot(write_table("json", true, false), *reader_);
  const auto from_parsed = delta::load_snapshot(write_table("parsed", false, true), *reader_);
  ASSERT_EQ(from_json->num_files(), static_cast<size_t>(kFiles));
  const std::string want = describe(*from_json);
  EXPECT_EQ(describe(*from_parsed), want);
  // Not vacuous: bounds of every kind were kept, and the gaps stayed gaps.
  const auto& layout = from_parsed->stats_layout;
  auto stats = [&](int file, const char* column) {
    const auto files = from_parsed->files();
    return delta::decode_column_stats(files.at(static_cast<size_t>(file))->stats(), layout,
                                      static_cast<size_t>(layout.find(column)));
  };
  EXPECT_EQ(stats(1, "id").min, nl::Value(100));
  EXPECT_EQ(stats(1, "id").max, nl::Value(199));
  EXPECT_EQ(stats(1, "x").min, nl::Value(1.5));
  EXPECT_EQ(stats(1, "s").max, nl::Value(std::string("t-1")));
  EXPECT_EQ(stats(1, "d").min, nl::Value(nl::parse_date("2024-01-02")));
  EXPECT_FALSE(stats(1, "t").max.is_null());
  EXPECT_EQ(stats(1, "flag").null_count, 1);
  EXPECT_TRUE(stats(2, "x").max.is_null());   // absent upper bound
  EXPECT_TRUE(stats(5, "s").max.is_null());   // too long to keep as an upper bound
  EXPECT_FALSE(stats(5, "s").min.is_null());  // its prefix still bounds from below
  EXPECT_EQ(from_parsed->files().at(3)->num_records, -1);  // no stats at all
  EXPECT_TRUE(stats(3, "id").min.is_null());
}

// Where both are present the typed stats are read (the JSON text is not):
// here the JSON deliberately says something else.
TEST_F(DeltaStatsParsed, TypedStatsAreReadInsteadOfJson) {
  const auto want = describe(*delta::load_snapshot(write_table("json", true, false), *reader_));
  const auto both = delta::load_snapshot(write_table("both", true, true, /*json_disagrees=*/true), *reader_);
  EXPECT_EQ(describe(*both), want);
}

// The files a filter id = 150 keeps, as the scan's skipping decides from
// the bounds: the same whichever way the checkpoint carries them.
TEST_F(DeltaStatsParsed, SameFilesSkippedForAnIdFilter) {
  for (const char* name : {"json", "parsed"}) {
    SCOPED_TRACE(name);
    const bool parsed = std::string(name) == "parsed";
    const auto where = write_table(name, !parsed, parsed);
    const auto snap = delta::load_snapshot(where, *reader_);
    // Files whose id bounds admit id = 150: only f1 among those with stats;
    // f3 (no stats) can never be skipped.
    std::vector<std::string> admitted;
    const int id_col = snap->stats_layout.find("id");
    snap->for_each_file([&](const delta::FileEntry& f) {
      const auto s = delta::decode_column_stats(f.stats(), snap->stats_layout, static_cast<size_t>(id_col));
      const bool below = !s.min.is_null() && s.min.as<int64_t>() > 150;
      const bool above = !s.max.is_null() && s.max.as<int64_t>() < 150;
      if (!below && !above) admitted.emplace_back(f.path());
    });
    EXPECT_EQ(admitted, (std::vector<std::string>{"f1.parquet", "f3.parquet"}));
  }
}

}  // namespace
