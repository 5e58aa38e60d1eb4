#include "engine/rewrites/applied.h"

#include <map>

#include "duckdb/main/client_context_state.hpp"

namespace neuralake::engine::rewrites {

namespace {

thread_local AppliedCapture* current_capture = nullptr;

// The connection's record: cleared as each query begins.
class AppliedLog : public duckdb::ClientContextState {
 public:
  void QueryBegin(duckdb::ClientContext&) override { applied.clear(); }
  std::vector<Applied> applied;
};

const char* const kLogKey = "neuralake_rewrites_applied";

}  // namespace

void record_applied(duckdb::ClientContext& context, Applied applied) {
  if (current_capture) current_capture->applied_.push_back(applied);
  context.registered_state->GetOrCreate<AppliedLog>(kLogKey)->applied.push_back(std::move(applied));
}

std::vector<Applied> applied_rewrites(duckdb::ClientContext& context) {
  auto log = context.registered_state->Get<AppliedLog>(kLogKey);
  return log ? log->applied : std::vector<Applied>{};
}

std::string describe_applied(const std::vector<Applied>& applied) {
  if (applied.empty()) return "Rewrites applied: none";
  std::vector<std::string> order;
  std::map<std::string, std::string> details;
  for (const auto& a : applied) {
    auto it = details.find(a.rewrite);
    if (it == details.end()) {
      order.push_back(a.rewrite);
      details[a.rewrite] = a.detail;
    } else {
      it->second += ", " + a.detail;
    }
  }
  std::string out = "Rewrites applied: ";
  for (size_t i = 0; i < order.size(); ++i)
    out += (i ? "; " : "") + order[i] + "(" + details[order[i]] + ")";
  return out;
}

AppliedCapture::AppliedCapture() : outer_(current_capture) { current_capture = this; }

AppliedCapture::~AppliedCapture() {
  current_capture = outer_;
  if (outer_) outer_->applied_.insert(outer_->applied_.end(), applied_.begin(), applied_.end());
}

}  // namespace neuralake::engine::rewrites
