// Top-level columns assembled into JSON row by row from their leaves'
// levels: structs, and lists and maps of one level of repetition.
#include "parquet/json_rows.h"

#include <cmath>
#include <cstdio>
#include <memory>
#include <optional>

#include "common/json_string.h"
#include "parquet/thrift_compact.h"

namespace neuralake::parquet {

namespace {

// A column's shape as JSON sees it.
struct Node {
  enum class Kind : uint8_t { Value, Struct, List, Map } kind = Kind::Value;
  std::string name;
  int16_t definition = 0;  // the level at which this node is not null
  int16_t entry = 0;       // List/Map: the level at which the row has an entry
  int leaf = -1;           // Value: its leaf; List: the element's; Map: the key's
  int value_leaf = -1;     // Map: the value's
  std::vector<Node> children;  // Struct
};

bool json_value_type(const SchemaElement& e) {
  using K = LogicalType::Kind;
  switch (*e.type) {
    case PhysicalType::Boolean:
    case PhysicalType::Float:
    case PhysicalType::Double:
      return true;
    case PhysicalType::Int32:
    case PhysicalType::Int64:
      return e.logical.kind == K::None || e.logical.kind == K::Integer;
    case PhysicalType::ByteArray:
      return e.logical.kind == K::String;
    default:
      return false;
  }
}

class Builder {
 public:
  explicit Builder(const FileMetadata& m) : m_(m) {}

  // The node for schema element `e` whose parent is defined at `parent_def`;
  // nullopt if it is beyond json_rows().
  std::optional<Node> build(size_t e, int16_t parent_def) {
    const SchemaElement& el = m_.schema[e];
    if (el.repetition == Repetition::Repeated) return std::nullopt;  // only inside a LIST or MAP
    Node n;
    n.name = el.name;
    n.definition = static_cast<int16_t>(parent_def + (el.repetition == Repetition::Optional));
    if (el.type) {
      n.kind = Node::Kind::Value;
      n.leaf = value_leaf(e);
      return n.leaf < 0 ? std::nullopt : std::optional<Node>(std::move(n));
    }
    const auto kids = m_.children(e);
    const bool repeated_child = kids.size() == 1 && m_.schema[kids[0]].repetition == Repetition::Repeated;
    if (el.logical.kind == LogicalType::Kind::List || el.logical.kind == LogicalType::Kind::Map || repeated_child) {
      if (!repeated_child) return std::nullopt;
      const SchemaElement& rep = m_.schema[kids[0]];
      n.entry = static_cast<int16_t>(n.definition + 1);
      if (rep.type) {  // a two-level list: the repeated field is the element
        n.kind = Node::Kind::List;
        n.leaf = json_value_type(rep) ? m_.leaf_of_element(kids[0]) : -1;
        return n.leaf < 0 ? std::nullopt : std::optional<Node>(std::move(n));
      }
      const auto entry = m_.children(kids[0]);
      if (entry.size() == 2 && el.logical.kind != LogicalType::Kind::List) {
        n.kind = Node::Kind::Map;
        n.leaf = value_leaf(entry[0]);
        n.value_leaf = value_leaf(entry[1]);
        if (n.leaf < 0 || n.value_leaf < 0 || m_.schema[entry[0]].logical.kind != LogicalType::Kind::String) {
          return std::nullopt;
        }
        return n;
      }
      if (entry.size() != 1) return std::nullopt;
      n.kind = Node::Kind::List;
      n.leaf = value_leaf(entry[0]);
      return n.leaf < 0 ? std::nullopt : std::optional<Node>(std::move(n));
    }
    n.kind = Node::Kind::Struct;
    for (size_t c : kids) {
      auto child = build(c, n.definition);
      if (!child) return std::nullopt;
      n.children.push_back(std::move(*child));
    }
    if (n.children.empty()) return std::nullopt;
    return n;
  }

 private:
  // The leaf element `e` is, if it holds one JSON value (not repeated, of a
  // type json_rows() writes); otherwise -1.
  int value_leaf(size_t e) const {
    const SchemaElement& x = m_.schema[e];
    if (!x.type || x.repetition == Repetition::Repeated || !json_value_type(x)) return -1;
    return m_.leaf_of_element(e);
  }

