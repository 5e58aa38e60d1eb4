// A strict Delta log: each action missing a field the protocol requires, or
// holding a value of the wrong JSON type, is Corruption naming the commit
// file, the line and the field; never a silent null or default, never a
// JSON library's own message. Fields and actions the protocol does not
// define are still accepted. Also _last_checkpoint, a checkpoint's add
// without its size, and the store-free replay of commit texts.
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "delta/commit_file.h"
#include "delta/last_checkpoint.h"
#include "delta/log_replay.h"
#include "engine/delta_checkpoint_reader.h"
#include "neuralake/error.h"
#include "neuralake/session.h"
#include "testing/delta_log_writer.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace delta = neuralake::delta;
using nl::testing::delta_add;
using nl::testing::delta_metadata;
using nl::testing::delta_protocol;

namespace {

const std::string kSchema =
    R"({"type":"struct","fields":[{"name":"id","type":"long","nullable":true,"metadata":{}},)"
    R"({"name":"p","type":"string","nullable":true,"metadata":{}}]})";

// `text` with its first `from` replaced by `to` (which must be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from << " not in " << text;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

class DeltaStrictLog : public ::testing::Test {
 protected:
  // Version 0: protocol, then metaData partitioned by p (lines 1, 2).
  void write_table(const std::string& protocol = delta_protocol(1, 2),
                   const std::string& metadata = delta_metadata("t", kSchema, {"p"})) {
    nl::testing::write_delta_commit(dir_.path(), 0, protocol + metadata);
  }
  // Version 1: a valid add (line 1), then `line` (line 2).
  void write_second_commit(const std::string& line) {
    nl::testing::write_delta_commit(dir_.path(), 1, delta_add("p=a/f0.parquet", R"({"p":"a"})", 10) + line);
  }
  delta::SnapshotPtr load() {
    delta::TableLocation t{nl::make_local_store(dir_.str()), "", "tbl"};
    return delta::load_snapshot(t, *reader_, std::nullopt);
  }
  // Loading fails with Corruption naming commit `version`, `line` and `field`.
  void expect_corrupt(int64_t version, int line, const std::string& field) {
    try {
      load();
      ADD_FAILURE() << "expected Corruption for " << field;
    } catch (const nl::Error& e) {
      const std::string what = e.what();
      EXPECT_EQ(e.code(), nl::ErrorCode::Corruption) << what;
      EXPECT_NE(what.find("_delta_log/" + delta::padded_version(version) + ".json"), std::string::npos) << what;
      EXPECT_NE(what.find("line " + std::to_string(line) + ":"), std::string::npos) << what;
      EXPECT_NE(what.find(field), std::string::npos) << what;
      EXPECT_EQ(what.find("json.exception"), std::string::npos) << what;
    }
  }
  nl::testing::TempDir dir_;
  std::unique_ptr<delta::CheckpointReader> reader_ = nl::engine::make_standalone_checkpoint_reader();
};

TEST_F(DeltaStrictLog, ValidLogReadsItsPartitionValues) {
  write_table();
  write_second_commit(delta_add("p=__null/f1.parquet", R"({"p":null})", 20));
  auto snap = load();
  ASSERT_EQ(snap->num_files(), 2u);
  auto files = snap->files();
  EXPECT_EQ(files[0]->partition_value(0), std::optional<std::string>("a"));
  EXPECT_EQ(files[1]->partition_value(0), std::nullopt);
  EXPECT_EQ(files[1]->size, 20);
}

TEST_F(DeltaStrictLog, UnknownFieldsAndActionsAreIgnored) {
  write_table(replaced(delta_protocol(1, 2), "}}", R"(,"futureField":[1,{"x":null}]}})"));
  write_second_commit(
      replaced(delta_add("p=b/f1.parquet", R"({"p":"b"})", 5), R"("dataChange":true)",
               R"("dataChange":true,"tags":{"k":"v"},"baseRowId":7,"somethingNew":{"a":[1,2]})") +
      R"({"domainMetadata":{"domain":"d","configuration":"{}","removed":false}})" "\n" +
      R"({"commitInfo":{"operation":"WRITE","anything":[true,null,1.5]}})" "\n" +
      R"({"futureAction":"not an object","add":{"path":"p=c/f2.parquet","partitionValues":{"p":"c"},"size":1,)"
      R"("modificationTime":0,"dataChange":false}})" "\n");
  auto snap = load();
  ASSERT_EQ(snap->num_files(), 3u);
  EXPECT_EQ(snap->files()[1]->partition_value(0), std::optional<std::string>("b"));
  EXPECT_EQ(snap->files()[2]->partition_value(0), std::optional<std::string>("c"));
}

TEST_F(DeltaStrictLog, MetadataWithoutPartitionColumns) {
  write_table(delta_protocol(1, 2), replaced(delta_metadata("t", kSchema, {"p"}), R"(,"partitionColumns":["p"])", ""));
  expect_corrupt(0, 2, "metaData.partitionColumns is missing");
}

TEST_F(DeltaStrictLog, AddWithoutPartitionValues) {
  write_table();
  write_second_commit(replaced(delta_add("p=b/f1.parquet", R"({"p":"b"})", 5), R"("partitionValues":{"p":"b"},)", ""));
  expect_corrupt(1, 2, "add.partitionValues is missing");
}

TEST_F(DeltaStrictLog, AddWithAKeyThatIsNotAPartitionColumn) {
  write_table();
  write_second_commit(delta_add("p=b/f1.parquet", R"({"p":"b","q":"c"})", 5));
  expect_corrupt(1, 2, "add.partitionValues has key 'q', which is not a partition column");
}

TEST_F(DeltaStrictLog, AddWithARenamedPartitionKey) {
  write_table();
  write_second_commit(delta_add("p=b/f1.parquet", R"({"P":"b"})", 5));
  expect_corrupt(1, 2, "add.partitionValues has key 'P'");
}

TEST_F(DeltaStrictLog, AddWithoutAPartitionColumnsValue) {
  write_table();
  write_second_commit(delta_add("p=b/f1.parquet", "{}", 5));
  expect_corrupt(1, 2, "add.partitionValues.p is missing");
}

TEST_F(DeltaStrictLog, AddWithANumberForAPartitionValue) {
  write_table();
  write_second_commit(delta_add("p=1/f1.parquet", R"({"p":1})", 5));
  expect_corrupt(1, 2, "add.partitionValues.p must be a string or null, not an integer");
}

TEST_F(DeltaStrictLog, AddWithPartitionValuesOfOtherWrongTypes) {
  write_table();
  write_second_commit(delta_add("p=1/f1.parquet", R"({"p":true})", 5));
  expect_corrupt(1, 2, "add.partitionValues.p must be a string or null, not a boolean");
  write_second_commit(delta_add("p=1/f1.parquet", R"({"p":["a"]})", 5));
  expect_corrupt(1, 2, "add.partitionValues.p must be a string or null, not an array");
  write_second_commit(delta_add("p=1/f1.parquet", R"(["a"])", 5));
  expect_corrupt(1, 2, "add.partitionValues must be an object, not an array");
}

TEST_F(DeltaStrictLog, ProtocolWithoutMinReaderVersion) {
  write_table(R"({"protocol":{"minWriterVersion":2}})" "\n");
  expect_corrupt(0, 1, "protocol.minReaderVersion is missing");
}

TEST_F(DeltaStrictLog, ProtocolWithAStringMinReaderVersion) {
  write_table(R"({"protocol":{"minReaderVersion":"1","minWriterVersion":2}})" "\n");
  expect_corrupt(0, 1, "protocol.minReaderVersion must be an integer, not a string");
}

TEST_F(DeltaStrictLog, ProtocolWithOtherWrongTypes) {
  write_table(R"({"protocol":{"minReaderVersion":1,"minWriterVersion":2.5}})" "\n");
  expect_corrupt(0, 1, "protocol.minWriterVersion must be an integer, not a fractional number");
  write_table(R"({"protocol":{"minReaderVersion":1}})" "\n");
  expect_corrupt(0, 1, "protocol.minWriterVersion is missing");
  write_table(R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":"columnMapping"}})" "\n");
  expect_corrupt(0, 1, "protocol.readerFeatures must be an array of strings, not a string");
  write_table(R"({"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":[1]}})" "\n");
  expect_corrupt(0, 1, "protocol.readerFeatures must be an array of strings, but holds an integer");
  write_table(R"({"protocol":{"minReaderVersion":0,"minWriterVersion":2}})" "\n");
  expect_corrupt(0, 1, "protocol.minReaderVersion must be at least 1");
  write_table(R"({"protocol":"1"})" "\n");
  expect_corrupt(0, 1, "protocol must be an object, not a string");
}

// Each required add field left out, as (field, its text in delta_add()'s line).
class DeltaStrictAddField : public DeltaStrictLog,
                            public ::testing::WithParamInterface<std::pair<const char*, const char*>> {};

TEST_P(DeltaStrictAddField, AddWithoutARequiredField) {
  const auto [field, text] = GetParam();
  write_table();
  write_second_commit(replaced(delta_add("p=b/f1.parquet", R"({"p":"b"})", 5), text, ""));
  expect_corrupt(1, 2, "add." + std::string(field) + " is missing");
}

INSTANTIATE_TEST_SUITE_P(RequiredFields, DeltaStrictAddField,
                         ::testing::Values(std::pair{"path", R"("path":"p=b/f1.parquet",)"},
                                           std::pair{"size", R"("size":5,)"},
                                           std::pair{"modificationTime", R"("modificationTime":0,)"},
                                           std::pair{"dataChange", R"(,"dataChange":true)"}));

TEST_F(DeltaStrictLog, AddWithWrongTypes) {
  write_table();
  write_second_commit(replaced(delta_add("p=b/f1.parquet", R"({"p":"b"})", 5), R"("size":5)", R"("size":"5")"));
  expect_corrupt(1, 2, "add.size must be an integer, not a string");
  write_second_commit(replaced(delta_add("p=b/f1.parquet", R"({"p":"b"})", 5), R"("dataChange":true)", R"("dataChange":1)"));
  expect_corrupt(1, 2, "add.dataChange must be a boolean, not an integer");
  write_second_commit(replaced(delta_add("p=b/f1.parquet", R"({"p":"b"})", 5), R"("path":"p=b/f1.parquet")", R"("path":7)"));
  expect_corrupt(1, 2, "add.path must be a string, not an integer");
  write_second_commit(replaced(delta_add("p=b/f1.parquet", R"({"p":"b"})", 5), R"("size":5)", R"("size":-5)"));
  expect_corrupt(1, 2, "add.size is negative");
  write_second_commit(replaced(delta_add("p=b/f1.parquet", R"({"p":"b"})", 5), R"("dataChange":true)",
                               R"("dataChange":true,"stats":{"numRecords":1})"));
  expect_corrupt(1, 2, "add.stats must be a string, not an object");
  write_second_commit(replaced(delta_add("p=b/f1.parquet", R"({"p":"b"})", 5), R"("dataChange":true)",
                               R"("dataChange":true,"deletionVector":{"storageType":"u","sizeInBytes":3,"cardinality":1})"));
  expect_corrupt(1, 2, "add.deletionVector.pathOrInlineDv is missing");
}

TEST_F(DeltaStrictLog, RemoveWithoutPath) {
  write_table();
  write_second_commit(R"({"remove":{"deletionTimestamp":1,"dataChange":true}})" "\n");
  expect_corrupt(1, 2, "remove.path is missing");
  write_second_commit(R"({"remove":{"path":"p=a/f0.parquet","deletionTimestamp":"1","dataChange":true}})" "\n");
  expect_corrupt(1, 2, "remove.deletionTimestamp must be an integer, not a string");
  write_second_commit(R"({"remove":{"path":"p=a/f0.parquet"}})" "\n");
  expect_corrupt(1, 2, "remove.dataChange is missing");
}

TEST_F(DeltaStrictLog, TxnAndCommitInfoFields) {
  write_table();
  write_second_commit(R"({"txn":{"version":3}})" "\n");
  expect_corrupt(1, 2, "txn.appId is missing");
  write_second_commit(R"({"txn":{"appId":"a","version":"3"}})" "\n");
  expect_corrupt(1, 2, "txn.version must be an integer, not a string");
  write_second_commit(R"({"commitInfo":{"inCommitTimestamp":"yesterday"}})" "\n");
  expect_corrupt(1, 2, "commitInfo.inCommitTimestamp must be an integer, not a string");
}

TEST_F(DeltaStrictLog, MetadataSchemaStringThatIsNotAString) {
  write_table(delta_protocol(1, 2),
              replaced(delta_metadata("t", kSchema, {"p"}), "\"schemaString\":" + nl::testing::json_string(kSchema),
                       "\"schemaString\":" + kSchema));
  expect_corrupt(0, 2, "metaData.schemaString must be a string, not an object");
}

TEST_F(DeltaStrictLog, MetadataSchemaStringThatIsNotJson) {
  write_table(delta_protocol(1, 2), delta_metadata("t", "{\"type\":\"struct\",\"fields\":[", {"p"}));
  expect_corrupt(0, 2, "metaData.schemaString is not a valid schema");
  write_table(delta_protocol(1, 2), delta_metadata("t", R"({"type":"struct","fields":[{"type":"long"}]})", {}));
  expect_corrupt(0, 2, "schema.fields[0].name is missing");
}

TEST_F(DeltaStrictLog, MetadataWithOtherMissingOrWrongFields) {
  const std::string m = delta_metadata("t", kSchema, {"p"});
  write_table(delta_protocol(1, 2), replaced(m, R"("id":"t",)", ""));
  expect_corrupt(0, 2, "metaData.id is missing");
  write_table(delta_protocol(1, 2), replaced(m, R"("format":{"provider":"parquet","options":{}},)", ""));
  expect_corrupt(0, 2, "metaData.format is missing");
  write_table(delta_protocol(1, 2), replaced(m, R"(,"configuration":{})", ""));
  expect_corrupt(0, 2, "metaData.configuration is missing");
  write_table(delta_protocol(1, 2), replaced(m, R"("configuration":{})", R"("configuration":{"k":1})"));
  expect_corrupt(0, 2, "metaData.configuration.k must be a string, not an integer");
  write_table(delta_protocol(1, 2), replaced(m, R"("partitionColumns":["p"])", R"("partitionColumns":"p")"));
  expect_corrupt(0, 2, "metaData.partitionColumns must be an array of strings, not a string");
}

TEST_F(DeltaStrictLog, LineThatIsNotAnObjectNamesFileAndLine) {
  write_table();
  write_second_commit("[1,2]\n");
  expect_corrupt(1, 2, "not a valid JSON action");
}

TEST_F(DeltaStrictLog, MalformedLastCheckpointIsCorruptionNamingTheField) {
  write_table();
  const auto log = dir_.path() / "_delta_log";
  nl::testing::write_file(log / "_last_checkpoint", R"({"version":"0","size":3})");
  EXPECT_NL_ERROR(load(), Corruption, "_delta_log/_last_checkpoint: version must be an integer");
  nl::testing::write_file(log / "_last_checkpoint", R"({"size":3})");
  EXPECT_NL_ERROR(load(), Corruption, "_delta_log/_last_checkpoint: version is missing");
  nl::testing::write_file(log / "_last_checkpoint", R"({"version":0,"parts":0})");
  EXPECT_NL_ERROR(load(), Corruption, "_last_checkpoint: parts must be between 1 and 1000000");
  nl::testing::write_file(log / "_last_checkpoint", R"({"version":0,"size":3)");
  EXPECT_NL_ERROR(load(), Corruption, "_last_checkpoint: is not valid JSON");
  // Fields the reader does not know, and null optional ones, are fine.
  auto lc = delta::parse_last_checkpoint("k", R"({"version":4,"size":null,"checkpointSchema":{"type":"struct"},"x":1})");
  EXPECT_EQ(lc.version, 4);
  EXPECT_FALSE(lc.size.has_value());
}

TEST_F(DeltaStrictLog, ReplayOfCommitTextsNeedsNoStore) {
  const std::vector<delta::CommitText> commits = {
      {"c0.json", delta_protocol(1, 2) + delta_metadata("t", kSchema, {"p"})},
      {"c1.json", delta_add("p=a/f0.parquet", R"({"p":"a"})", 10) + delta_add("p=b/f1.parquet", R"({"p":"b"})", 11)},
      {"c2.json", R"({"remove":{"path":"p=a/f0.parquet","dataChange":true}})" "\n"}};
  auto snap = delta::replay_commit_texts("mem", commits);
  EXPECT_EQ(snap->version, 2);
  ASSERT_EQ(snap->num_files(), 1u);
  EXPECT_EQ(snap->files()[0]->path(), "p=b/f1.parquet");
  auto bad = commits;
  bad[1].text = delta_add("p=a/f0.parquet", R"({"p":2})", 10);
  EXPECT_NL_ERROR(delta::replay_commit_texts("mem", bad), Corruption, "c1.json line 1: add.partitionValues.p");
  EXPECT_NL_ERROR(delta::replay_commit_texts("mem", {}), Corruption, "no protocol");
}

}  // namespace
