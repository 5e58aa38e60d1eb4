// The ObjectStore contract, written once: every store implementation runs this
// suite by instantiating it with a factory that makes an empty store.
//
// Usage (in one *_test.cpp):
//   INSTANTIATE_TEST_SUITE_P(Local, ObjectStoreContract,
//       ::testing::Values(neuralake::testing::StoreFactory{"local", make_local_for_test}),
//       neuralake::testing::store_factory_name);
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "neuralake/error.h"
#include "neuralake/object_store.h"
#include "testing/test_util.h"

namespace neuralake::testing {

// How to make an empty store. `scratch` is a fresh directory owned by the test,
// removed after it; stores that do not live on local disk may ignore it.
struct StoreFactory {
  std::string name;
  std::function<std::shared_ptr<ObjectStore>(const std::filesystem::path& scratch)> make;
  // Optional: returns why this store cannot honour put_if_absent (e.g. a test
  // server that ignores If-None-Match), or "" if it can; the put_if_absent
  // tests then skip with that reason instead of failing.
  std::function<std::string()> put_if_absent_unsupported = {};
  // True where the ETag is a digest of the content (S3: MD5 of a single-part
  // object), so rewriting identical bytes keeps the same ETag.
  bool etag_is_content_digest = false;
  // Non-empty: why replacing an object is not atomic on this store (a test
  // server that rewrites files in place); the concurrent-overwrite test skips.
  std::string overwrite_not_atomic = {};
};

// Test names and failure messages show the factory's name, not its bytes.
inline void PrintTo(const StoreFactory& f, std::ostream* os) { *os << f.name; }

inline std::string store_factory_name(const ::testing::TestParamInfo<StoreFactory>& info) { return info.param.name; }

// Deterministic bytes that differ at every offset, so misplaced ranges show.
inline std::string pattern_bytes(size_t n, uint32_t seed = 1) {
  std::string out(n, '\0');
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; ++i) {
    x = x * 1664525u + 1013904223u;
    out[i] = static_cast<char>(x >> 24);
  }
  return out;
}

class ObjectStoreContract : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam().make(scratch_.path()); }
  ObjectStore& store() { return *store_; }

  static std::vector<std::string> keys_of(const std::vector<ObjectInfo>& infos) {
    std::vector<std::string> out;
    for (const auto& i : infos) out.push_back(i.key);
    return out;
  }
  std::string read_stream(std::string_view key, size_t piece) {
    auto reader = store().open_reader(key);
    std::string out;
    std::string buf(piece, '\0');
    for (size_t n; (n = reader->read(buf.data(), buf.size())) > 0;) out.append(buf.data(), n);
    return out;
  }

  TempDir scratch_;
  std::shared_ptr<ObjectStore> store_;
};

TEST_P(ObjectStoreContract, HeadReportsAbsentAndPresent) {
  EXPECT_FALSE(store().head("nothing/here.bin").has_value());
  store().put("dir/a.bin", "hello");
  auto info = store().head("dir/a.bin");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->key, "dir/a.bin");
  EXPECT_EQ(info->size, 5u);
  EXPECT_FALSE(info->etag.empty());
  EXPECT_GT(info->last_modified.time_since_epoch().count(), 0);
  // A "directory" is not an object.
  EXPECT_FALSE(store().head("dir").has_value());
}

TEST_P(ObjectStoreContract, EmptyObject) {
  store().put("empty", "");
  ASSERT_TRUE(store().head("empty").has_value());
  EXPECT_EQ(store().head("empty")->size, 0u);
  EXPECT_EQ(store().read_all("empty"), "");
  char c;
  EXPECT_EQ(store().read_range("empty", 0, 1, &c), 0u);
}

TEST_P(ObjectStoreContract, ListIsInKeyOrderAndRecursive) {
  for (const char* k : {"b/2", "a/1", "b/1", "a/sub/x", "c", "a-dash", "B/upper"}) store().put(k, k);
  EXPECT_EQ(keys_of(store().list("")),
            (std::vector<std::string>{"B/upper", "a-dash", "a/1", "a/sub/x", "b/1", "b/2", "c"}));
  auto infos = store().list("a/");
  EXPECT_EQ(keys_of(infos), (std::vector<std::string>{"a/1", "a/sub/x"}));
  EXPECT_EQ(infos[0].size, 3u);
  EXPECT_FALSE(infos[0].etag.empty());
}

