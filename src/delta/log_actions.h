// The actions of a Delta log (protocol, metaData, add, remove, txn,
// commitInfo) read from simdjson objects and checked against the protocol's
// required fields and JSON types (PROTOCOL.md, "Actions"). Fields the
// protocol does not define are ignored, as it requires of readers. A
// violation is Corruption naming the file, the line and the field, e.g.
//   Delta log t/_delta_log/00000000000000000003.json line 2: add.partitionValues is missing
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "delta/deletion_vector.h"
#include "delta/schema.h"
#include "delta/snapshot.h"

namespace neuralake::delta {

using JsonObject = simdjson::dom::object;
using JsonElement = simdjson::dom::element;

// Where an action was read: a commit file (line 1-based) or a checkpoint
// part (line 0: a row of it).
struct ActionSource {
  std::string_view file;
  size_t line = 0;
  bool checkpoint() const { return line == 0; }
};

// Throws Corruption naming `at`'s file and line and `field`
// ("add.size"): "<where>: <field> <problem>".
[[noreturn]] void malformed_action(const ActionSource& at, std::string_view field, std::string_view problem);

// "a string", "a number", "an object", ... for messages.
const char* json_type_name(const JsonElement& e);

Protocol parse_protocol(JsonObject p, const ActionSource& at);

// The metaData action and its schemaString parsed. `table` names the table
// in errors about the schema's content (an unsupported type).
struct MetadataAction {
  Metadata metadata;
  DeltaSchema schema;
};
MetadataAction parse_metadata(JsonObject m, const ActionSource& at, const std::string& table);

// An add as the replay needs it; the views point into the parsed line.
struct AddAction {
  std::string_view path;
  int64_t size = 0;
  int64_t modification_time = 0;
  std::string_view stats;  // empty: none
  std::shared_ptr<const DeletionVectorDescriptor> deletion_vector;
};

// Reads add `a`. Its partitionValues must name exactly the partition columns
// `partition_keys` (physical names), each a string or null; the values go
// to `partition_values`, indexed like `partition_keys` (no allocation when
// its capacity suffices).
void parse_add(JsonObject a, const std::vector<std::string>& partition_keys, const ActionSource& at, AddAction& out,
               std::vector<std::optional<std::string_view>>& partition_values);

struct RemoveAction {
  std::string_view path;
  std::shared_ptr<const DeletionVectorDescriptor> deletion_vector;
};
RemoveAction parse_remove(JsonObject r, const ActionSource& at);

struct TxnAction {
  std::string_view app_id;
  int64_t version = 0;
  std::optional<int64_t> last_updated;
};
TxnAction parse_txn(JsonObject t, const ActionSource& at);

// commitInfo may hold anything (PROTOCOL.md, "Commit Provenance
// Information"); only inCommitTimestamp, which the reader uses, must be an
// integer when present. Returns it.
std::optional<int64_t> parse_commit_info(JsonObject c, const ActionSource& at);

}  // namespace neuralake::delta
