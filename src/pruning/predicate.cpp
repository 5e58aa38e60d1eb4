// The pruning rules: value ordering across kinds, each condition's possible
// outcomes over a file's facts, and Kleene AND/OR/NOT over those outcomes.
#include "pruning/predicate.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <variant>

namespace neuralake::pruning {

const char* to_string(CompareOp op) {
  switch (op) {
    case CompareOp::Eq: return "=";
    case CompareOp::NotEq: return "!=";
    case CompareOp::Lt: return "<";
    case CompareOp::LtEq: return "<=";
    case CompareOp::Gt: return ">";
    case CompareOp::GtEq: return ">=";
  }
  return "?";
}

CompareOp flip(CompareOp op) {
  switch (op) {
    case CompareOp::Lt: return CompareOp::Gt;
    case CompareOp::LtEq: return CompareOp::GtEq;
    case CompareOp::Gt: return CompareOp::Lt;
    case CompareOp::GtEq: return CompareOp::LtEq;
    default: return op;
  }
}

// --- ordering -----------------------------------------------------------------

namespace {

template <class T>
int cmp(const T& a, const T& b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

constexpr double kTwo63 = 9223372036854775808.0;
constexpr double kTwo64 = 18446744073709551616.0;

// An integer against a double, exactly (no rounding of large integers).
std::optional<int> cmp_int_double(int64_t i, double d) {
  if (std::isnan(d)) return std::nullopt;
  if (d >= kTwo63) return -1;
  if (d < -kTwo63) return 1;
  const double whole = std::trunc(d);
  const auto t = static_cast<int64_t>(whole);
  if (i != t) return cmp(i, t);
  return d > whole ? -1 : (d < whole ? 1 : 0);
}

std::optional<int> cmp_uint_double(uint64_t u, double d) {
  if (std::isnan(d)) return std::nullopt;
  if (d >= kTwo64) return -1;
  if (d < 0) return 1;
  const double whole = std::trunc(d);
  const auto t = static_cast<uint64_t>(whole);
  if (u != t) return cmp(u, t);
  return d > whole ? -1 : 0;
}

// unscaled * 10^k, or nullopt when it does not fit.
std::optional<__int128> scale_up(__int128 unscaled, int k) {
  constexpr __int128 kMax = ~(static_cast<unsigned __int128>(1) << 127);
  for (int i = 0; i < k; ++i) {
    if (unscaled > kMax / 10 || unscaled < -(kMax / 10)) return std::nullopt;
    unscaled *= 10;
  }
  return unscaled;
}

std::optional<int> cmp_decimal(const Decimal& a, const Decimal& b) {
  if (a.scale < 0 || b.scale < 0) return std::nullopt;
  if (a.scale == b.scale) return cmp(a.unscaled, b.unscaled);
  if (a.scale < b.scale) {
    auto x = scale_up(a.unscaled, b.scale - a.scale);
    if (!x) return std::nullopt;
    return cmp(*x, b.unscaled);
  }
  auto y = scale_up(b.unscaled, a.scale - b.scale);
  if (!y) return std::nullopt;
  return cmp(a.unscaled, *y);
}

std::optional<int> cmp_decimal_double(const Decimal& a, double d) {
  if (std::isnan(d) || a.scale < 0) return std::nullopt;
  long double x = static_cast<long double>(a.unscaled);
  for (int i = 0; i < a.scale; ++i) x /= 10;
  const long double y = d;
  // Too close to call after rounding: keep the file.
  const long double tolerance = 1e-12L * std::max<long double>(1, std::fabs(y));
  if (std::fabs(x - y) <= tolerance) return std::nullopt;
  return x < y ? -1 : 1;
}

// A number of any kind: exactly one member is set.
struct Number {
  const int64_t* i = nullptr;
  const uint64_t* u = nullptr;
  const double* d = nullptr;
  const Decimal* dec = nullptr;
  bool ok() const { return i || u || d || dec; }
};

Number number_of(const Value::Storage& v) {
  Number n;
  n.i = std::get_if<int64_t>(&v);
  n.u = std::get_if<uint64_t>(&v);
  n.d = std::get_if<double>(&v);
  n.dec = std::get_if<Decimal>(&v);
  return n;
}

std::optional<int> negate(std::optional<int> c) {
  if (!c) return c;
  return -*c;
}

std::optional<int> cmp_numbers(const Number& a, const Number& b) {
  if (a.i) {
    if (b.i) return cmp(*a.i, *b.i);
    if (b.u) return *a.i < 0 ? -1 : cmp(static_cast<uint64_t>(*a.i), *b.u);
    if (b.d) return cmp_int_double(*a.i, *b.d);
    return cmp_decimal(Decimal{*a.i, 0}, *b.dec);
  }
  if (a.u) {
    if (b.u) return cmp(*a.u, *b.u);
    if (b.d) return cmp_uint_double(*a.u, *b.d);
    if (b.dec) return cmp_decimal(Decimal{static_cast<__int128>(*a.u), 0}, *b.dec);
    return negate(cmp_numbers(b, a));
  }
  if (a.d) {
    if (b.d) {
      if (std::isnan(*a.d) || std::isnan(*b.d)) return std::nullopt;
      return cmp(*a.d, *b.d);
    }
    if (b.dec) return negate(cmp_decimal_double(*b.dec, *a.d));
    return negate(cmp_numbers(b, a));
  }
  if (b.dec) return cmp_decimal(*a.dec, *b.dec);
  return negate(cmp_numbers(b, a));
}

}  // namespace

std::optional<int> compare_values(const Value& a, const Value& b) {
  const auto& x = a.storage();
  const auto& y = b.storage();
  if (a.is_null() || b.is_null()) return std::nullopt;
  const Number nx = number_of(x), ny = number_of(y);
  if (nx.ok() && ny.ok()) return cmp_numbers(nx, ny);
  // A date against a timestamp: the date's midnight UTC, in 128 bits, since a
  // date far enough out has no 64-bit microsecond count.
  auto micros = [](const Value::Storage& v, __int128& out) {
    if (auto p = std::get_if<Date>(&v)) return out = __int128{p->days} * 86400000000LL, true;
    if (auto p = std::get_if<Timestamp>(&v)) return out = p->micros, true;
    return false;
  };
  __int128 mx = 0, my = 0;
  if (x.index() != y.index()) {
    if (micros(x, mx) && micros(y, my)) return cmp(mx, my);
    return std::nullopt;
  }
  if (auto p = std::get_if<bool>(&x)) return cmp(*p, std::get<bool>(y));
  if (auto p = std::get_if<std::string>(&x)) return cmp(*p, std::get<std::string>(y));  // bytewise
  if (auto p = std::get_if<Bytes>(&x)) return cmp(p->data, std::get<Bytes>(y).data);
  if (auto p = std::get_if<Date>(&x)) return cmp(p->days, std::get<Date>(y).days);
  if (auto p = std::get_if<Time>(&x)) return cmp(p->micros, std::get<Time>(y).micros);
  if (auto p = std::get_if<Timestamp>(&x)) return cmp(p->micros, std::get<Timestamp>(y).micros);
  return std::nullopt;  // intervals, lists and structs are not ordered here
}

// --- facts --------------------------------------------------------------------

ColumnFacts ColumnFacts::constant(Value value) {
  ColumnFacts f;
  f.kind = Kind::Constant;
  f.min = value;
  f.max = std::move(value);
  return f;
}

ColumnFacts ColumnFacts::bounds(Value min, Value max, std::optional<int64_t> null_count, int64_t rows) {
  ColumnFacts f;
  f.kind = Kind::Bounds;
  f.min = std::move(min);
  f.max = std::move(max);
  f.null_count = null_count;
  f.rows = rows;
  return f;
}

// --- the tree -------------------------------------------------------------------

struct Predicate::Node {
  Kind kind = Kind::Unknown;
  std::vector<Predicate> children;
  std::vector<std::string> columns;  // one for column conditions
  CompareOp op = CompareOp::Eq;
  Value value;
  std::vector<Value> values;
  Evaluator evaluator;
  std::string text;
};

Predicate::Predicate() : Predicate(std::make_shared<Node>()) {}
Predicate::Predicate(std::shared_ptr<const Node> node) : node_(std::move(node)) {}

Predicate Predicate::all_of(std::vector<Predicate> children) {
  if (children.size() == 1) return std::move(children[0]);
  auto n = std::make_shared<Node>();
  n->kind = Kind::And;
  n->children = std::move(children);
  return Predicate(std::move(n));
}

Predicate Predicate::any_of(std::vector<Predicate> children) {
  if (children.size() == 1) return std::move(children[0]);
  auto n = std::make_shared<Node>();
  n->kind = Kind::Or;
  n->children = std::move(children);
  return Predicate(std::move(n));
}

Predicate Predicate::negate(Predicate child) {
  auto n = std::make_shared<Node>();
  n->kind = Kind::Not;
  n->children.push_back(std::move(child));
  return Predicate(std::move(n));
}

Predicate Predicate::compare(std::string column, CompareOp op, Value value) {
  auto n = std::make_shared<Node>();
  n->kind = Kind::Compare;
  n->columns.push_back(std::move(column));
  n->op = op;
  n->value = std::move(value);
  return Predicate(std::move(n));
}

static std::shared_ptr<Predicate::Node> list_node(Predicate::Kind kind, std::string column, std::vector<Value> values);

Predicate Predicate::in(std::string column, std::vector<Value> values) {
  return Predicate(list_node(Kind::In, std::move(column), std::move(values)));
}

Predicate Predicate::not_in(std::string column, std::vector<Value> values) {
  return Predicate(list_node(Kind::NotIn, std::move(column), std::move(values)));
}

static std::shared_ptr<Predicate::Node> list_node(Predicate::Kind kind, std::string column, std::vector<Value> values) {
  auto n = std::make_shared<Predicate::Node>();
  n->kind = kind;
  n->columns.push_back(std::move(column));
  n->values = std::move(values);
  return n;
}

Predicate Predicate::is_null(std::string column) {
  auto n = std::make_shared<Node>();
  n->kind = Kind::IsNull;
  n->columns.push_back(std::move(column));
  return Predicate(std::move(n));
}

Predicate Predicate::is_not_null(std::string column) {
  auto n = std::make_shared<Node>();
  n->kind = Kind::IsNotNull;
  n->columns.push_back(std::move(column));
  return Predicate(std::move(n));
}

Predicate Predicate::evaluated(std::vector<std::string> columns, Evaluator evaluate, std::string text) {
  auto n = std::make_shared<Node>();
  if (!evaluate || columns.empty()) return Predicate();  // nothing to evaluate with: unknown
  n->kind = Kind::Evaluated;
  n->columns = std::move(columns);
  n->evaluator = std::move(evaluate);
  n->text = std::move(text);
  return Predicate(std::move(n));
}

Predicate::Kind Predicate::kind() const { return node_->kind; }
const std::vector<Predicate>& Predicate::children() const { return node_->children; }
const std::string& Predicate::column() const {
  static const std::string none;
  return node_->columns.empty() ? none : node_->columns[0];
}
const std::vector<std::string>& Predicate::columns() const { return node_->columns; }
CompareOp Predicate::op() const { return node_->op; }
const Value& Predicate::value() const { return node_->value; }
const std::vector<Value>& Predicate::values() const { return node_->values; }
const Predicate::Evaluator& Predicate::evaluator() const { return node_->evaluator; }

std::vector<std::string> Predicate::referenced_columns() const {
  std::vector<std::string> out;
  std::function<void(const Predicate&)> walk = [&](const Predicate& p) {
    for (const auto& c : p.columns())
      if (std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
    for (const auto& child : p.children()) walk(child);
  };
  walk(*this);
  return out;
}

std::string Predicate::to_string() const {
  auto list = [](const std::vector<Value>& vs) {
    std::string s = "(";
    for (size_t i = 0; i < vs.size(); ++i) s += (i ? ", " : "") + vs[i].to_string();
    return s + ")";
  };
  auto join = [&](const char* sep, const char* empty) {
    if (children().empty()) return std::string(empty);
    std::string s = "(";
    for (size_t i = 0; i < children().size(); ++i) s += (i ? sep : "") + children()[i].to_string();
    return s + ")";
  };
  switch (kind()) {
    case Kind::Unknown: return "unknown";
    case Kind::And: return join(" AND ", "TRUE");
    case Kind::Or: return join(" OR ", "FALSE");
    case Kind::Not: return "NOT " + children()[0].to_string();
    case Kind::Compare: return column() + " " + pruning::to_string(op()) + " " + value().to_string();
    case Kind::In: return column() + " IN " + list(values());
    case Kind::NotIn: return column() + " NOT IN " + list(values());
    case Kind::IsNull: return column() + " IS NULL";
    case Kind::IsNotNull: return column() + " IS NOT NULL";
    case Kind::Evaluated: return node_->text.empty() ? "<evaluated>" : node_->text;
  }
  return "?";
}

// --- outcomes -------------------------------------------------------------------

namespace {

Outcome kleene_and(const Outcome& a, const Outcome& b) {
  return {a.may_be_true && b.may_be_true, a.may_be_false || b.may_be_false,
          (a.may_be_null && (b.may_be_true || b.may_be_null)) || (b.may_be_null && (a.may_be_true || a.may_be_null))};
}

Outcome kleene_or(const Outcome& a, const Outcome& b) {
  return {a.may_be_true || b.may_be_true, a.may_be_false && b.may_be_false,
          (a.may_be_null && (b.may_be_false || b.may_be_null)) || (b.may_be_null && (a.may_be_false || a.may_be_null))};
}

Outcome kleene_not(const Outcome& a) { return {a.may_be_false, a.may_be_true, a.may_be_null}; }

bool apply(CompareOp op, int c) {
  switch (op) {
    case CompareOp::Eq: return c == 0;
    case CompareOp::NotEq: return c != 0;
    case CompareOp::Lt: return c < 0;
    case CompareOp::LtEq: return c <= 0;
    case CompareOp::Gt: return c > 0;
    case CompareOp::GtEq: return c >= 0;
  }
  return true;
}

// Rows are known and all of them NULL.
bool all_null(const ColumnFacts& f) { return f.null_count && f.rows > 0 && *f.null_count >= f.rows; }
// Some row may be NULL.
bool may_have_null(const ColumnFacts& f) { return !f.null_count || *f.null_count > 0; }

// `column op c` over a file's facts. `c` is not null.
Outcome compare_outcome(const ColumnFacts& f, CompareOp op, const Value& c) {
  switch (f.kind) {
    case ColumnFacts::Kind::Unknown: return Outcome::anything();
    case ColumnFacts::Kind::Constant: {
      if (f.min.is_null()) return Outcome::null();
      const auto r = compare_values(f.min, c);
      return r ? Outcome::always(apply(op, *r)) : Outcome::anything();
    }
    case ColumnFacts::Kind::Bounds: break;
  }
  if (all_null(f)) return Outcome::null();
  // How the bounds order against c: -1, 0, 1, or kUnknown (rules nothing out).
  constexpr int kUnknown = 2;
  auto order = [&](const Value& bound) {
    if (bound.is_null()) return kUnknown;
    return compare_values(bound, c).value_or(kUnknown);
  };
  const int lo = order(f.min);
  int hi = order(f.max);
  if (hi != kUnknown && f.max_truncated) {
    // Strings extending the stored prefix may lie above it: when c itself
    // extends it, c may be below the true maximum.
    const auto* prefix = std::get_if<std::string>(&f.max.storage());
    const auto* text = std::get_if<std::string>(&c.storage());
    if (!prefix || !text || text->starts_with(*prefix)) hi = kUnknown;
  }
  // Each test is false when the order is unknown.
  auto above = [&](int r) { return r != kUnknown && r > 0; };
  auto at_least = [&](int r) { return r != kUnknown && r >= 0; };
  auto below = [&](int r) { return r != kUnknown && r < 0; };
  auto at_most = [&](int r) { return r != kUnknown && r <= 0; };
  // Every non-null value equals c.
  const bool single = lo == 0 && hi == 0 && !f.min_truncated && !f.max_truncated;
  bool t = true, fl = true;
  switch (op) {
    case CompareOp::Eq:
    case CompareOp::NotEq:
      t = !above(lo) && !below(hi);
      fl = !single;
      if (op == CompareOp::NotEq) std::swap(t, fl);
      break;
    case CompareOp::Lt:
      t = !at_least(lo);
      fl = !below(hi);
      break;
    case CompareOp::LtEq:
      t = !above(lo);
      fl = !at_most(hi);
      break;
    case CompareOp::Gt:
      t = !at_most(hi);
      fl = !above(lo);
      break;
    case CompareOp::GtEq:
      t = !below(hi);
      fl = !at_least(lo);
      break;
  }
  return {t, fl, may_have_null(f)};
}

Outcome null_test_outcome(const ColumnFacts& f, bool want_null) {
  Outcome o;
  switch (f.kind) {
    case ColumnFacts::Kind::Unknown: o = {true, true, false}; break;
    case ColumnFacts::Kind::Constant: o = Outcome::always(f.min.is_null()); break;
    case ColumnFacts::Kind::Bounds: o = {may_have_null(f), !all_null(f), false}; break;
  }
  return want_null ? o : kleene_not(o);
}

}  // namespace

// --- compiled form --------------------------------------------------------------

struct Pruner::Compiled {
  struct Node {
    Predicate::Kind kind = Predicate::Kind::Unknown;
    std::vector<Node> children;
    std::vector<size_t> slots;  // indexes into `slots` of the Pruner, per column
    CompareOp op = CompareOp::Eq;
    Value value;
    std::vector<Value> values;
    Predicate::Evaluator evaluator;
  };
  Node root;
  std::vector<size_t> slots;  // distinct FileFacts slots, in first-use order
  bool trivial = true;
};

namespace {

using CNode = Pruner::Compiled::Node;

}  // namespace

Pruner::Pruner(const Predicate& predicate, const std::function<std::optional<size_t>(const std::string&)>& slot_of)
    : compiled_(std::make_unique<Compiled>()) {
  auto& c = *compiled_;
  auto local = [&](const std::string& column) -> std::optional<size_t> {
    const auto slot = slot_of(column);
    if (!slot) return std::nullopt;
    auto it = std::find(c.slots.begin(), c.slots.end(), *slot);
    if (it != c.slots.end()) return static_cast<size_t>(it - c.slots.begin());
    c.slots.push_back(*slot);
    return c.slots.size() - 1;
  };
  std::function<CNode(const Predicate&)> build = [&](const Predicate& p) {
    CNode n;
    n.kind = p.kind();
    for (const auto& col : p.columns()) {
      const auto s = local(col);
      if (!s) {  // a column nothing is known about: this condition keeps every file
        n.kind = Predicate::Kind::Unknown;
        n.slots.clear();
        return n;
      }
      n.slots.push_back(*s);
    }
    for (const auto& child : p.children()) n.children.push_back(build(child));
    n.op = p.op();
    n.value = p.value();
    n.values = p.values();
    n.evaluator = p.evaluator();
    if (n.kind != Predicate::Kind::Unknown && !n.slots.empty()) c.trivial = false;
    return n;
  };
  c.root = build(predicate);
}

Pruner::Pruner(Pruner&&) noexcept = default;
Pruner::~Pruner() = default;

bool Pruner::trivial() const { return compiled_->trivial; }
const std::vector<size_t>& Pruner::slots() const { return compiled_->slots; }

namespace {

// Facts per local slot, asked for on first use. Predicates read few
// columns: up to kInline slots need no allocation per file.
class FactsCache {
 public:
  FactsCache(const FileFacts& facts, const std::vector<size_t>& slots) : facts_(facts), slots_(slots) {
    if (slots.size() > kInline) more_.resize(slots.size() - kInline);
  }
  const ColumnFacts& get(size_t local) {
    auto& cell = local < kInline ? inline_[local] : more_[local - kInline];
    if (!cell) cell = facts_.column(slots_[local]);
    return *cell;
  }

 private:
  static constexpr size_t kInline = 4;
  const FileFacts& facts_;
  const std::vector<size_t>& slots_;
  std::array<std::optional<ColumnFacts>, kInline> inline_;
  std::vector<std::optional<ColumnFacts>> more_;
};

Outcome in_outcome(const ColumnFacts& f, const std::vector<Value>& values) {
  Outcome o = Outcome::always(false);
  for (const auto& v : values) {
    o = kleene_or(o, v.is_null() ? Outcome::null() : compare_outcome(f, CompareOp::Eq, v));
    if (o == Outcome::anything()) break;
  }
  return o;
}

Outcome eval(const CNode& n, FactsCache& facts, const FileFacts& raw) {
  using K = Predicate::Kind;
  switch (n.kind) {
    case K::Unknown: return Outcome::anything();
    case K::And: {
      Outcome o = Outcome::always(true);
      for (const auto& child : n.children) {
        o = kleene_and(o, eval(child, facts, raw));
        if (!o.may_be_true && !o.may_be_null) break;  // FALSE on every row already
      }
      return o;
    }
    case K::Or: {
      Outcome o = Outcome::always(false);
      for (const auto& child : n.children) {
        o = kleene_or(o, eval(child, facts, raw));
        if (!o.may_be_false && !o.may_be_null) break;  // TRUE on every row already
      }
      return o;
    }
    case K::Not: return n.children.empty() ? Outcome::anything() : kleene_not(eval(n.children[0], facts, raw));
    case K::Compare: {
      if (n.value.is_null()) return Outcome::null();
      return compare_outcome(facts.get(n.slots[0]), n.op, n.value);
    }
    case K::In: return in_outcome(facts.get(n.slots[0]), n.values);
    case K::NotIn: return kleene_not(in_outcome(facts.get(n.slots[0]), n.values));
    case K::IsNull: return null_test_outcome(facts.get(n.slots[0]), true);
    case K::IsNotNull: return null_test_outcome(facts.get(n.slots[0]), false);
    case K::Evaluated: {
      for (size_t s : n.slots)
        if (facts.get(s).kind != ColumnFacts::Kind::Constant) return Outcome::anything();
      return n.evaluator(raw);
    }
  }
  return Outcome::anything();
}

}  // namespace

Outcome Pruner::evaluate(const FileFacts& facts) const {
  FactsCache cache(facts, compiled_->slots);
  return eval(compiled_->root, cache, facts);
}

namespace {

class NamedFacts : public FileFacts {
 public:
  NamedFacts(const std::vector<std::string>& names, const std::function<ColumnFacts(const std::string&)>& facts_of)
      : names_(names), facts_of_(facts_of) {}
  ColumnFacts column(size_t slot) const override { return facts_of_(names_.at(slot)); }

 private:
  const std::vector<std::string>& names_;
  const std::function<ColumnFacts(const std::string&)>& facts_of_;
};

}  // namespace

Outcome evaluate(const Predicate& predicate, const std::function<ColumnFacts(const std::string&)>& facts_of) {
  std::vector<std::string> names = predicate.referenced_columns();
  Pruner pruner(predicate, [&](const std::string& column) -> std::optional<size_t> {
    return static_cast<size_t>(std::find(names.begin(), names.end(), column) - names.begin());
  });
  return pruner.evaluate(NamedFacts(names, facts_of));
}

}  // namespace neuralake::pruning
