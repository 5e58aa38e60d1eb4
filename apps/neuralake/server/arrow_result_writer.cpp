// Arrow IPC answers (stream and file format) through ArrowIpcWriter.
#include "server/arrow_ipc_writer.h"
#include "server/result_writer.h"

namespace neuralake::server {

namespace {

class ArrowResultWriter : public ResultWriter {
 public:
  ArrowResultWriter(bool file_format, const Schema& schema, Sink sink)
      : writer_(schema, file_format ? ArrowIpcWriter::Format::File : ArrowIpcWriter::Format::Stream,
                std::move(sink)) {}
  void begin() override { writer_.begin(); }
  void write(const DataFrame& batch) override { writer_.write(batch); }
  void finish() override { writer_.finish(); }

 private:
  ArrowIpcWriter writer_;
};

}  // namespace

std::unique_ptr<ResultWriter> make_arrow_result_writer(bool file_format, const Schema& schema,
                                                       ResultWriter::Sink sink) {
  return std::make_unique<ArrowResultWriter>(file_format, schema, std::move(sink));
}

}  // namespace neuralake::server
