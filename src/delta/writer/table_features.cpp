#include "delta/writer/table_features.h"

#include <algorithm>
#include <cctype>

#include <simdjson.h>

#include "delta/writer/json_out.h"
#include "delta/writer/schema_out.h"
#include "neuralake/error.h"

namespace neuralake::delta {

namespace {

// Writer features this writer honours: it writes nothing that breaks them
// (appendOnly refuses overwrites; invariants, CHECK constraints, generated and
// identity columns are checked to be absent), or they only tag types it writes.
const std::vector<std::string>& known_writer_features() {
  static const std::vector<std::string> f = {"appendOnly",       "invariants",      "checkConstraints",
                                             "changeDataFeed",   "generatedColumns", "identityColumns",
                                             "timestampNtz",     "domainMetadata",   "vacuumProtocolCheck",
                                             "inCommitTimestamp-preview"};
  return f;
}

bool truthy(const std::map<std::string, std::string>& c, const std::string& key) {
  auto it = c.find(key);
  if (it == c.end()) return false;
  std::string v = it->second;
  std::transform(v.begin(), v.end(), v.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return v == "true";
}

// Field metadata keys anywhere in a schemaString: which of `keys` appear.
void scan_field_metadata(simdjson::dom::element type, std::vector<std::string>& found,
                         const std::vector<std::string>& keys) {
  simdjson::dom::object o;
  if (type.get(o) != simdjson::SUCCESS) return;
  simdjson::dom::array fields;
  if (o["fields"].get(fields) == simdjson::SUCCESS) {
    for (simdjson::dom::element f : fields) {
      simdjson::dom::object meta;
      if (f["metadata"].get(meta) == simdjson::SUCCESS) {
        for (auto [k, v] : meta) {
          for (const auto& want : keys) {
            if (k == want && std::find(found.begin(), found.end(), want) == found.end()) found.push_back(want);
          }
        }
      }
      simdjson::dom::element t;
      if (f["type"].get(t) == simdjson::SUCCESS) scan_field_metadata(t, found, keys);
    }
  }
  simdjson::dom::element child;
  if (o["elementType"].get(child) == simdjson::SUCCESS) scan_field_metadata(child, found, keys);
  if (o["keyType"].get(child) == simdjson::SUCCESS) scan_field_metadata(child, found, keys);
  if (o["valueType"].get(child) == simdjson::SUCCESS) scan_field_metadata(child, found, keys);
}

[[noreturn]] void refuse(const std::string& table, const std::string& what) {
  throw Error(ErrorCode::NotSupported, table,
              "cannot write to Delta table '" + table + "': it uses " + what +
                  ", which this writer does not implement; nothing was written");
}

}  // namespace

int checkpoint_interval(const std::map<std::string, std::string>& configuration) {
  auto it = configuration.find("delta.checkpointInterval");
  if (it == configuration.end()) return 10;
  try {
    size_t used = 0;
    int v = std::stoi(it->second, &used);
    if (used == it->second.size() && v > 0) return v;
  } catch (const std::exception&) {
  }
  throw Error(ErrorCode::InvalidArgument, it->first,
              "table property delta.checkpointInterval is '" + it->second + "', expected a positive integer");
}

bool append_only(const std::map<std::string, std::string>& configuration) {
  return truthy(configuration, "delta.appendOnly");
}

void check_writable(const Snapshot& snap, bool overwrite, const std::string& table) {
  const auto& p = snap.protocol;
  const auto& conf = snap.metadata.configuration;
  if (p.min_writer_version > 7) refuse(table, "writer version " + std::to_string(p.min_writer_version));
  if (p.writer_features) {
    for (const auto& f : *p.writer_features) {
      if (std::find(known_writer_features().begin(), known_writer_features().end(), f) ==
          known_writer_features().end()) {
        refuse(table, "the writer feature '" + f + "'");
      }
    }
  }
  if (snap.column_mapping != ColumnMappingMode::None) refuse(table, "column mapping (the writer feature 'columnMapping')");
  if (truthy(conf, "delta.enableDeletionVectors")) refuse(table, "deletion vectors (the writer feature 'deletionVectors')");
  if (truthy(conf, "delta.enableRowTracking")) refuse(table, "row tracking (the writer feature 'rowTracking')");
  for (const auto& [k, v] : conf) {
    if (k.rfind("delta.constraints.", 0) == 0) {
      refuse(table, "a CHECK constraint ('" + k.substr(18) + "': " + v + ", the writer feature 'checkConstraints')");
    }
  }
  simdjson::dom::parser parser;
  simdjson::dom::element schema;
  if (parser.parse(snap.metadata.schema_string).get(schema) == simdjson::SUCCESS) {
    std::vector<std::string> found;
    scan_field_metadata(schema, found,
                        {"delta.invariants", "delta.generationExpression", "delta.identity.start",
                         "delta.identity.step", "delta.identity.highWaterMark"});
    for (const auto& f : found) {
      if (f == "delta.invariants") refuse(table, "a column invariant (the writer feature 'invariants')");
      if (f == "delta.generationExpression") refuse(table, "a generated column (the writer feature 'generatedColumns')");
      refuse(table, "an identity column (the writer feature 'identityColumns')");
    }
  }
  if (overwrite && append_only(conf)) {
    throw Error(ErrorCode::InvalidArgument, table,
                "Delta table '" + table + "' is append-only (delta.appendOnly = true): it cannot be overwritten");
  }
}

void check_new_table_properties(const std::map<std::string, std::string>& properties, const std::string& table) {
  for (const auto& property : properties) {
    const std::string& k = property.first;
    const std::string& v = property.second;
    auto refuse_property = [&](const std::string& feature) {
      throw Error(ErrorCode::NotSupported, k,
                  "cannot create Delta table '" + table + "' with " + k + " = " + v + ": it enables " + feature +
                      ", which this writer does not implement");
    };
    if (k == "delta.columnMapping.mode" && v != "none") refuse_property("column mapping");
    if (k == "delta.enableDeletionVectors" && truthy(properties, k)) refuse_property("deletion vectors");
    if (k == "delta.enableRowTracking" && truthy(properties, k)) refuse_property("row tracking");
    if (k.rfind("delta.constraints.", 0) == 0) refuse_property("CHECK constraints");
    if (k == "delta.appendOnly" && v != "true" && v != "false") {
      throw Error(ErrorCode::InvalidArgument, k, "table property delta.appendOnly is '" + v + "', expected true or false");
    }
  }
  checkpoint_interval(properties);
}

Protocol protocol_for(const DeltaSchema& schema, const std::map<std::string, std::string>& properties) {
  Protocol p;
  p.min_reader_version = 1;
  p.min_writer_version = 2;
  if (truthy(properties, "delta.enableChangeDataFeed")) p.min_writer_version = 4;
  if (uses_timestamp_ntz(schema)) {
    p.min_reader_version = 3;
    p.min_writer_version = 7;
    p.reader_features = std::vector<std::string>{"timestampNtz"};
    std::vector<std::string> w;
    if (append_only(properties)) w.push_back("appendOnly");
    if (truthy(properties, "delta.enableChangeDataFeed")) w.push_back("changeDataFeed");
    w.push_back("timestampNtz");
    p.writer_features = w;
  }
  return p;
}

std::string protocol_action(const Protocol& p) {
  JsonOut j;
  j.begin_object().key("protocol").begin_object();
  j.key("minReaderVersion").number(p.min_reader_version).key("minWriterVersion").number(p.min_writer_version);
  if (p.reader_features) {
    j.key("readerFeatures").begin_array();
    for (const auto& f : *p.reader_features) j.string(f);
    j.end_array();
  }
  if (p.writer_features) {
    j.key("writerFeatures").begin_array();
    for (const auto& f : *p.writer_features) j.string(f);
    j.end_array();
  }
  j.end_object().end_object();
  return j.take();
}

bool protocol_covers(const Protocol& have, const Protocol& need) {
  if (have.min_reader_version < need.min_reader_version || have.min_writer_version < need.min_writer_version)
    return false;
  auto covers = [](const std::optional<std::vector<std::string>>& h, const std::optional<std::vector<std::string>>& n) {
    if (!n) return true;
    for (const auto& f : *n) {
      if (!h || std::find(h->begin(), h->end(), f) == h->end()) return false;
    }
    return true;
  };
  return covers(have.reader_features, need.reader_features) && covers(have.writer_features, need.writer_features);
}

}  // namespace neuralake::delta
