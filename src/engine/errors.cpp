// Error translation between DuckDB and neuralake.
#include "engine/errors.h"

#include <array>

namespace neuralake::engine {

namespace {
// A marker that survives DuckDB's wrapping of exception messages:
// "⟦nl:<code>:<object length>:<object>⟧<message>".
constexpr const char* kOpen = "\xE2\x9F\xA6nl:";
constexpr const char* kClose = "\xE2\x9F\xA7";

constexpr std::array kCodes = {ErrorCode::NotFound,     ErrorCode::InvalidArgument, ErrorCode::IOError,
                               ErrorCode::Corruption,   ErrorCode::NotSupported,    ErrorCode::PermissionDenied,
                               ErrorCode::AlreadyExists, ErrorCode::Cancelled,      ErrorCode::Timeout,
                               ErrorCode::Unavailable,  ErrorCode::Internal};

std::string first_line(const std::string& s) {
  auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

std::string short_query(const std::string& q) {
  std::string s = first_line(q);
  return s.size() > 120 ? s.substr(0, 117) + "..." : s;
}
}  // namespace

void throw_into_duckdb(const Error& e) {
  std::string msg = std::string(kOpen) + to_string(e.code()) + ":" + std::to_string(e.object().size()) + ":" +
                    e.object() + kClose + e.what();
  throw duckdb::IOException(msg);
}

Error translate_error(const duckdb::ErrorData& error, const std::string& query) {
  const std::string& raw = error.RawMessage();
  // An error of ours that travelled through the engine.
  auto open = raw.find(kOpen);
  if (open != std::string::npos) {
    size_t p = open + std::string(kOpen).size();
    auto colon = raw.find(':', p);
    auto colon2 = colon == std::string::npos ? colon : raw.find(':', colon + 1);
    if (colon2 != std::string::npos) {
      std::string code_name = raw.substr(p, colon - p);
      size_t len = std::stoul(raw.substr(colon + 1, colon2 - colon - 1));
      std::string object = raw.substr(colon2 + 1, len);
      auto close = raw.find(kClose, colon2 + 1 + len);
      std::string message = close == std::string::npos ? raw : raw.substr(close + std::string(kClose).size());
      for (auto c : kCodes)
        if (code_name == to_string(c)) return Error(c, object, first_line(message));
    }
  }
  using duckdb::ExceptionType;
  ErrorCode code = ErrorCode::InvalidArgument;
  switch (error.Type()) {
    case ExceptionType::CATALOG: code = ErrorCode::NotFound; break;
    case ExceptionType::BINDER:
      code = raw.find("not found") != std::string::npos || raw.find("does not exist") != std::string::npos
                 ? ErrorCode::NotFound
                 : ErrorCode::InvalidArgument;
      break;
    case ExceptionType::IO:
    case ExceptionType::HTTP:
    case ExceptionType::NETWORK:
      code = raw.find("No files found") != std::string::npos || raw.find("No such file") != std::string::npos ||
                     raw.find("does not exist") != std::string::npos
                 ? ErrorCode::NotFound
                 : ErrorCode::IOError;
      break;
    case ExceptionType::PERMISSION: code = ErrorCode::PermissionDenied; break;
    case ExceptionType::NOT_IMPLEMENTED: code = ErrorCode::NotSupported; break;
    case ExceptionType::INTERRUPT: code = ErrorCode::Cancelled; break;
    case ExceptionType::OUT_OF_MEMORY: code = ErrorCode::Unavailable; break;
    case ExceptionType::INTERNAL:
    case ExceptionType::FATAL: code = ErrorCode::Internal; break;
    default: code = ErrorCode::InvalidArgument; break;
  }
  return Error(code, short_query(query), first_line(error.Message()) + " (in query: " + short_query(query) + ")");
}

}  // namespace neuralake::engine
