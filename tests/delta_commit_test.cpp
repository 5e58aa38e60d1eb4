// Committing Delta log entries (src/delta/writer/commit.h): put-if-absent,
// a lost response recognised by the commit id, blind appends commuting past
// winners, and every other race ending in a Conflict that names the winner.
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "delta/writer/commit.h"
#include "delta/writer/partition_path.h"
#include "neuralake/object_store.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace delta = neuralake::delta;
using json = nlohmann::json;

namespace {

const char* kV0 = R"({"commitInfo":{"operation":"CREATE TABLE"}}
{"protocol":{"minReaderVersion":1,"minWriterVersion":2}}
{"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{\"type\":\"struct\",\"fields\":[]}","partitionColumns":[],"configuration":{}}}
)";

std::string key(int v) {
  char name[40];
  std::snprintf(name, sizeof name, "t/_delta_log/%020d.json", v);
  return name;
}

delta::CommitRequest append_request() {
  delta::CommitRequest r;
  r.operation = "WRITE";
  r.operation_parameters = R"({"mode":"Append","partitionBy":"[]"})";
  r.blind_append = true;
  r.file_actions = {R"({"add":{"path":"a.parquet","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}})"};
  return r;
}

// A store whose put-if-absent succeeds but whose caller hears "taken": the
// response to the first PUT was lost, and its retry found the object.
class LostResponseStore : public nl::ForwardingObjectStore {
 public:
  using ForwardingObjectStore::ForwardingObjectStore;
  bool put_if_absent(std::string_view k, std::string_view data) override {
    target()->put_if_absent(k, data);
    ++calls;
    return false;
  }
  int calls = 0;
};

int count_commits(nl::ObjectStore& store) { return static_cast<int>(store.list("t/_delta_log/").size()); }

}  // namespace

TEST(DeltaCommit, CommitsTheNextVersionOnce) {
  auto store = nl::make_memory_store();
  store->put(key(0), kV0);
  auto out = delta::commit({store, "t", "t"}, 0, append_request());
  EXPECT_EQ(out.version, 1);
  EXPECT_EQ(out.attempts, 1);
  auto first = json::parse(store->read_all(key(1)).substr(0, store->read_all(key(1)).find('\n')));
  EXPECT_EQ(first["commitInfo"]["readVersion"], 0);
  EXPECT_EQ(first["commitInfo"]["isBlindAppend"], true);
}

TEST(DeltaCommit, ALostResponseIsRecognisedAsOursByItsCommitId) {
  auto inner = nl::make_memory_store();
  inner->put(key(0), kV0);
  auto store = std::make_shared<LostResponseStore>(inner);
  auto out = delta::commit({store, "t", "t"}, 0, append_request());
  EXPECT_EQ(out.version, 1);
  EXPECT_EQ(store->calls, 1);
  EXPECT_EQ(count_commits(*inner), 2);  // exactly one commit added
  // The same holds for a commit that is not a blind append.
  auto overwrite = append_request();
  overwrite.blind_append = false;
  EXPECT_EQ(delta::commit({store, "t", "t"}, 1, overwrite).version, 2);
  EXPECT_EQ(count_commits(*inner), 3);
}

TEST(DeltaCommit, BlindAppendsCommutePastWinners) {
  auto store = nl::make_memory_store();
  store->put(key(0), kV0);
  store->put(key(1), R"({"commitInfo":{"operation":"WRITE","txnId":"other"}}
{"add":{"path":"b.parquet","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}}
)");
  store->put(key(2), R"({"add":{"path":"c.parquet","partitionValues":{},"size":1,"modificationTime":1,"dataChange":true}})");
  auto out = delta::commit({store, "t", "t"}, 0, append_request());
  EXPECT_EQ(out.version, 3);
  EXPECT_EQ(out.attempts, 2);  // one lost race: both winners are judged, then the next try goes to the head
}

TEST(DeltaCommit, OtherRacesConflictNamingTheWinner) {
  auto store = nl::make_memory_store();
  store->put(key(0), kV0);
  store->put(key(1), R"({"commitInfo":{"operation":"WRITE","txnId":"other"}})");
  auto overwrite = append_request();
  overwrite.operation = "WRITE";
  overwrite.blind_append = false;
  EXPECT_NL_ERROR(delta::commit({store, "t", "t"}, 0, overwrite), Conflict, "version 1");
  // A winner that changed the metadata stops even a blind append.
  store->put(key(2), R"({"metaData":{"id":"x","format":{"provider":"parquet","options":{}},"schemaString":"{}","partitionColumns":[],"configuration":{}}})");
  EXPECT_NL_ERROR(delta::commit({store, "t", "t"}, 1, append_request()), Conflict, "metadata");
  // So does a winner carrying our transaction's application id.
  store->put(key(3), R"({"txn":{"appId":"job","version":7}})");
  auto txn = append_request();
  txn.txn_app_id = "job";
  txn.txn_version = 8;
  EXPECT_NL_ERROR(delta::commit({store, "t", "t"}, 2, txn), Conflict, "'job'");
  EXPECT_EQ(count_commits(*store), 4);
}

// Another writer that always commits first, whatever version we try.
class AlwaysBeatenStore : public nl::ForwardingObjectStore {
 public:
  using ForwardingObjectStore::ForwardingObjectStore;
  bool put_if_absent(std::string_view k, std::string_view data) override {
    target()->put_if_absent(k, R"({"commitInfo":{"operation":"WRITE"}})");
    ++races;
    return target()->put_if_absent(k, data);
  }
  int races = 0;
};

TEST(DeltaCommit, GivesUpAfterTheConfiguredAttempts) {
  auto inner = nl::make_memory_store();
  inner->put(key(0), kV0);
  auto store = std::make_shared<AlwaysBeatenStore>(inner);
  auto r = append_request();
  r.max_attempts = 4;
  EXPECT_NL_ERROR(delta::commit({store, "t", "t"}, 0, r), Conflict, "4 attempts");
  EXPECT_EQ(store->races, 4);
  EXPECT_EQ(count_commits(*inner), 5);  // theirs only
}

TEST(DeltaPaths, HiveEscapingAndLogPathEncoding) {
  EXPECT_EQ(delta::hive_escape("a b/c%d=e:f#g"), "a%20b%2Fc%25d%3De%3Af%23g");
  EXPECT_EQ(delta::hive_escape("é+ü"), "é+ü");
  EXPECT_EQ(delta::partition_directory({"k", "n"}, {std::string("x y"), std::nullopt}), "k=x%20y/n=__HIVE_DEFAULT_PARTITION__");
  EXPECT_EQ(delta::partition_directory({"k"}, {std::string("")}), "k=__HIVE_DEFAULT_PARTITION__");
  EXPECT_EQ(delta::encode_log_path("k=x%20y/part-0.parquet"), "k=x%2520y/part-0.parquet");
  EXPECT_EQ(delta::encode_log_path("a b/c"), "a%20b/c");
  EXPECT_EQ(delta::data_file_name(3, "u", "snappy"), "part-00003-u.c000.snappy.parquet");
  EXPECT_EQ(delta::data_file_name(0, "u", ""), "part-00000-u.c000.parquet");
  auto a = delta::random_uuid(), b = delta::random_uuid();
  EXPECT_EQ(a.size(), 36u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a[14], '4');
}
