// A commit file's text: one JSON action per line, {"<name>":{..}}
// (PROTOCOL.md, "Delta Log Entries"), split into lines and parsed in place
// with simdjson. Also the store-free entry point that replays commit texts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <simdjson.h>

#include "delta/log_actions.h"
#include "delta/snapshot.h"
#include "neuralake/error.h"

namespace neuralake::delta {

// Which actions a pass over a commit handles: protocol, metaData and
// commitInfo; the others; or all.
enum class CommitPass { Metadata, Files, All };

// Whether a commit holds a metaData or protocol action. The name at each
// line's start tells, which spares a search through every add's text; a
// line written otherwise (spaces first) is searched whole.
bool changes_metadata(std::string_view text);

[[noreturn]] void malformed_commit_line(std::string_view key, size_t line_no);

// Calls `fn(name, action, source)` for every action of `text` (commit file
// `key`) that `pass` selects, in order. `text` must be followed by
// simdjson::SIMDJSON_PADDING readable bytes: its lines are parsed in place,
// each line's padding being the text after it. A line that is not a JSON
// object, or an action this reader reads that is not an object, is
// Corruption naming the file and line; actions of other names (cdc,
// domainMetadata, ...) are passed on too when they are objects, for `fn` to
// ignore, and skipped otherwise.
template <class Fn>
void for_each_commit_action(simdjson::dom::parser& parser, std::string_view key, std::string_view text, CommitPass pass,
                            Fn&& fn) {
  size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    ++line_no;
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    simdjson::dom::element doc;
    JsonObject row;
    if (parser.parse(line.data(), line.size(), false).get(doc) != simdjson::SUCCESS ||
        doc.get(row) != simdjson::SUCCESS) {
      malformed_commit_line(key, line_no);
    }
    const ActionSource at{key, line_no};
    for (auto [name, value] : row) {
      const bool is_meta = name == "protocol" || name == "metaData" || name == "commitInfo";
      if ((pass == CommitPass::Metadata && !is_meta) || (pass == CommitPass::Files && is_meta)) continue;
      JsonObject action;
      if (value.get(action) != simdjson::SUCCESS) {
        if (!is_meta && name != "add" && name != "remove" && name != "txn") continue;  // not one this reader reads
        malformed_action(at, name, std::string("must be an object, not ") + json_type_name(value));
      }
      fn(name, action, at);
    }
  }
}

// One commit file's text, named by its key.
struct CommitText {
  std::string key;
  std::string text;
};

// The snapshot that replaying `commits` in order gives, as load_snapshot()
// builds it from a log without checkpoints: no store, no listing, the
// version being the number of commits minus one. For tools and fuzzing:
// any bytes may be passed; a malformed log is Corruption (or NotSupported
// for a protocol this reader does not implement), never a crash.
SnapshotPtr replay_commit_texts(const std::string& table_name, const std::vector<CommitText>& commits);

}  // namespace neuralake::delta
