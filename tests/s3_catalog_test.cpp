// A catalog on the local S3 server: a Hive-partitioned Parquet table whose
// partition filters list only their prefixes (recorded at the store), and
// the quickstart-style declaration that runs unchanged on S3.
#include <gtest/gtest.h>

#include "neuralake/neuralake.h"
#include "neuralake/config.h"
#include "testing/recording_store.h"
#include "testing/s3_local_server.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace nlt = neuralake::testing;

namespace {

nl::SessionOptions options_for(const nlt::LocalS3Server& server) {
  nl::Environment env{{{"NEURALAKE_ENV", "minio"},
                       {"AWS_ENDPOINT_URL", server.endpoint()},
                       {"AWS_EC2_METADATA_DISABLED", "true"}}};
  nl::SessionOptions o;
  o.config = nl::Config::resolve(env);
  o.warehouse = o.config->warehouse;
  return o;
}

TEST(S3Catalog, PartitionFiltersListOnlyTheirPrefixesOnS3) {
  nlt::LocalS3Server server;
  auto options = options_for(server);
  auto sales = nl::ParquetTable("sales", "{warehouse}/sales")
                   .partition_columns({{"region", nl::DataType::string()}, {"year", nl::DataType::int64()}});
  nl::Catalog c({{"shop", nl::Database({sales})}}, options);
  auto& session = c.session();
  session.execute(
      "COPY (SELECT i AS id, ['eu','us','apac'][i % 3 + 1] AS region, 2023 + (i // 3) % 2 AS year, i * 1.5 AS amount "
      "FROM range(600) t(i)) TO 's3://neuralake/sales' (FORMAT parquet, PARTITION_BY (region, year))");

  auto [store, key] = session.resolve_store("s3://neuralake/sales");
  auto recorder = std::make_shared<nlt::RecordingStore>(store);
  session.add_store("s3://neuralake", recorder);
  EXPECT_EQ(c.db("shop").table("sales").collect().num_rows(), 600u);  // reads and lists the whole table
  recorder->take_lists();
  recorder->take();

  auto df = c.db("shop")
                .table("sales", {nl::Filter("region", "=", "eu"), nl::Filter("year", "in", {2023, 2024})})
                .select({nl::count_rows().alias("n")})
                .collect();
  EXPECT_EQ(*df.column("n").at<int64_t>(0), 200);
  auto listed = recorder->take_lists();
  ASSERT_FALSE(listed.empty());
  for (const auto& prefix : listed) {
    bool allowed = prefix.rfind("sales/region=eu/year=2023", 0) == 0 || prefix.rfind("sales/region=eu/year=2024", 0) == 0;
    EXPECT_TRUE(allowed) << "listed outside the filtered partitions: " << prefix;
  }
  // Only the eu partitions' objects were read.
  for (const auto& [k, bytes] : recorder->take()) EXPECT_EQ(k.rfind("sales/region=eu/", 0), 0u) << k;
}

}  // namespace
