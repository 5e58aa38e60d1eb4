// Listing only what a glob allows on S3: delimiter listings level by level, and
// Hive partition directories named in the glob listed alone (LISTs counted at a proxy).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "neuralake/config.h"
#include "neuralake/data_frame.h"
#include "neuralake/session.h"
#include "storage/s3/s3_store.h"
#include "testing/fault_proxy.h"
#include "testing/s3_local_server.h"
#include "testing/test_util.h"

using namespace neuralake;
namespace nlt = neuralake::testing;

namespace {

Environment env_for(const std::string& endpoint) {
  return Environment{{{"NEURALAKE_ENV", "minio"}, {"AWS_ENDPOINT_URL", endpoint}, {"AWS_EC2_METADATA_DISABLED", "true"}}};
}

SessionOptions options_for(const std::string& endpoint) {
  SessionOptions o;
  o.config = Config::resolve(env_for(endpoint));
  o.warehouse = o.config->warehouse;
  return o;
}

std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The prefix= of every ListObjectsV2 the proxy forwarded, from index `from` on.
std::vector<std::string> listed_prefixes(const nlt::FaultProxy& proxy, size_t from = 0) {
  std::vector<std::string> out;
  auto seen = proxy.seen();
  for (size_t i = from; i < seen.size(); ++i) {
    const std::string& t = seen[i].target;
    if (seen[i].method != "GET" || t.find("list-type=2") == std::string::npos) continue;
    size_t p = t.find("prefix=");
    std::string value = p == std::string::npos ? "" : t.substr(p + 7, t.find('&', p) - p - 7);
    out.push_back(decode(value));
  }
  return out;
}

std::string scalar(Session& s, const std::string& sql) { return s.sql(sql).value(0, 0).to_string(); }

}  // namespace

TEST(S3Listing, ListLevelAndShallowListNeverDescendPastTheGlobDepth) {
  nlt::LocalS3Server server;
  nlt::FaultProxy proxy(server.endpoint());
  Environment env = env_for(proxy.url());
  auto store = s3::make_s3_store(s3::s3_options_from_config(Config::resolve(env), env, "s3://neuralake/lv"));
  for (const char* key : {"a.parquet", "d1/x.parquet", "d1/deep/y.parquet", "d1/deep/deeper/z.parquet", "d2/w.parquet"}) {
    store->put(key, key);
  }

  auto level = store->list_level("");
  ASSERT_EQ(level.objects.size(), 1u);
  EXPECT_EQ(level.objects[0].key, "a.parquet");
  EXPECT_EQ(level.objects[0].size, 9u);
  EXPECT_EQ(level.prefixes, (std::vector<std::string>{"d1/", "d2/"}));

  size_t before = proxy.seen().size();
  auto two = store->list_shallow("", 2);
  std::vector<std::string> keys;
  for (const auto& o : two) keys.push_back(o.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"a.parquet", "d1/x.parquet", "d2/w.parquet"}));
  // The root and the two directories: "d1/deep/" holds only keys of 3+ segments and is never listed.
  auto prefixes = listed_prefixes(proxy, before);
  std::sort(prefixes.begin(), prefixes.end());
  EXPECT_EQ(prefixes, (std::vector<std::string>{"lv/", "lv/d1/", "lv/d2/"}));
}

TEST(S3Listing, PartitionNamedInTheGlobListsOnlyItsPrefixes) {
  nlt::LocalS3Server server;
  nlt::FaultProxy proxy(server.endpoint());
  Session session(options_for(proxy.url()));
  session.sql("COPY (SELECT range AS id, range % 7 AS part FROM range(70000)) "
              "TO 's3://neuralake/hive' (FORMAT parquet, PARTITION_BY (part))");

  size_t before = proxy.seen().size();
  session.reset_io_stats();
  EXPECT_EQ(scalar(session, "SELECT count(*) FROM read_parquet('s3://neuralake/hive/part=[35]/*.parquet', "
                            "hive_partitioning = true)"),
            "20000");
  EXPECT_EQ(scalar(session, "SELECT sum(part) FROM read_parquet('s3://neuralake/hive/part=[35]/*.parquet', "
                            "hive_partitioning = true) WHERE part = 5"),
            "50000");
  // One delimited LIST of "part=" finds the directories; only the two that match are listed.
  auto prefixes = listed_prefixes(proxy, before);
  std::set<std::string> distinct(prefixes.begin(), prefixes.end());
  EXPECT_EQ(distinct, (std::set<std::string>{"hive/part=", "hive/part=3/", "hive/part=5/"}));
  EXPECT_EQ(prefixes.size(), 6u);  // 3 per query

  // A single partition: its prefix is literal, one LIST.
  before = proxy.seen().size();
  EXPECT_EQ(scalar(session, "SELECT count(*) FROM read_parquet('s3://neuralake/hive/part=6/*.parquet', hive_partitioning = true)"),
            "10000");
  EXPECT_EQ(listed_prefixes(proxy, before), (std::vector<std::string>{"hive/part=6/"}));

  // The whole table with a filter: same answer, every partition listed (DuckDB 1.4
  // expands the glob before pruning).
  before = proxy.seen().size();
  EXPECT_EQ(scalar(session, "SELECT count(*) FROM read_parquet('s3://neuralake/hive/*/*.parquet', hive_partitioning = true) "
                            "WHERE part = 3"),
            "10000");
  EXPECT_EQ(listed_prefixes(proxy, before).size(), 8u);  // "hive/" and its 7 partitions
}
