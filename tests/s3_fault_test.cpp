// Fault injection between our S3 client and a live local server: retries
// succeed when they should, fail clearly when they should, never return wrong
// or partial data, and no error ever carries the secret key.
#include <gtest/gtest.h>

#include "neuralake/config.h"
#include "neuralake/delta_writer.h"
#include "neuralake/session.h"
#include "storage/s3/s3_store.h"
#include "testing/fault_proxy.h"
#include "testing/object_store_contract.h"
#include "testing/s3_local_server.h"
#include "testing/test_util.h"

using namespace neuralake;
using namespace neuralake::s3;
namespace nlt = neuralake::testing;
using std::chrono::milliseconds;
// Only pattern_bytes() is used from the contract header here.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(ObjectStoreContract);

namespace {

// A secret that appears nowhere else, so finding it anywhere is a leak.
const std::string kSecret = "Zx9-unique-secret-value-41d7";

nlt::LocalS3Environment* const s3 = nlt::LocalS3Environment::add();

Environment env_for(const std::string& endpoint) {
  return Environment{{{"NEURALAKE_ENV", "minio"},
                      {"AWS_ENDPOINT_URL", endpoint},
                      {"AWS_ACCESS_KEY_ID", "minioadmin"},
                      {"AWS_SECRET_ACCESS_KEY", kSecret},
                      {"NEURALAKE_S3_REQUEST_TIMEOUT_MS", "1000"},
                      {"AWS_EC2_METADATA_DISABLED", "true"}}};
}

std::string fresh_prefix() {
  static int n = 0;
  return "s3://neuralake/f" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

std::shared_ptr<S3Store> store_via(const std::string& endpoint, const std::string& uri, int retries = 3,
                                   size_t read_chunk_size = 0, bool stream_sequential_reads = true) {
  Environment env = env_for(endpoint);
  S3StoreOptions o = s3_options_from_config(Config::resolve(env), env, uri);
  o.retry_base_delay = milliseconds(1);
  o.max_retries = retries;
  if (read_chunk_size) o.read_chunk_size = read_chunk_size;
  o.stream_sequential_reads = stream_sequential_reads;
  return make_s3_store(o);
}

// Faults built field by field (designated initializers would leave fields unnamed).
nlt::Fault error_fault(const std::string& method, int times, int status, const std::string& code) {
  nlt::Fault f;
  f.method = method;
  f.times = times;
  f.status = status;
  f.s3_code = code;
  return f;
}
nlt::Fault damage_fault(const std::string& method, int times, long truncate_at, bool reset, milliseconds delay) {
  nlt::Fault f;
  f.method = method;
  f.times = times;
  f.truncate_body_at = truncate_at;
  f.reset = reset;
  f.delay = delay;
  return f;
}

struct FaultFixture : ::testing::Test {
  nlt::FaultProxy proxy{s3->server().endpoint()};
  std::string uri = fresh_prefix();
  std::shared_ptr<S3Store> store = store_via(proxy.url(), uri);
  std::vector<std::string> messages;  // every error text seen, checked for the secret

  template <class F>
  void expect_error(F f, ErrorCode code, const std::string& object_text) {
    try {
      f();
      ADD_FAILURE() << "expected an error naming " << object_text;
    } catch (const Error& e) {
      messages.push_back(e.what());
      EXPECT_EQ(e.code(), code) << e.what();
      EXPECT_NE(std::string(e.what()).find(object_text), std::string::npos) << e.what();
    }
  }
  void TearDown() override {
    for (const auto& m : messages) EXPECT_EQ(m.find(kSecret), std::string::npos) << "secret leaked: " << m;
    for (const auto& ex : proxy.seen()) {
      for (const auto& [k, v] : ex.headers) EXPECT_EQ(v.find(kSecret), std::string::npos) << "secret sent in " << k;
    }
  }
};

}  // namespace

TEST_F(FaultFixture, ServerErrorsAndSlowDownAreRetried) {
  const std::string data = nlt::pattern_bytes(100000);
  store->put("obj", data);
  proxy.inject(error_fault("GET", 1, 500, "InternalError"));
  proxy.inject(error_fault("GET", 1, 503, "SlowDown"));
  std::string buf(1000, '\0');
  EXPECT_EQ(store->read_range("obj", 500, 1000, buf.data()), 1000u);
  EXPECT_EQ(buf, data.substr(500, 1000));
  EXPECT_EQ(store->request_counts().retries, 2u);
}

TEST_F(FaultFixture, PersistentFailureIsAClearErrorNamingBucketAndKey) {
  store->put("obj", "x");
  proxy.inject(error_fault("GET", 100, 503, "SlowDown"));
  char c;
  expect_error([&] { store->read_range("obj", 0, 1, &c); }, ErrorCode::Unavailable, uri + "/obj");
  EXPECT_EQ(store->request_counts().retries, 3u);
}

TEST_F(FaultFixture, ForbiddenIsPermissionDeniedAndNotRetried) {
  proxy.inject(error_fault("HEAD", 1, 403, "AccessDenied"));
  expect_error([&] { store->head("secret/report.parquet"); }, ErrorCode::PermissionDenied, "secret/report.parquet");
  EXPECT_NE(messages.back().find("neuralake"), std::string::npos) << "names the bucket";
  EXPECT_EQ(store->request_counts().retries, 0u);
}

TEST_F(FaultFixture, TruncatedBodyIsRetriedNeverReturnedPartially) {
  const std::string data = nlt::pattern_bytes(200000, 7);
  store->put("obj", data);
  proxy.inject(damage_fault("GET", 1, 1234, false, milliseconds(0)));
  std::string buf(data.size(), '\0');
  EXPECT_EQ(store->read_range("obj", 0, data.size(), buf.data()), data.size());
  EXPECT_TRUE(buf == data);
  proxy.inject(damage_fault("GET", 100, 1234, false, milliseconds(0)));
  std::string partial(data.size(), '\0');
  expect_error([&] { store->read_range("obj", 0, data.size(), partial.data()); }, ErrorCode::Unavailable, "obj");
}

// The reader fetches the next chunks (or streams the rest of the object)
// while its caller consumes what came: a connection dropped in the middle of
// such a fetch is retried from where it stopped, and one that keeps dropping
// is an error naming the key, never short or wrong bytes.
TEST_F(FaultFixture, ReaderDroppedMidTransferIsRetriedOrAClearErrorNamingTheKey) {
  constexpr size_t chunk = 64u << 10;
  for (bool stream : {false, true}) {
    SCOPED_TRACE(stream ? "streamed" : "ranged chunks");
    auto reading = store_via(proxy.url(), uri, 3, chunk, stream);
    const std::string data = nlt::pattern_bytes(5 * chunk + 99, 11);
    reading->put("obj", data);

    {
      auto reader = reading->open_reader("obj");
      // The next GETs are the fetches after the open; one of them is cut short.
      const size_t fired = proxy.faults_fired();
      proxy.inject(damage_fault("GET", 1, 1000, false, milliseconds(0)));
      std::string got, buf(chunk / 3, '\0');
      for (size_t n; (n = reader->read(buf.data(), buf.size())) > 0;) got.append(buf.data(), n);
      EXPECT_EQ(proxy.faults_fired() - fired, 1u);
      EXPECT_TRUE(got == data) << "a dropped fetch is retried and the bytes are intact";
      EXPECT_GE(reading->request_counts().retries, 1u);
    }

    auto reader = reading->open_reader("obj");
    proxy.inject(damage_fault("GET", 100, 1000, false, milliseconds(0)));
    std::string got, buf(chunk / 3, '\0');
    expect_error(
        [&] {
          for (size_t n; (n = reader->read(buf.data(), buf.size())) > 0;) got.append(buf.data(), n);
        },
        ErrorCode::Unavailable, uri + "/obj");
    // Ranged chunks: the chunk fetched at open, then the error. Streamed: the
    // bytes each cut connection delivered are good and kept, then the error.
    if (stream)
      EXPECT_GE(got.size(), chunk);
    else
      EXPECT_EQ(got.size(), chunk);
    EXPECT_LT(got.size(), data.size());
    EXPECT_TRUE(got == data.substr(0, got.size())) << "nothing wrong before the error";
    proxy.clear();
  }
}

TEST_F(FaultFixture, ConnectionResetIsRetried) {
  store->put("obj", "payload");
  proxy.inject(damage_fault("GET", 2, -1, true, milliseconds(0)));
  EXPECT_EQ(store->read_all("obj"), "payload");
  EXPECT_EQ(proxy.faults_fired(), 2u);
  // curl itself resends once on a reused connection found dead; the rest are ours.
  EXPECT_GE(store->request_counts().retries, 1u);
}

TEST_F(FaultFixture, StalledResponseTimesOutAndIsRetried) {
  store->put("obj", "payload");
  proxy.inject(damage_fault("GET", 1, -1, false, milliseconds(2500)));
  EXPECT_EQ(store->read_all("obj"), "payload");
  EXPECT_GE(store->request_counts().retries, 1u);
}

TEST_F(FaultFixture, PutIfAbsentSendsIfNoneMatchAndHonours412) {
  EXPECT_TRUE(store->put_if_absent("log/00000.json", "first"));
  proxy.inject(error_fault("PUT", 1, 412, "PreconditionFailed"));
  EXPECT_FALSE(store->put_if_absent("log/00000.json", "second"));
  int conditional = 0;
  for (const auto& ex : proxy.seen()) {
    if (ex.method == "PUT" && ex.path().find("log/00000.json") != std::string::npos) {
      EXPECT_EQ(ex.header("if-none-match"), "*");
      ++conditional;
    }
  }
  EXPECT_EQ(conditional, 2);
  EXPECT_EQ(store->read_all("log/00000.json"), "first");
}

TEST_F(FaultFixture, MissingBucketAndUnreachableEndpointNeverLeakTheSecret) {
  auto no_bucket = store_via(proxy.url(), "s3://no-such-bucket-x1");
  expect_error([&] { no_bucket->list(""); }, ErrorCode::NotFound, "no-such-bucket-x1");
  auto unreachable = store_via("http://127.0.0.1:1", uri, 1);
  expect_error([&] { unreachable->head("k"); }, ErrorCode::Unavailable, "127.0.0.1:1");
  Config c = Config::resolve(env_for(proxy.url()));
  messages.push_back(c.describe());
}

TEST(S3Addressing, VirtualHostedThroughHttpProxy) {
  // The endpoint's host does not exist: the proxy (HTTP_PROXY) answers for it
  // and shows the Host header and path the client used.
  nlt::FaultProxy proxy("http://127.0.0.1:1", [](const nlt::HttpExchange&) {
    nlt::HttpReply r;
    r.headers = {{"Content-Length", "5"}, {"ETag", "\"e\""}};
    return r;
  });
  Environment env{{{"NEURALAKE_ENV", "minio"},
                   {"NEURALAKE_S3_ADDRESSING", "virtual"},
                   {"AWS_ENDPOINT_URL", "http://s3.example.invalid:9000"},
                   {"HTTP_PROXY", proxy.url()},
                   {"AWS_EC2_METADATA_DISABLED", "true"}}};
  Config config = Config::resolve(env);
  EXPECT_FALSE(config.s3.path_style);
  auto store = make_s3_store(s3_options_from_config(config, env, "s3://lake-bucket/tables"));
  auto info = store->head("part=1/data file.parquet");
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->size, 5u);
  auto seen = proxy.seen();
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].header("host"), "lake-bucket.s3.example.invalid:9000");
  EXPECT_EQ(seen[0].target, "http://lake-bucket.s3.example.invalid:9000/tables/part%3D1/data%20file.parquet");
}

