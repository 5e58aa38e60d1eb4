// Error translation between DuckDB and neuralake.
//
// Our own errors cross the engine in the DuckDB exception's extra_info (code
// and object under their own keys), which DuckDB keeps when it rethrows an
// error from a worker thread, a bind or a view. DuckDB's own errors are told
// apart by their exception type and, for Binder and Catalog errors, by
// extra_info["error_subtype"] (with the missing name in extra_info["name"]).
// Message text is read only where DuckDB gives nothing else; each such place
// says so below.
#include "engine/errors.h"

#include <array>
#include <optional>
#include <unordered_map>

namespace neuralake::engine {

namespace {

constexpr const char* kCodeKey = "neuralake_code";
constexpr const char* kObjectKey = "neuralake_object";

constexpr std::array kCodes = {ErrorCode::NotFound,     ErrorCode::InvalidArgument, ErrorCode::IOError,
                               ErrorCode::Corruption,   ErrorCode::NotSupported,    ErrorCode::PermissionDenied,
                               ErrorCode::AlreadyExists, ErrorCode::Cancelled,      ErrorCode::Timeout,
                               ErrorCode::Unavailable,  ErrorCode::Internal,        ErrorCode::Conflict};

std::optional<ErrorCode> code_named(const std::string& name) {
  for (auto c : kCodes)
    if (name == to_string(c)) return c;
  return std::nullopt;
}

// extra_info[key], or "" when DuckDB did not set it.
const std::string& info(const duckdb::ErrorData& error, const char* key) {
  static const std::string kNone;
  const auto& extra = error.ExtraInfo();
  auto it = extra.find(key);
  return it == extra.end() ? kNone : it->second;
}

bool contains(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

std::string first_line(const std::string& s) {
  auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl);
}

std::string short_query(const std::string& q) {
  std::string s = first_line(q);
  return s.size() > 120 ? s.substr(0, 117) + "..." : s;
}

// The code and, when DuckDB names one, the object of one of DuckDB's own errors.
struct Mapped {
  ErrorCode code;
  std::string object;  // empty: the query is the best name there is
};

Mapped map_catalog(const duckdb::ErrorData& error) {
  const std::string& subtype = info(error, "error_subtype");
  if (subtype == "MISSING_ENTRY") return {ErrorCode::NotFound, info(error, "name")};
  if (subtype == "ENTRY_ALREADY_EXISTS") return {ErrorCode::AlreadyExists, info(error, "name")};
  // A schema or catalog missing from DDL ("Schema with name x does not exist!")
  // has no subtype in DuckDB 1.4: only the text says the name is missing.
  if (contains(error.RawMessage(), "does not exist")) return {ErrorCode::NotFound, ""};
  return {ErrorCode::InvalidArgument, ""};
}

Mapped map_binder(const duckdb::ErrorData& error) {
  const std::string& subtype = info(error, "error_subtype");
  if (subtype == "COLUMN_NOT_FOUND" || subtype == "MISSING_ENTRY") return {ErrorCode::NotFound, info(error, "name")};
  if (!subtype.empty()) return {ErrorCode::InvalidArgument, info(error, "name")};
  // Some Binder errors about a missing name carry no subtype in DuckDB 1.4: a
  // qualified column ("Table \"t\" does not have a column named \"c\""), an
  // unknown table alias ("Referenced table \"x\" not found!"), USING and
  // EXCLUDE columns, an unknown catalog. Only their text says so.
  const std::string& raw = error.RawMessage();
  if (contains(raw, "not found") || contains(raw, "does not exist") || contains(raw, "does not have a column"))
    return {ErrorCode::NotFound, ""};
  return {ErrorCode::InvalidArgument, ""};
}

Mapped map_io(const duckdb::ErrorData& error) {
  // A missing file: DuckDB's glob ("No files found that match the pattern")
  // and its local filesystem ("No such file or directory") report it as a
  // plain IO error with no subtype or errno, so the text is all there is.
  const std::string& raw = error.RawMessage();
  if (contains(raw, "No files found") || contains(raw, "No such file") || contains(raw, "does not exist"))
    return {ErrorCode::NotFound, ""};
  return {ErrorCode::IOError, ""};
}

Mapped map_duckdb(const duckdb::ErrorData& error) {
  using duckdb::ExceptionType;
  switch (error.Type()) {
    case ExceptionType::CATALOG: return map_catalog(error);
    case ExceptionType::BINDER: return map_binder(error);
    case ExceptionType::IO:
    case ExceptionType::HTTP:
    case ExceptionType::NETWORK: return map_io(error);
    case ExceptionType::PERMISSION: return {ErrorCode::PermissionDenied, ""};
    case ExceptionType::NOT_IMPLEMENTED: return {ErrorCode::NotSupported, ""};
    case ExceptionType::INTERRUPT: return {ErrorCode::Cancelled, ""};
    case ExceptionType::OUT_OF_MEMORY: return {ErrorCode::Unavailable, ""};
    case ExceptionType::INTERNAL:
    case ExceptionType::FATAL: return {ErrorCode::Internal, ""};
    // Parser, conversion, out-of-range, invalid input, constraint...: the
    // query (or its data) is at fault.
    default: return {ErrorCode::InvalidArgument, ""};
  }
}

}  // namespace

void throw_into_duckdb(const Error& e) {
  const std::unordered_map<std::string, std::string> extra = {{kCodeKey, to_string(e.code())},
                                                              {kObjectKey, e.object()}};
  throw duckdb::IOException(std::string(e.what()), extra);
}

std::optional<Error> carried_error(const duckdb::ErrorData& error) {
  auto code = code_named(info(error, kCodeKey));
  if (!code) return std::nullopt;
  // DuckDB may append the query location on further lines; our message is one line.
  return Error(*code, info(error, kObjectKey), first_line(error.RawMessage()));
}

Error translate_error(const duckdb::ErrorData& error, const std::string& query) {
  if (auto ours = carried_error(error)) return *ours;
  Mapped m = map_duckdb(error);
  std::string object = m.object.empty() ? short_query(query) : m.object;
  return Error(m.code, std::move(object), first_line(error.Message()) + " (in query: " + short_query(query) + ")");
}

}  // namespace neuralake::engine