  const FileMetadata& m_;
};

void append_string(std::string& out, std::string_view s) { append_json_string(out, s); }

// One leaf's entries for the current row, each value already as JSON text.
class RowEntries {
 public:
  RowEntries(ColumnReader reader, const SchemaElement& e) : reader_(std::move(reader)), element_(e) {}

  struct Entry {
    int16_t definition;
    std::string json;  // empty when the value is null
  };

  // Passes over the next `rows` rows.
  bool skip(int64_t rows) {
    if (rows == 0) return true;
    if (!started_) {
      started_ = true;
      have_ = reader_.next();
    }
    if (!have_) return false;
    have_ = reader_.skip_rows(rows);
    return true;
  }

  // Reads the next row's entries; false if the column ends first.
  bool load_row() {
    entries_.clear();
    if (!started_) {
      started_ = true;
      have_ = reader_.next();
    }
    if (!have_) return false;
    do {
      Entry e{reader_.definition(), {}};
      if (reader_.has_value()) render(e.json);
      entries_.push_back(std::move(e));
      have_ = reader_.next();
    } while (have_ && reader_.repetition() != 0);
    return true;
  }
  const std::vector<Entry>& entries() const { return entries_; }
  int16_t first_definition() const { return entries_.front().definition; }

 private:
  void render(std::string& out) const {
    switch (*element_.type) {
      case PhysicalType::Boolean:
        out = reader_.integer() ? "true" : "false";
        return;
      case PhysicalType::Int32:
      case PhysicalType::Int64:
        if (element_.logical.kind == LogicalType::Kind::Integer && !element_.logical.is_signed) {
          out = std::to_string(element_.logical.bit_width == 64 ? static_cast<uint64_t>(reader_.integer())
                                                                 : static_cast<uint64_t>(static_cast<uint32_t>(reader_.integer())));
        } else {
          out = std::to_string(reader_.integer());
        }
        return;
      case PhysicalType::Float:
      case PhysicalType::Double: {
        const double d = reader_.real();
        if (!std::isfinite(d)) {
          out = "null";
          return;
        }
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.17g", d);
        out = buf;
        return;
      }
      default:
        append_string(out, reader_.bytes());
    }
  }

  ColumnReader reader_;
  const SchemaElement& element_;
  std::vector<Entry> entries_;
  bool started_ = false, have_ = false;
};

class Writer {
 public:
  explicit Writer(std::vector<std::unique_ptr<RowEntries>>& leaves) : leaves_(leaves) {}

  // The definition level of the row's first entry of any leaf under `n`.
  int16_t reached(const Node& n) const {
    const Node* x = &n;
    while (x->kind == Node::Kind::Struct) x = &x->children.front();
    return leaves_[static_cast<size_t>(x->leaf)]->first_definition();
  }

  void write(const Node& n, std::string& out) const {
    if (reached(n) < n.definition) {
      out += "null";
      return;
    }
    switch (n.kind) {
      case Node::Kind::Value: {
        const auto& e = leaves_[static_cast<size_t>(n.leaf)]->entries().front();
        out += e.json.empty() ? "null" : e.json;
        return;
      }
      case Node::Kind::Struct:
        out += '{';
        for (size_t i = 0; i < n.children.size(); ++i) {
          if (i) out += ',';
          append_string(out, n.children[i].name);
          out += ':';
          write(n.children[i], out);
        }
        out += '}';
        return;
      case Node::Kind::List:
      case Node::Kind::Map: {
        const bool map = n.kind == Node::Kind::Map;
        const auto& keys = leaves_[static_cast<size_t>(n.leaf)]->entries();
        const auto* values = map ? &leaves_[static_cast<size_t>(n.value_leaf)]->entries() : nullptr;
        if (values && values->size() != keys.size()) throw FormatError("a map's keys and values disagree in length");
        out += map ? '{' : '[';
        bool first = true;
        for (size_t i = 0; i < keys.size(); ++i) {
          if (keys[i].definition < n.entry) continue;  // an empty list or map
          if (!first) out += ',';
          first = false;
          if (map) {
            if (keys[i].json.empty()) throw FormatError("a map has a null key");
            out += keys[i].json;
            out += ':';
            out += (*values)[i].json.empty() ? "null" : (*values)[i].json;
          } else {
            out += keys[i].json.empty() ? "null" : keys[i].json;
          }
        }
        out += map ? '}' : ']';
        return;
      }
    }
  }

