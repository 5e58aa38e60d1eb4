// Engine-free pruning: whether a file or a partition can hold a row that
// passes a filter, judged from what is known without reading it (partition
// values, min/max/null-count statistics). The answer is conservative: a file
// is only ruled out when no row of it can pass; whatever this module cannot
// reason about keeps the file.
//
// A Predicate is an AND/OR/NOT tree over column comparisons with typed
// constants, IN / NOT IN lists and IS [NOT] NULL, with SQL's three-valued
// logic (a comparison with NULL is NULL, and a NULL filter drops the row).
// Scans use it to skip files and Hive partitions; a writer uses the same
// rules to tell which files a replaceWhere or a concurrent commit touches.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "neuralake/value.h"

namespace neuralake::pruning {

enum class CompareOp { Eq, NotEq, Lt, LtEq, Gt, GtEq };
const char* to_string(CompareOp op);
// a op b == b flip(op) a.
CompareOp flip(CompareOp op);

// -1, 0 or 1 ordering two non-null values, or std::nullopt when they cannot
// be ordered (different kinds, NaN, a decimal rescale that overflows): then
// nothing is ruled out. Numbers compare by value across int64, uint64,
// double and decimal; a date compares with a timestamp at its midnight UTC.
std::optional<int> compare_values(const Value& a, const Value& b);

// What is known about one column within one file or partition.
struct ColumnFacts {
  enum class Kind : uint8_t {
    Unknown,   // nothing: every outcome is possible
    Constant,  // every row holds `min` (a partition value; null: every row is NULL)
    Bounds,    // non-null values lie in [min, max]; a null bound is unknown
  };
  Kind kind = Kind::Unknown;
  Value min;
  Value max;
  // String bounds cut short by the writer: a truncated min is still a lower
  // bound; a truncated max is a prefix of the true maximum, so any string
  // starting with it may be present.
  bool min_truncated = false;
  bool max_truncated = false;
  std::optional<int64_t> null_count;  // Bounds: NULLs among the rows, if known
  int64_t rows = -1;                  // Bounds: rows in the file, -1 if unknown

  static ColumnFacts unknown() { return {}; }
  static ColumnFacts constant(Value value);
  static ColumnFacts bounds(Value min, Value max, std::optional<int64_t> null_count = std::nullopt,
                            int64_t rows = -1);
};

// Which results a predicate can have over the rows of a file: TRUE on some
// row, FALSE on some row, NULL on some row. A file can match when
// may_be_true; every row matches when neither of the others is possible.
struct Outcome {
  bool may_be_true = true;
  bool may_be_false = true;
  bool may_be_null = true;

  static Outcome anything() { return {}; }
  static Outcome always(bool value) { return {value, !value, false}; }
  static Outcome null() { return {false, false, true}; }
  static Outcome none() { return {false, false, false}; }  // an empty file
  bool can_match() const { return may_be_true; }
  bool all_match() const { return may_be_true && !may_be_false && !may_be_null; }
  bool operator==(const Outcome&) const = default;
};

class FileFacts;

// A filter tree. Values are copied in; a Predicate is immutable and cheap
// to copy (nodes are shared).
class Predicate {
 public:
  enum class Kind : uint8_t { Unknown, And, Or, Not, Compare, In, NotIn, IsNull, IsNotNull, Evaluated };

  // A condition with an owner-supplied evaluator: called only when every
  // column in `columns` is a constant of the file (its partition values),
  // with the file's facts; returns the condition's outcome, or
  // Outcome::anything() when it cannot tell.
  using Evaluator = std::function<Outcome(const FileFacts& facts)>;

  Predicate();  // Unknown: keeps every file
  static Predicate unknown() { return Predicate(); }
  static Predicate all_of(std::vector<Predicate> children);  // empty: TRUE
  static Predicate any_of(std::vector<Predicate> children);  // empty: FALSE
  static Predicate negate(Predicate child);
  // `column` op `value`; a null `value` makes the comparison NULL on every row.
  static Predicate compare(std::string column, CompareOp op, Value value);
  // `column` IN (values) / NOT IN (values); an empty list is FALSE / TRUE.
  static Predicate in(std::string column, std::vector<Value> values);
  static Predicate not_in(std::string column, std::vector<Value> values);
  static Predicate is_null(std::string column);
  static Predicate is_not_null(std::string column);
  static Predicate evaluated(std::vector<std::string> columns, Evaluator evaluate, std::string text = "");

  Kind kind() const;
  // The children of And / Or / Not.
  const std::vector<Predicate>& children() const;
  // The column of a Compare, In, NotIn, IsNull or IsNotNull; the columns of
  // an Evaluated condition.
  const std::string& column() const;
  const std::vector<std::string>& columns() const;
  CompareOp op() const;
  const Value& value() const;                // Compare
  const std::vector<Value>& values() const;  // In / NotIn
  const Evaluator& evaluator() const;        // Evaluated

  // Every column the predicate reads, each once, in first-use order.
  std::vector<std::string> referenced_columns() const;
  // A readable rendering, e.g. (p = 1 OR q IN ('a', 'b')).
  std::string to_string() const;

  struct Node;  // opaque

 private:
  explicit Predicate(std::shared_ptr<const Node> node);
  std::shared_ptr<const Node> node_;
};

// The facts of one file or partition, per column slot (see Pruner).
class FileFacts {
 public:
  virtual ~FileFacts() = default;
  // What is known about the column bound to `slot`.
  virtual ColumnFacts column(size_t slot) const = 0;
};

// A Predicate with its columns bound to slots once, then asked about many
// files. Thread-safe: evaluation keeps no state in the Pruner.
class Pruner {
 public:
  // `slot_of` maps a column name to the slot a FileFacts answers for, or
  // std::nullopt for a column it knows nothing about (those conditions keep
  // every file).
  Pruner(const Predicate& predicate, const std::function<std::optional<size_t>(const std::string&)>& slot_of);
  Pruner(const Pruner&) = delete;
  Pruner& operator=(const Pruner&) = delete;
  Pruner(Pruner&&) noexcept;
  ~Pruner();

  // The possible outcomes of the predicate over `facts`' rows. Asks each
  // referenced slot's facts once.
  Outcome evaluate(const FileFacts& facts) const;
  // False only when no row described by `facts` can pass the predicate.
  bool may_match(const FileFacts& facts) const { return evaluate(facts).can_match(); }
  // True when the predicate can never rule anything out (no column bound,
  // or only conditions this module cannot read): callers may skip it.
  bool trivial() const;
  // The slots the predicate reads.
  const std::vector<size_t>& slots() const;

  struct Compiled;  // opaque

 private:
  std::unique_ptr<Compiled> compiled_;
};

// The outcome of `predicate` on one file whose columns are described by
// name; a convenience over Pruner for a single question (tests, writers).
Outcome evaluate(const Predicate& predicate,
                 const std::function<ColumnFacts(const std::string& column)>& facts_of);

}  // namespace neuralake::pruning
