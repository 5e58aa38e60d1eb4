// Reading _delta_log/_last_checkpoint.
#include "delta/last_checkpoint.h"

#include <string>

#include <simdjson.h>

#include "neuralake/error.h"

namespace neuralake::delta {

namespace {

[[noreturn]] void malformed(std::string_view key, std::string_view problem) {
  throw Error(ErrorCode::Corruption, std::string(key),
              "Delta log " + std::string(key) + ": " + std::string(problem));
}

std::optional<int64_t> integer_field(simdjson::dom::object o, std::string_view key, const char* field,
                                     bool required) {
  simdjson::dom::element e;
  if (o[field].get(e) != simdjson::SUCCESS || e.is_null()) {
    if (required) malformed(key, std::string(field) + " is missing");
    return std::nullopt;
  }
  int64_t v = 0;
  if (e.get(v) != simdjson::SUCCESS) malformed(key, std::string(field) + " must be an integer");
  if (v < 0) malformed(key, std::string(field) + " is negative");
  return v;
}

}  // namespace

LastCheckpoint parse_last_checkpoint(std::string_view key, std::string_view text) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  simdjson::dom::object o;
  // simdjson reads padding past the end: parse a padded copy.
  const simdjson::padded_string padded(text);
  if (parser.parse(padded).get(doc) != simdjson::SUCCESS) malformed(key, "is not valid JSON");
  if (doc.get(o) != simdjson::SUCCESS) malformed(key, "is not a JSON object");
  LastCheckpoint lc;
  lc.version = *integer_field(o, key, "version", true);
  lc.size = integer_field(o, key, "size", false);
  lc.parts = integer_field(o, key, "parts", false);
  if (lc.parts && (*lc.parts < 1 || *lc.parts > 1000000)) malformed(key, "parts must be between 1 and 1000000");
  lc.size_in_bytes = integer_field(o, key, "sizeInBytes", false);
  lc.num_of_add_files = integer_field(o, key, "numOfAddFiles", false);
  return lc;
}

std::optional<LastCheckpoint> read_last_checkpoint(const TableLocation& table, const LogListing& listing) {
  if (!listing.has_last_checkpoint) return std::nullopt;
  const std::string key = listing.log_prefix + "_last_checkpoint";
  std::string text;
  try {
    text = table.store->read_all(key);
  } catch (const Error& e) {
    if (e.code() == ErrorCode::NotFound) return std::nullopt;  // removed since the listing
    throw;
  }
  return parse_last_checkpoint(key, text);
}

}  // namespace neuralake::delta
