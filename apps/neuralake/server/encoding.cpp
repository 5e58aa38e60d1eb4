#include "server/encoding.h"

#include <algorithm>
#include <cctype>

#include "server/api_error.h"

namespace neuralake::server {

const std::vector<Encoding>& all_encodings() {
  static const std::vector<Encoding> all = {Encoding::Json,        Encoding::Csv,       Encoding::NdJson,
                                            Encoding::ArrowStream, Encoding::ArrowFile, Encoding::Parquet};
  return all;
}

const std::vector<std::string>& media_types(Encoding e) {
  static const std::vector<std::string> json = {"application/json"};
  static const std::vector<std::string> csv = {"text/csv", "application/csv"};
  static const std::vector<std::string> ndjson = {"application/x-ndjson", "application/ndjson", "application/jsonl"};
  static const std::vector<std::string> arrow_stream = {"application/vnd.apache.arrow.stream",
                                                        "application/arrow.stream"};
  static const std::vector<std::string> arrow_file = {"application/vnd.apache.arrow.file", "application/arrow.file"};
  static const std::vector<std::string> parquet = {"application/vnd.apache.parquet", "application/parquet"};
  switch (e) {
    case Encoding::Json: return json;
    case Encoding::Csv: return csv;
    case Encoding::NdJson: return ndjson;
    case Encoding::ArrowStream: return arrow_stream;
    case Encoding::ArrowFile: return arrow_file;
    case Encoding::Parquet: return parquet;
  }
  return json;
}

const std::string& content_type(Encoding e) { return media_types(e).front(); }

const char* to_string(Encoding e) {
  switch (e) {
    case Encoding::Json: return "json";
    case Encoding::Csv: return "csv";
    case Encoding::NdJson: return "ndjson";
    case Encoding::ArrowStream: return "arrow_stream";
    case Encoding::ArrowFile: return "arrow_file";
    case Encoding::Parquet: return "parquet";
  }
  return "json";
}

Encoding encoding_from_format_name(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  struct Alias {
    const char* name;
    Encoding encoding;
  };
  static const Alias aliases[] = {
      {"json", Encoding::Json},
      {"csv", Encoding::Csv},
      {"ndjson", Encoding::NdJson},
      {"jsonl", Encoding::NdJson},
      {"arrow", Encoding::ArrowStream},
      {"arrows", Encoding::ArrowStream},
      {"arrow_stream", Encoding::ArrowStream},
      {"arrowstream", Encoding::ArrowStream},
      {"arrow_file", Encoding::ArrowFile},
      {"arrowfile", Encoding::ArrowFile},
      {"parquet", Encoding::Parquet},
  };
  for (const Alias& a : aliases) {
    if (lower == a.name) return a.encoding;
  }
  throw ApiError(api_error_kind::kInvalidFormat, ErrorCode::InvalidArgument, "format",
                 "query parameter 'format': unknown format '" + std::string(name) +
                     "' (json, csv, ndjson, arrow, arrow_file, parquet)");
}

}  // namespace neuralake::server
