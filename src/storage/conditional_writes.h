// Whether a store honours put_if_absent (on S3: "If-None-Match: *"). AWS S3
// does; some S3-compatible servers accept the header and overwrite anyway,
// and two Delta writers could then overwrite each other's commits. Probed by
// writing a small object twice under a unique key, then deleting it.
#pragma once

#include <memory>
#include <string>

#include "neuralake/object_store.h"

namespace neuralake::storage {

// Probes `store` under `directory` (a key prefix without trailing '/'; the
// probe object is "<directory>/.neuralake-conditional-write-<uuid>"). Throws
// the store's errors (e.g. PermissionDenied) if it cannot write there.
bool probe_put_if_absent(ObjectStore& store, const std::string& directory);

// The same, probed once per store object in this process and remembered.
// Stores other than s3:// ones honour it by construction and are not probed.
bool honours_put_if_absent(const std::shared_ptr<ObjectStore>& store, const std::string& directory);

}  // namespace neuralake::storage
