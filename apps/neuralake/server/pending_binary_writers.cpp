// Arrow IPC and Parquet answers: until their writers are in, a request for
// them is refused before the first byte.
#include "neuralake/error.h"
#include "server/result_writer.h"

namespace neuralake::server {

std::unique_ptr<ResultWriter> make_arrow_result_writer(bool, const Schema&, ResultWriter::Sink) {
  throw Error(ErrorCode::NotSupported, "arrow", "Arrow IPC answers are not available yet; ask for JSON, CSV or NDJSON");
}

std::unique_ptr<ResultWriter> make_parquet_result_writer(const Schema&, ResultWriter::Sink) {
  throw Error(ErrorCode::NotSupported, "parquet", "Parquet answers are not available yet; ask for JSON, CSV or NDJSON");
}

}  // namespace neuralake::server
