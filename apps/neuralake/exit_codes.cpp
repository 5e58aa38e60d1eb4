// Maps each ErrorCode to a distinct, stable process exit code.
// The numbers are part of the CLI's interface: append, never renumber.
#include "exit_codes.h"

#include <array>
#include <utility>

namespace neuralake::cli {

namespace {

constexpr std::array<std::pair<ErrorCode, int>, 12> kCodes = {{
    {ErrorCode::NotFound, 3},
    {ErrorCode::InvalidArgument, 4},
    {ErrorCode::IOError, 5},
    {ErrorCode::Corruption, 6},
    {ErrorCode::NotSupported, 7},
    {ErrorCode::PermissionDenied, 8},
    {ErrorCode::AlreadyExists, 9},
    {ErrorCode::Timeout, 10},
    {ErrorCode::Unavailable, 11},
    {ErrorCode::Cancelled, kExitInterrupted},
    {ErrorCode::Internal, kExitInternal},
    {ErrorCode::Conflict, 13},
}};

}  // namespace

int exit_code(ErrorCode code) noexcept {
  for (const auto& [c, exit] : kCodes)
    if (c == code) return exit;
  return kExitInternal;
}

std::string exit_code_help() {
  std::string s = "Exit codes:\n  0    success\n  1    internal error\n  2    usage error (unknown command or option)\n";
  for (const auto& [c, exit] : kCodes) {
    if (c == ErrorCode::Internal) continue;
    std::string n = std::to_string(exit);
    s += "  " + n + std::string(5 - n.size(), ' ') + to_string(c) + (c == ErrorCode::Cancelled ? " (Ctrl-C)" : "") +
         "\n";
  }
  s += "  " + std::to_string(kExitChecksFailed) + "   verify: a check failed (or was skipped, with --strict)\n";
  return s;
}

}  // namespace neuralake::cli
