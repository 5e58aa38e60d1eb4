// DuckDB <-> neuralake type, value and column conversions.
#include "engine/conversion.h"

#include "common/page_memory.h"

#include "neuralake/error.h"

namespace neuralake::engine {

using duckdb::LogicalType;
using duckdb::LogicalTypeId;

static __int128 from_hugeint(duckdb::hugeint_t h) {
  return (static_cast<__int128>(h.upper) << 64) | static_cast<__int128>(h.lower);
}

static duckdb::hugeint_t to_hugeint(__int128 v) {
  duckdb::hugeint_t h;
  h.lower = static_cast<uint64_t>(v);
  h.upper = static_cast<int64_t>(v >> 64);
  return h;
}

DataType from_duckdb_type(const LogicalType& t) {
  switch (t.id()) {
    case LogicalTypeId::SQLNULL: return DataType(TypeId::Null);
    case LogicalTypeId::BOOLEAN: return DataType(TypeId::Boolean);
    case LogicalTypeId::TINYINT: return DataType(TypeId::Int8);
    case LogicalTypeId::SMALLINT: return DataType(TypeId::Int16);
    case LogicalTypeId::INTEGER: return DataType(TypeId::Int32);
    case LogicalTypeId::BIGINT: return DataType(TypeId::Int64);
    case LogicalTypeId::HUGEINT: return DataType(TypeId::Int128);
    case LogicalTypeId::UTINYINT: return DataType(TypeId::UInt8);
    case LogicalTypeId::USMALLINT: return DataType(TypeId::UInt16);
    case LogicalTypeId::UINTEGER: return DataType(TypeId::UInt32);
    case LogicalTypeId::UBIGINT: return DataType(TypeId::UInt64);
    case LogicalTypeId::FLOAT: return DataType(TypeId::Float32);
    case LogicalTypeId::DOUBLE: return DataType(TypeId::Float64);
    case LogicalTypeId::DECIMAL:
      return DataType::decimal(duckdb::DecimalType::GetWidth(t), duckdb::DecimalType::GetScale(t));
    case LogicalTypeId::VARCHAR: return DataType(TypeId::String);
    case LogicalTypeId::BLOB: return DataType(TypeId::Binary);
    case LogicalTypeId::DATE: return DataType(TypeId::Date);
    case LogicalTypeId::TIME: return DataType(TypeId::Time);
    case LogicalTypeId::TIMESTAMP: return DataType::timestamp(TimeUnit::Microseconds);
    case LogicalTypeId::TIMESTAMP_SEC: return DataType::timestamp(TimeUnit::Seconds);
    case LogicalTypeId::TIMESTAMP_MS: return DataType::timestamp(TimeUnit::Milliseconds);
    case LogicalTypeId::TIMESTAMP_NS: return DataType::timestamp(TimeUnit::Nanoseconds);
    case LogicalTypeId::TIMESTAMP_TZ: return DataType::timestamp_tz();
    case LogicalTypeId::INTERVAL: return DataType(TypeId::Interval);
    case LogicalTypeId::LIST: return DataType::list(from_duckdb_type(duckdb::ListType::GetChildType(t)));
    case LogicalTypeId::STRUCT: {
      std::vector<Field> fields;
      for (const auto& [name, child] : duckdb::StructType::GetChildTypes(t)) fields.push_back({name, from_duckdb_type(child)});
      return DataType::structure(std::move(fields));
    }
    case LogicalTypeId::MAP:
      return DataType::map(from_duckdb_type(duckdb::MapType::KeyType(t)), from_duckdb_type(duckdb::MapType::ValueType(t)));
    default: return DataType::other(t.ToString());
  }
}

LogicalType to_duckdb_type(const DataType& t) {
  switch (t.id()) {
    case TypeId::Null: return LogicalType::SQLNULL;
    case TypeId::Boolean: return LogicalType::BOOLEAN;
    case TypeId::Int8: return LogicalType::TINYINT;
    case TypeId::Int16: return LogicalType::SMALLINT;
    case TypeId::Int32: return LogicalType::INTEGER;
    case TypeId::Int64: return LogicalType::BIGINT;
    case TypeId::Int128: return LogicalType::HUGEINT;
    case TypeId::UInt8: return LogicalType::UTINYINT;
    case TypeId::UInt16: return LogicalType::USMALLINT;
    case TypeId::UInt32: return LogicalType::UINTEGER;
    case TypeId::UInt64: return LogicalType::UBIGINT;
    case TypeId::Float32: return LogicalType::FLOAT;
    case TypeId::Float64: return LogicalType::DOUBLE;
    case TypeId::Decimal: return LogicalType::DECIMAL(t.precision(), t.scale());
    case TypeId::String: return LogicalType::VARCHAR;
    case TypeId::Binary: return LogicalType::BLOB;
    case TypeId::Date: return LogicalType::DATE;
    case TypeId::Time: return LogicalType::TIME;
    case TypeId::Timestamp:
      switch (t.time_unit()) {
        case TimeUnit::Seconds: return LogicalType::TIMESTAMP_S;
        case TimeUnit::Milliseconds: return LogicalType::TIMESTAMP_MS;
        case TimeUnit::Microseconds: return LogicalType::TIMESTAMP;
        case TimeUnit::Nanoseconds: return LogicalType::TIMESTAMP_NS;
      }
      return LogicalType::TIMESTAMP;
    case TypeId::TimestampTz: return LogicalType::TIMESTAMP_TZ;
    case TypeId::Interval: return LogicalType::INTERVAL;
    case TypeId::List: return LogicalType::LIST(to_duckdb_type(t.children()[0].type));
    case TypeId::Struct: {
      duckdb::child_list_t<LogicalType> children;
      for (const auto& f : t.children()) children.emplace_back(f.name, to_duckdb_type(f.type));
      return LogicalType::STRUCT(std::move(children));
    }
    case TypeId::Map: return LogicalType::MAP(to_duckdb_type(t.children()[0].type), to_duckdb_type(t.children()[1].type));
    case TypeId::Other: return duckdb::TransformStringToLogicalType(t.engine_name());
  }
  return LogicalType::VARCHAR;
}

Value from_duckdb_value(const duckdb::Value& v) {
  if (v.IsNull()) return Value();
  const auto& t = v.type();
  switch (t.id()) {
    case LogicalTypeId::BOOLEAN: return Value(duckdb::BooleanValue::Get(v));
    case LogicalTypeId::TINYINT:
    case LogicalTypeId::SMALLINT:
    case LogicalTypeId::INTEGER:
    case LogicalTypeId::BIGINT: return Value(v.GetValue<int64_t>());
    case LogicalTypeId::HUGEINT: return Value(Decimal{from_hugeint(duckdb::HugeIntValue::Get(v)), 0});
    case LogicalTypeId::UTINYINT:
    case LogicalTypeId::USMALLINT:
    case LogicalTypeId::UINTEGER:
    case LogicalTypeId::UBIGINT: return Value(v.GetValue<uint64_t>());
    case LogicalTypeId::FLOAT:
    case LogicalTypeId::DOUBLE: return Value(v.GetValue<double>());
    case LogicalTypeId::VARCHAR: return Value(duckdb::StringValue::Get(v));
    case LogicalTypeId::BLOB: return Value(Bytes{duckdb::StringValue::Get(v)});
    case LogicalTypeId::DATE: return Value(Date{duckdb::DateValue::Get(v).days});
    case LogicalTypeId::TIME: return Value(Time{duckdb::TimeValue::Get(v).micros});
    case LogicalTypeId::TIMESTAMP:
    case LogicalTypeId::TIMESTAMP_SEC:
    case LogicalTypeId::TIMESTAMP_MS:
    case LogicalTypeId::TIMESTAMP_NS:
    case LogicalTypeId::TIMESTAMP_TZ: return Value(Timestamp{v.GetValueUnsafe<int64_t>()});
    case LogicalTypeId::DECIMAL: {
      int scale = duckdb::DecimalType::GetScale(t);
      switch (t.InternalType()) {
        case duckdb::PhysicalType::INT16: return Value(Decimal{v.GetValueUnsafe<int16_t>(), scale});
        case duckdb::PhysicalType::INT32: return Value(Decimal{v.GetValueUnsafe<int32_t>(), scale});
        case duckdb::PhysicalType::INT64: return Value(Decimal{v.GetValueUnsafe<int64_t>(), scale});
        default: return Value(Decimal{from_hugeint(v.GetValueUnsafe<duckdb::hugeint_t>()), scale});
      }
    }
    case LogicalTypeId::INTERVAL: {
      auto i = duckdb::IntervalValue::Get(v);
      return Value(Interval{i.months, i.days, i.micros});
    }
    case LogicalTypeId::LIST: {
      ValueList out;
      for (const auto& c : duckdb::ListValue::GetChildren(v)) out.push_back(from_duckdb_value(c));
      return Value(std::move(out));
    }
    case LogicalTypeId::MAP: {
      // A map is a list of {key, value} structs.
      ValueList out;
      for (const auto& entry : duckdb::ListValue::GetChildren(v)) out.push_back(from_duckdb_value(entry));
      return Value(std::move(out));
    }
    case LogicalTypeId::STRUCT: {
      ValueStruct out;
      const auto& children = duckdb::StructValue::GetChildren(v);
      for (size_t i = 0; i < children.size(); ++i)
        out.emplace_back(duckdb::StructType::GetChildName(t, i), from_duckdb_value(children[i]));
      return Value(std::move(out));
    }
    default: return Value(v.ToString());
  }
}

duckdb::Value to_duckdb_value(const Value& value) {
  struct Visitor {
    duckdb::Value operator()(std::monostate) const { return duckdb::Value(); }
    duckdb::Value operator()(bool b) const { return duckdb::Value::BOOLEAN(b); }
    duckdb::Value operator()(int64_t i) const { return duckdb::Value::BIGINT(i); }
    duckdb::Value operator()(uint64_t i) const { return duckdb::Value::UBIGINT(i); }
    duckdb::Value operator()(double d) const { return duckdb::Value::DOUBLE(d); }
    duckdb::Value operator()(const std::string& s) const { return duckdb::Value(s); }
    duckdb::Value operator()(Date d) const { return duckdb::Value::DATE(duckdb::date_t(d.days)); }
    duckdb::Value operator()(Time t) const { return duckdb::Value::TIME(duckdb::dtime_t(t.micros)); }
    duckdb::Value operator()(Timestamp t) const { return duckdb::Value::TIMESTAMP(duckdb::timestamp_t(t.micros)); }
    duckdb::Value operator()(const Decimal& d) const {
      return duckdb::Value::DECIMAL(to_hugeint(d.unscaled), 38, static_cast<uint8_t>(d.scale));
    }
    duckdb::Value operator()(const Interval& i) const { return duckdb::Value::INTERVAL(i.months, i.days, i.micros); }
    duckdb::Value operator()(const Bytes& b) const { return duckdb::Value::BLOB_RAW(b.data); }
    duckdb::Value operator()(const ValueList& l) const {
      duckdb::vector<duckdb::Value> items;
      for (const auto& x : l) items.push_back(to_duckdb_value(x));
      if (items.empty()) return duckdb::Value::LIST(LogicalType::SQLNULL, {});
      return duckdb::Value::LIST(std::move(items));
    }
    duckdb::Value operator()(const ValueStruct& s) const {
      duckdb::child_list_t<duckdb::Value> children;
      for (const auto& [k, x] : s) children.emplace_back(k, to_duckdb_value(x));
      return duckdb::Value::STRUCT(std::move(children));
    }
  };
  return std::visit(Visitor{}, value.storage());
}

namespace {

template <class Src, class Dst>
void append_flat(duckdb::UnifiedVectorFormat& fmt, size_t count, std::vector<Dst>& data, std::vector<uint8_t>& valid) {
  auto src = duckdb::UnifiedVectorFormat::GetData<Src>(fmt);
  size_t base = data.size();
  data.resize(base + count);
  valid.resize(base + count);
  for (size_t i = 0; i < count; ++i) {
    auto idx = fmt.sel->get_index(i);
    bool ok = fmt.validity.RowIsValid(idx);
    valid[base + i] = ok;
    if (ok) {
      if constexpr (std::is_same_v<Src, duckdb::date_t>) data[base + i] = src[idx].days;
      else if constexpr (std::is_same_v<Src, duckdb::dtime_t>) data[base + i] = src[idx].micros;
      else if constexpr (std::is_same_v<Src, duckdb::timestamp_t>) data[base + i] = src[idx].value;
      else data[base + i] = static_cast<Dst>(src[idx]);
    } else {
      data[base + i] = Dst{};
    }
  }
}

// The bytes of the `count` strings (NULLs aside) of a string vector.
size_t string_bytes(duckdb::UnifiedVectorFormat& fmt, size_t count) {
  auto src = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(fmt);
  size_t bytes = 0;
  for (size_t i = 0; i < count; ++i) {
    auto idx = fmt.sel->get_index(i);
    if (fmt.validity.RowIsValid(idx)) bytes += src[idx].GetSize();
  }
  return bytes;
}

// Strings go into the column's one buffer: their total size first, then one
// copy each, no allocation per value.
void append_flat(duckdb::UnifiedVectorFormat& fmt, size_t count, StringColumn& data, std::vector<uint8_t>& valid) {
  auto src = duckdb::UnifiedVectorFormat::GetData<duckdb::string_t>(fmt);
  data.reserve(count, string_bytes(fmt, count));
  size_t base = valid.size();
  valid.resize(base + count);
  for (size_t i = 0; i < count; ++i) {
    auto idx = fmt.sel->get_index(i);
    bool ok = fmt.validity.RowIsValid(idx);
    valid[base + i] = ok;
    if (ok) data.push_back(std::string_view(src[idx].GetData(), src[idx].GetSize()));
    else data.emplace_back();
  }
}

}  // namespace

// Appends through the fast path when `dst` (the series' storage) is the
// expected kind; false if it is not.
template <class Src, class Dst>
static bool try_append(duckdb::Vector& vec, size_t count, Dst* dst, std::vector<uint8_t>& valid) {
  if (!dst) return false;
  duckdb::UnifiedVectorFormat fmt;
  vec.ToUnifiedFormat(count, fmt);
  if constexpr (std::is_same_v<Dst, StringColumn>) append_flat(fmt, count, *dst, valid);
  else append_flat<Src>(fmt, count, *dst, valid);
  return true;
}

void append_vector(duckdb::Vector& vec, const LogicalType& type, size_t count, Series& out) {
  auto& storage = out.mutable_storage();
  auto& valid = out.mutable_validity();
  auto* i64 = std::get_if<std::vector<int64_t>>(&storage);
  auto* u64 = std::get_if<std::vector<uint64_t>>(&storage);
  auto* f64 = std::get_if<std::vector<double>>(&storage);
  auto* str = std::get_if<StringColumn>(&storage);
  bool done = false;
  switch (type.id()) {
    case LogicalTypeId::BOOLEAN: done = try_append<bool>(vec, count, i64, valid); break;
    case LogicalTypeId::TINYINT: done = try_append<int8_t>(vec, count, i64, valid); break;
    case LogicalTypeId::SMALLINT: done = try_append<int16_t>(vec, count, i64, valid); break;
    case LogicalTypeId::INTEGER: done = try_append<int32_t>(vec, count, i64, valid); break;
    case LogicalTypeId::BIGINT:
    case LogicalTypeId::TIMESTAMP_SEC:
    case LogicalTypeId::TIMESTAMP_MS:
    case LogicalTypeId::TIMESTAMP_NS: done = try_append<int64_t>(vec, count, i64, valid); break;
    case LogicalTypeId::TIMESTAMP:
    case LogicalTypeId::TIMESTAMP_TZ: done = try_append<duckdb::timestamp_t>(vec, count, i64, valid); break;
    case LogicalTypeId::DATE: done = try_append<duckdb::date_t>(vec, count, i64, valid); break;
    case LogicalTypeId::TIME: done = try_append<duckdb::dtime_t>(vec, count, i64, valid); break;
    case LogicalTypeId::UTINYINT: done = try_append<uint8_t>(vec, count, u64, valid); break;
    case LogicalTypeId::USMALLINT: done = try_append<uint16_t>(vec, count, u64, valid); break;
    case LogicalTypeId::UINTEGER: done = try_append<uint32_t>(vec, count, u64, valid); break;
    case LogicalTypeId::UBIGINT: done = try_append<uint64_t>(vec, count, u64, valid); break;
    case LogicalTypeId::FLOAT: done = try_append<float>(vec, count, f64, valid); break;
    case LogicalTypeId::DOUBLE: done = try_append<double>(vec, count, f64, valid); break;
    case LogicalTypeId::VARCHAR:
    case LogicalTypeId::BLOB: done = try_append<duckdb::string_t>(vec, count, str, valid); break;
    default: break;
  }
  if (done) return;
  // Everything else goes value by value.
  for (size_t i = 0; i < count; ++i) out.push_back(from_duckdb_value(vec.GetValue(i)));
}

namespace {

template <class Dst, class Src>
void write_flat(const std::vector<Src>& src, const std::vector<uint8_t>& valid, size_t offset, size_t count,
                duckdb::Vector& out) {
  auto data = duckdb::FlatVector::GetData<Dst>(out);
  auto& mask = duckdb::FlatVector::Validity(out);
  for (size_t i = 0; i < count; ++i) {
    if (!valid[offset + i]) {
      mask.SetInvalid(i);
      continue;
    }
    if constexpr (std::is_same_v<Dst, duckdb::date_t>) data[i] = duckdb::date_t(static_cast<int32_t>(src[offset + i]));
    else if constexpr (std::is_same_v<Dst, duckdb::dtime_t>) data[i] = duckdb::dtime_t(src[offset + i]);
    else if constexpr (std::is_same_v<Dst, duckdb::timestamp_t>) data[i] = duckdb::timestamp_t(src[offset + i]);
    else data[i] = static_cast<Dst>(src[offset + i]);
  }
}

// `value` as a DuckDB value of `type` where the type decides the shape:
// nested values are built with their declared child types (a list whose
// first item is null, a map held as a list of {key, value} structs), so
// that no cast has to guess them; scalars are left to the cast below.
duckdb::Value to_duckdb_value_as(const Value& value, const LogicalType& type) {
  if (value.is_null()) return duckdb::Value(type);
  switch (type.id()) {
    case LogicalTypeId::LIST: {
      if (!value.is<ValueList>()) break;
      const LogicalType& child = duckdb::ListType::GetChildType(type);
      duckdb::vector<duckdb::Value> items;
      for (const auto& item : value.as<ValueList>()) items.push_back(to_duckdb_value_as(item, child));
      return duckdb::Value::LIST(child, std::move(items));
    }
    case LogicalTypeId::MAP: {
      if (!value.is<ValueList>()) break;
      const LogicalType& key_type = duckdb::MapType::KeyType(type);
      const LogicalType& value_type = duckdb::MapType::ValueType(type);
      duckdb::vector<duckdb::Value> keys, values;
      for (const auto& entry : value.as<ValueList>()) {
        if (!entry.is<ValueStruct>() || entry.as<ValueStruct>().size() != 2) return to_duckdb_value(value);
        keys.push_back(to_duckdb_value_as(entry.as<ValueStruct>()[0].second, key_type));
        values.push_back(to_duckdb_value_as(entry.as<ValueStruct>()[1].second, value_type));
      }
      return duckdb::Value::MAP(key_type, value_type, std::move(keys), std::move(values));
    }
    case LogicalTypeId::STRUCT: {
      if (!value.is<ValueStruct>()) break;
      const auto& fields = value.as<ValueStruct>();
      if (fields.size() != duckdb::StructType::GetChildCount(type)) break;
      duckdb::child_list_t<duckdb::Value> children;
      for (size_t i = 0; i < fields.size(); ++i)
        children.emplace_back(fields[i].first, to_duckdb_value_as(fields[i].second, duckdb::StructType::GetChildType(type, i)));
      return duckdb::Value::STRUCT(std::move(children));
    }
    default: break;
  }
  return to_duckdb_value(value);
}

bool same_storage_type(const DataType& a, const LogicalType& b) {
  return from_duckdb_type(b) == a;
}

}  // namespace

void write_vector(const Series& in, size_t offset, size_t count, duckdb::Vector& out, const LogicalType& type,
                  const std::string& what) {
  const auto& storage = in.storage();
  const auto& valid = in.validity();
  if (same_storage_type(in.type(), type)) {
    if (auto* i64 = std::get_if<std::vector<int64_t>>(&storage)) {
      switch (type.id()) {
        case LogicalTypeId::BOOLEAN: return write_flat<bool>(*i64, valid, offset, count, out);
        case LogicalTypeId::TINYINT: return write_flat<int8_t>(*i64, valid, offset, count, out);
        case LogicalTypeId::SMALLINT: return write_flat<int16_t>(*i64, valid, offset, count, out);
        case LogicalTypeId::INTEGER: return write_flat<int32_t>(*i64, valid, offset, count, out);
        case LogicalTypeId::BIGINT:
        case LogicalTypeId::TIMESTAMP_SEC:
        case LogicalTypeId::TIMESTAMP_MS:
        case LogicalTypeId::TIMESTAMP_NS: return write_flat<int64_t>(*i64, valid, offset, count, out);
        case LogicalTypeId::TIMESTAMP:
        case LogicalTypeId::TIMESTAMP_TZ: return write_flat<duckdb::timestamp_t>(*i64, valid, offset, count, out);
        case LogicalTypeId::DATE: return write_flat<duckdb::date_t>(*i64, valid, offset, count, out);
        case LogicalTypeId::TIME: return write_flat<duckdb::dtime_t>(*i64, valid, offset, count, out);
        default: break;
      }
    } else if (auto* u64 = std::get_if<std::vector<uint64_t>>(&storage)) {
      switch (type.id()) {
        case LogicalTypeId::UTINYINT: return write_flat<uint8_t>(*u64, valid, offset, count, out);
        case LogicalTypeId::USMALLINT: return write_flat<uint16_t>(*u64, valid, offset, count, out);
        case LogicalTypeId::UINTEGER: return write_flat<uint32_t>(*u64, valid, offset, count, out);
        case LogicalTypeId::UBIGINT: return write_flat<uint64_t>(*u64, valid, offset, count, out);
        default: break;
      }
    } else if (auto* f64 = std::get_if<std::vector<double>>(&storage)) {
      if (type.id() == LogicalTypeId::DOUBLE) return write_flat<double>(*f64, valid, offset, count, out);
      if (type.id() == LogicalTypeId::FLOAT) return write_flat<float>(*f64, valid, offset, count, out);
    } else if (auto* str = std::get_if<StringColumn>(&storage)) {
      auto data = duckdb::FlatVector::GetData<duckdb::string_t>(out);
      auto& mask = duckdb::FlatVector::Validity(out);
      for (size_t i = 0; i < count; ++i) {
        if (!valid[offset + i]) {
          mask.SetInvalid(i);
          continue;
        }
        const auto s = (*str)[offset + i];
        data[i] = duckdb::StringVector::AddStringOrBlob(out, s.data(), s.size());
      }
      return;
    }
  }
  // Different or nested types: convert value by value, letting DuckDB cast.
  for (size_t i = 0; i < count; ++i) {
    duckdb::Value v = to_duckdb_value_as(in.get(offset + i), type);
    if (!v.IsNull() && v.type() != type) {
      duckdb::Value cast;
      duckdb::string error;
      if (!v.DefaultTryCastAs(type, cast, &error, true)) {
        throw Error(ErrorCode::InvalidArgument, what,
                    what + ": value " + in.get(offset + i).to_string() + " of column '" + in.name() +
                        "' does not convert to " + type.ToString());
      }
      v = std::move(cast);
    } else if (v.IsNull()) {
      v = duckdb::Value(type);
    }
    out.SetValue(i, v);
  }
}

Schema schema_of(const duckdb::vector<duckdb::string>& names, const duckdb::vector<duckdb::LogicalType>& types) {
  Schema s;
  for (size_t i = 0; i < names.size(); ++i) s.push_back({names[i], from_duckdb_type(types[i])});
  return s;
}

std::vector<Series> empty_columns(const duckdb::vector<duckdb::string>& names,
                                  const duckdb::vector<duckdb::LogicalType>& types) {
  std::vector<Series> columns;
  columns.reserve(names.size());
  for (size_t i = 0; i < names.size(); ++i) columns.push_back(Series::empty(names[i], from_duckdb_type(types[i])));
  return columns;
}

void append_chunk(duckdb::DataChunk& chunk, const duckdb::vector<duckdb::LogicalType>& types,
                  std::vector<Series>& columns) {
  for (size_t c = 0; c < columns.size(); ++c) append_vector(chunk.data[c], types[c], chunk.size(), columns[c]);
}

namespace {

// Gives the string columns of `columns` room for all of `collection`'s
// strings at once: their total size from a first pass. Grown chunk by chunk,
// a buffer would end up to twice as large, and each regrowth would hold the
// old buffer and the new one together.
void reserve_string_bytes(duckdb::ColumnDataCollection& collection, const duckdb::vector<duckdb::LogicalType>& types,
                          std::vector<Series>& columns) {
  std::vector<size_t> string_columns;
  for (size_t c = 0; c < columns.size(); ++c)
    if (types[c].InternalType() == duckdb::PhysicalType::VARCHAR &&
        std::holds_alternative<StringColumn>(columns[c].mutable_storage()))
      string_columns.push_back(c);
  if (string_columns.empty()) return;
  std::vector<size_t> bytes(columns.size(), 0);
  for (auto& chunk : collection.Chunks(duckdb::vector<duckdb::column_t>(string_columns.begin(), string_columns.end()))) {
    for (size_t k = 0; k < string_columns.size(); ++k) {
      duckdb::UnifiedVectorFormat fmt;
      chunk.data[k].ToUnifiedFormat(chunk.size(), fmt);
      bytes[string_columns[k]] += string_bytes(fmt, chunk.size());
    }
  }
  for (size_t c : string_columns) std::get<StringColumn>(columns[c].mutable_storage()).reserve(0, bytes[c]);
}

// Maps the reserved buffers of `series` in one call each (populate_pages),
// for a series about to be filled to its capacity.
void populate_reserved(const Series& series) {
  const auto populate = [](const auto& v) { populate_pages(v.data(), v.capacity() * sizeof(v[0])); };
  populate(series.validity());
  std::visit(
      [&](const auto& data) {
        using C = std::decay_t<decltype(data)>;
        if constexpr (std::is_same_v<C, StringColumn>) {
          populate(data.offsets());
          populate(data.bytes());
        } else if constexpr (!std::is_same_v<C, std::vector<Value>>) {
          populate(data);
        }
      },
      series.storage());
}

}  // namespace

DataFrame collect_result(duckdb::QueryResult& result) {
  auto columns = empty_columns(result.names, result.types);
  if (result.type == duckdb::QueryResultType::MATERIALIZED_RESULT) {
    // Read the engine's collection in place (no copy per fetched chunk), sized once.
    auto& collection = result.Cast<duckdb::MaterializedQueryResult>().Collection();
    for (auto& s : columns) s.reserve(collection.Count());
    reserve_string_bytes(collection, result.types, columns);
    for (const Series& s : columns) populate_reserved(s);
    for (auto& chunk : collection.Chunks()) append_chunk(chunk, result.types, columns);
    collection.Reset();
  } else {
    while (true) {
      auto chunk = result.Fetch();
      if (!chunk || chunk->size() == 0) break;
      append_chunk(*chunk, result.types, columns);
    }
  }
  if (result.HasError()) result.ThrowError();
  return DataFrame::from_columns(std::move(columns));
}

}  // namespace neuralake::engine
