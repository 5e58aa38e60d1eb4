// The engine's filesystem adapter: DuckDB reads Parquet and CSV, globs, prunes
// Hive partitions and writes COPY output through ObjectStores, and the
// session's I/O counters show what storage really served.
#include <filesystem>
#include <mutex>
#include <set>

#include "neuralake/session.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nl::testing::TempDir;

namespace {

nl::SessionOptions counting_options() {
  nl::SessionOptions o;
  o.external_file_cache = false;  // count what storage serves, not what a cache kept
  return o;
}

class ObjectStoreFs : public ::testing::Test {
 protected:
  // The result's rows, one per line, values separated by '|'.
  std::string sql(const std::string& q) {
    nl::DataFrame df = session_.sql(q);
    std::string out;
    for (size_t r = 0; r < df.num_rows(); ++r) {
      for (size_t c = 0; c < df.num_columns(); ++c) {
        nl::Value v = df.value(r, c);
        if (c) out += '|';
        out += v.is<std::string>() ? v.as<std::string>() : v.to_string();
      }
      out += '\n';
    }
    return out;
  }
  // The directory as a file:// URI.
  std::string uri(const std::string& rel = "") const { return "file://" + dir_.str() + (rel.empty() ? "" : "/" + rel); }
  std::string path(const std::string& rel) const { return dir_.str() + "/" + rel; }
  nl::IoStats local_stats() { return session_.io_stats()["file://"]; }

  TempDir dir_;
  nl::Session session_{counting_options()};
};

TEST_F(ObjectStoreFs, ReadsParquetThroughAFileUri) {
  sql("COPY (SELECT range AS id, range * 2 AS v FROM range(1000)) TO '" + path("t.parquet") + "' (FORMAT parquet)");
  session_.reset_io_stats();
  EXPECT_EQ(sql("SELECT count(*), sum(v) FROM read_parquet('" + uri("t.parquet") + "')"), "1000|999000\n");
  auto s = local_stats();
  EXPECT_GE(s.files_opened, 1u);
  EXPECT_GE(s.read_requests, 1u);
  EXPECT_GT(s.bytes_read, 0u);
  EXPECT_LE(s.bytes_read, 2 * std::filesystem::file_size(path("t.parquet")));
  // The filename column shows the URI as written.
  EXPECT_EQ(sql("SELECT DISTINCT filename FROM read_parquet('" + uri("t.parquet") + "', filename=true)"),
            uri("t.parquet") + "\n");
}

TEST_F(ObjectStoreFs, GlobsAndDoubleStar) {
  std::filesystem::create_directories(path("g"));
  for (int i = 0; i < 3; ++i) {
    sql("COPY (SELECT " + std::to_string(i) + " AS k FROM range(10)) TO '" + path("g/f" + std::to_string(i) + ".parquet") +
        "' (FORMAT parquet)");
  }
  std::filesystem::create_directories(path("g/deep/er"));
  sql("COPY (SELECT 7 AS k FROM range(5)) TO '" + path("g/deep/er/n.parquet") + "' (FORMAT parquet)");
  nl::testing::write_file(path("g/notes.txt"), "not parquet");

  EXPECT_EQ(sql("SELECT count(*), sum(k) FROM read_parquet('" + uri("g/*.parquet") + "')"), "30|30\n");
  EXPECT_EQ(sql("SELECT count(*) FROM read_parquet('" + uri("g/f[02].parquet") + "')"), "20\n");
  EXPECT_EQ(sql("SELECT count(*) FROM read_parquet('" + uri("g/f?.parquet") + "')"), "30\n");
  EXPECT_EQ(sql("SELECT count(*), sum(k) FROM read_parquet('" + uri("g/**/*.parquet") + "')"), "35|65\n");
  EXPECT_EQ(sql("SELECT file FROM glob('" + uri("g/**/*.parquet") + "') ORDER BY file"),
            uri("g/deep/er/n.parquet") + "\n" + uri("g/f0.parquet") + "\n" + uri("g/f1.parquet") + "\n" +
                uri("g/f2.parquet") + "\n");
  // A directory reads as every Parquet file under it.
  EXPECT_EQ(sql("SELECT count(*) FROM read_parquet('" + uri("g") + "')"), "35\n");
  // A list of files, each an exact path: Glob returns it as is.
  EXPECT_EQ(sql("SELECT count(*) FROM read_parquet(['" + uri("g/f0.parquet") + "', '" + uri("g/f1.parquet") + "'])"),
            "20\n");
}

// Remembers which keys were read, to show which files a query touched.
class RecordingStore : public nl::ForwardingObjectStore {
 public:
  using ForwardingObjectStore::ForwardingObjectStore;
  size_t read_range(std::string_view key, uint64_t offset, uint64_t length, char* out) override {
    {
      std::lock_guard lock(mu_);
      read_.insert(std::string(key));
    }
    return ForwardingObjectStore::read_range(key, offset, length, out);
  }
  // Keys read since the last call, with `prefix` removed.
  std::set<std::string> take(const std::string& prefix) {
    std::lock_guard lock(mu_);
    std::set<std::string> out;
    for (const auto& k : read_) out.insert(k.substr(k.find(prefix) == 0 ? prefix.size() : 0));
    read_.clear();
    return out;
  }

