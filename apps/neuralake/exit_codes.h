// The CLI's exit codes: one per class of failure, so scripts can branch on
// them without parsing messages. `neuralake --help` prints the table.
#pragma once

#include <string>

#include "neuralake/error.h"

namespace neuralake::cli {

// Success, and failures that are not a neuralake::Error.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInternal = 1;  // ErrorCode::Internal and unexpected exceptions
inline constexpr int kExitUsage = 2;     // bad command line: unknown command or option
// `neuralake verify` ran and a check failed (or, with --strict, was skipped).
inline constexpr int kExitChecksFailed = 12;
// Ctrl-C: 128 + SIGINT, what a shell reports for a process stopped by it.
inline constexpr int kExitInterrupted = 130;

// The exit code for a failure of this kind.
int exit_code(ErrorCode code) noexcept;

// The table of exit codes, one per line, for the help text.
std::string exit_code_help();

}  // namespace neuralake::cli