TEST(S3Addressing, PathStyleThroughHttpProxy) {
  nlt::FaultProxy proxy("http://127.0.0.1:1", [](const nlt::HttpExchange&) {
    nlt::HttpReply r;
    r.status = 404;
    return r;
  });
  Environment env{{{"NEURALAKE_ENV", "minio"},
                   {"AWS_ENDPOINT_URL", "http://s3.example.invalid:9000"},
                   {"HTTP_PROXY", proxy.url()},
                   {"AWS_EC2_METADATA_DISABLED", "true"}}};
  auto store = make_s3_store(s3_options_from_config(Config::resolve(env), env, "s3://lake-bucket"));
  EXPECT_FALSE(store->head("k").has_value());
  ASSERT_EQ(proxy.seen().size(), 1u);
  EXPECT_EQ(proxy.seen()[0].header("host"), "s3.example.invalid:9000");
  EXPECT_EQ(proxy.seen()[0].target, "http://s3.example.invalid:9000/lake-bucket/k");
}

TEST_F(FaultFixture, TheProxyHonoursIfNoneMatchForServersThatIgnoreIt) {
  EXPECT_TRUE(store->put_if_absent("once", "first"));
  EXPECT_FALSE(store->put_if_absent("once", "second"));
  EXPECT_EQ(store->read_all("once"), "first");
  store->put("once", "replaced");  // an unconditional PUT still replaces
  EXPECT_EQ(store->read_all("once"), "replaced");
}