 private:
  std::mutex mu_;
  std::set<std::string> read_;
};

TEST_F(ObjectStoreFs, HivePartitionFilterSkipsOtherPartitionsFiles) {
  auto recorder = std::make_shared<RecordingStore>(nl::make_local_store("/"));
  session_.add_store("file://", recorder);
  sql("COPY (SELECT range AS id, 2020 + range % 4 AS year, range * 1.5 AS amount FROM range(40000)) TO '" +
      path("hive") + "' (FORMAT parquet, PARTITION_BY (year))");
  ASSERT_TRUE(std::filesystem::is_directory(path("hive/year=2021")));
  const std::string scan = "read_parquet('" + uri("hive/**/*.parquet") + "', hive_partitioning = true)";
  const std::string prefix = dir_.str().substr(1) + "/hive/";
  recorder->take(prefix);

  session_.reset_io_stats();
  EXPECT_EQ(sql("SELECT count(*), sum(id % 4) FROM " + scan), "40000|60000\n");
  auto all = local_stats();
  EXPECT_EQ(recorder->take(prefix).size(), 4u);

  session_.reset_io_stats();
  EXPECT_EQ(sql("SELECT count(*), sum(id % 4) FROM " + scan + " WHERE year = 2020"), "10000|0\n");
  auto one = local_stats();
  EXPECT_EQ(recorder->take(prefix), std::set<std::string>{"year=2020/data_0.parquet"});
  EXPECT_LT(one.files_opened, all.files_opened);
  EXPECT_LT(one.bytes_read * 2, all.bytes_read);
  EXPECT_EQ(one.list_requests, 1u);

  // A count needs only footers, and the session caches footers (checked
  // against each object's ETag): no other partition is read, and the
  // 2022 file at most for its footer.
  EXPECT_EQ(sql("SELECT count(*) FROM " + scan + " WHERE year = 2022"), "10000\n");
  auto touched = recorder->take(prefix);
  EXPECT_LE(touched.size(), 1u);
  EXPECT_FALSE(touched.count("year=2021/data_0.parquet"));
  EXPECT_FALSE(touched.count("year=2023/data_0.parquet"));
}

TEST_F(ObjectStoreFs, ProjectionReachesStorage) {
  sql("COPY (SELECT range AS id, md5(range::VARCHAR) AS payload, range % 97 AS q FROM range(200000)) TO '" +
      path("wide.parquet") + "' (FORMAT parquet, ROW_GROUP_SIZE 50000)");
  const std::string file = "read_parquet('" + uri("wide.parquet") + "')";
  session_.reset_io_stats();
  EXPECT_EQ(sql("SELECT count(*) FROM " + file), "200000\n");
  uint64_t count_bytes = local_stats().bytes_read;
  session_.reset_io_stats();
  sql("SELECT sum(length(payload)) FROM " + file);
  uint64_t payload_bytes = local_stats().bytes_read;
  RecordProperty("count_star_bytes", std::to_string(count_bytes));
  RecordProperty("sum_payload_bytes", std::to_string(payload_bytes));
  EXPECT_GT(count_bytes, 0u);
  EXPECT_LT(count_bytes * 10, payload_bytes) << "count(*) read " << count_bytes << " bytes, payload " << payload_bytes;
  EXPECT_LT(payload_bytes, std::filesystem::file_size(path("wide.parquet")) + 1);
}

TEST_F(ObjectStoreFs, ReadsAndWritesAMemoryStore) {
  auto mem = nl::make_memory_store("m");
  session_.add_store("memory://m", mem);
  sql("COPY (SELECT range AS id, 'row ' || range AS name FROM range(500)) TO '" + path("src.parquet") +
      "' (FORMAT parquet)");
  mem->put("tables/src.parquet", nl::testing::read_file(path("src.parquet")));
  EXPECT_EQ(sql("SELECT count(*), max(name) FROM read_parquet('memory://m/tables/*.parquet')"), "500|row 99\n");
  EXPECT_GT(session_.io_stats()["memory://m"].bytes_read, 0u);

  // COPY writes through the store's writer and publishes on close.
  sql("COPY (SELECT range AS x FROM range(123)) TO 'memory://m/out/x.parquet' (FORMAT parquet)");
  sql("COPY (SELECT 'a' AS s UNION ALL SELECT 'b') TO 'memory://m/out/s.csv' (HEADER)");
  std::vector<std::string> keys;
  for (const auto& info : mem->list("out/")) keys.push_back(info.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"out/s.csv", "out/x.parquet"}));
  EXPECT_EQ(mem->read_all("out/s.csv"), "s\na\nb\n");
  EXPECT_EQ(sql("SELECT count(*), sum(x) FROM read_parquet('memory://m/out/x.parquet')"), "123|7503\n");
  EXPECT_EQ(sql("SELECT string_agg(s, ',' ORDER BY s) FROM read_csv('memory://m/out/s.csv')"), "a,b\n");
}

