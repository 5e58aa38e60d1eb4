// libcurl and libcrypto are opened by the S3 client when it first needs them,
// not linked: a session on local files maps neither (nor libcurl's
// dependencies), the first HTTP request and the first signature open them, and
// a library that cannot be opened is an error naming it.
//
// The first test must run before anything in this process speaks HTTP: tests
// run in the order they are defined (and CTest runs each alone).
#include <gtest/gtest.h>

#include <fstream>
#include <string>

#include "neuralake/neuralake.h"
#include "storage/s3/crypto_library.h"
#include "storage/s3/curl_library.h"
#include "storage/s3/http_client.h"
#include "storage/s3/sigv4.h"
#include "testing/s3_loopback_server.h"
#include "testing/test_util.h"

using namespace neuralake;
namespace nlt = neuralake::testing;

namespace {

// Whether a file whose name contains `name` is mapped into this process.
bool mapped(const std::string& name) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line))
    if (line.find(name) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST(LoadedLibraries, SessionOnLocalFilesOpensNeitherCurlNorCrypto) {
  ASSERT_FALSE(s3::curl_library_loaded()) << "an earlier test spoke HTTP; run this one first";
  nlt::TempDir dir;
  SessionOptions options;
  options.warehouse = dir.str();
  Session session(options);
  const std::string file = (dir.path() / "t.parquet").string();
  session.execute("COPY (SELECT range AS x FROM range(10)) TO '" + file + "'");
  DataFrame df = session.sql("SELECT max(x) AS m FROM read_parquet('" + file + "')");
  EXPECT_EQ(df.column(0).at<int64_t>(0), 9);
  EXPECT_FALSE(s3::curl_library_loaded());
  EXPECT_FALSE(mapped("libcurl")) << "libcurl is mapped without any HTTP request";
  EXPECT_FALSE(mapped("libcrypto")) << "libcrypto is mapped without any signature";
}

TEST(LoadedLibraries, FirstRequestAndFirstSignatureOpenThem) {
  nlt::LoopbackHttpServer server([](const nlt::HttpExchange& e) {
    nlt::HttpReply r;
    r.body = "hello " + e.path();
    return r;
  });
  s3::HttpClient client;
  s3::HttpRequest request;
  request.url = server.url() + "/object";
  s3::HttpResponse response = client.perform(request);
  EXPECT_EQ(response.transport_error, 0) << response.transport_message;
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "hello /object");
  EXPECT_TRUE(s3::curl_library_loaded());
  EXPECT_TRUE(mapped("libcurl"));

  // The SHA-256 of "abc" (FIPS 180-2's first example), through the opened libcrypto.
  EXPECT_EQ(s3::sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(mapped("libcrypto"));
}

TEST(LoadedLibraries, LibraryThatCannotBeOpenedIsAnErrorNamingIt) {
  try {
    s3::load_curl_library("libcurl-neuralake-absent.so.4");
    FAIL() << "a missing library loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unavailable);
    EXPECT_EQ(e.object(), "libcurl-neuralake-absent.so.4");
    const std::string what = e.what();
    EXPECT_NE(what.find("HTTP"), std::string::npos) << what;
    EXPECT_NE(what.find("libcurl-neuralake-absent.so.4"), std::string::npos) << what;
    EXPECT_NE(what.find("libcurl4"), std::string::npos) << "names the package to install: " << what;
  }
  try {
    s3::load_crypto_library("libcrypto-neuralake-absent.so.3");
    FAIL() << "a missing library loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unavailable);
    EXPECT_NE(std::string(e.what()).find("libssl3"), std::string::npos) << e.what();
  }
}

TEST(LoadedLibraries, LibraryWithoutTheFunctionsIsAnErrorNamingTheFunction) {
  // zlib opens, but it is not libcurl.
  try {
    s3::load_curl_library("libz.so.1");
    FAIL() << "zlib passed for libcurl";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), ErrorCode::Unavailable);
    EXPECT_EQ(e.object(), "libz.so.1");
    EXPECT_NE(std::string(e.what()).find("curl_global_init"), std::string::npos) << e.what();
  }
}
