// Reading and checking Delta log actions. An add is read in one pass over
// its fields (a 100k-file commit is mostly adds); the rarer actions look
// their fields up by name.
#include "delta/log_actions.h"

#include <limits>

#include "neuralake/error.h"

namespace neuralake::delta {

void malformed_action(const ActionSource& at, std::string_view field, std::string_view problem) {
  std::string where = at.checkpoint() ? "Delta checkpoint " + std::string(at.file)
                                      : "Delta log " + std::string(at.file) + " line " + std::to_string(at.line);
  throw Error(ErrorCode::Corruption, std::string(at.file), where + ": " + std::string(field) + " " + std::string(problem));
}

const char* json_type_name(const JsonElement& e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: return "an array";
    case simdjson::dom::element_type::OBJECT: return "an object";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64: return "an integer";
    case simdjson::dom::element_type::DOUBLE: return "a fractional number";
    case simdjson::dom::element_type::STRING: return "a string";
    case simdjson::dom::element_type::BOOL: return "a boolean";
    case simdjson::dom::element_type::NULL_VALUE: return "null";
  }
  return "a JSON value";
}

namespace {

// Field checks, each naming "<action>.<field>" in its error.
class Fields {
 public:
  Fields(JsonObject o, const char* action, const ActionSource& at) : o_(o), action_(action), at_(at) {}

  // The field, or nullopt if absent or null (null stands for absent in
  // checkpoint rows, and for an optional field anywhere).
  std::optional<JsonElement> optional(const char* key) const {
    JsonElement e;
    if (o_[key].get(e) != simdjson::SUCCESS || e.is_null()) return std::nullopt;
    return e;
  }
  JsonElement required(const char* key) const {
    auto e = optional(key);
    if (!e) fail(key, "is missing");
    return *e;
  }
  std::string_view string(const char* key) const { return as_string(key, required(key)); }
  std::optional<std::string_view> optional_string(const char* key) const {
    auto e = optional(key);
    if (!e) return std::nullopt;
    return as_string(key, *e);
  }
  int64_t integer(const char* key) const { return as_integer(key, required(key)); }
  std::optional<int64_t> optional_integer(const char* key) const {
    auto e = optional(key);
    if (!e) return std::nullopt;
    return as_integer(key, *e);
  }
  bool boolean(const char* key) const {
    const JsonElement e = required(key);
    bool b = false;
    if (e.get(b) != simdjson::SUCCESS) wrong_type(key, e, "a boolean");
    return b;
  }
  JsonObject object(const char* key) const {
    const JsonElement e = required(key);
    return as_object(key, e);
  }
  std::optional<JsonObject> optional_object(const char* key) const {
    auto e = optional(key);
    if (!e) return std::nullopt;
    return as_object(key, *e);
  }
  // An array of strings (null elements are not strings).
  std::optional<std::vector<std::string>> optional_strings(const char* key) const {
    auto e = optional(key);
    if (!e) return std::nullopt;
    simdjson::dom::array a;
    if (e->get(a) != simdjson::SUCCESS) wrong_type(key, *e, "an array of strings");
    std::vector<std::string> out;
    for (JsonElement v : a) {
      std::string_view s;
      if (v.get(s) != simdjson::SUCCESS) fail(key, std::string("must be an array of strings, but holds ") + json_type_name(v));
      out.emplace_back(s);
    }
    return out;
  }
  std::vector<std::string> strings(const char* key) const {
    required(key);
    return *optional_strings(key);
  }

  std::string_view as_string(const char* key, const JsonElement& e) const {
    std::string_view s;
    if (e.get(s) != simdjson::SUCCESS) wrong_type(key, e, "a string");
    return s;
  }
  int64_t as_integer(const char* key, const JsonElement& e) const {
    int64_t v = 0;
    if (e.get(v) != simdjson::SUCCESS) wrong_type(key, e, "an integer");
    return v;
  }
  JsonObject as_object(const char* key, const JsonElement& e) const {
    JsonObject o;
    if (e.get(o) != simdjson::SUCCESS) wrong_type(key, e, "an object");
    return o;
  }
  [[noreturn]] void wrong_type(std::string_view key, const JsonElement& e, const char* expected) const {
    fail(key, std::string("must be ").append(expected) + ", not " + json_type_name(e));
  }
  [[noreturn]] void fail(std::string_view key, std::string_view problem) const {
    malformed_action(at_, std::string(action_).append(".").append(key), problem);
  }
  const ActionSource& at() const { return at_; }