TEST_P(ObjectStoreContract, ListPrefixIsAKeyPrefixNotADirectory) {
  for (const char* k : {"data/part-1", "data/part-2", "data/partition/x", "data/other", "data2/part-9"}) store().put(k, "x");
  EXPECT_EQ(keys_of(store().list("data/part")),
            (std::vector<std::string>{"data/part-1", "data/part-2", "data/partition/x"}));
  EXPECT_EQ(keys_of(store().list("data")),
            (std::vector<std::string>{"data/other", "data/part-1", "data/part-2", "data/partition/x", "data2/part-9"}));
  EXPECT_TRUE(store().list("nope/").empty());
  EXPECT_TRUE(store().list("data/part-1/").empty());
}

TEST_P(ObjectStoreContract, ListShallowStopsAtDepth) {
  for (const char* k : {"s/a", "s/b/c", "s/b/d/e", "s/bb", "t"}) store().put(k, "x");
  EXPECT_EQ(keys_of(store().list_shallow("s/", 2)), (std::vector<std::string>{"s/a", "s/bb"}));
  EXPECT_EQ(keys_of(store().list_shallow("s/b", 3)), (std::vector<std::string>{"s/b/c", "s/bb"}));
  EXPECT_EQ(keys_of(store().list_shallow("", 1)), (std::vector<std::string>{"t"}));
  EXPECT_EQ(keys_of(store().list_shallow("s/", 9)), keys_of(store().list("s/")));
}

TEST_P(ObjectStoreContract, ListStartAfter) {
  for (const char* k : {"p/a", "p/b", "p/c", "p/d"}) store().put(k, "x");
  EXPECT_EQ(keys_of(store().list("p/", "p/b")), (std::vector<std::string>{"p/c", "p/d"}));
  EXPECT_EQ(keys_of(store().list("p/", "p/bb")), (std::vector<std::string>{"p/c", "p/d"}));
  EXPECT_EQ(keys_of(store().list("p/", "a")), (std::vector<std::string>{"p/a", "p/b", "p/c", "p/d"}));
  EXPECT_TRUE(store().list("p/", "p/d").empty());
  EXPECT_TRUE(store().list("p/", "q").empty());
}

TEST_P(ObjectStoreContract, ListManyKeys) {
  // More than one S3 page (1000 keys), with keys whose order differs from insertion order.
  const int n = 1234;
  std::vector<std::string> expected;
  for (int i = n - 1; i >= 0; --i) {
    char key[32];
    std::snprintf(key, sizeof key, "many/k%05d", i);
    store().put(key, std::to_string(i));
    expected.push_back(key);
  }
  store().put("many0", "outside the prefix");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(keys_of(store().list("many/")), expected);
  auto tail = store().list("many/", expected[1000]);
  EXPECT_EQ(keys_of(tail), std::vector<std::string>(expected.begin() + 1001, expected.end()));
}

TEST_P(ObjectStoreContract, ReadRangeAtEdges) {
  const std::string data = pattern_bytes(1000);
  store().put("r", data);
  std::string buf(2000, '\0');
  EXPECT_EQ(store().read_range("r", 0, 1000, buf.data()), 1000u);
  EXPECT_EQ(buf.substr(0, 1000), data);
  EXPECT_EQ(store().read_range("r", 123, 10, buf.data()), 10u);
  EXPECT_EQ(buf.substr(0, 10), data.substr(123, 10));
  // Past the end: fewer bytes, then none.
  EXPECT_EQ(store().read_range("r", 990, 100, buf.data()), 10u);
  EXPECT_EQ(buf.substr(0, 10), data.substr(990));
  EXPECT_EQ(store().read_range("r", 1000, 5, buf.data()), 0u);
  EXPECT_EQ(store().read_range("r", 5000, 5, buf.data()), 0u);
  EXPECT_EQ(store().read_range("r", 10, 0, buf.data()), 0u);
  EXPECT_EQ(store().read_range("r", 999, 1, buf.data()), 1u);
  EXPECT_EQ(buf[0], data[999]);
}

