#include "delta/writer/commit.h"

#include <chrono>
#include <optional>
#include <random>
#include <thread>

#include <simdjson.h>

#include "delta/log_listing.h"
#include "delta/writer/json_out.h"
#include "delta/writer/partition_path.h"
#include "neuralake/error.h"

#ifndef NEURALAKE_VERSION_STRING
#define NEURALAKE_VERSION_STRING "0.0.0"
#endif

namespace neuralake::delta {

namespace {

std::string commit_text(const CommitRequest& r, int64_t read_version, const std::string& commit_id) {
  JsonOut info;
  info.begin_object().key("commitInfo").begin_object();
  info.key("timestamp").number(now_millis());
  info.key("operation").string(r.operation);
  info.key("operationParameters").raw(r.operation_parameters.empty() ? "{}" : r.operation_parameters);
  if (read_version >= 0) info.key("readVersion").number(read_version);
  info.key("isolationLevel").string(r.blind_append ? "WriteSerializable" : "Serializable");
  info.key("isBlindAppend").boolean(r.blind_append);
  info.key("operationMetrics").begin_object();
  for (const auto& [k, v] : r.metrics) info.key(k).string(v);
  info.end_object();
  if (!r.user_metadata.empty()) info.key("userMetadata").string(r.user_metadata);
  info.key("engineInfo").string(engine_info());
  info.key("txnId").string(commit_id);
  info.end_object().end_object();

  std::string text = info.take();
  text += '\n';
  if (r.protocol) text += *r.protocol + '\n';
  if (r.metadata) text += *r.metadata + '\n';
  if (r.txn_app_id) {
    JsonOut t;
    t.begin_object().key("txn").begin_object();
    t.key("appId").string(*r.txn_app_id).key("version").number(r.txn_version).key("lastUpdated").number(now_millis());
    t.end_object().end_object();
    text += t.take() + '\n';
  }
  for (const auto& a : r.file_actions) text += a + '\n';
  return text;
}

// What a winning commit did that matters to ours.
struct Winner {
  bool ours = false;             // its commitInfo.txnId is our commit id
  bool changes_metadata = false;
  bool changes_protocol = false;
  bool has_our_app = false;      // a txn with our application id
  std::string operation;
  std::vector<std::string> added, removed;
};

Winner inspect(const std::string& text, const std::string& commit_id, const std::optional<std::string>& app_id) {
  Winner w;
  simdjson::dom::parser parser;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    simdjson::dom::object row;
    if (parser.parse(std::string(line)).get(row) != simdjson::SUCCESS) continue;  // unreadable: judged by its other lines
    for (auto [name, value] : row) {
      if (name == "commitInfo") {
        std::string_view id, op;
        if (value["txnId"].get(id) == simdjson::SUCCESS && id == commit_id) w.ours = true;
        if (value["operation"].get(op) == simdjson::SUCCESS) w.operation = std::string(op);
      } else if (name == "metaData") {
        w.changes_metadata = true;
      } else if (name == "protocol") {
        w.changes_protocol = true;
      } else if (name == "add" || name == "remove") {
        std::string_view path;
        if (value["path"].get(path) == simdjson::SUCCESS) (name == "add" ? w.added : w.removed).emplace_back(path);
      } else if (name == "txn" && app_id) {
        std::string_view a;
        if (value["appId"].get(a) == simdjson::SUCCESS && a == *app_id) w.has_our_app = true;
      }
    }
  }
  return w;
}

void backoff(int attempt) {
  thread_local std::mt19937 rng{std::random_device{}()};
  const int cap_ms = std::min(200, 4 << std::min(attempt, 6));
  std::uniform_int_distribution<int> d(1, cap_ms);
  std::this_thread::sleep_for(std::chrono::milliseconds(d(rng)));
}

}  // namespace

const std::string& engine_info() {
  static const std::string info = std::string("neuralake/") + NEURALAKE_VERSION_STRING;
  return info;
}

int64_t now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

CommitOutcome commit(const TableLocation& table, int64_t read_version, const CommitRequest& request) {
  const std::string commit_id = random_uuid();
  const std::string log_prefix = (table.key.empty() ? std::string() : table.key + "/") + "_delta_log/";
  int64_t version = read_version + 1;
  const int attempts = std::max(1, request.max_attempts);
  // Judges the entry another writer committed at `v`: returns true if it is
  // ours, throws Conflict if ours cannot follow it, false to commute past it.
  auto judge = [&](int64_t v, const std::string& existing) {
    Winner w = inspect(existing, commit_id, request.txn_app_id);
    if (w.ours) return true;
    const std::string who = "version " + std::to_string(v) + " of Delta table '" + table.name +
                            "' was committed by another writer" +
                            (w.operation.empty() ? std::string() : " (" + w.operation + ")");
    if (w.changes_protocol || w.changes_metadata) {
      throw Error(ErrorCode::Conflict, table.name,
                  who + ", which changed the table's " + (w.changes_protocol ? "protocol" : "metadata") +
                      "; nothing was committed");
    }
    if (w.has_our_app) {
      throw Error(ErrorCode::Conflict, table.name,
                  who + " with a transaction of the same application id '" + *request.txn_app_id +
                      "'; nothing was committed");
    }
    if (!request.blind_append) {
      if (!request.check_winner) {
        throw Error(ErrorCode::Conflict, table.name,
                    who + " after this " + request.operation + " read version " + std::to_string(read_version) +
                        "; nothing was committed");
      }
      request.check_winner(WinnerFiles{v, w.operation, std::move(w.added), std::move(w.removed)});
    }
    return false;
  };
  // The entry at `v`, or nullopt if there is none (yet).
  auto entry = [&](int64_t v) -> std::optional<std::string> {
    try {
      return table.store->read_all(log_prefix + padded_version(v) + ".json");
    } catch (const Error& e) {
      if (e.code() != ErrorCode::NotFound) throw;
      return std::nullopt;
    }
  };

  // An attempt is one lost race: after losing, every entry up to the head is
  // judged and the next attempt goes right after the head, so a writer never
  // falls behind the others one version per attempt.
  for (int attempt = 1;; ++attempt) {
    const std::string key = log_prefix + padded_version(version) + ".json";
    const std::string text = commit_text(request, read_version, commit_id);
    if (table.store->put_if_absent(key, text)) return {version, attempt};

    auto existing = entry(version);
    // Taken a moment ago and gone now can only be a store that lies about
    // put-if-absent: try the same version again.
    if (existing) {
      if (judge(version, *existing)) return {version, attempt};
      for (++version; (existing = entry(version)); ++version) {
        if (judge(version, *existing)) return {version, attempt};
      }
    }
    if (attempt >= attempts) break;
    if (attempt >= 3) backoff(attempt - 3);  // many lost races in a row: spread the writers out
  }
  throw Error(ErrorCode::Conflict, table.name,
              "gave up committing to Delta table '" + table.name + "' after " + std::to_string(attempts) +
                  " attempts: other writers took every version up to " + std::to_string(version) +
                  "; nothing was committed");
}

}  // namespace neuralake::delta
