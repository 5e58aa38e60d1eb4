// DataFrame -> Arrow C data interface. A column whose storage already has
// Arrow's layout (64-bit integers, timestamps, times, doubles, strings and
// binary) is exported without copying: the array points into the Series'
// buffers and keeps them alive. Narrower types are narrowed into a buffer of
// their own, booleans and validity packed into bitmaps; decimals, intervals
// and nested types go through the engine's Arrow converter.
#include "engine/arrow_export.h"

#include <memory>
#include <string>
#include <vector>

#include "duckdb/common/arrow/arrow.hpp"
#include "duckdb/common/arrow/arrow_appender.hpp"
#include "duckdb/common/arrow/arrow_converter.hpp"
#include "engine/conversion.h"
#include "neuralake/error.h"

namespace neuralake::engine {

namespace {

// What an exported array owns: the series (sharing its buffers), the buffers
// made for it, and its children.
struct ArrayOwner {
  Series series;
  std::vector<std::vector<uint8_t>> made;  // bitmaps and narrowed values
  std::vector<const void*> buffers;
  std::vector<ArrowArray*> children;

  ~ArrayOwner() {
    for (auto* child : children) {
      if (child->release) child->release(child);
      delete child;
    }
  }
  static void release(ArrowArray* a) {
    delete static_cast<ArrayOwner*>(a->private_data);
    a->release = nullptr;
  }
};

struct SchemaOwner {
  std::string format;
  std::string name;
  std::vector<ArrowSchema*> children;

