// replaceWhere, merge_schema and the conflict rules of concurrent Delta
// commits. Every race is made deterministic: a store hook commits the
// competing write just before ours publishes its log entry. Each conflict is
// paired with a race that must succeed, so a writer that conflicts on
// everything cannot pass.
#include <filesystem>
#include <algorithm>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "neuralake/delta.h"
#include "neuralake/delta_writer.h"
#include "neuralake/session.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using json = nlohmann::json;

namespace {

// The same data under another store URI, as a second process would see it.
class Alias : public nl::ForwardingObjectStore {
 public:
  Alias(std::shared_ptr<nl::ObjectStore> target, std::string uri) : ForwardingObjectStore(std::move(target)), uri_(std::move(uri)) {}
  std::string uri() const override { return uri_; }

 private:
  std::string uri_;
};

// Runs `hook` once, just before the next Delta commit entry is published.
class CommitHookStore : public Alias {
 public:
  using Alias::Alias;
  std::function<void()> hook;
  bool put_if_absent(std::string_view key, std::string_view data) override {
    if (hook && key.find("_delta_log/") != std::string_view::npos && key.size() > 5 &&
        key.substr(key.size() - 5) == ".json") {
      auto h = std::move(hook);
      hook = nullptr;
      h();
    }
    return Alias::put_if_absent(key, data);
  }
};

nl::SessionOptions options() {
  nl::SessionOptions o;
  o.delta_staleness = std::chrono::milliseconds(0);
  return o;
}

// Two writers of one table in one process, as two processes would be: "ours"
// commits through the hook store, "theirs" writes straight to the same data.
struct Race : ::testing::Test {
  std::shared_ptr<nl::ObjectStore> data = nl::make_memory_store("race");
  std::shared_ptr<CommitHookStore> hooked = std::make_shared<CommitHookStore>(data, "memory://race-ours");
  std::shared_ptr<Alias> plain = std::make_shared<Alias>(data, "memory://race-theirs");
  nl::Session ours{options()};
  nl::Session theirs{options()};
  const std::string our_uri = "memory://race-ours/t";
  const std::string their_uri = "memory://race-theirs/t";

  void SetUp() override {
    ours.add_store("memory://race-ours", hooked);
    theirs.add_store("memory://race-theirs", plain);
  }

  nl::DeltaWriter our_writer() { return nl::DeltaWriter(ours, our_uri); }
  nl::DeltaWriter their_writer() { return nl::DeltaWriter(theirs, their_uri); }

