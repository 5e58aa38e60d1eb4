// A query result written in one of the API's encodings, batch by batch, to a
// byte sink: what the server streams as a chunked HTTP body.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "neuralake/data_frame.h"
#include "server/encoding.h"

namespace neuralake::server {

class ResultWriter {
 public:
  using Sink = std::function<void(std::string_view)>;
  virtual ~ResultWriter() = default;
  // Writes what comes before the first row (a JSON '[', a CSV header, an
  // Arrow schema message, Parquet's magic).
  virtual void begin() = 0;
  virtual void write(const DataFrame& batch) = 0;
  // Writes what ends a complete result.
  virtual void finish() = 0;
  // When the result fails after the body has begun: the bytes that tell the
  // client (NDJSON: an {"error": …} line), and whether the body may then end
  // normally. Encodings without an in-band error marker return "" and false:
  // the server closes the connection without the final chunk, so the
  // truncated body cannot be mistaken for a whole one.
  virtual std::string failure_marker(const std::string& kind, const std::string& message) {
    (void)kind;
    (void)message;
    return "";
  }
  virtual bool ends_after_failure() const { return false; }
};

// Throws NotSupported naming the column when the encoding cannot carry one of
// the schema's types: before any byte is written.
std::unique_ptr<ResultWriter> make_result_writer(Encoding encoding, const Schema& schema, ResultWriter::Sink sink);

}  // namespace neuralake::server
