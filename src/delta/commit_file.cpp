// Splitting a commit file into actions, and replaying commit texts without a store.
#include "delta/commit_file.h"

#include "delta/replay.h"

namespace neuralake::delta {

bool changes_metadata(std::string_view text) {
  static constexpr std::string_view kMeta = "{\"metaData\"", kProtocol = "{\"protocol\"";
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.starts_with(kMeta) || line.starts_with(kProtocol)) return true;
    if (line.starts_with("{\"")) continue;
    if (line.find("\"metaData\"") != std::string_view::npos || line.find("\"protocol\"") != std::string_view::npos) {
      return true;
    }
  }
  return false;
}

void malformed_commit_line(std::string_view key, size_t line_no) {
  throw Error(ErrorCode::Corruption, std::string(key),
              "Delta log " + std::string(key) + " line " + std::to_string(line_no) + ": not a valid JSON action");
}

SnapshotPtr replay_commit_texts(const std::string& table_name, const std::vector<CommitText>& commits) {
  auto snap = std::make_shared<Snapshot>();
  snap->location = TableLocation{nullptr, "", table_name};
  Replay replay(snap->location, *snap);
  std::string padded;
  for (const auto& c : commits) {
    padded.clear();
    padded.reserve(c.text.size() + simdjson::SIMDJSON_PADDING);
    padded.append(c.text);
    replay.apply_commit(c.key, padded);
    ++snap->version;
  }
  LogListing listing;  // no commit times: the timestamp is the in-commit one, or 0
  finish_snapshot(replay, *snap, listing, snap->version);
  return snap;
}

}  // namespace neuralake::delta
