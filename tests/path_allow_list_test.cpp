// The allow-list a session confined to its catalog checks in neuralake's own
// readers (the ObjectStore filesystem, delta_scan), where DuckDB's
// allowed_directories does not reach: names are compared after "." and ".."
// are resolved and local symbolic links followed.
#include "storage/path_allow_list.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "neuralake/error.h"
#include "testing/test_util.h"

namespace nl = neuralake;
namespace nlt = neuralake::testing;
namespace fs = std::filesystem;

namespace {

TEST(PathAllowList, AllowsALocationAndWhatIsBelowIt) {
  nl::PathAllowList list({"file:///data/sales", "s3://bucket/shop/people.csv"});
  EXPECT_TRUE(list.allows("file:///data/sales"));
  EXPECT_TRUE(list.allows("file:///data/sales/part=1/a.parquet"));
  EXPECT_TRUE(list.allows("/data/sales/a.parquet"));  // a plain path is the same local file
  EXPECT_TRUE(list.allows("s3://bucket/shop/people.csv"));
  EXPECT_FALSE(list.allows("file:///data"));
  EXPECT_FALSE(list.allows("file:///data/sales_private/a.parquet"));  // a sibling sharing the prefix
  EXPECT_FALSE(list.allows("s3://bucket/shop/people.csv.bak"));
  EXPECT_FALSE(list.allows("s3://bucket/shop"));
  EXPECT_FALSE(list.allows("s3://bucket2/shop/people.csv"));
  EXPECT_FALSE(list.allows("memory://bucket/shop/people.csv"));
}

TEST(PathAllowList, ResolvesDotsBeforeComparing) {
  nl::PathAllowList list({"file:///data/sales/", "s3://bucket/shop"});
  EXPECT_TRUE(list.allows("file:///data/other/../sales/./a.parquet"));
  EXPECT_FALSE(list.allows("file:///data/sales/../../etc/passwd"));
  EXPECT_FALSE(list.allows("/data/sales/.."));
  EXPECT_TRUE(list.allows("s3://bucket/shop//x/./y"));
  EXPECT_FALSE(list.allows("s3://bucket/shop/../private/x"));
  EXPECT_FALSE(list.allows("s3://bucket/shop/../../other-bucket/x"));
}

TEST(PathAllowList, AGlobAllowsItsLiteralDirectory) {
  nl::PathAllowList list({"s3://bucket/events/day=*/part-*.parquet"});
  ASSERT_EQ(list.roots().size(), 1u);
  EXPECT_EQ(list.roots()[0], "s3://bucket/events");
  EXPECT_TRUE(list.allows("s3://bucket/events/day=1/part-0.parquet"));
  EXPECT_FALSE(list.allows("s3://bucket/eventsx/day=1/part-0.parquet"));
}

TEST(PathAllowList, FollowsLocalSymbolicLinks) {
  nlt::TempDir dir;
  fs::create_directories(dir.path() / "table");
  fs::create_directories(dir.path() / "secret");
  fs::create_directory_symlink(dir.path() / "secret", dir.path() / "table" / "out");
  fs::create_directory_symlink(dir.path() / "table", dir.path() / "alias");
  nl::PathAllowList list({"file://" + (dir.path() / "table").string()});
  EXPECT_TRUE(list.allows((dir.path() / "table" / "x.csv").string()));
  EXPECT_FALSE(list.allows((dir.path() / "table" / "out" / "x.csv").string()));
  EXPECT_FALSE(list.allows((dir.path() / "table" / "out").string()));
  // A link that leads into the table is the table.
  EXPECT_TRUE(list.allows((dir.path() / "alias" / "x.csv").string()));
}

TEST(PathAllowList, RefusesWithPermissionDeniedNamingThePath) {
  nl::PathAllowList list({"/data/sales"});
  EXPECT_NO_THROW(list.check("/data/sales/a.parquet", "read"));
  EXPECT_NL_ERROR(list.check("/etc/passwd", "read"), PermissionDenied, "/etc/passwd");
  EXPECT_NL_ERROR(list.check("ftp://host/x", "read"), PermissionDenied, "ftp://host/x");
  EXPECT_FALSE(list.allows(""));
}

TEST(PathAllowList, AnEmptyListAllowsNothing) {
  nl::PathAllowList list({});
  EXPECT_TRUE(list.roots().empty());
  EXPECT_FALSE(list.allows("/"));
  EXPECT_FALSE(list.allows("file:///tmp/x"));
}

TEST(PathAllowList, AStoreRootAllowsTheWholeStore) {
  nl::PathAllowList list({"s3://bucket/"});
  EXPECT_TRUE(list.allows("s3://bucket/any/key"));
  EXPECT_FALSE(list.allows("s3://other/any/key"));
}

}  // namespace
