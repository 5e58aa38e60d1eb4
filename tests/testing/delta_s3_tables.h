// The shared Delta test tables on a local S3 server: the minio profile aimed at
// the server, and an upload of a table's folder through the ObjectStore.
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "neuralake/config.h"
#include "neuralake/object_store.h"
#include "neuralake/options.h"
#include "testing/s3_local_server.h"
#include "testing/test_util.h"

namespace neuralake::testing {

// Session options under the minio profile with `endpoint` as the S3 endpoint
// and nothing inherited from the caller's AWS settings but what the profile sets.
inline SessionOptions minio_session_options(const std::string& endpoint) {
  Environment env{{{"NEURALAKE_ENV", "minio"}, {"AWS_ENDPOINT_URL", endpoint}, {"AWS_EC2_METADATA_DISABLED", "true"}}};
  SessionOptions o;
  o.config = Config::resolve(env);
  o.warehouse = o.config->warehouse;
  return o;
}

// Puts every file under `dir` into `store` at "<prefix>/<relative path>". The
// objects get the upload's modification times, not the files' (S3 sets them).
inline void upload_tree(ObjectStore& store, const std::filesystem::path& dir, const std::string& prefix) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    const std::string rel = std::filesystem::relative(e.path(), dir).generic_string();
    store.put(prefix + "/" + rel, read_file(e.path()));
  }
}

}  // namespace neuralake::testing