  ~SchemaOwner() {
    for (auto* child : children) {
      if (child->release) child->release(child);
      delete child;
    }
  }
  static void release(ArrowSchema* s) {
    delete static_cast<SchemaOwner*>(s->private_data);
    s->release = nullptr;
  }
};

// The Arrow format string of a type this exporter lays out itself; empty for
// types left to the engine's converter.
std::string native_format(const DataType& t) {
  switch (t.id()) {
    case TypeId::Null: return "n";
    case TypeId::Boolean: return "b";
    case TypeId::Int8: return "c";
    case TypeId::Int16: return "s";
    case TypeId::Int32: return "i";
    case TypeId::Int64: return "l";
    case TypeId::UInt8: return "C";
    case TypeId::UInt16: return "S";
    case TypeId::UInt32: return "I";
    case TypeId::UInt64: return "L";
    case TypeId::Float32: return "f";
    case TypeId::Float64: return "g";
    case TypeId::String: return "U";
    case TypeId::Binary: return "Z";
    case TypeId::Date: return "tdD";
    case TypeId::Time: return "ttu";
    case TypeId::Timestamp:
      switch (t.time_unit()) {
        case TimeUnit::Seconds: return "tss:";
        case TimeUnit::Milliseconds: return "tsm:";
        case TimeUnit::Microseconds: return "tsu:";
        case TimeUnit::Nanoseconds: return "tsn:";
      }
      return "";
    case TypeId::TimestampTz: return "tsu:UTC";
    default: return "";
  }
}

template <class T, class Src>
std::vector<uint8_t> narrowed(const std::vector<Src>& src) {
  std::vector<uint8_t> out(src.size() * sizeof(T));
  auto* dst = reinterpret_cast<T*>(out.data());
  for (size_t i = 0; i < src.size(); ++i) dst[i] = static_cast<T>(src[i]);
  return out;
}

std::vector<uint8_t> packed_bits(const std::vector<uint8_t>& bytes, const std::vector<int64_t>* values) {
  std::vector<uint8_t> bits((bytes.size() + 7) / 8, 0);
  for (size_t i = 0; i < bytes.size(); ++i) {
    bool set = values ? (*values)[i] != 0 : bytes[i] != 0;
    if (set) bits[i / 8] |= static_cast<uint8_t>(1u << (i % 8));
  }
  return bits;
}

// Child 0 of an engine-made struct array or schema, standing alone: the
// child's buffers and strings belong to its parent, so the parent is kept
// alive until the child is released.
template <class T>
struct ParentKeeper {
  T parent;
  static void release(T* child) {
    auto* keeper = static_cast<ParentKeeper*>(child->private_data);
    keeper->parent.release(&keeper->parent);
    delete keeper;
    child->release = nullptr;
  }
};
template <class T>
T take_child(T& parent) {
  T child = *parent.children[0];
  auto* keeper = new ParentKeeper<T>{parent};
  parent.release = nullptr;  // now the keeper's
  child.private_data = keeper;
  child.release = ParentKeeper<T>::release;
  return child;
}

// The engine's Arrow rendering of one column (types this file does not lay out).
void engine_column(const Series& s, duckdb::ClientContext& context, ArrowArray* out_array, ArrowSchema* out_schema) {
  duckdb::vector<duckdb::LogicalType> types{to_duckdb_type(s.type())};
  duckdb::vector<duckdb::string> names{s.name()};
  auto props = context.GetClientProperties();
  duckdb::unordered_map<duckdb::idx_t, const duckdb::shared_ptr<duckdb::ArrowTypeExtensionData>> none;
  if (out_schema) {
    ArrowSchema root;
    duckdb::ArrowConverter::ToArrowSchema(&root, types, names, props);
    *out_schema = take_child(root);
  }
  if (out_array) {
    duckdb::ArrowAppender appender(types, std::max<size_t>(s.size(), 1), props, none);
    for (size_t offset = 0; offset < s.size(); offset += STANDARD_VECTOR_SIZE) {
      size_t count = std::min<size_t>(STANDARD_VECTOR_SIZE, s.size() - offset);
      duckdb::DataChunk chunk;
      chunk.Initialize(duckdb::Allocator::DefaultAllocator(), types);
      write_vector(s, offset, count, chunk.data[0], types[0], "data frame");
      chunk.SetCardinality(count);
      appender.Append(chunk, 0, count, count);
    }
    ArrowArray root = appender.Finalize();
    *out_array = take_child(root);
  }
}

void column_schema(const Series& s, EngineContext& context, ArrowSchema* out) {
  std::string format = native_format(s.type());
  if (format.empty()) {
    engine_column(s, context(), nullptr, out);
    return;
  }
  auto owner = std::make_unique<SchemaOwner>();
  owner->format = std::move(format);
  owner->name = s.name();
  *out = ArrowSchema{};
  out->format = owner->format.c_str();
  out->name = owner->name.c_str();
  out->flags = ARROW_FLAG_NULLABLE;
  out->release = SchemaOwner::release;
  out->private_data = owner.release();
}

void column_array(const Series& s, EngineContext& context, ArrowArray* out) {
  const DataType& t = s.type();
  if (native_format(t).empty()) {
    engine_column(s, context(), out, nullptr);
    return;
  }
  auto owner = std::make_unique<ArrayOwner>();
  owner->series = s;  // shares the buffers
  const Series& own = owner->series;
  const auto& valid = own.validity();
  int64_t nulls = 0;
  for (auto v : valid) nulls += v ? 0 : 1;
  *out = ArrowArray{};
  out->length = static_cast<int64_t>(own.size());
  out->null_count = nulls;
  // Buffers made here move into `made`; their data stays where it is.
  auto add_made = [&](std::vector<uint8_t> buf) {
    owner->made.push_back(std::move(buf));
    return static_cast<const void*>(owner->made.back().data());
  };
  const void* validity = nulls > 0 ? add_made(packed_bits(valid, nullptr)) : nullptr;
  const auto& st = own.storage();
  if (t.id() == TypeId::Null) {
    out->null_count = out->length;
    owner->buffers = {};
  } else if (auto* i64 = std::get_if<std::vector<int64_t>>(&st)) {
    const void* values = nullptr;
    switch (t.id()) {
      case TypeId::Boolean: values = add_made(packed_bits(valid, i64)); break;
      case TypeId::Int8: values = add_made(narrowed<int8_t>(*i64)); break;
      case TypeId::Int16: values = add_made(narrowed<int16_t>(*i64)); break;
      case TypeId::Int32:
      case TypeId::Date: values = add_made(narrowed<int32_t>(*i64)); break;
      default: values = i64->data(); break;  // 64-bit values as they are
    }
    owner->buffers = {validity, values};
  } else if (auto* u64 = std::get_if<std::vector<uint64_t>>(&st)) {
    const void* values = nullptr;
    switch (t.id()) {
      case TypeId::UInt8: values = add_made(narrowed<uint8_t>(*u64)); break;
      case TypeId::UInt16: values = add_made(narrowed<uint16_t>(*u64)); break;
      case TypeId::UInt32: values = add_made(narrowed<uint32_t>(*u64)); break;
      default: values = u64->data(); break;
    }
    owner->buffers = {validity, values};
  } else if (auto* f64 = std::get_if<std::vector<double>>(&st)) {
    const void* values = t.id() == TypeId::Float32 ? add_made(narrowed<float>(*f64)) : f64->data();
    owner->buffers = {validity, values};
  } else if (auto* str = std::get_if<StringColumn>(&st)) {
    static const char kEmpty = 0;
    owner->buffers = {validity, str->offsets().data(), str->bytes().empty() ? &kEmpty : str->bytes().data()};
  } else {
    throw Error(ErrorCode::Internal, s.name(), "column '" + s.name() + "' has storage its type does not match");
  }
  out->n_buffers = static_cast<int64_t>(owner->buffers.size());
  out->buffers = owner->buffers.data();
  out->release = ArrayOwner::release;
  out->private_data = owner.release();
}

}  // namespace

duckdb::ClientContext& EngineContext::operator()() {
  if (!con_) {
    db_ = std::make_unique<duckdb::DuckDB>(nullptr);
    con_ = std::make_unique<duckdb::Connection>(*db_);
  }
  return *con_->context;
}

EngineContext::EngineContext() = default;
EngineContext::~EngineContext() = default;

void export_schema(const DataFrame& df, EngineContext& context, ArrowSchema* out) {
  auto owner = std::make_unique<SchemaOwner>();
  owner->format = "+s";
  for (const auto& s : df.columns()) {
    auto* child = new ArrowSchema{};
    owner->children.push_back(child);
    column_schema(s, context, child);
  }
  *out = ArrowSchema{};
  out->format = owner->format.c_str();
  out->name = "";
  out->n_children = static_cast<int64_t>(owner->children.size());
  out->children = owner->children.data();
  out->release = SchemaOwner::release;
  out->private_data = owner.release();
}

void export_array(const DataFrame& df, EngineContext& context, ArrowArray* out) {
  auto owner = std::make_unique<ArrayOwner>();
  for (const auto& s : df.columns()) {
    auto* child = new ArrowArray{};
    owner->children.push_back(child);
    column_array(s, context, child);
  }
  static const void* kNoValidity[1] = {nullptr};
  *out = ArrowArray{};
  out->length = static_cast<int64_t>(df.num_rows());
  out->n_buffers = 1;
  out->buffers = kNoValidity;
  out->n_children = static_cast<int64_t>(owner->children.size());
  out->children = owner->children.data();
  out->release = ArrayOwner::release;
  out->private_data = owner.release();
}

}  // namespace neuralake::engine