// A commit whose PUT reached the server but whose response was lost: the
// store retries, the retry is refused (412), and the writer recognises the
// entry as its own by its commit id. Exactly one commit, nothing twice.
TEST_F(FaultFixture, ADeltaCommitWhoseResponseWasLostCommitsExactlyOnce) {
  SessionOptions options;
  options.delta_staleness = std::chrono::hours(1);
  {
    Session session(options);
    auto bucket = store_via(proxy.url(), "s3://neuralake");  // the session serves whole buckets
    session.add_store("s3://neuralake", bucket);
    DeltaWriter writer(session, uri + "/t");
    DeltaWriteOptions create;
    create.create = DeltaCreateOptions{};
    EXPECT_EQ(writer.append(session.lazy("SELECT 1 AS id"), create).version, 0);
    nlt::Fault lost;
    lost.method = "PUT";
    lost.path_contains = "_delta_log/00000000000000000001.json";
    lost.reset_after_forward = true;
    proxy.inject(lost);
    auto r = writer.append(session.lazy("SELECT 2 AS id"));
    EXPECT_EQ(r.version, 1);
    EXPECT_EQ(proxy.faults_fired(), 1u);
    int puts = 0;
    for (const auto& ex : proxy.seen())
      if (ex.method == "PUT" && ex.path().find("_delta_log/00000000000000000001.json") != std::string::npos) ++puts;
    EXPECT_EQ(puts, 2);  // the lost one and its refused retry
    auto log = bucket->list(uri.substr(std::string("s3://neuralake/").size()) + "/t/_delta_log/");
    ASSERT_EQ(log.size(), 2u);
    auto df = session.sql("SELECT count(*), sum(id)::BIGINT FROM delta_scan('" + uri + "/t')");
    EXPECT_EQ(df.value(0, 0).as<int64_t>(), 2);
    EXPECT_EQ(df.value(0, 1).as<int64_t>(), 3);
  }
}

