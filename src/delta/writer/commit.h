// Committing a Delta log entry: the actions of one write serialized as a
// commit file and published with put-if-absent, so an entry is never
// overwritten ("Creation of New Log Entries" in the protocol).
//
// When the version is taken, the entry there is read:
//  - if it carries our commit id (commitInfo.txnId), it is ours: a PUT whose
//    response was lost and whose retry was refused. Success, committed once;
//  - otherwise another writer won. A winner that changed the metadata or
//    protocol, or carries our transaction's application id, is a Conflict. A
//    blind append then retries at the next version; any other commit asks
//    its `check_winner` (which throws Conflict naming the reason, or returns
//    to retry at the next version), and without one fails with Conflict
//    naming the winning version.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "delta/snapshot.h"

namespace neuralake::delta {

// The commitInfo and actions of one write. Action lines are complete JSON
// objects ({"add":{...}}), without newline.
// The data files a winning commit added and removed (add.path / remove.path as logged).
struct WinnerFiles {
  int64_t version = 0;
  std::string operation;
  std::vector<std::string> added, removed;
};

struct CommitRequest {
  std::string operation;                  // "WRITE", "CREATE TABLE", ...
  std::string operation_parameters;       // a JSON object
  std::map<std::string, std::string> metrics;  // operationMetrics (strings, as Spark writes them)
  bool blind_append = false;              // only adds; reads nothing of the table
  std::string user_metadata;              // commitInfo.userMetadata when not empty
  std::optional<std::string> protocol;    // a "protocol" action line
  std::optional<std::string> metadata;    // a "metaData" action line
  std::optional<std::string> txn_app_id;  // our transaction (also written as a "txn" line)
  int64_t txn_version = 0;
  std::vector<std::string> file_actions;  // "add" and "remove" lines
  int max_attempts = 15;
  std::function<void(const WinnerFiles&)> check_winner;  // for commits that read the table
};

struct CommitOutcome {
  int64_t version = -1;
  int attempts = 0;
};

// Commits `request` after `read_version` (-1 for a new table). Throws
// Conflict (naming the winning version and why) or the store's errors.
CommitOutcome commit(const TableLocation& table, int64_t read_version, const CommitRequest& request);

// The engineInfo we write: "neuralake/<version>".
const std::string& engine_info();

// Milliseconds since the epoch, now.
int64_t now_millis();

}  // namespace neuralake::delta
