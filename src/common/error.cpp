// neuralake::Error and the code names.
#include "neuralake/error.h"

namespace neuralake {

const char* to_string(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::NotFound: return "not_found";
    case ErrorCode::InvalidArgument: return "invalid_argument";
    case ErrorCode::IOError: return "io_error";
    case ErrorCode::Corruption: return "corruption";
    case ErrorCode::NotSupported: return "not_supported";
    case ErrorCode::PermissionDenied: return "permission_denied";
    case ErrorCode::AlreadyExists: return "already_exists";
    case ErrorCode::Cancelled: return "cancelled";
    case ErrorCode::Timeout: return "timeout";
    case ErrorCode::Unavailable: return "unavailable";
    case ErrorCode::Internal: return "internal";
    case ErrorCode::Conflict: return "conflict";
  }
  return "unknown";
}

Error::Error(ErrorCode code, std::string object, const std::string& message)
    : std::runtime_error(message), code_(code), object_(std::move(object)) {}

}  // namespace neuralake
