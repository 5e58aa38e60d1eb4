// Parquet answers: until its writer is in, a request for one is refused
// before the first byte.
#include "neuralake/error.h"
#include "server/result_writer.h"

namespace neuralake::server {

std::unique_ptr<ResultWriter> make_parquet_result_writer(const Schema&, ResultWriter::Sink) {
  throw Error(ErrorCode::NotSupported, "parquet", "Parquet answers are not available yet; ask for JSON, CSV or NDJSON");
}

}  // namespace neuralake::server
