// `neuralake s3 ls|cp|rm`: list, copy and remove objects on s3:// through the
// session's stores, so endpoint and credentials come from the resolved profile.
#pragma once

#include <CLI/CLI.hpp>
#include <iosfwd>
#include <string>

#include "neuralake/session.h"

namespace neuralake::cli {

// The options of `neuralake s3 ...`, filled by CLI11.
struct S3Command {
  CLI::App* s3 = nullptr;  // `s3`
  CLI::App* ls = nullptr;  // `s3 ls URI [--recursive]`
  CLI::App* cp = nullptr;  // `s3 cp SRC DST`
  CLI::App* rm = nullptr;  // `s3 rm URI [--recursive]`
  std::string uri;         // ls and rm
  std::string source, destination;
  bool recursive = false;
};

// Registers `s3` and its subcommands on `app`.
void add_s3_commands(CLI::App& app, S3Command& command);

// Runs the chosen subcommand, printing one line per object to `out`.
// ls: "TIME  SIZE  KEY" (UTC), or "PRE dir/" for a folder when not recursive.
// cp: streams through ObjectStore readers and writers (bounded memory for any
// size) between a local path and s3://, or s3:// and s3://; a DST ending in '/'
// or naming a local directory gets SRC's last name appended. `progress` draws
// a byte count on stderr. rm: removes one key, or every key under a prefix.
// Throws NotFound naming the URI for a missing key, bucket or empty prefix,
// InvalidArgument for a URI that is not s3:// where one is needed.
void run_s3_command(std::ostream& out, const S3Command& command, Session& session, bool progress);

}  // namespace neuralake::cli
