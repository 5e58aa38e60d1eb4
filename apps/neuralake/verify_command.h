// `neuralake verify [--write] [--strict]`: runs the verification suite and
// prints one line per check; the exit status says whether the deployment is usable.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <iosfwd>
#include <string>

#include "neuralake/options.h"
#include "neuralake/verify.h"

namespace neuralake::cli {

// The options of `neuralake verify`, filled by CLI11.
struct VerifyCommand {
  CLI::App* verify = nullptr;
  bool write = false;   // also write and delete a probe object
  bool strict = false;  // a skipped check fails the run too
};

// Registers `verify` on `app`.
void add_verify_command(CLI::App& app, VerifyCommand& command);

// Runs neuralake::verify() over the catalog plugin at `catalog_path` (empty:
// none) and prints "<status>  <check>  <reason>" per check, then a summary.
// A plugin that cannot be loaded is reported as a failed "catalog" check
// rather than thrown, so the other checks still run. `apply_flags` applies the
// command line's session settings (threads, memory...) to the catalog's
// options. Returns true if the run passed (report.ok(command.strict)).
bool run_verify(std::ostream& out, const VerifyCommand& command, const std::string& catalog_path,
                const std::function<SessionOptions(const SessionOptions&)>& apply_flags);

// The report as printed by run_verify().
void write_verify_report(std::ostream& out, const VerifyReport& report, bool strict);

}  // namespace neuralake::cli
