// The read cache (repeat reads make no request, a changed ETag invalidates, the
// cap evicts) and parallel ranged reads on S3 (byte-identical to one GET).
#include <gtest/gtest.h>

#include <atomic>
#include <random>

#include "neuralake/config.h"
#include "storage/read_cache.h"
#include "storage/s3/s3_store.h"
#include "testing/fault_proxy.h"
#include "testing/s3_local_server.h"
#include "testing/test_util.h"

using namespace neuralake;
namespace nlt = neuralake::testing;

namespace {

// Counts the reads that reach the store under the cache.
class CountingStore : public ForwardingObjectStore {
 public:
  using ForwardingObjectStore::ForwardingObjectStore;
  size_t read_range(std::string_view key, uint64_t offset, uint64_t length, char* out) override {
    ++reads;
    bytes += length;
    return ForwardingObjectStore::read_range(key, offset, length, out);
  }
  std::atomic<int> reads{0};
  std::atomic<uint64_t> bytes{0};
};

std::string random_bytes(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

std::string read(ObjectStore& store, const std::string& key, uint64_t offset, uint64_t length) {
  std::string out(length, '\0');
  out.resize(store.read_range(key, offset, length, out.data()));
  return out;
}

s3::S3StoreOptions options_for(const std::string& endpoint, const std::string& uri) {
  Environment env{{{"NEURALAKE_ENV", "minio"}, {"AWS_ENDPOINT_URL", endpoint}, {"AWS_EC2_METADATA_DISABLED", "true"}}};
  return s3::s3_options_from_config(Config::resolve(env), env, uri);
}

size_t object_gets(const nlt::FaultProxy& proxy) {
  size_t n = 0;
  for (const auto& ex : proxy.seen()) n += ex.method == "GET" && ex.target.find("list-type") == std::string::npos;
  return n;
}

}  // namespace

TEST(ReadCache, SecondReadIsServedLocally) {
  auto counting = std::make_shared<CountingStore>(make_memory_store());
  const std::string data = random_bytes(10000, 1);
  counting->put("a.bin", data);
  auto cache = storage::make_read_cache(counting, {.max_bytes = 1 << 20, .block_size = 1024});
  EXPECT_EQ(read(*cache, "a.bin", 1500, 3000), data.substr(1500, 3000));
  EXPECT_EQ(counting->reads, 1);
  EXPECT_EQ(read(*cache, "a.bin", 1500, 3000), data.substr(1500, 3000));
  EXPECT_EQ(read(*cache, "a.bin", 2048, 100), data.substr(2048, 100));  // inside cached blocks
  EXPECT_EQ(counting->reads, 1);
  // A read that runs past the end returns what there is, from cache the second time.
  EXPECT_EQ(read(*cache, "a.bin", 9000, 5000), data.substr(9000));
  EXPECT_EQ(read(*cache, "a.bin", 9000, 5000), data.substr(9000));
  EXPECT_EQ(counting->reads, 2);
  EXPECT_EQ(read(*cache, "a.bin", 20000, 10), "");
  EXPECT_NL_ERROR(read(*cache, "missing.bin", 0, 10), NotFound, "missing.bin");
}

TEST(ReadCache, ChangedEtagInvalidates) {
  auto counting = std::make_shared<CountingStore>(make_memory_store());
  counting->put("a.bin", std::string(4000, 'a'));
  auto cache = storage::make_read_cache(counting, {.max_bytes = 1 << 20, .block_size = 1024});
  EXPECT_EQ(read(*cache, "a.bin", 0, 4000), std::string(4000, 'a'));
  // Rewritten behind the cache's back: the next listing shows a new ETag.
  counting->put("a.bin", std::string(4000, 'b'));
  ASSERT_EQ(cache->list("").size(), 1u);
  EXPECT_EQ(read(*cache, "a.bin", 0, 4000), std::string(4000, 'b'));
  EXPECT_EQ(counting->reads, 2);
  // A write through the cache forgets the key at once.
  cache->put("a.bin", std::string(4000, 'c'));
  EXPECT_EQ(read(*cache, "a.bin", 0, 4000), std::string(4000, 'c'));
  EXPECT_EQ(counting->reads, 3);
}

TEST(ReadCache, CapEvictsLeastRecentlyUsed) {
  auto counting = std::make_shared<CountingStore>(make_memory_store());
  const std::string data = random_bytes(4096, 2);
  counting->put("a.bin", data);
  auto cache = storage::make_read_cache(counting, {.max_bytes = 2048, .block_size = 1024});  // two blocks
  read(*cache, "a.bin", 0, 1024);     // block 0
  read(*cache, "a.bin", 1024, 1024);  // block 1
  read(*cache, "a.bin", 0, 1024);     // block 0 again: now the most recent
  EXPECT_EQ(counting->reads, 2);
  read(*cache, "a.bin", 2048, 1024);  // block 2 evicts block 1
  EXPECT_EQ(read(*cache, "a.bin", 0, 1024), data.substr(0, 1024));
  EXPECT_EQ(counting->reads, 3);
  EXPECT_EQ(read(*cache, "a.bin", 1024, 1024), data.substr(1024, 1024));
  EXPECT_EQ(counting->reads, 4);
}

TEST(ReadCache, OnS3TheSecondReadMakesNoGet) {
  nlt::LocalS3Server server;
  nlt::FaultProxy proxy(server.endpoint());
  auto s3 = s3::make_s3_store(options_for(proxy.url(), "s3://neuralake/cache"));
  const std::string data = random_bytes(300000, 3);
  s3->put("o.bin", data);
  auto cache = storage::make_read_cache(s3, {.max_bytes = 8 << 20, .block_size = 64 << 10});
  ASSERT_EQ(cache->list("").size(), 1u);  // as a query's glob would: learns the ETag
  size_t gets = object_gets(proxy);
  EXPECT_EQ(read(*cache, "o.bin", 100000, 150000), data.substr(100000, 150000));
  EXPECT_EQ(object_gets(proxy), gets + 1);
  EXPECT_EQ(read(*cache, "o.bin", 100000, 150000), data.substr(100000, 150000));
  EXPECT_EQ(object_gets(proxy), gets + 1);

  // Overwritten on the server: a listing sees the new ETag and the read fetches again.
  const std::string changed = random_bytes(300000, 4);
  s3->put("o.bin", changed);
  ASSERT_EQ(cache->list("").size(), 1u);
  EXPECT_EQ(read(*cache, "o.bin", 100000, 150000), changed.substr(100000, 150000));
  EXPECT_EQ(object_gets(proxy), gets + 2);
}

TEST(S3ParallelRead, PartsAreByteIdenticalToOneGet) {
  nlt::LocalS3Server server;
  nlt::FaultProxy proxy(server.endpoint());
  auto o = options_for(proxy.url(), "s3://neuralake/par");
  auto single = s3::make_s3_store(o);
  o.read_part_size = 64 << 10;
  o.read_parallelism = 4;
  auto parallel = s3::make_s3_store(o);
  const std::string data = random_bytes(1'000'003, 5);
  single->put("big.bin", data);

  struct Range { uint64_t offset, length; };
  for (Range r : {Range{0, 1'000'003}, Range{1, 999'999}, Range{65535, 300'001}, Range{900'000, 500'000},
                  Range{0, 65536}, Range{999'000, 64 << 10}}) {
    uint64_t gets = parallel->request_counts().get;
    std::string want = read(*single, "big.bin", r.offset, r.length);
    EXPECT_EQ(want, data.substr(r.offset, r.length));
    EXPECT_EQ(read(*parallel, "big.bin", r.offset, r.length), want) << r.offset << "+" << r.length;
    EXPECT_EQ(parallel->request_counts().get - gets, (r.length + (64 << 10) - 1) / (64 << 10));
  }
  EXPECT_EQ(read(*parallel, "big.bin", 2'000'000, 200'000), "");
  EXPECT_NL_ERROR(read(*parallel, "none.bin", 0, 200'000), NotFound, "none.bin");
}
