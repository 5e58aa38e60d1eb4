// Parquet answers through ParquetStreamWriter: row groups go out as they
// fill, so the server holds about one row group of the result.
#include "server/parquet_stream_writer.h"
#include "server/result_writer.h"

namespace neuralake::server {

namespace {

class ParquetResultWriter : public ResultWriter {
 public:
  ParquetResultWriter(const Schema& schema, Sink sink) : writer_(schema, std::move(sink)) {}
  void begin() override { writer_.begin(); }
  void write(const DataFrame& batch) override { writer_.write(batch); }
  void finish() override { writer_.finish(); }

 private:
  ParquetStreamWriter writer_;
};

}  // namespace

std::unique_ptr<ResultWriter> make_parquet_result_writer(const Schema& schema, ResultWriter::Sink sink) {
  return std::make_unique<ParquetResultWriter>(schema, std::move(sink));
}

}  // namespace neuralake::server
