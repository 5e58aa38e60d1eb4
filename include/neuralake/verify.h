// The verification suite behind `neuralake verify`: configuration, credentials,
// storage reachability and permissions, and every catalog table, as results.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "neuralake/config.h"
#include "neuralake/options.h"

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

class Catalog;

enum class CheckStatus { Pass, Fail, Skip };

// One check's outcome. `detail` says why it passed, failed or was skipped; it
// never holds a secret (credential values are not printed, only their source).
struct CheckResult {
  std::string name;  // e.g. "config", "credentials", "storage.list", "table quickstart.parts"
  CheckStatus status = CheckStatus::Skip;
  std::string detail;
};

struct VerifyOptions {
  // Also write and delete a probe object under a unique key in the warehouse.
  bool write = false;
  // Session settings for the table checks (threads, memory...). The warehouse
  // and configuration always come from the resolved profile. Default: the
  // catalog's options, else SessionOptions{}.
  std::optional<SessionOptions> session;
};

struct VerifyReport {
  std::vector<CheckResult> checks;

  size_t count(CheckStatus status) const;
  // False if any check failed; with `strict`, also if any was skipped.
  bool ok(bool strict = false) const;
};

// Runs every check in order and reports each; a check that cannot run because
// an earlier one failed is skipped with that reason. Never throws for a failed
// check (its error becomes the check's detail):
//   config       Config::resolve(env) loads and validates;
//   credentials  the AWS credential chain yields credentials (skipped when the
//                warehouse is not on S3);
//   storage.list the warehouse can be listed (this and the other storage
//                checks are skipped when credentials did not resolve);
//   storage.read an object in it can be read (skipped when it is empty);
//   storage.write a probe object is written, read back and deleted (only with
//                options.write; else skipped);
//   storage.conditional_write  a probe object is written twice with
//                put-if-absent (S3: If-None-Match: *): passes if the second
//                write is refused, or if s3.single_writer is set; fails
//                otherwise, since Delta commits would then be refused (only
//                with options.write);
//   table D.T    per catalog table: it resolves and its schema can be read;
//   query D.T    per catalog table: a one-row sample query (with the table's
//                docs filters, if any) runs.
// `catalog` may be null: the table checks are then skipped.
VerifyReport verify(const Environment& env, const Catalog* catalog, const VerifyOptions& options = {});

const char* to_string(CheckStatus status) noexcept;

}  // namespace neuralake
#pragma GCC visibility pop
