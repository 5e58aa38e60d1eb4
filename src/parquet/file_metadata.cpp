// The footer's FileMetaData, SchemaElement, RowGroup and ColumnMetaData
// fields we use, and the leaves' levels computed from the schema.
#include "parquet/file_metadata.h"

#include "parquet/thrift_compact.h"
#include <string_view>
#include <unordered_set>

namespace neuralake::parquet {

namespace {

// Deepest group nesting read (each level may add one to a leaf's 16-bit
// definition and repetition levels).
constexpr size_t kMaxSchemaDepth = 1000;

using Field = CompactReader::Field;

// Converted types (the format's older annotations) this reader interprets.
LogicalType from_converted(int32_t converted) {
  LogicalType t;
  switch (converted) {
    case 0: t.kind = LogicalType::Kind::String; break;            // UTF8
    case 4: t.kind = LogicalType::Kind::String; break;            // ENUM
    case 19: t.kind = LogicalType::Kind::String; break;           // JSON
    case 5: t.kind = LogicalType::Kind::Decimal; break;           // DECIMAL
    case 6: t.kind = LogicalType::Kind::Date; break;              // DATE
    case 9: t = {LogicalType::Kind::Timestamp, LogicalType::Unit::Millis}; break;
    case 10: t = {LogicalType::Kind::Timestamp, LogicalType::Unit::Micros}; break;
    case 11: case 12: case 13: case 14:  // UINT_8 .. UINT_64
      t.kind = LogicalType::Kind::Integer;
      t.bit_width = static_cast<int8_t>(8 << (converted - 11));
      t.is_signed = false;
      break;
    case 15: case 16: case 17: case 18:  // INT_8 .. INT_64
      t.kind = LogicalType::Kind::Integer;
      t.bit_width = static_cast<int8_t>(8 << (converted - 15));
      break;
    case 1: case 2:  // MAP, MAP_KEY_VALUE
      t.kind = LogicalType::Kind::Map;
      break;
    case 3:
      t.kind = LogicalType::Kind::List;
      break;
    default:
      t.kind = LogicalType::Kind::Other;
  }
  return t;
}

LogicalType read_logical(CompactReader& r) {
  LogicalType t;
  t.kind = LogicalType::Kind::Other;
  r.read_struct([&](const Field& f) {
    switch (f.id) {
      case 1: case 4: case 12:  // STRING, ENUM, JSON
        t.kind = LogicalType::Kind::String;
        r.skip(f.type);
        break;
      case 2:
        t.kind = LogicalType::Kind::Map;
        r.skip(f.type);
        break;
      case 3:
        t.kind = LogicalType::Kind::List;
        r.skip(f.type);
        break;
      case 5:
        t.kind = LogicalType::Kind::Decimal;
        r.skip(f.type);
        break;
      case 6:
        t.kind = LogicalType::Kind::Date;
        r.skip(f.type);
        break;
      case 8:  // TIMESTAMP { 1: isAdjustedToUTC, 2: unit }
        t.kind = LogicalType::Kind::Timestamp;
        r.read_struct([&](const Field& g) {
          if (g.id == 2 && g.type == CompactReader::kStruct) {
            r.read_struct([&](const Field& u) {
              if (u.id == 1) t.unit = LogicalType::Unit::Millis;
              if (u.id == 2) t.unit = LogicalType::Unit::Micros;
              if (u.id == 3) t.unit = LogicalType::Unit::Nanos;
              r.skip(u.type);
            });
          } else {
            r.skip(g.type);
          }
        });
        break;
      case 10:  // INTEGER { 1: bitWidth, 2: isSigned }
        t.kind = LogicalType::Kind::Integer;
        r.read_struct([&](const Field& g) {
          if (g.id == 1 && g.type == CompactReader::kByte) {
            t.bit_width = r.read_byte();
          } else if (g.id == 2) {
            t.is_signed = CompactReader::field_bool(g);
          } else {
            r.skip(g.type);
          }
        });
        break;
      default:
        r.skip(f.type);
    }
  });
  return t;
}

SchemaElement read_schema_element(CompactReader& r) {
  SchemaElement e;
  std::optional<int32_t> converted;
  std::optional<LogicalType> logical;
  r.read_struct([&](const Field& f) {
    switch (f.id) {
      case 1: e.type = static_cast<PhysicalType>(r.read_i32()); break;
      case 2: e.type_length = r.read_i32(); break;
      case 3: e.repetition = static_cast<Repetition>(r.read_i32()); break;
      case 4: e.name = std::string(r.read_binary()); break;
      case 5: e.num_children = r.read_i32(); break;
      case 6: converted = r.read_i32(); break;
      case 10: logical = read_logical(r); break;
      default: r.skip(f.type);
    }
  });
  if (e.type && (static_cast<int>(*e.type) < 0 || static_cast<int>(*e.type) > 7)) {
    throw FormatError("schema element '" + e.name + "' has an unknown physical type");
  }
  if (static_cast<int>(e.repetition) < 0 || static_cast<int>(e.repetition) > 2) {
    throw FormatError("schema element '" + e.name + "' has an unknown repetition");
  }
  if (logical) {
    e.logical = *logical;
  } else if (converted) {
    e.logical = from_converted(*converted);
  }
  return e;
}

ColumnChunk read_column_metadata(CompactReader& r) {
  ColumnChunk c;
  r.read_struct([&](const Field& f) {
    switch (f.id) {
      case 1: c.type = static_cast<PhysicalType>(r.read_i32()); break;
      case 2: c.encodings = r.read_i32_list(); break;
      case 4: c.codec = static_cast<Codec>(r.read_i32()); break;
      case 5: c.num_values = r.read_i64(); break;
      case 7: c.total_compressed_size = r.read_i64(); break;
      case 9: c.data_page_offset = r.read_i64(); break;
      case 11: c.dictionary_page_offset = r.read_i64(); break;
      case 12:  // Statistics { 3: null_count }
        r.read_struct([&](const Field& g) {
          if (g.id == 3 && g.type == CompactReader::kI64) {
            c.null_count = r.read_i64();
          } else {
            r.skip(g.type);
          }
        });
        break;
      default: r.skip(f.type);
    }
  });
  return c;
}

RowGroup read_row_group(CompactReader& r) {
  RowGroup g;
  r.read_struct([&](const Field& f) {
    if (f.id == 1 && f.type == CompactReader::kList) {
      const auto h = r.read_list_header();
      for (uint32_t i = 0; i < h.size; ++i) {
        ColumnChunk chunk;
        bool has_meta = false;
        r.read_struct([&](const Field& c) {
          if (c.id == 1) throw FormatError("column chunks in other files are not supported");
          if (c.id == 3 && c.type == CompactReader::kStruct) {
            chunk = read_column_metadata(r);
            has_meta = true;
          } else {
            r.skip(c.type);
          }
        });
        if (!has_meta) throw FormatError("a column chunk has no metadata (an encrypted file?)");
        g.columns.push_back(std::move(chunk));
      }
    } else if (f.id == 3) {
      g.num_rows = r.read_i64();
    } else {
      r.skip(f.type);
    }
  });
  return g;
}

}  // namespace

FileMetadata FileMetadata::parse(const uint8_t* data, size_t size) {
  FileMetadata m;
  CompactReader r(data, size);
  r.read_struct([&](const Field& f) {
    if (f.id == 2 && f.type == CompactReader::kList) {
      const auto h = r.read_list_header();
      for (uint32_t i = 0; i < h.size; ++i) m.schema.push_back(read_schema_element(r));
    } else if (f.id == 3) {
      m.num_rows = r.read_i64();
    } else if (f.id == 4 && f.type == CompactReader::kList) {
      const auto h = r.read_list_header();
      for (uint32_t i = 0; i < h.size; ++i) m.row_groups.push_back(read_row_group(r));
    } else {
      r.skip(f.type);
    }
  });
  if (m.schema.empty()) throw FormatError("the footer has no schema");
  for (const SchemaElement& e : m.schema) {
    if (e.num_children < 0) throw FormatError("schema element '" + e.name + "' has a negative number of children");
  }
  // Leaves in depth-first order, with their levels: the order of each row
  // group's column chunks.
  struct Frame {
    size_t element;
    int32_t children_left;
    std::unordered_set<std::string_view> names;  // of the children so far
  };
  std::vector<Frame> stack;
  std::vector<std::string> path;
  std::vector<int16_t> defs;
  std::vector<int16_t> reps;
  stack.push_back({0, m.schema[0].num_children, {}});
  for (size_t i = 1; i < m.schema.size(); ++i) {
    while (!stack.empty() && stack.back().children_left == 0) {
      stack.pop_back();
      if (!path.empty()) {
        path.pop_back();
        defs.pop_back();
        reps.pop_back();
      }
    }
    if (stack.empty()) throw FormatError("the schema has more elements than its groups hold");
    --stack.back().children_left;
    const SchemaElement& e = m.schema[i];
    // A column is found by its path: two siblings of one name make it ambiguous.
    if (!stack.back().names.insert(e.name).second) {
      throw FormatError("group '" + m.schema[stack.back().element].name + "' has two children named '" + e.name + "'");
    }
    const int16_t def = static_cast<int16_t>((defs.empty() ? 0 : defs.back()) + (e.repetition != Repetition::Required));
    const int16_t rep = static_cast<int16_t>((reps.empty() ? 0 : reps.back()) + (e.repetition == Repetition::Repeated));
    if (e.num_children > 0) {
      if (e.num_children > static_cast<int32_t>(m.schema.size())) throw FormatError("a group has too many children");
      // Levels are 16-bit; no real schema nests anywhere near this deep.
      if (stack.size() > kMaxSchemaDepth) throw FormatError("the schema nests deeper than " + std::to_string(kMaxSchemaDepth) + " levels");
      path.push_back(e.name);
      defs.push_back(def);
      reps.push_back(rep);
      stack.push_back({i, e.num_children, {}});
      continue;
    }
    if (!e.type) throw FormatError("leaf '" + e.name + "' has no physical type");
    Leaf leaf;
    leaf.path = path;
    leaf.path.push_back(e.name);
    leaf.element = i;
    leaf.definition = defs;
    leaf.definition.push_back(def);
    leaf.max_definition = def;
    leaf.max_repetition = rep;
    m.leaves.push_back(std::move(leaf));
  }
  for (const auto& g : m.row_groups) {
    if (g.columns.size() != m.leaves.size()) {
      throw FormatError("a row group has " + std::to_string(g.columns.size()) + " column chunks for " +
                        std::to_string(m.leaves.size()) + " leaf columns");
    }
    for (size_t c = 0; c < g.columns.size(); ++c) {
      if (g.columns[c].type != *m.schema[m.leaves[c].element].type) {
        throw FormatError("column chunk of '" + m.schema[m.leaves[c].element].name + "' disagrees with the schema's type");
      }
      if (g.columns[c].total_compressed_size < 0 || g.columns[c].start() < 0) {
        throw FormatError("a column chunk has a negative offset or size");
      }
    }
  }
  return m;
}

int FileMetadata::find_leaf(const std::vector<std::string_view>& p) const {
  for (size_t i = 0; i < leaves.size(); ++i) {
    const auto& lp = leaves[i].path;
    if (lp.size() != p.size()) continue;
    bool same = true;
    for (size_t k = 0; k < p.size() && same; ++k) same = lp[k] == p[k];
    if (same) return static_cast<int>(i);
  }
  return -1;
}

int FileMetadata::leaf_of_element(size_t element) const {
  for (size_t i = 0; i < leaves.size(); ++i) {
    if (leaves[i].element == element) return static_cast<int>(i);
  }
  return -1;
}

std::vector<size_t> FileMetadata::children(size_t element) const {
  // Walk the depth-first list: the children follow their parent, each
  // followed by its own subtree.
  std::vector<size_t> out;
  if (element >= schema.size()) return out;
  size_t next = element + 1;
  for (int32_t c = 0; c < schema[element].num_children && next < schema.size(); ++c) {
    out.push_back(next);
    // Skip the subtree of `next`.
    int64_t pending = 1;
    while (pending > 0 && next < schema.size()) {
      pending += schema[next].num_children - 1;
      ++next;
    }
  }
  return out;
}

int FileMetadata::find_element(const std::vector<std::string_view>& p) const {
  size_t at = 0;
  for (const auto& name : p) {
    bool found = false;
    for (size_t c : children(at)) {
      if (schema[c].name == name) {
        at = c;
        found = true;
        break;
      }
    }
    if (!found) return -1;
  }
  return static_cast<int>(at);
}

}  // namespace neuralake::parquet
