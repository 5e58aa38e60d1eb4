// Deletion vectors: which rows of a data file are deleted, as the log
// describes them (inline, or in a .bin file next to the table) and decoded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neuralake/object_store.h"

namespace neuralake::delta {

struct DeletionVectorDescriptor {
  char storage_type = 'u';      // 'u': relative UUID path, 'p': absolute path, 'i': inline
  std::string path_or_inline;   // as in the log
  std::optional<int32_t> offset;
  int32_t size_in_bytes = 0;
  int64_t cardinality = 0;

  // The protocol's identity of a DV: storageType + pathOrInlineDv [+ "@" offset].
  std::string unique_id() const;
};

// Decodes Z85 text (length a multiple of 5). Throws Corruption naming `object`.
std::string z85_decode(std::string_view text, const std::string& object);

// The deleted row indexes, sorted ascending. `table_key` is the table root's
// key in `store` (no trailing '/'). Throws NotFound naming the .bin file if it
// is gone, Corruption naming it if it does not decode or its checksum fails.
std::vector<uint64_t> load_deletion_vector(ObjectStore& store, const std::string& table_key,
                                           const DeletionVectorDescriptor& dv);

// Decodes a serialised RoaringBitmapArray (magic number first) into sorted
// row indexes. Throws Corruption naming `object` if malformed, or if it holds
// more than `max_rows` rows (the descriptor's cardinality).
std::vector<uint64_t> decode_roaring_bitmap_array(std::string_view bytes, const std::string& object,
                                                  uint64_t max_rows);

// The key of the file holding a 'u' or 'p' DV, relative to the store root.
std::string deletion_vector_key(const std::string& table_key, const DeletionVectorDescriptor& dv);

}  // namespace neuralake::delta
