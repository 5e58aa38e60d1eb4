// The engine-free pruning rules (src/pruning/), without DuckDB: every
// operator over partition constants and over min/max/null-count bounds,
// NULLs, missing and truncated statistics, values of other types, Kleene
// AND/OR/NOT, evaluated conditions and Hive partition prefixes. Each case
// says whether a file can hold a matching row; a wrong "no" would lose rows.
#include <gtest/gtest.h>

#include <cmath>
#include <map>

#include "pruning/hive.h"
#include "pruning/predicate.h"

namespace nl = neuralake;
using nl::Value;
using nl::pruning::ColumnFacts;
using nl::pruning::CompareOp;
using nl::pruning::Outcome;
using nl::pruning::Predicate;

namespace {

using Facts = std::map<std::string, ColumnFacts>;

Outcome outcome(const Predicate& p, const Facts& facts) {
  return nl::pruning::evaluate(p, [&](const std::string& c) {
    auto it = facts.find(c);
    return it == facts.end() ? ColumnFacts::unknown() : it->second;
  });
}

bool may(const Predicate& p, const Facts& facts) { return outcome(p, facts).can_match(); }

Predicate cmp(const std::string& c, CompareOp op, Value v) { return Predicate::compare(c, op, std::move(v)); }

// x in [10, 20], no NULLs, 100 rows.
Facts ints() { return {{"x", ColumnFacts::bounds(Value(10), Value(20), 0, 100)}}; }

TEST(PruningCompare, EveryOperatorAgainstIntegerBounds) {
  struct Case {
    CompareOp op;
    int64_t c;
    bool expected;
  };
  const Case cases[] = {
      {CompareOp::Eq, 9, false},   {CompareOp::Eq, 10, true},    {CompareOp::Eq, 15, true},
      {CompareOp::Eq, 20, true},   {CompareOp::Eq, 21, false},   {CompareOp::NotEq, 15, true},
      {CompareOp::Lt, 10, false},  {CompareOp::Lt, 11, true},    {CompareOp::LtEq, 9, false},
      {CompareOp::LtEq, 10, true}, {CompareOp::Gt, 20, false},   {CompareOp::Gt, 19, true},
      {CompareOp::GtEq, 21, false}, {CompareOp::GtEq, 20, true},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(may(cmp("x", c.op, Value(c.c)), ints()), c.expected)
        << "x " << nl::pruning::to_string(c.op) << " " << c.c;
  }
}

TEST(PruningCompare, NotEqualPrunesOnlyASingleExactValue) {
  Facts one = {{"x", ColumnFacts::bounds(Value(7), Value(7), 0, 5)}};
  EXPECT_FALSE(may(cmp("x", CompareOp::NotEq, Value(7)), one));
  EXPECT_TRUE(may(cmp("x", CompareOp::NotEq, Value(8)), one));
  // NULLs never pass "!=" either.
  Facts with_nulls = {{"x", ColumnFacts::bounds(Value(7), Value(7), 2, 5)}};
  EXPECT_FALSE(may(cmp("x", CompareOp::NotEq, Value(7)), with_nulls));
}

TEST(PruningCompare, AllRowsMatchOnlyWhenBoundsAndNullCountSaySo) {
  EXPECT_TRUE(outcome(cmp("x", CompareOp::GtEq, Value(10)), ints()).all_match());
  EXPECT_FALSE(outcome(cmp("x", CompareOp::Gt, Value(10)), ints()).all_match());
  Facts unknown_nulls = {{"x", ColumnFacts::bounds(Value(10), Value(20))}};
  EXPECT_FALSE(outcome(cmp("x", CompareOp::GtEq, Value(10)), unknown_nulls).all_match());
  EXPECT_TRUE(outcome(cmp("x", CompareOp::GtEq, Value(10)), unknown_nulls).can_match());
}

TEST(PruningCompare, PartitionConstantsAreExact) {
  Facts p = {{"p", ColumnFacts::constant(Value(3))}};
  EXPECT_TRUE(may(cmp("p", CompareOp::Eq, Value(3)), p));
  EXPECT_FALSE(may(cmp("p", CompareOp::Eq, Value(4)), p));
  EXPECT_FALSE(may(cmp("p", CompareOp::NotEq, Value(3)), p));
  EXPECT_TRUE(may(cmp("p", CompareOp::Lt, Value(4)), p));
  EXPECT_FALSE(may(cmp("p", CompareOp::Gt, Value(3)), p));
  EXPECT_TRUE(outcome(cmp("p", CompareOp::Eq, Value(3)), p).all_match());
}

TEST(PruningNulls, NullPartitionMatchesOnlyIsNull) {
  Facts p = {{"p", ColumnFacts::constant(Value())}};
  for (auto op : {CompareOp::Eq, CompareOp::NotEq, CompareOp::Lt, CompareOp::GtEq})
    EXPECT_FALSE(may(cmp("p", op, Value(1)), p)) << nl::pruning::to_string(op);
  EXPECT_TRUE(may(Predicate::is_null("p"), p));
  EXPECT_FALSE(may(Predicate::is_not_null("p"), p));
  EXPECT_FALSE(may(Predicate::in("p", {Value(1), Value(2)}), p));
  EXPECT_FALSE(may(Predicate::not_in("p", {Value(1)}), p));
}

TEST(PruningNulls, AllNullFileAndNullCounts) {
  Facts all_null = {{"x", ColumnFacts::bounds(Value(), Value(), 100, 100)}};
  EXPECT_FALSE(may(cmp("x", CompareOp::Eq, Value(1)), all_null));
  EXPECT_FALSE(may(Predicate::is_not_null("x"), all_null));
  EXPECT_TRUE(may(Predicate::is_null("x"), all_null));
  EXPECT_FALSE(may(Predicate::is_null("x"), ints()));  // null count 0
  EXPECT_TRUE(may(Predicate::is_not_null("x"), ints()));
  Facts some_null = {{"x", ColumnFacts::bounds(Value(1), Value(2), 3, 100)}};
  EXPECT_TRUE(may(Predicate::is_null("x"), some_null));
  EXPECT_TRUE(may(Predicate::is_not_null("x"), some_null));
  // Unknown row count: the null count alone cannot say "all NULL".
  Facts no_rows = {{"x", ColumnFacts::bounds(Value(), Value(), 100, -1)}};
  EXPECT_TRUE(may(Predicate::is_not_null("x"), no_rows));
  EXPECT_TRUE(may(cmp("x", CompareOp::Eq, Value(1)), no_rows));
}

TEST(PruningNulls, ComparisonWithNullConstantMatchesNothing) {
  EXPECT_FALSE(may(cmp("x", CompareOp::Eq, Value()), ints()));
  EXPECT_FALSE(may(cmp("x", CompareOp::NotEq, Value()), {}));
  // x NOT IN (1, NULL) is never TRUE; x IN (15, NULL) can be.
  EXPECT_FALSE(may(Predicate::not_in("x", {Value(1), Value()}), ints()));
  EXPECT_TRUE(may(Predicate::in("x", {Value(15), Value()}), ints()));
  EXPECT_FALSE(may(Predicate::in("x", {Value(1), Value()}), ints()));
}

TEST(PruningMissing, UnknownColumnsAndBoundsKeepTheFile) {
  EXPECT_TRUE(may(cmp("y", CompareOp::Eq, Value(1)), ints()));  // no facts for y
  Facts no_min = {{"x", ColumnFacts::bounds(Value(), Value(20), 0, 10)}};
  EXPECT_TRUE(may(cmp("x", CompareOp::Lt, Value(-5)), no_min));
  EXPECT_FALSE(may(cmp("x", CompareOp::Gt, Value(20)), no_min));
  Facts no_max = {{"x", ColumnFacts::bounds(Value(10), Value(), 0, 10)}};
  EXPECT_TRUE(may(cmp("x", CompareOp::Gt, Value(1000)), no_max));
  EXPECT_FALSE(may(cmp("x", CompareOp::Lt, Value(10)), no_max));
  EXPECT_TRUE(may(Predicate::unknown(), ints()));
  EXPECT_TRUE(may(Predicate::is_null("y"), ints()));
}

TEST(PruningTypes, ValuesThatDoNotOrderKeepTheFile) {
  EXPECT_TRUE(may(cmp("x", CompareOp::Eq, Value("abc")), ints()));
  EXPECT_TRUE(may(cmp("x", CompareOp::Lt, Value(nl::Date{1})), ints()));
  Facts s = {{"s", ColumnFacts::bounds(Value("b"), Value("d"), 0, 10)}};
  EXPECT_TRUE(may(cmp("s", CompareOp::Eq, Value(5)), s));
  EXPECT_TRUE(may(cmp("x", CompareOp::Eq, Value(std::nan(""))), ints()));
  Facts p = {{"p", ColumnFacts::constant(Value("3"))}};
  EXPECT_TRUE(may(cmp("p", CompareOp::Eq, Value(4)), p));  // a string partition against a number
}

TEST(PruningTypes, NumbersCompareByValueAcrossKinds) {
  EXPECT_FALSE(may(cmp("x", CompareOp::Gt, Value(20.0)), ints()));
  EXPECT_TRUE(may(cmp("x", CompareOp::Gt, Value(19.5)), ints()));
  EXPECT_FALSE(may(cmp("x", CompareOp::Eq, Value(uint64_t{21})), ints()));
  EXPECT_FALSE(may(cmp("x", CompareOp::Lt, Value(nl::Decimal{1000, 2})), ints()));  // 10.00
  EXPECT_TRUE(may(cmp("x", CompareOp::Lt, Value(nl::Decimal{1001, 2})), ints()));   // 10.01
  // 2^53 + 1 is not a double: a double bound does not round it away.
  const int64_t big = (int64_t{1} << 53) + 1;
  Facts d = {{"d", ColumnFacts::bounds(Value(9007199254740992.0), Value(9007199254740992.0), 0, 1)}};
  EXPECT_FALSE(may(cmp("d", CompareOp::Eq, Value(big)), d));
  EXPECT_TRUE(may(cmp("d", CompareOp::Lt, Value(big)), d));
  EXPECT_EQ(nl::pruning::compare_values(Value(-1), Value(uint64_t{0})), -1);
  EXPECT_EQ(nl::pruning::compare_values(Value(uint64_t{18446744073709551615ULL}), Value(1.0e300)), -1);
}

TEST(PruningTypes, DecimalBoundsAtAnyScale) {
  Facts amount = {{"a", ColumnFacts::bounds(Value(nl::Decimal{1050, 2}), Value(nl::Decimal{2000, 2}), 0, 10)}};
  EXPECT_FALSE(may(cmp("a", CompareOp::Eq, Value(nl::Decimal{104, 1})), amount));  // 10.4
  EXPECT_TRUE(may(cmp("a", CompareOp::Eq, Value(nl::Decimal{105, 1})), amount));   // 10.5
  EXPECT_FALSE(may(cmp("a", CompareOp::Gt, Value(nl::Decimal{20000, 3})), amount));
  EXPECT_TRUE(may(cmp("a", CompareOp::Gt, Value(nl::Decimal{19999, 3})), amount));
  EXPECT_FALSE(may(cmp("a", CompareOp::Gt, Value(20)), amount));
  EXPECT_FALSE(may(cmp("a", CompareOp::Lt, Value(10.4)), amount));
  EXPECT_TRUE(may(cmp("a", CompareOp::Lt, Value(10.51)), amount));
  // Against a double too close to a bound to tell after rounding: kept.
  EXPECT_TRUE(may(cmp("a", CompareOp::Lt, Value(10.5)), amount));
  // A rescale that overflows cannot order: keep.
  __int128 huge = 1;
  for (int i = 0; i < 37; ++i) huge *= 10;
  EXPECT_FALSE(nl::pruning::compare_values(Value(nl::Decimal{huge, 0}), Value(nl::Decimal{1, 38})).has_value());
}

TEST(PruningTypes, DateAndTimestampBounds) {
  const auto d1 = nl::parse_date("2024-01-01"), d2 = nl::parse_date("2024-01-31");
  Facts days = {{"d", ColumnFacts::bounds(Value(d1), Value(d2), 0, 10)}};
  EXPECT_FALSE(may(cmp("d", CompareOp::Eq, Value(nl::parse_date("2024-02-01"))), days));
  EXPECT_TRUE(may(cmp("d", CompareOp::Eq, Value(nl::parse_date("2024-01-15"))), days));
  // A date against a timestamp: its midnight.
  EXPECT_FALSE(may(cmp("d", CompareOp::Gt, Value(nl::parse_timestamp("2024-01-31 00:00:00"))), days));
  EXPECT_TRUE(may(cmp("d", CompareOp::GtEq, Value(nl::parse_timestamp("2024-01-31 00:00:00"))), days));
  const auto t1 = nl::parse_timestamp("2024-05-01T10:00:00Z"), t2 = nl::parse_timestamp("2024-05-01T11:00:00.5Z");
  Facts ts = {{"t", ColumnFacts::bounds(Value(t1), Value(t2), 0, 10)}};
  EXPECT_FALSE(may(cmp("t", CompareOp::Gt, Value(t2)), ts));
  EXPECT_TRUE(may(cmp("t", CompareOp::Gt, Value(nl::Timestamp{t2.micros - 1})), ts));
  EXPECT_FALSE(may(cmp("t", CompareOp::Lt, Value(t1)), ts));
  EXPECT_FALSE(may(cmp("t", CompareOp::Eq, Value(nl::parse_date("2024-05-02"))), ts));
}

TEST(PruningStrings, BoundsCompareBytewise) {
  Facts s = {{"s", ColumnFacts::bounds(Value("apple"), Value("cherry"), 0, 10)}};
  EXPECT_FALSE(may(cmp("s", CompareOp::Eq, Value("zebra")), s));
  EXPECT_FALSE(may(cmp("s", CompareOp::Lt, Value("apple")), s));
  EXPECT_TRUE(may(cmp("s", CompareOp::Eq, Value("banana")), s));
  EXPECT_FALSE(may(cmp("s", CompareOp::Eq, Value("cherryx")), s));
  // Bytes above 0x7f sort after ASCII (unsigned), as engines order UTF-8.
  EXPECT_FALSE(may(cmp("s", CompareOp::Eq, Value("\xc3\xa9")), s));
}

TEST(PruningStrings, TruncatedMaxIsAPrefixOfTheTrueMaximum) {
  ColumnFacts f = ColumnFacts::bounds(Value("apple"), Value("cherry"), 0, 10);
  f.max_truncated = true;
  Facts s = {{"s", f}};
  // "cherry pie" may be in the file: the stored max only says "cherry...".
  EXPECT_TRUE(may(cmp("s", CompareOp::Eq, Value("cherryx")), s));
  EXPECT_TRUE(may(cmp("s", CompareOp::Gt, Value("cherry")), s));
  EXPECT_TRUE(may(cmp("s", CompareOp::GtEq, Value("cherry pie")), s));
  // A value above every string starting with "cherry" is still ruled out.
  EXPECT_FALSE(may(cmp("s", CompareOp::Eq, Value("cherrz")), s));
  EXPECT_FALSE(may(cmp("s", CompareOp::Gt, Value("d")), s));
  // The min stays a lower bound.
  EXPECT_FALSE(may(cmp("s", CompareOp::Lt, Value("apple")), s));
}

TEST(PruningStrings, TruncatedMinNeverProvesASingleValue) {
  ColumnFacts exact = ColumnFacts::bounds(Value("abc"), Value("abc"), 0, 10);
  EXPECT_FALSE(may(cmp("s", CompareOp::NotEq, Value("abc")), {{"s", exact}}));
  ColumnFacts cut = exact;
  cut.min_truncated = true;
  EXPECT_TRUE(may(cmp("s", CompareOp::NotEq, Value("abc")), {{"s", cut}}));
  EXPECT_TRUE(may(cmp("s", CompareOp::Eq, Value("abc")), {{"s", cut}}));
  EXPECT_FALSE(may(cmp("s", CompareOp::Lt, Value("abc")), {{"s", cut}}));
}

TEST(PruningLists, InAndNotIn) {
  EXPECT_TRUE(may(Predicate::in("x", {Value(1), Value(12)}), ints()));
  EXPECT_FALSE(may(Predicate::in("x", {Value(1), Value(30)}), ints()));
  EXPECT_FALSE(may(Predicate::in("x", {}), ints()));
  EXPECT_TRUE(may(Predicate::not_in("x", {}), ints()));
  EXPECT_TRUE(may(Predicate::not_in("x", {Value(10), Value(20)}), ints()));
  Facts p = {{"q", ColumnFacts::constant(Value("a"))}};
  EXPECT_FALSE(may(Predicate::not_in("q", {Value("a")}), p));
  EXPECT_TRUE(may(Predicate::not_in("q", {Value("b")}), p));
  EXPECT_TRUE(may(Predicate::in("q", {Value("b"), Value("a")}), p));
}

TEST(PruningLogic, AndOrNot) {
  Facts f = {{"p", ColumnFacts::constant(Value(2))}, {"q", ColumnFacts::constant(Value("a"))}};
  auto p2 = cmp("p", CompareOp::Eq, Value(2));
  auto qb = cmp("q", CompareOp::Eq, Value("b"));
  EXPECT_FALSE(may(Predicate::all_of({p2, qb}), f));
  EXPECT_TRUE(may(Predicate::any_of({p2, qb}), f));
  EXPECT_FALSE(may(Predicate::any_of({cmp("p", CompareOp::Eq, Value(3)), qb}), f));
  EXPECT_TRUE(may(Predicate::negate(qb), f));
  EXPECT_FALSE(may(Predicate::negate(p2), f));
  EXPECT_TRUE(may(Predicate::all_of({}), f));
  EXPECT_FALSE(may(Predicate::any_of({}), f));
  // Unknown parts: an AND still prunes by its known part; an OR cannot.
  EXPECT_FALSE(may(Predicate::all_of({Predicate::unknown(), qb}), f));
  EXPECT_TRUE(may(Predicate::any_of({Predicate::unknown(), qb}), f));
  // NOT of a NULL comparison is still NULL: a null partition passes neither.
  Facts n = {{"p", ColumnFacts::constant(Value())}};
  EXPECT_FALSE(may(Predicate::negate(p2), n));
  EXPECT_FALSE(may(p2, n));
  // Over bounds: NOT (x < 10) on [10, 20] without NULLs holds on every row.
  EXPECT_TRUE(outcome(Predicate::negate(cmp("x", CompareOp::Lt, Value(10))), ints()).all_match());
  EXPECT_FALSE(may(Predicate::negate(cmp("x", CompareOp::GtEq, Value(10))), ints()));
  EXPECT_EQ(Predicate::all_of({p2, Predicate::in("q", {Value("a")})}).to_string(), "(p = 2 AND q IN ('a'))");
}

TEST(PruningEvaluated, RunsOnlyOverConstants) {
  int calls = 0;
  auto odd = Predicate::evaluated({"p"}, [&](const nl::pruning::FileFacts&) {
    ++calls;
    return Outcome::always(false);
  }, "p % 2 = 1");
  EXPECT_FALSE(may(odd, {{"p", ColumnFacts::constant(Value(2))}}));
  EXPECT_EQ(calls, 1);
  EXPECT_TRUE(may(odd, ints()));                                         // p unknown
  EXPECT_TRUE(may(odd, {{"p", ColumnFacts::bounds(Value(1), Value(3))}}));  // not a constant
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(odd.to_string(), "p % 2 = 1");
}

class CountingFacts : public nl::pruning::FileFacts {
 public:
  ColumnFacts column(size_t slot) const override {
    ++asked[slot];
    return slot == 7 ? ColumnFacts::bounds(Value(10), Value(20), 0, 100) : ColumnFacts::unknown();
  }
  mutable std::map<size_t, int> asked;
};

TEST(PruningPruner, BindsColumnsOnceAndAsksEachSlotOnce) {
  auto pred = Predicate::all_of({cmp("x", CompareOp::Gt, Value(5)), cmp("x", CompareOp::Lt, Value(8)),
                                 cmp("other", CompareOp::Eq, Value(1))});
  nl::pruning::Pruner pruner(pred, [](const std::string& c) -> std::optional<size_t> {
    if (c == "x") return 7;
    return std::nullopt;
  });
  EXPECT_FALSE(pruner.trivial());
  EXPECT_EQ(pruner.slots(), (std::vector<size_t>{7}));
  CountingFacts facts;
  EXPECT_FALSE(pruner.may_match(facts));
  EXPECT_EQ(facts.asked, (std::map<size_t, int>{{7, 1}}));
  nl::pruning::Pruner none(cmp("other", CompareOp::Eq, Value(1)), [](const std::string&) { return std::nullopt; });
  EXPECT_TRUE(none.trivial());
  EXPECT_TRUE(none.may_match(facts));
}

std::vector<nl::Field> pq() { return {{"p", nl::DataType::int64()}, {"q", nl::DataType::string()}}; }

TEST(PruningHive, PrefixesFromLeadingEqualitiesAndInLists) {
  auto prefixes = nl::pruning::hive_prefixes(
      Predicate::all_of({Predicate::in("p", {Value(1), Value(2)}), cmp("q", CompareOp::Eq, Value("a")),
                         cmp("x", CompareOp::Gt, Value(3))}),
      pq());
  ASSERT_TRUE(prefixes);
  EXPECT_EQ(*prefixes, (std::vector<std::string>{"p=1/q=a", "p=2/q=a"}));
  // Only the leading column fixed.
  auto lead = nl::pruning::hive_prefixes(cmp("p", CompareOp::Eq, Value(5)), pq());
  ASSERT_TRUE(lead);
  EXPECT_EQ(*lead, (std::vector<std::string>{"p=5"}));
  auto dates = nl::pruning::hive_prefixes(cmp("d", CompareOp::Eq, Value(nl::parse_date("2024-03-01"))),
                                          {{"d", nl::DataType::date()}});
  ASSERT_TRUE(dates);
  EXPECT_EQ(*dates, (std::vector<std::string>{"d=2024-03-01"}));
}

TEST(PruningHive, NoPrefixesWhenTheFilterDoesNotFixALeadingColumn) {
  EXPECT_FALSE(nl::pruning::hive_prefixes(cmp("q", CompareOp::Eq, Value("a")), pq()));  // p not fixed
  EXPECT_FALSE(nl::pruning::hive_prefixes(cmp("p", CompareOp::Gt, Value(1)), pq()));
  EXPECT_FALSE(nl::pruning::hive_prefixes(
      Predicate::any_of({cmp("p", CompareOp::Eq, Value(1)), cmp("p", CompareOp::Eq, Value(2))}), pq()));
  EXPECT_FALSE(nl::pruning::hive_prefixes(Predicate::in("p", {}), pq()));
  EXPECT_TRUE(nl::pruning::hive_prefixes(cmp("q", CompareOp::Eq, Value("a")), {{"q", nl::DataType::string()}}));
  // Text a writer would escape, or a type without a 1:1 spelling.
  EXPECT_FALSE(nl::pruning::hive_prefixes(cmp("q", CompareOp::Eq, Value("a/b")), {{"q", nl::DataType::string()}}));
  EXPECT_FALSE(nl::pruning::hive_prefixes(cmp("q", CompareOp::Eq, Value("")), {{"q", nl::DataType::string()}}));
  EXPECT_FALSE(nl::pruning::hive_prefixes(cmp("p", CompareOp::Eq, Value(1.5)), pq()));
  std::vector<Value> many;
  for (int i = 0; i < 40; ++i) many.push_back(Value(i));
  EXPECT_FALSE(nl::pruning::hive_prefixes(
      Predicate::all_of({Predicate::in("p", many), Predicate::in("q", std::vector<Value>(many.size(), Value("a")))}),
      pq()));  // 1,600 prefixes > 1,024
  EXPECT_TRUE(nl::pruning::hive_prefixes(Predicate::in("p", many), pq()));
  EXPECT_FALSE(nl::pruning::hive_prefixes(cmp("p", CompareOp::Eq, Value(1)), {}));
}

}  // namespace

// A date beyond the range of 64-bit microseconds once overflowed when set
// against a timestamp (found by fuzzing the filter coercion).
TEST(PruningCompare, DatesFarOutsideTheTimestampRangeCompareExactly) {
  const Value far_future(nl::Date{200'000'000}), far_past(nl::Date{-200'000'000});
  EXPECT_EQ(nl::pruning::compare_values(far_future, Value(nl::Timestamp{INT64_MAX})), 1);
  EXPECT_EQ(nl::pruning::compare_values(far_past, Value(nl::Timestamp{INT64_MIN})), -1);
  EXPECT_EQ(nl::pruning::compare_values(Value(nl::Timestamp{0}), far_future), -1);
  EXPECT_EQ(nl::pruning::compare_values(Value(nl::Date{1}), Value(nl::Timestamp{86'400'000'000})), 0);
}