 private:
  JsonObject o_;
  const char* action_;
  const ActionSource& at_;
};

int32_t as_int32(const Fields& f, const char* key, int64_t v) {
  if (v < std::numeric_limits<int32_t>::min() || v > std::numeric_limits<int32_t>::max()) {
    f.fail(key, "is out of range for an integer: " + std::to_string(v));
  }
  return static_cast<int32_t>(v);
}

std::shared_ptr<const DeletionVectorDescriptor> parse_dv(JsonObject d, const char* action, const ActionSource& at) {
  const std::string name = std::string(action) + ".deletionVector";
  const Fields f(d, name.c_str(), at);
  auto dv = std::make_shared<DeletionVectorDescriptor>();
  const std::string_view st = f.string("storageType");
  if (st != "u" && st != "i" && st != "p") f.fail("storageType", "must be 'u', 'i' or 'p', not '" + std::string(st) + "'");
  dv->storage_type = st[0];
  dv->path_or_inline = std::string(f.string("pathOrInlineDv"));
  if (auto o = f.optional_integer("offset")) dv->offset = as_int32(f, "offset", *o);
  dv->size_in_bytes = as_int32(f, "sizeInBytes", f.integer("sizeInBytes"));
  dv->cardinality = f.integer("cardinality");
  return dv;
}

// add.partitionValues into `out`: every key a partition column, each value
// a string or null, and every partition column present.
void read_partition_values(const Fields& f, JsonObject pv, const std::vector<std::string>& keys,
                           std::vector<std::optional<std::string_view>>& out) {
  // A null value is marked as seen by a view of kNull until the end.
  static constexpr char kNull = 0;
  out.assign(keys.size(), std::nullopt);
  for (auto [key, value] : pv) {
    size_t i = 0;
    while (i < keys.size() && keys[i] != key) ++i;
    if (i == keys.size()) {
      f.fail("partitionValues", "has key '" + std::string(key) + "', which is not a partition column");
    }
    std::string_view s(&kNull, 0);
    if (!value.is_null() && value.get(s) != simdjson::SUCCESS) {
      f.fail("partitionValues." + std::string(key),
             std::string("must be a string or null, not ") + json_type_name(value));
    }
    out[i] = s;
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (!out[i]) f.fail("partitionValues." + keys[i], "is missing (a partition column)");
    if (out[i]->data() == &kNull) out[i].reset();
  }
}

// The add fields this reader reads, each seen once in the pass over them.
enum AddField : unsigned { kPath = 1, kPartitionValues = 2, kSize = 4, kModificationTime = 8, kDataChange = 16 };

}  // namespace

Protocol parse_protocol(JsonObject p, const ActionSource& at) {
  const Fields f(p, "protocol", at);
  Protocol out;
  out.min_reader_version = as_int32(f, "minReaderVersion", f.integer("minReaderVersion"));
  out.min_writer_version = as_int32(f, "minWriterVersion", f.integer("minWriterVersion"));
  if (out.min_reader_version < 1) f.fail("minReaderVersion", "must be at least 1");
  if (out.min_writer_version < 1) f.fail("minWriterVersion", "must be at least 1");
  out.reader_features = f.optional_strings("readerFeatures");
  out.writer_features = f.optional_strings("writerFeatures");
  return out;
}