  void make_table(const std::string& rows, std::vector<std::string> partition_by = {"k"}) {
    nl::DeltaWriteOptions o;
    o.create = nl::DeltaCreateOptions{};
    o.create->partition_by = std::move(partition_by);
    their_writer().append(theirs.lazy(rows), o);
  }
  // Before our next commit publishes, `competing` commits theirs.
  void before_our_commit(std::function<void(nl::DeltaWriter&)> competing) {
    hooked->hook = [this, competing] {
      auto w = their_writer();
      competing(w);
    };
  }
  // The rows as text, sorted as text.
  std::vector<std::string> rows() {
    auto df = theirs.sql("SELECT CAST(COLUMNS(*) AS VARCHAR) FROM delta_scan('" + their_uri + "') ORDER BY ALL");
    std::vector<std::string> out;
    for (size_t r = 0; r < df.num_rows(); ++r) {
      std::string row;
      for (size_t c = 0; c < df.num_columns(); ++c) {
        auto v = df.value(r, c);
        row += (c ? "|" : "") + (v.is_null() ? std::string("<null>") : v.as<std::string>());
      }
      out.push_back(row);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  int64_t version() { return nl::delta_table_info(theirs, their_uri).version; }
  std::vector<json> log(int64_t v, const std::string& kind) {
    char name[40];
    std::snprintf(name, sizeof name, "t/_delta_log/%020lld.json", static_cast<long long>(v));
    std::vector<json> out;
    std::string text = data->read_all(name);
    size_t pos = 0;
    while (pos < text.size()) {
      size_t end = text.find('\n', pos);
      if (end == std::string::npos) end = text.size();
      if (end > pos) {
        json row = json::parse(text.substr(pos, end - pos));
        if (row.contains(kind)) out.push_back(row[kind]);
      }
      pos = end + 1;
    }
    return out;
  }
};

const char* kThreePartitions = "SELECT * FROM (VALUES (1, 'a'), (1, 'b'), (2, 'c'), (3, 'd')) t(k, v)";

}  // namespace

TEST_F(Race, ReplaceWhereReplacesExactlyTheMatchingPartition) {
  make_table(kThreePartitions);
  auto r = our_writer().overwrite(ours.lazy("SELECT 1 AS k, 'new' AS v"), "k = 1");
  EXPECT_EQ(r.version, 1);
  EXPECT_EQ(rows(), (std::vector<std::string>{"1|new", "2|c", "3|d"}));
  auto removes = log(1, "remove");
  ASSERT_EQ(removes.size(), 1u);
  EXPECT_EQ(removes[0]["partitionValues"]["k"], "1");
  auto info = log(1, "commitInfo").at(0);
  EXPECT_EQ(info["operationParameters"]["predicate"], "[\"k = 1\"]");
  EXPECT_EQ(info["operationParameters"]["mode"], "Overwrite");
}

TEST_F(Race, ReplaceWhereOnADataColumnKeepsTheOtherRowsOfItsFiles) {
  make_table("SELECT range AS id, range % 2 AS k, 'old' AS v FROM range(20)");
  our_writer().overwrite(ours.lazy("SELECT range AS id, range % 2 AS k, 'new' AS v FROM range(5)"), "id < 5");
  std::vector<std::string> want;
  for (size_t i = 0; i < 20; ++i) want.push_back(std::to_string(i) + "|" + std::to_string(i % 2) + "|" + (i < 5 ? "new" : "old"));
  std::sort(want.begin(), want.end());
  EXPECT_EQ(rows(), want);
}

TEST_F(Race, RowsOutsideTheConditionFailTheWriteBeforeItCommits) {
  make_table(kThreePartitions);
  EXPECT_NL_ERROR(our_writer().overwrite(ours.lazy("SELECT * FROM (VALUES (1, 'x'), (2, 'y')) t(k, v)"), "k = 1"),
                  InvalidArgument, "k = 1");
  EXPECT_EQ(version(), 0);
  EXPECT_NL_ERROR(our_writer().overwrite(ours.lazy("SELECT 1 AS k, 'x' AS v"), "nope = 1"), InvalidArgument, "'nope'");
  EXPECT_NL_ERROR(our_writer().overwrite(ours.lazy("SELECT 1 AS k, 'x' AS v"), "k = = 1"), InvalidArgument, "k = = 1");
  EXPECT_EQ(rows(), (std::vector<std::string>{"1|a", "1|b", "2|c", "3|d"}));
}

TEST_F(Race, ReplaceWhereCommutesWithAnAppendToAnotherPartition) {
  make_table(kThreePartitions);
  before_our_commit([this](nl::DeltaWriter& w) { w.append(theirs.lazy("SELECT 2 AS k, 'theirs' AS v")); });
  auto r = our_writer().overwrite(ours.lazy("SELECT 1 AS k, 'ours' AS v"), "k = 1");
  EXPECT_EQ(r.version, 2);
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(rows(), (std::vector<std::string>{"1|ours", "2|c", "2|theirs", "3|d"}));
}

TEST_F(Race, ReplaceWhereConflictsWithAnAppendItsConditionMatches) {
  make_table(kThreePartitions);
  before_our_commit([this](nl::DeltaWriter& w) { w.append(theirs.lazy("SELECT 1 AS k, 'theirs' AS v")); });
  EXPECT_NL_ERROR(our_writer().overwrite(ours.lazy("SELECT 1 AS k, 'ours' AS v"), "k = 1"), Conflict, "version 1");
  EXPECT_EQ(version(), 1);
  EXPECT_EQ(rows(), (std::vector<std::string>{"1|a", "1|b", "1|theirs", "2|c", "3|d"}));
}

TEST_F(Race, ReplaceWhereConflictsWithAWinnerThatRemovedItsFiles) {
  make_table(kThreePartitions);
  before_our_commit([this](nl::DeltaWriter& w) { w.overwrite(theirs.lazy("SELECT 1 AS k, 'theirs' AS v"), "k = 1"); });
  EXPECT_NL_ERROR(our_writer().overwrite(ours.lazy("SELECT 1 AS k, 'ours' AS v"), "k = 1"), Conflict, "removed file");
  // Overwrites of disjoint partitions both commit.
  before_our_commit([this](nl::DeltaWriter& w) { w.overwrite(theirs.lazy("SELECT 3 AS k, 'theirs' AS v"), "k = 3"); });
  our_writer().overwrite(ours.lazy("SELECT 2 AS k, 'ours' AS v"), "k = 2");
  EXPECT_EQ(rows(), (std::vector<std::string>{"1|theirs", "2|ours", "3|theirs"}));
}

TEST_F(Race, AFullOverwriteConflictsWithAnyFileChangeButNotWithAnEmptyCommit) {
  make_table(kThreePartitions);
  before_our_commit([this](nl::DeltaWriter& w) { w.append(theirs.lazy("SELECT 9 AS k, 'theirs' AS v")); });
  EXPECT_NL_ERROR(our_writer().overwrite(ours.lazy("SELECT 1 AS k, 'ours' AS v")), Conflict, "whole table");
  before_our_commit([this](nl::DeltaWriter& w) { w.append(theirs.lazy("SELECT 1 AS k, 'x' AS v WHERE false")); });
  EXPECT_EQ(our_writer().overwrite(ours.lazy("SELECT 1 AS k, 'ours' AS v")).attempts, 2);
  EXPECT_EQ(rows(), (std::vector<std::string>{"1|ours"}));
}

TEST_F(Race, BlindAppendsCommute) {
  make_table(kThreePartitions);
  before_our_commit([this](nl::DeltaWriter& w) { w.append(theirs.lazy("SELECT 1 AS k, 'theirs' AS v")); });
  EXPECT_EQ(our_writer().append(ours.lazy("SELECT 1 AS k, 'ours' AS v")).version, 2);
  EXPECT_EQ(rows().size(), 6u);
}

TEST_F(Race, AMetadataChangeConflictsButASchemaMergeCommutesWithAppends) {
  make_table(kThreePartitions);
  nl::DeltaWriteOptions merge;
  merge.merge_schema = true;
  // Their schema change wins: our append conflicts, naming the metadata.
  before_our_commit([this, merge](nl::DeltaWriter& w) { w.append(theirs.lazy("SELECT 1 AS k, 'x' AS v, 5 AS extra"), merge); });
  EXPECT_NL_ERROR(our_writer().append(ours.lazy("SELECT 2 AS k, 'ours' AS v")), Conflict, "metadata");
  // Our schema change against their plain append: both commit.
  before_our_commit([this](nl::DeltaWriter& w) { w.append(theirs.lazy("SELECT 3 AS k, 'y' AS v")); });
  EXPECT_EQ(our_writer().append(ours.lazy("SELECT 4 AS k, 'z' AS v, 7 AS extra2"), merge).attempts, 2);
  EXPECT_EQ(rows(), (std::vector<std::string>{"1|a|<null>|<null>", "1|b|<null>|<null>", "1|x|5|<null>", "2|c|<null>|<null>",
                                              "3|d|<null>|<null>", "3|y|<null>|<null>", "4|z|<null>|7"}));
}

TEST_F(Race, MergeSchemaAddsNullableColumnsAndRefusesTypeChanges) {
  make_table("SELECT 1 AS k, 'a' AS v");
  nl::DeltaWriteOptions merge;
  merge.merge_schema = true;
  EXPECT_NL_ERROR(their_writer().append(theirs.lazy("SELECT 2 AS k, 'b' AS v, 1.5 AS score")), InvalidArgument, "'score'");
  their_writer().append(theirs.lazy("SELECT 2 AS k, 'b' AS v, 1.5::DOUBLE AS score, [1, 2] AS tags"), merge);
  EXPECT_EQ(rows(), (std::vector<std::string>{"1|a|<null>|<null>", "2|b|1.5|[1, 2]"}));
  auto meta = log(1, "metaData");
  ASSERT_EQ(meta.size(), 1u);
  auto schema = json::parse(meta[0]["schemaString"].get<std::string>());
  EXPECT_EQ(schema["fields"].size(), 4u);
  EXPECT_EQ(schema["fields"][2]["name"], "score");
  EXPECT_EQ(schema["fields"][2]["nullable"], true);
  EXPECT_NL_ERROR(their_writer().append(theirs.lazy("SELECT 3 AS k, 'c' AS v, 'high' AS score"), merge), InvalidArgument,
                  "'score' is VARCHAR in the data but double");
  // A merge that adds a timestamp without time zone raises the protocol.
  their_writer().append(theirs.lazy("SELECT 4 AS k, 'd' AS v, TIMESTAMP '2024-01-01' AS at"), merge);
  auto protocol = log(2, "protocol");
  ASSERT_EQ(protocol.size(), 1u);
  EXPECT_EQ(protocol[0]["writerFeatures"], json::array({"timestampNtz"}));
}