namespace {
std::string server_endpoint() { return s3->server().endpoint(); }
}  // namespace

// The local S3 server ignores If-None-Match: Delta writes straight to it are
// refused before anything is written, naming the setting that allows one
// writer at a time; with that setting they commit.
TEST(ConditionalWrites, DeltaWritesRefuseAStoreThatIgnoresThemUnlessSingleWriter) {
  for (bool single : {false, true}) {
    SCOPED_TRACE(single ? "single writer" : "default");
    Environment env = env_for(server_endpoint());
    if (single) env.variables["NEURALAKE_S3_SINGLE_WRITER"] = "true";
    SessionOptions o;
    o.config = Config::resolve(env);
    Session session(o);
    const std::string table = fresh_prefix() + "/t";
    DeltaWriter writer(session, table);
    DeltaWriteOptions create;
    create.create = DeltaCreateOptions{};
    if (!single) {
      EXPECT_NL_ERROR(writer.append(session.lazy("SELECT 1 AS id"), create), NotSupported, "s3.single_writer");
      auto [store, key] = session.resolve_store(table);
      EXPECT_TRUE(store->list(key + "/").empty());  // no data file, no log entry, no probe left behind
    } else {
      EXPECT_EQ(writer.append(session.lazy("SELECT 1 AS id"), create).version, 0);
    }
  }
}