MetadataAction parse_metadata(JsonObject m, const ActionSource& at, const std::string& table) {
  const Fields f(m, "metaData", at);
  MetadataAction out;
  Metadata& md = out.metadata;
  md.id = std::string(f.string("id"));
  md.name = std::string(f.optional_string("name").value_or(""));
  md.description = std::string(f.optional_string("description").value_or(""));
  // The reader does not use the format; checkpoints written by some tools
  // leave it out of the metaData struct, so there it may be absent.
  if (auto format = at.checkpoint() ? f.optional_object("format") : f.object("format")) {
    Fields(*format, "metaData.format", at).string("provider");
  }
  md.schema_string = std::string(f.string("schemaString"));
  md.partition_columns = f.strings("partitionColumns");
  // Map[String, String]; some writers put null for a key without a value.
  for (auto [key, value] : f.object("configuration")) {
    if (value.is_null()) continue;
    std::string_view s;
    if (value.get(s) != simdjson::SUCCESS) {
      f.fail("configuration." + std::string(key), std::string("must be a string, not ") + json_type_name(value));
    }
    md.configuration.emplace(std::string(key), std::string(s));
  }
  md.created_time = f.optional_integer("createdTime");
  try {
    out.schema = parse_schema(md.schema_string, table);
  } catch (const Error& e) {
    if (e.code() != ErrorCode::Corruption) throw;
    f.fail("schemaString", std::string("is not a valid schema: ") + e.what());
  }
  return out;
}

void parse_add(JsonObject a, const std::vector<std::string>& partition_keys, const ActionSource& at, AddAction& out,
               std::vector<std::optional<std::string_view>>& partition_values) {
  const Fields f(a, "add", at);
  unsigned seen = 0;
  JsonObject pv;
  out.stats = {};
  out.deletion_vector.reset();
  for (auto [key, value] : a) {
    if (key == "path") {
      out.path = f.as_string("path", value);
      seen |= kPath;
    } else if (key == "partitionValues") {
      if (value.is_null()) continue;
      pv = f.as_object("partitionValues", value);
      seen |= kPartitionValues;
    } else if (key == "size") {
      if (value.is_null()) continue;
      out.size = f.as_integer("size", value);
      seen |= kSize;
    } else if (key == "modificationTime") {
      if (value.is_null()) continue;
      out.modification_time = f.as_integer("modificationTime", value);
      seen |= kModificationTime;
    } else if (key == "dataChange") {
      if (value.is_null()) continue;
      if (!value.is_bool()) f.wrong_type("dataChange", value, "a boolean");
      seen |= kDataChange;
    } else if (key == "stats") {
      if (!value.is_null()) out.stats = f.as_string("stats", value);
    } else if (key == "deletionVector") {
      if (!value.is_null()) out.deletion_vector = parse_dv(f.as_object("deletionVector", value), "add", at);
    }
  }
  if (seen != (kPath | kPartitionValues | kSize | kModificationTime | kDataChange)) {
    for (const char* key : {"path", "partitionValues", "size", "modificationTime", "dataChange"}) f.required(key);
  }
  if (out.path.empty()) f.fail("path", "is empty");
  if (out.size < 0) f.fail("size", "is negative: " + std::to_string(out.size));
  read_partition_values(f, pv, partition_keys, partition_values);
}

RemoveAction parse_remove(JsonObject r, const ActionSource& at) {
  const Fields f(r, "remove", at);
  RemoveAction out;
  out.path = f.string("path");
  if (out.path.empty()) f.fail("path", "is empty");
  f.optional_integer("deletionTimestamp");
  f.boolean("dataChange");
  if (auto dv = f.optional_object("deletionVector")) out.deletion_vector = parse_dv(*dv, "remove", at);
  return out;
}

TxnAction parse_txn(JsonObject t, const ActionSource& at) {
  const Fields f(t, "txn", at);
  TxnAction out;
  out.app_id = f.string("appId");
  out.version = f.integer("version");
  out.last_updated = f.optional_integer("lastUpdated");
  return out;
}

std::optional<int64_t> parse_commit_info(JsonObject c, const ActionSource& at) {
  return Fields(c, "commitInfo", at).optional_integer("inCommitTimestamp");
}

}  // namespace neuralake::delta
