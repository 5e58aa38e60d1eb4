#include "server/result_writer.h"

#include "encode/row_text.h"
#include "neuralake/error.h"

namespace neuralake::server {

namespace {

using cli::append_json_object;
using cli::append_json_string;

std::vector<std::string> names_of(const Schema& schema) {
  std::vector<std::string> names;
  for (const auto& f : schema) names.push_back(f.name);
  return names;
}

// Text encodings flush in pieces of about this size, so one huge batch does
// not become one huge buffer.
constexpr size_t kFlushBytes = 256 * 1024;

// ROAPI's JSON: one array of row objects.
class JsonRowsWriter : public ResultWriter {
 public:
  JsonRowsWriter(const Schema& schema, Sink sink) : keys_(cli::json_keys(names_of(schema))), sink_(std::move(sink)) {}
  void begin() override { sink_("["); }
  void write(const DataFrame& batch) override {
    std::string out;
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      if (!first_) out += ',';
      first_ = false;
      append_json_object(out, batch, r, keys_);
      if (out.size() >= kFlushBytes) {
        sink_(out);
        out.clear();
      }
    }
    if (!out.empty()) sink_(out);
  }
  void finish() override { sink_("]"); }

 private:
  std::vector<std::string> keys_;
  Sink sink_;
  bool first_ = true;
};

class NdJsonWriter : public ResultWriter {
 public:
  NdJsonWriter(const Schema& schema, Sink sink) : keys_(cli::json_keys(names_of(schema))), sink_(std::move(sink)) {}
  void begin() override {}
  void write(const DataFrame& batch) override {
    std::string out;
    for (size_t r = 0; r < batch.num_rows(); ++r) {
      append_json_object(out, batch, r, keys_);
      out += '\n';
      if (out.size() >= kFlushBytes) {
        sink_(out);
        out.clear();
      }
    }
    if (!out.empty()) sink_(out);
  }
  void finish() override {}
  // A last line no row can be: rows never hold a top-level "error" object
  // next to "code" and "message" only.
  std::string failure_marker(const std::string& kind, const std::string& message) override {
    std::string out = "{\"error\":{\"code\":";
    out += kind == "query_timeout" ? "504" : "500";
    out += ",\"error\":";
    append_json_string(out, kind);
    out += ",\"message\":";
    append_json_string(out, message);
    out += "}}\n";
    return out;
  }
  bool ends_after_failure() const override { return true; }

 private:
  std::vector<std::string> keys_;
  Sink sink_;
};

class CsvWriter : public ResultWriter {
 public:
  CsvWriter(const Schema& schema, Sink sink) : names_(names_of(schema)), sink_(std::move(sink)) {}
  void begin() override {
    std::string out;
    cli::append_csv_header(out, names_);
    sink_(out);
  }
  void write(const DataFrame& batch) override { cli::for_each_csv_piece(batch, sink_); }
  void finish() override {}

 private:
  std::vector<std::string> names_;
  Sink sink_;
};

}  // namespace

std::unique_ptr<ResultWriter> make_arrow_result_writer(bool file_format, const Schema& schema, ResultWriter::Sink sink);
std::unique_ptr<ResultWriter> make_parquet_result_writer(const Schema& schema, ResultWriter::Sink sink);

std::unique_ptr<ResultWriter> make_result_writer(Encoding encoding, const Schema& schema, ResultWriter::Sink sink) {
  switch (encoding) {
    case Encoding::Json: return std::make_unique<JsonRowsWriter>(schema, std::move(sink));
    case Encoding::NdJson: return std::make_unique<NdJsonWriter>(schema, std::move(sink));
    case Encoding::Csv: return std::make_unique<CsvWriter>(schema, std::move(sink));
    case Encoding::ArrowStream: return make_arrow_result_writer(false, schema, std::move(sink));
    case Encoding::ArrowFile: return make_arrow_result_writer(true, schema, std::move(sink));
    case Encoding::Parquet: return make_parquet_result_writer(schema, std::move(sink));
  }
  throw Error(ErrorCode::Internal, "encoding", "unknown encoding");
}

}  // namespace neuralake::server
