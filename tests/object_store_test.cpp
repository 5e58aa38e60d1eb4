// ObjectStore: the shared contract on local disk and in memory, plus what is
// specific to each store, split_uri, key globs and the StoreRegistry.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "storage/key_glob.h"
#include "storage/store_registry.h"
#include "testing/object_store_contract.h"

namespace nl = neuralake;
using nl::testing::StoreFactory;
using nl::testing::TempDir;

namespace neuralake::testing {

INSTANTIATE_TEST_SUITE_P(
    Stores, ObjectStoreContract,
    ::testing::Values(
        StoreFactory{"local", [](const std::filesystem::path& scratch) { return make_local_store((scratch / "root").string()); }},
        StoreFactory{"memory", [](const std::filesystem::path&) { return make_memory_store("contract"); }}),
    store_factory_name);

}  // namespace neuralake::testing

TEST(SplitUri, FileUris) {
  auto loc = nl::split_uri("file:///a/b.parquet");
  EXPECT_EQ(loc.store_uri, "file://");
  EXPECT_EQ(loc.key, "a/b.parquet");
  EXPECT_EQ(nl::split_uri("file:///a//b/./c/../d").key, "a/b/d");
  EXPECT_EQ(nl::split_uri("file://localhost/x/y").key, "x/y");
  EXPECT_NL_ERROR(nl::split_uri("file://host/x"), InvalidArgument, "file://host/x");
}

TEST(SplitUri, PlainPathsAreLocalAndAbsolute) {
  auto abs = nl::split_uri("/tmp/x.csv");
  EXPECT_EQ(abs.store_uri, "file://");
  EXPECT_EQ(abs.key, "tmp/x.csv");
  auto rel = nl::split_uri("some/rel.csv");
  EXPECT_EQ(rel.store_uri, "file://");
  std::string cwd = std::filesystem::current_path().generic_string();
  EXPECT_EQ("/" + rel.key, cwd + "/some/rel.csv");
}

TEST(SplitUri, MemoryAndS3) {
  auto m = nl::split_uri("memory://t/dir/k.bin");
  EXPECT_EQ(m.store_uri, "memory://t");
  EXPECT_EQ(m.key, "dir/k.bin");
  auto s = nl::split_uri("s3://bucket/prefix/k");
  EXPECT_EQ(s.store_uri, "s3://bucket");
  EXPECT_EQ(s.key, "prefix/k");
  EXPECT_EQ(nl::split_uri("s3://bucket").key, "");
  EXPECT_NL_ERROR(nl::split_uri("s3:///k"), InvalidArgument, "s3:///k");
}

TEST(SplitUri, UnsupportedSchemeNamesTheUri) {
  EXPECT_NL_ERROR(nl::split_uri("gopher://x/y"), InvalidArgument, "gopher://x/y");
  EXPECT_NL_ERROR(nl::split_uri(""), InvalidArgument, "");
}

TEST(LocalStore, UriAndRootCreation) {
  TempDir dir;
  auto root = dir.path() / "a" / "b";
  auto store = nl::make_local_store(root.string());
  EXPECT_TRUE(std::filesystem::is_directory(root));
  EXPECT_EQ(store->uri(), "file://" + root.generic_string());
  store->put("k", "v");
  EXPECT_EQ(nl::testing::read_file(root / "k"), "v");
  nl::testing::write_file(root / "sub" / "external.txt", "made outside");
  EXPECT_EQ(store->read_all("sub/external.txt"), "made outside");
}

TEST(LocalStore, KeysCannotEscapeTheRoot) {
  TempDir dir;
  auto store = nl::make_local_store((dir.path() / "root").string());
  EXPECT_NL_ERROR(store->put("../outside", "x"), InvalidArgument, "../outside");
  EXPECT_NL_ERROR(store->read_all("a/../../b"), InvalidArgument, "a/../../b");
  EXPECT_NL_ERROR(store->put("/abs", "x"), InvalidArgument, "/abs");
  EXPECT_NL_ERROR(store->put("", "x"), InvalidArgument, "");
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "outside"));
}

TEST(LocalStore, TempFilesOfOpenWritersAreNotListed) {
  TempDir dir;
  auto store = nl::make_local_store(dir.str());
  auto writer = store->open_writer("t/obj");
  writer->write("abc", 3);
  EXPECT_TRUE(store->list("").empty());
  size_t on_disk = 0;
  for (auto& e : std::filesystem::directory_iterator(dir.path() / "t")) on_disk += e.is_regular_file();
  EXPECT_EQ(on_disk, 1u) << "the writer's temp file lives beside the target";
  writer->close();
  EXPECT_EQ(store->list("").size(), 1u);
}

TEST(LocalStore, PermissionDenied) {
  if (::geteuid() == 0) GTEST_SKIP() << "root bypasses file permissions";
  TempDir dir;
  auto store = nl::make_local_store(dir.str());
  store->put("locked/secret", "x");
  ::chmod((dir.path() / "locked" / "secret").c_str(), 0);
  EXPECT_NL_ERROR(store->read_all("locked/secret"), PermissionDenied, "locked/secret");
  ::chmod((dir.path() / "locked").c_str(), 0555);
  EXPECT_NL_ERROR(store->put("locked/new", "x"), PermissionDenied, "locked/new");
  ::chmod((dir.path() / "locked").c_str(), 0755);
}