TEST_F(ObjectStoreFs, CopyToAFileUriReplacesWholeFiles) {
  sql("COPY (SELECT 1 AS v) TO '" + uri("out/r.parquet") + "' (FORMAT parquet)");
  EXPECT_EQ(sql("SELECT sum(v) FROM '" + uri("out/r.parquet") + "'"), "1\n");
  // Overwriting goes through DuckDB's temp file and MoveFile.
  sql("COPY (SELECT range AS v FROM range(10)) TO '" + uri("out/r.parquet") + "' (FORMAT parquet)");
  EXPECT_EQ(sql("SELECT sum(v) FROM '" + uri("out/r.parquet") + "'"), "45\n");
  std::vector<std::string> names;
  for (auto& e : std::filesystem::directory_iterator(path("out"))) names.push_back(e.path().filename().string());
  EXPECT_EQ(names, std::vector<std::string>{"r.parquet"});
}

TEST_F(ObjectStoreFs, PartitionedCopyIntoAStore) {
  auto mem = nl::make_memory_store("p");
  session_.add_store("memory://p", mem);
  sql("COPY (SELECT range AS id, range % 3 AS part FROM range(30)) TO 'memory://p/t' (FORMAT parquet, PARTITION_BY (part))");
  EXPECT_EQ(mem->list("t/part=").size(), 3u);
  EXPECT_EQ(sql("SELECT part, count(*) FROM read_parquet('memory://p/t/**/*.parquet', hive_partitioning = true) "
                "GROUP BY part ORDER BY part"),
            "0|10\n1|10\n2|10\n");
}

TEST_F(ObjectStoreFs, MissingFileIsACleanErrorNamingThePath) {
  EXPECT_NL_ERROR(sql("SELECT * FROM read_parquet('" + uri("nope/missing.parquet") + "')"), NotFound,
                  "nope/missing.parquet");
  EXPECT_NL_ERROR(sql("SELECT * FROM read_parquet('" + uri("nope/*.parquet") + "')"), NotFound, "nope/*.parquet");
  EXPECT_NL_ERROR(sql("SELECT * FROM read_parquet('memory://absent/t.parquet')"), NotFound, "memory://absent");
}

TEST_F(ObjectStoreFs, CsvThroughSequentialReads) {
  std::string csv = "id,name\n";
  for (int i = 0; i < 5000; ++i) csv += std::to_string(i) + ",name" + std::to_string(i) + "\n";
  nl::testing::write_file(path("c/data.csv"), csv);
  EXPECT_EQ(sql("SELECT count(*), sum(id), max(length(name)) FROM read_csv('" + uri("c/data.csv") + "')"),
            "5000|12497500|8\n");
  EXPECT_EQ(local_stats().bytes_read >= csv.size(), true);
}

}  // namespace
