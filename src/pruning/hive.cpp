// Hive partition prefixes from a conjunction's "=" / "IN" conditions on the
// leading partition columns.
#include "pruning/hive.h"

#include <cctype>

namespace neuralake::pruning {

namespace {

// A partition value as its directory name, when writers spell it as is.
std::optional<std::string> path_text(const Value& v) {
  std::string text;
  if (v.is<int64_t>()) text = std::to_string(v.as<int64_t>());
  else if (v.is<uint64_t>()) text = std::to_string(v.as<uint64_t>());
  else if (v.is<Date>()) text = format_date(v.as<Date>());
  else if (v.is<std::string>()) text = v.as<std::string>();
  else return std::nullopt;
  // Writers escape other characters in paths; only plain text maps 1:1.
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') return std::nullopt;
  if (text.empty()) return std::nullopt;
  return text;
}

}  // namespace

std::optional<std::vector<std::string>> hive_prefixes(const Predicate& predicate,
                                                      const std::vector<Field>& partition_columns,
                                                      size_t max_prefixes) {
  if (partition_columns.empty()) return std::nullopt;
  // The conjunction's terms: the predicate itself, or the children of an AND.
  std::vector<Predicate> terms;
  if (predicate.kind() == Predicate::Kind::And) terms = predicate.children();
  else terms.push_back(predicate);

  std::vector<std::string> prefixes = {""};
  size_t fixed = 0;
  for (const auto& column : partition_columns) {
    // The last "=" or "IN" on the column decides (all of them hold; any one is enough).
    const Predicate* term = nullptr;
    for (const auto& t : terms) {
      const bool fixes = (t.kind() == Predicate::Kind::Compare && t.op() == CompareOp::Eq) ||
                         t.kind() == Predicate::Kind::In;
      if (fixes && t.column() == column.name) term = &t;
    }
    if (!term) break;
    std::vector<Value> values =
        term->kind() == Predicate::Kind::Compare ? std::vector<Value>{term->value()} : term->values();
    std::vector<std::string> next;
    for (const auto& prefix : prefixes) {
      for (const auto& v : values) {
        auto text = path_text(v);
        if (!text) return std::nullopt;
        next.push_back(prefix + (prefix.empty() ? "" : "/") + column.name + "=" + *text);
      }
    }
    if (next.empty() || next.size() > max_prefixes) return std::nullopt;
    prefixes = std::move(next);
    ++fixed;
  }
  if (fixed == 0) return std::nullopt;
  return prefixes;
}

}  // namespace neuralake::pruning