 private:
  std::vector<std::unique_ptr<RowEntries>>& leaves_;
};

void collect_leaves(const Node& n, std::vector<int>& out) {
  if (n.kind == Node::Kind::Struct) {
    for (const auto& c : n.children) collect_leaves(c, out);
    return;
  }
  out.push_back(n.leaf);
  if (n.kind == Node::Kind::Map) out.push_back(n.value_leaf);
}

}  // namespace

bool json_rows(const ParquetFile& file, const std::vector<std::string>& fields,
               const std::function<void(std::string_view)>& row) {
  const FileMetadata& m = file.metadata();
  Builder builder(m);
  std::vector<Node> nodes;
  std::vector<int> used;
  for (const auto& f : fields) {
    const int e = m.find_element({f});
    if (e < 0) continue;
    auto n = builder.build(static_cast<size_t>(e), 0);
    if (!n) return false;
    collect_leaves(*n, used);
    nodes.push_back(std::move(*n));
  }
  for (int l : used) {
    if (!ColumnReader::supports(m, static_cast<size_t>(l)).empty()) return false;
  }
  if (nodes.empty()) return true;
  // Most rows are other actions: one leaf per field tells whether a row has
  // it. A row group whose statistics say that leaf is null throughout holds
  // none of the fields (a field is present with its first value where the
  // format requires one), and is not read at all; in the others, rows
  // without a field are passed over in runs.
  std::vector<int> first_leaf;
  for (const auto& n : nodes) {
    const Node* x = &n;
    while (x->kind == Node::Kind::Struct) x = &x->children.front();
    first_leaf.push_back(x->leaf);
  }
  std::vector<bool> keep(m.row_groups.size(), true);
  int64_t rows = 0;
  for (size_t g = 0; g < m.row_groups.size(); ++g) {
    bool none = true;
    for (int l : first_leaf) {
      const ColumnChunk& c = m.row_groups[g].columns[static_cast<size_t>(l)];
      none &= c.null_count && c.num_values == m.row_groups[g].num_rows && *c.null_count == c.num_values;
    }
    keep[g] = !none;
    if (keep[g]) rows += m.row_groups[g].num_rows;
  }
  const auto column = [&](int l) {
    ColumnReader r = file.column(static_cast<size_t>(l));
    r.keep_row_groups(keep);
    return r;
  };
  std::vector<std::unique_ptr<RowEntries>> leaves(m.leaves.size());
  for (int l : used) {
    if (!leaves[static_cast<size_t>(l)]) {
      leaves[static_cast<size_t>(l)] = std::make_unique<RowEntries>(column(l), m.schema[m.leaves[static_cast<size_t>(l)].element]);
    }
  }
  const Writer writer(leaves);
  std::vector<ColumnReader> presence;
  for (int l : first_leaf) presence.push_back(column(l));
  int64_t passed = 0;  // rows since the last one loaded
  std::string out;
  for (int64_t r = 0; r < rows; ++r) {
    bool any = false;
    for (size_t i = 0; i < nodes.size(); ++i) {
      if (!(r == 0 ? presence[i].next() : presence[i].skip_rows(1))) {
        throw FormatError("a column has fewer rows than the file");
      }
      any |= presence[i].definition() >= nodes[i].definition;
    }
    if (!any) {
      ++passed;
      continue;
    }
    for (auto& l : leaves) {
      if (l && (!l->skip(passed) || !l->load_row())) throw FormatError("a column has fewer rows than the file");
    }
    passed = 0;
    out.clear();
    for (const auto& n : nodes) {
      if (writer.reached(n) < n.definition) continue;
      out += out.empty() ? '{' : ',';
      append_string(out, n.name);
      out += ':';
      writer.write(n, out);
    }
    if (out.empty()) continue;
    out += '}';
    row(out);
  }
  return true;
}

}  // namespace neuralake::parquet