TEST(MemoryStore, UriAndWriterOutlivingItsStoreHandle) {
  auto store = nl::make_memory_store("scratch");
  EXPECT_EQ(store->uri(), "memory://scratch");
  auto writer = store->open_writer("k");
  auto keep = store;
  store.reset();
  writer->write("late", 4);
  writer->close();
  EXPECT_EQ(keep->read_all("k"), "late");
  EXPECT_NL_ERROR(nl::make_memory_store("a/b"), InvalidArgument, "a/b");
}

TEST(KeyGlob, SegmentWildcards) {
  using nl::storage::glob_match;
  EXPECT_TRUE(glob_match("d/*.parquet", "d/x.parquet"));
  EXPECT_FALSE(glob_match("d/*.parquet", "d/sub/x.parquet"));
  EXPECT_FALSE(glob_match("d/*.parquet", "d/x.csv"));
  EXPECT_TRUE(glob_match("d/file?.csv", "d/file1.csv"));
  EXPECT_FALSE(glob_match("d/file?.csv", "d/file10.csv"));
  EXPECT_TRUE(glob_match("d/file[0-9].csv", "d/file7.csv"));
  EXPECT_FALSE(glob_match("d/file[!0-9].csv", "d/file7.csv"));
  EXPECT_TRUE(glob_match("d/file[^0-9].csv", "d/fileA.csv"));
  EXPECT_TRUE(glob_match("d/[ab]*", "d/b-thing"));
  EXPECT_TRUE(glob_match("*/y=*/*", "t/y=2024/f"));
  EXPECT_TRUE(glob_match("d/a*b*c", "d/aXXbYYbZc"));
  EXPECT_TRUE(glob_match("d/[x", "d/[x")) << "an unterminated class is literal";
}

TEST(KeyGlob, DoubleStarSpansSegments) {
  using nl::storage::glob_match;
  EXPECT_TRUE(glob_match("t/**/*.parquet", "t/a.parquet"));
  EXPECT_TRUE(glob_match("t/**/*.parquet", "t/y=1/m=2/a.parquet"));
  EXPECT_FALSE(glob_match("t/**/*.parquet", "u/a.parquet"));
  EXPECT_TRUE(glob_match("t/**", "t/a"));
  EXPECT_TRUE(glob_match("t/**", "t/a/b/c"));
  EXPECT_FALSE(glob_match("t/**", "t"));
  EXPECT_TRUE(glob_match("**/x", "a/b/x"));
  EXPECT_EQ(nl::storage::glob_literal_prefix("t/y=*/f.parquet"), "t/y=");
  EXPECT_EQ(nl::storage::glob_literal_prefix("plain/key"), "plain/key");
  EXPECT_FALSE(nl::storage::has_glob("plain/key"));
}

TEST(StoreRegistry, ResolvesLocalOnDemandAndRegisteredStores) {
  TempDir dir;
  nl::StoreRegistry registry;
  auto loc = registry.resolve("file://" + dir.str() + "/x.bin");
  EXPECT_EQ(loc.store_uri, "file://");
  EXPECT_EQ("/" + loc.key, dir.str() + "/x.bin");
  ASSERT_NE(loc.counters, nullptr);

  auto mem = nl::make_memory_store("m");
  registry.add("memory://m", mem);
  auto m = registry.resolve("memory://m/k");
  EXPECT_EQ(m.store, mem);
  EXPECT_EQ(m.key, "k");
  EXPECT_TRUE(registry.handles("memory://m/k"));
  EXPECT_TRUE(registry.handles("file:///x"));
  EXPECT_FALSE(registry.handles("/plain/path"));
  EXPECT_FALSE(registry.handles("s3://bucket/k"));
  EXPECT_NL_ERROR(registry.resolve("memory://n/k"), NotFound, "memory://n");
  EXPECT_NL_ERROR(registry.add("memory://m/extra", mem), InvalidArgument, "memory://m/extra");
}

TEST(StoreRegistry, FactoriesMakeStoresOnFirstUse) {
  nl::StoreRegistry registry;
  int made = 0;
  registry.add_factory("s3", [&](const std::string& uri) {
    ++made;
    return nl::make_memory_store(uri.substr(5));
  });
  EXPECT_TRUE(registry.handles("s3://bucket/k"));
  auto a = registry.resolve("s3://bucket/a");
  auto b = registry.resolve("s3://bucket/b");
  EXPECT_EQ(a.store, b.store);
  EXPECT_EQ(made, 1);
  EXPECT_EQ(a.store->uri(), "memory://bucket");
  EXPECT_EQ(a.counters, b.counters);
}

TEST(StoreRegistry, StatsAndReset) {
  nl::StoreRegistry registry;
  registry.add("memory://m", nl::make_memory_store("m"));
  auto r = registry.resolve("memory://m/k");
  r.counters->files_opened += 2;
  r.counters->bytes_read += 100;
  auto stats = registry.stats();
  ASSERT_TRUE(stats.count("memory://m"));
  EXPECT_EQ(stats["memory://m"].files_opened, 2u);
  EXPECT_EQ(stats["memory://m"].bytes_read, 100u);
  registry.reset();
  EXPECT_EQ(registry.stats()["memory://m"].bytes_read, 0u);
}