TEST_P(ObjectStoreContract, MissingKeyReadsAreNotFoundNamingTheKey) {
  char c;
  EXPECT_NL_ERROR(store().read_range("missing/key.bin", 0, 1, &c), NotFound, "missing/key.bin");
  EXPECT_NL_ERROR(store().read_all("missing/key.bin"), NotFound, "missing/key.bin");
  EXPECT_NL_ERROR(store().open_reader("missing/key.bin"), NotFound, "missing/key.bin");
  store().put("missing/other", "x");
  EXPECT_NL_ERROR(store().read_all("missing"), NotFound, "missing");
}

TEST_P(ObjectStoreContract, LargeStreamingWriteAndRead) {
  // Over 8 MiB, written in odd-sized pieces so part boundaries never align.
  const std::string data = pattern_bytes(9 * 1024 * 1024 + 4321, 7);
  auto writer = store().open_writer("big/blob.bin");
  size_t pos = 0;
  size_t sizes[] = {1, 4093, 65537, 1000003, 7, 2 * 1024 * 1024 + 1};
  for (size_t i = 0; pos < data.size(); ++i) {
    size_t n = std::min(sizes[i % std::size(sizes)], data.size() - pos);
    writer->write(data.data() + pos, n);
    pos += n;
  }
  EXPECT_FALSE(store().head("big/blob.bin").has_value()) << "visible before close()";
  writer->close();
  auto info = store().head("big/blob.bin");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, data.size());
  auto reader = store().open_reader("big/blob.bin");
  EXPECT_EQ(reader->size(), data.size());
  reader.reset();
  std::string back = read_stream("big/blob.bin", 999983);
  EXPECT_EQ(back.size(), data.size());
  EXPECT_TRUE(back == data);
  EXPECT_TRUE(store().read_all("big/blob.bin") == data);
  std::string tail(100, '\0');
  EXPECT_EQ(store().read_range("big/blob.bin", data.size() - 50, 100, tail.data()), 50u);
  EXPECT_EQ(tail.substr(0, 50), data.substr(data.size() - 50));
}

TEST_P(ObjectStoreContract, WriterDestroyedWithoutCloseLeavesNothing) {
  {
    auto writer = store().open_writer("w/abandoned");
    writer->write("partial", 7);
  }
  EXPECT_FALSE(store().head("w/abandoned").has_value());
  EXPECT_TRUE(store().list("").empty());
  // An abandoned writer does not disturb the object it would have replaced.
  store().put("w/kept", "old");
  {
    auto writer = store().open_writer("w/kept");
    writer->write("new", 3);
  }
  EXPECT_EQ(store().read_all("w/kept"), "old");
  EXPECT_EQ(keys_of(store().list("")), (std::vector<std::string>{"w/kept"}));
}

TEST_P(ObjectStoreContract, WriterIsInvisibleUntilClose) {
  store().put("v/obj", "old");
  auto writer = store().open_writer("v/obj");
  writer->write("new content", 11);
  EXPECT_EQ(store().read_all("v/obj"), "old");
  EXPECT_EQ(keys_of(store().list("v/")), (std::vector<std::string>{"v/obj"}));
  writer->close();
  EXPECT_EQ(store().read_all("v/obj"), "new content");
}

TEST_P(ObjectStoreContract, PutReplacesAndChangesEtag) {
  store().put("k", "first");
  auto first = store().head("k");
  store().put("k", "second!");
  auto second = store().head("k");
  ASSERT_TRUE(first && second);
  EXPECT_EQ(store().read_all("k"), "second!");
  EXPECT_EQ(second->size, 7u);
  EXPECT_NE(first->etag, second->etag);
  // Same content again still counts as a new version.
  store().put("k", "second!");
  if (!GetParam().etag_is_content_digest) {
    EXPECT_NE(store().head("k")->etag, second->etag);
  }
}

TEST_P(ObjectStoreContract, PutIfAbsent) {
  if (GetParam().put_if_absent_unsupported) {
    if (std::string why = GetParam().put_if_absent_unsupported(); !why.empty()) GTEST_SKIP() << why;
  }
  EXPECT_TRUE(store().put_if_absent("once", "winner"));
  EXPECT_FALSE(store().put_if_absent("once", "loser"));
  EXPECT_EQ(store().read_all("once"), "winner");
  EXPECT_EQ(keys_of(store().list("")), (std::vector<std::string>{"once"}));
  store().remove("once");
  EXPECT_TRUE(store().put_if_absent("once", "again"));
  EXPECT_EQ(store().read_all("once"), "again");
}

