// The encodings the API server answers in, with their media types and the
// names ?format= accepts.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace neuralake::server {

enum class Encoding {
  Json,         // an array of row objects, as ROAPI answers
  Csv,          // a header line, then one line a row (RFC 4180)
  NdJson,       // one JSON object a line
  ArrowStream,  // Arrow IPC streaming format
  ArrowFile,    // Arrow IPC file format
  Parquet,
};

// Every encoding, in the order negotiation prefers them when a client's
// preferences tie (Json first).
const std::vector<Encoding>& all_encodings();

// The media types that ask for `e`, canonical first (the Content-Type sent
// unless the client named another of them exactly). Lowercase.
//   Json         application/json
//   Csv          text/csv, application/csv (ROAPI's)
//   NdJson       application/x-ndjson, application/ndjson, application/jsonl
//   ArrowStream  application/vnd.apache.arrow.stream, application/arrow.stream (ROAPI's alias)
//   ArrowFile    application/vnd.apache.arrow.file, application/arrow.file (ROAPI's alias)
//   Parquet      application/vnd.apache.parquet, application/parquet (ROAPI's)
const std::vector<std::string>& media_types(Encoding e);
const std::string& content_type(Encoding e);

// A short stable name: "json", "csv", "ndjson", "arrow_stream", "arrow_file", "parquet".
const char* to_string(Encoding e);

// The encoding a ?format= value names, case-insensitively: json; csv; ndjson
// or jsonl; arrow, arrows, arrow_stream or arrowstream; arrow_file or
// arrowfile; parquet. (ArrowStream, ArrowFile, ... as ROAPI's
// --response-format spells them match too.) Throws ApiError
// (invalid_format, InvalidArgument) naming the value and the accepted names.
Encoding encoding_from_format_name(std::string_view name);

}  // namespace neuralake::server
