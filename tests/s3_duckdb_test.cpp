// Parquet on the local S3 server through the engine's filesystem adapter:
// COPY writes, read_parquet reads, globs and Hive partitions over s3://.
#include <gtest/gtest.h>

#include "neuralake/config.h"
#include "neuralake/data_frame.h"
#include "neuralake/session.h"
#include "testing/s3_local_server.h"
#include "testing/test_util.h"

using namespace neuralake;
namespace nlt = neuralake::testing;

namespace {

SessionOptions options_for(const nlt::LocalS3Server& server) {
  Environment env{{{"NEURALAKE_ENV", "minio"}, {"AWS_ENDPOINT_URL", server.endpoint()}, {"AWS_EC2_METADATA_DISABLED", "true"}}};
  SessionOptions o;
  o.config = Config::resolve(env);
  o.warehouse = o.config->warehouse;
  return o;
}

std::string scalar(Session& s, const std::string& sql) { return s.sql(sql).value(0, 0).to_string(); }

}  // namespace

TEST(S3Parquet, CopyToS3ThenReadBackWithGlobsAndHivePruning) {
  nlt::LocalS3Server server;
  Session session(options_for(server));
  session.sql("COPY (SELECT range AS id, range % 7 AS part, range * 2 AS v FROM range(200000)) "
              "TO 's3://neuralake/t/flat.parquet' (FORMAT parquet)");
  EXPECT_EQ(scalar(session, "SELECT count(*) FROM read_parquet('s3://neuralake/t/flat.parquet')"), "200000");
  session.reset_io_stats();
  EXPECT_EQ(scalar(session, "SELECT sum(v) FROM read_parquet('s3://neuralake/t/flat.parquet')"), "39999800000");
  IoStats pruned = session.total_io_stats();
  EXPECT_GT(pruned.bytes_read, 0u);

  session.sql("COPY (SELECT range AS id, range % 7 AS part FROM range(70000)) "
              "TO 's3://neuralake/t/hive' (FORMAT parquet, PARTITION_BY (part))");
  EXPECT_EQ(scalar(session, "SELECT count(*) FROM read_parquet('s3://neuralake/t/hive/*/*.parquet', hive_partitioning = true)"),
            "70000");
  EXPECT_EQ(scalar(session, "SELECT count(*) FROM read_parquet('s3://neuralake/t/hive/*/*.parquet', hive_partitioning = true) "
                            "WHERE part = 3"),
            "10000");
}

TEST(S3Parquet, MissingObjectNamesIt) {
  nlt::LocalS3Server server;
  Session session(options_for(server));
  try {
    session.sql("SELECT * FROM read_parquet('s3://neuralake/none/missing.parquet')");
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("missing.parquet"), std::string::npos) << e.what();
  }
}
