// The error a request to the API server is answered with: a neuralake::Error
// that also carries the kind string ROAPI puts in its error body
// ({"error": "<kind>", "message": "..."}), so clients written for ROAPI can
// branch on the same names.
#pragma once

#include <string>
#include <utility>

#include "neuralake/error.h"

namespace neuralake::server {

// The kinds this layer raises. ROAPI's own: rest_query (a malformed
// parameter), rest_query_value (a filter value that is neither a quoted
// string nor a number), invalid_numeric_param (limit, page), invalid_filter,
// invalid_projection (columns), invalid_sort, invalid_limit. Ours:
// invalid_format (an unknown ?format= name), invalid_time_travel (version,
// as_of).
namespace api_error_kind {
inline constexpr const char* kRestQuery = "rest_query";
inline constexpr const char* kRestQueryValue = "rest_query_value";
inline constexpr const char* kInvalidNumericParam = "invalid_numeric_param";
inline constexpr const char* kInvalidFilter = "invalid_filter";
inline constexpr const char* kInvalidProjection = "invalid_projection";
inline constexpr const char* kInvalidSort = "invalid_sort";
inline constexpr const char* kInvalidLimit = "invalid_limit";
inline constexpr const char* kInvalidFormat = "invalid_format";
inline constexpr const char* kInvalidTimeTravel = "invalid_time_travel";
}  // namespace api_error_kind

class ApiError : public Error {
 public:
  // `object` names the query parameter (or column) at fault; `message` names it too.
  ApiError(std::string kind, ErrorCode code, std::string object, const std::string& message)
      : Error(code, std::move(object), message), kind_(std::move(kind)) {}

  // ROAPI's error kind, e.g. "invalid_filter".
  const std::string& kind() const noexcept { return kind_; }

 private:
  std::string kind_;
};

}  // namespace neuralake::server