TEST_P(ObjectStoreContract, PutIfAbsentHasOneWinnerUnderContention) {
  if (GetParam().put_if_absent_unsupported) {
    if (std::string why = GetParam().put_if_absent_unsupported(); !why.empty()) GTEST_SKIP() << why;
  }
  const int threads = 8;
  std::atomic<int> wins{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      if (store().put_if_absent("log/00001.json", "writer " + std::to_string(t))) ++wins;
    });
  }
  for (auto& th : pool) th.join();
  EXPECT_EQ(wins.load(), 1);
  EXPECT_EQ(store().read_all("log/00001.json").rfind("writer ", 0), 0u);
  EXPECT_EQ(store().list("log/").size(), 1u);
}

TEST_P(ObjectStoreContract, RemoveAndRemoveMissing) {
  store().put("x/y", "1");
  store().remove("x/y");
  EXPECT_FALSE(store().head("x/y").has_value());
  EXPECT_NO_THROW(store().remove("x/y"));
  EXPECT_NO_THROW(store().remove("never/was"));
  EXPECT_TRUE(store().list("").empty());
}

TEST_P(ObjectStoreContract, ConcurrentPutsAndReads) {
  if (!GetParam().overwrite_not_atomic.empty()) GTEST_SKIP() << GetParam().overwrite_not_atomic;
  // Writers replace shared keys while readers read them: every read sees one
  // whole version, never a mix or a partial object.
  const int writers = 4, readers = 4, rounds = 40;
  const size_t size = 64 * 1024;
  for (int k = 0; k < 4; ++k) store().put("c/" + std::to_string(k), pattern_bytes(size, 0));
  std::set<std::string> versions;
  for (uint32_t v = 0; v <= static_cast<uint32_t>(writers * rounds); ++v) versions.insert(pattern_bytes(size, v));
  std::atomic<int> bad{0};
  std::atomic<bool> done{false};
  std::vector<std::thread> pool;
  for (int w = 0; w < writers; ++w) {
    pool.emplace_back([&, w] {
      for (int r = 0; r < rounds; ++r) {
        uint32_t v = static_cast<uint32_t>(w * rounds + r + 1);
        store().put("c/" + std::to_string(r % 4), pattern_bytes(size, v));
        store().put("own/" + std::to_string(w) + "/" + std::to_string(r), std::to_string(v));
      }
    });
  }
  for (int r = 0; r < readers; ++r) {
    pool.emplace_back([&, r] {
      while (!done) {
        std::string got = store().read_all("c/" + std::to_string(r % 4));
        if (!versions.count(got)) ++bad;
      }
    });
  }
  for (int w = 0; w < writers; ++w) pool[w].join();
  done = true;
  for (size_t i = writers; i < pool.size(); ++i) pool[i].join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(store().list("own/").size(), static_cast<size_t>(writers * rounds));
  for (int w = 0; w < writers; ++w) {
    for (int r = 0; r < rounds; ++r) {
      EXPECT_EQ(store().read_all("own/" + std::to_string(w) + "/" + std::to_string(r)),
                std::to_string(w * rounds + r + 1));
    }
  }
}

TEST_P(ObjectStoreContract, ReaderKeepsTheVersionItOpened) {
  const std::string old_data = pattern_bytes(100000, 3);
  store().put("snap", old_data);
  auto reader = store().open_reader("snap");
  store().put("snap", "replaced");
  std::string got;
  std::string buf(4096, '\0');
  try {
    for (size_t n; (n = reader->read(buf.data(), buf.size())) > 0;) got.append(buf.data(), n);
    EXPECT_TRUE(got == old_data) << "a reader mixed two versions";
  } catch (const Error& e) {
    // A store may instead refuse to continue a changed object; it must say so.
    EXPECT_EQ(e.code(), ErrorCode::IOError) << e.what();
  }
}

}  // namespace neuralake::testing
