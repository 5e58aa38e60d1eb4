// The one error type of neuralake's public API.
// Every public function reports failure by throwing neuralake::Error; no other
// exception type (DuckDB's, curl's, a parser's) escapes the library.
#pragma once

#include <stdexcept>
#include <string>

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

// What kind of failure an Error is. Callers branch on this, never on message text.
enum class ErrorCode {
  NotFound,          // a table, column, object, version or key does not exist
  InvalidArgument,   // the caller passed something malformed or of the wrong type
  IOError,           // reading or writing storage failed
  Corruption,        // data exists but is not what its format promises
  NotSupported,      // a valid request we do not implement (a reader feature, a type)
  PermissionDenied,  // storage refused access, or a confined session refused a statement or path
  AlreadyExists,     // creating something that is already there
  Cancelled,         // the caller (or Ctrl-C) interrupted a running operation
  Timeout,           // an operation ran past its configured time limit
  Unavailable,       // a service is unreachable or overloaded; retrying may help
  Internal,          // a bug in neuralake: please report it
  Conflict,          // a concurrent change won (a Delta commit); retrying the whole operation may help
};

// Stable lowercase name of a code, e.g. "not_found".
const char* to_string(ErrorCode code) noexcept;

// A failure with a code and the object at fault (a table, column, path, option...).
// what() is a one-line message that always names the object.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, std::string object, const std::string& message);

  ErrorCode code() const noexcept { return code_; }
  // The name of the thing at fault, e.g. "tpch.part", "p_partkey", "s3://b/k".
  // May be empty when there is no single object.
  const std::string& object() const noexcept { return object_; }

 private:
  ErrorCode code_;
  std::string object_;
};

}  // namespace neuralake
#pragma GCC visibility pop
