// The s3:// ObjectStore: S3's REST API (ListObjectsV2, HEAD, ranged GET, PUT,
// conditional PUT, DELETE, multipart upload) over libcurl, signed with SigV4.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "storage/s3/endpoint.h"
#include "neuralake/config.h"
#include "neuralake/object_store.h"
#include "storage/s3/credentials.h"
#include "storage/s3/http_client.h"

namespace neuralake::s3 {

struct S3StoreOptions {
  std::string bucket;
  std::string prefix;  // keys are relative to it; "" or "a/b" (no leading/trailing '/')
  // Where S3 is. An empty endpoint means AWS: https://s3.<region>.amazonaws.com.
  std::string endpoint;
  std::string region = "us-east-1";
  bool path_style = false;
  int max_retries = 5;
  // Backoff before retry n (0-based): a uniformly random wait in
  // [0, min(retry_max_delay, retry_base_delay * 2^n)] ("full jitter").
  std::chrono::milliseconds retry_base_delay{100};
  std::chrono::milliseconds retry_max_delay{5000};
  // Streaming writes upload parts of this size (S3's minimum is 5 MiB).
  size_t part_size = 8u << 20;
  // A read_range longer than read_part_size is fetched as parts of that size,
  // up to read_parallelism at once (1: one request per range). A ranged GET
  // on S3 runs at tens of MB/s per connection; parallel parts add up.
  size_t read_part_size = 8u << 20;
  int read_parallelism = 4;
  // open_reader fetches the object in chunks of this size, up to
  // read_parallelism of them ahead of the caller at once (so a reader holds at
  // most read_parallelism + 1 chunks).
  size_t read_chunk_size = 8u << 20;
  // open_reader streams the rest of the object after its first chunk with one
  // GET instead (holding at most read_chunk_size * read_parallelism bytes
  // the caller has not taken yet).
  bool stream_sequential_reads = false;
  std::shared_ptr<CredentialChain> credentials;
  std::shared_ptr<HttpClient> http;
};

// Counts of HTTP requests by kind, for tests and benchmarks.
struct S3RequestCounts {
  uint64_t get = 0, head = 0, list = 0, put = 0, remove = 0, multipart = 0, retries = 0;
};

class S3Store;
std::shared_ptr<S3Store> make_s3_store(S3StoreOptions options);

class S3Store : public ObjectStore {
 public:
  virtual S3RequestCounts request_counts() const = 0;
};

// S3StoreOptions from a resolved Config (endpoint, region, addressing, retries)
// with the standard credential chain. `store_uri` is "s3://bucket[/prefix]".
S3StoreOptions s3_options_from_config(const Config& config, const Environment& env, const std::string& store_uri);

}  // namespace neuralake::s3
