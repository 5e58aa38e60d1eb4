// Errors across the engine: a neuralake::Error thrown inside a function-table
// scan or the object-store filesystem arrives with its own code and object,
// and each kind of DuckDB error maps to its code (naming the missing column,
// table or file where DuckDB names it). Cancellation and timeouts are checked
// in cancellation_test.cpp.
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "neuralake/neuralake.h"
#include "testing/test_util.h"

namespace nl = neuralake;
using nl::ErrorCode;

namespace {

const std::vector<ErrorCode> kAllCodes = {
    ErrorCode::NotFound,      ErrorCode::InvalidArgument, ErrorCode::IOError,  ErrorCode::Corruption,
    ErrorCode::NotSupported,  ErrorCode::PermissionDenied, ErrorCode::AlreadyExists, ErrorCode::Cancelled,
    ErrorCode::Timeout,       ErrorCode::Unavailable,     ErrorCode::Internal,      ErrorCode::Conflict};

const nl::Schema kSchema = {{"n", nl::DataType::int64()}};

// The object each test error names: distinct per code, with characters
// (quotes, a colon, non-ASCII) that must survive the trip unchanged.
std::string object_for(ErrorCode code) { return std::string("thing:\"") + nl::to_string(code) + "\"/\xC3\xA9"; }
std::string message_for(ErrorCode code) { return "test failure " + std::string(nl::to_string(code)) + " 100%s"; }

// Runs `fn`, which must throw neuralake::Error, and returns it.
template <class Fn>
nl::Error caught(Fn&& fn) {
  try {
    fn();
  } catch (const nl::Error& e) {
    return e;
  }
  ADD_FAILURE() << "no neuralake::Error was thrown";
  return nl::Error(ErrorCode::Internal, "", "nothing thrown");
}

void expect_same(const nl::Error& got, ErrorCode code) {
  EXPECT_EQ(got.code(), code) << nl::to_string(got.code()) << ": " << got.what();
  EXPECT_EQ(got.object(), object_for(code)) << got.what();
  EXPECT_NE(std::string(got.what()).find(message_for(code)), std::string::npos) << got.what();
}

// ---- Our own errors, thrown inside a function-table scan.

enum class Where { Start, Next };

nl::Table throwing_table(const std::string& name, ErrorCode code, Where where) {
  return nl::FunctionTable(name, kSchema, [code, where](const nl::ScanRequest&) -> std::unique_ptr<nl::BatchReader> {
    if (where == Where::Start) throw nl::Error(code, object_for(code), message_for(code));
    auto calls = std::make_shared<int>(0);
    return nl::make_batch_reader([code, calls]() -> std::optional<nl::DataFrame> {
      // One good chunk first, so the failure comes mid-scan.
      if ((*calls)++ == 0) return nl::DataFrame::from_columns({nl::Series("n", std::vector<int64_t>{1, 2, 3})});
      throw nl::Error(code, object_for(code), message_for(code));
    });
  });
}

TEST(EngineErrors, FunctionTableErrorsKeepCodeAndObject) {
  std::vector<nl::Table> tables;
  for (auto code : kAllCodes) {
    tables.push_back(throwing_table(std::string("start_") + nl::to_string(code), code, Where::Start));
    tables.push_back(throwing_table(std::string("next_") + nl::to_string(code), code, Where::Next));
  }
  nl::Catalog c({{"f", nl::Database(tables)}}, nl::SessionOptions{});
  for (auto code : kAllCodes) {
    for (const char* where : {"start_", "next_"}) {
      std::string table = std::string(where) + nl::to_string(code);
      SCOPED_TRACE(table);
      expect_same(caught([&] { c.session().sql("SELECT sum(n) FROM f." + table); }), code);
      expect_same(caught([&] { c.db("f").table(table).collect(); }), code);
    }
  }
}

// A source whose schema() fails: the error surfaces from the bind.
class SchemaFails : public nl::TableSource {
 public:
  explicit SchemaFails(ErrorCode code) : code_(code) {}
  nl::Schema schema() const override { throw nl::Error(code_, object_for(code_), message_for(code_)); }
  std::unique_ptr<nl::BatchReader> scan(const nl::ScanRequest&) const override {
    throw nl::Error(ErrorCode::Internal, "scan", "scan must not be reached");
  }

 private:
  ErrorCode code_;
};

TEST(EngineErrors, FunctionTableSchemaErrorsKeepCodeAndObject) {
  for (auto code : {ErrorCode::PermissionDenied, ErrorCode::Unavailable, ErrorCode::Corruption}) {
    SCOPED_TRACE(nl::to_string(code));
    nl::Catalog c({{"f", nl::Database({nl::FunctionTable("t", std::make_shared<SchemaFails>(code))})}},
                  nl::SessionOptions{});
    expect_same(caught([&] { c.session().sql("SELECT * FROM f.t"); }), code);
  }
}

// ---- Our own errors, thrown by a store under the engine's filesystem.

// A memory store that, once armed, fails every head()/list (Where::Start) or
// every read (Where::Next) with the armed code.
class FailingStore : public nl::ForwardingObjectStore {
 public:
  FailingStore() : nl::ForwardingObjectStore(nl::make_memory_store("failing")) {}
  void arm(ErrorCode code, Where where) {
    code_ = code;
    where_ = where;
    armed_ = true;
  }
  void disarm() { armed_ = false; }

  std::optional<nl::ObjectInfo> head(std::string_view key) override {
    fail(Where::Start);
    return ForwardingObjectStore::head(key);
  }
  std::vector<nl::ObjectInfo> list(std::string_view prefix, std::string_view start_after) override {
    fail(Where::Start);
    return ForwardingObjectStore::list(prefix, start_after);
  }
  std::vector<nl::ObjectInfo> list_shallow(std::string_view prefix, size_t max_segments) override {
    fail(Where::Start);
    return ForwardingObjectStore::list_shallow(prefix, max_segments);
  }
  Level list_level(std::string_view prefix) override {
    fail(Where::Start);
    return ForwardingObjectStore::list_level(prefix);
  }
  size_t read_range(std::string_view key, uint64_t offset, uint64_t length, char* out) override {
    fail(Where::Next);
    return ForwardingObjectStore::read_range(key, offset, length, out);
  }
  std::unique_ptr<nl::ObjectReader> open_reader(std::string_view key) override {
    fail(Where::Next);
    return ForwardingObjectStore::open_reader(key);
  }

 private:
  void fail(Where where) const {
    if (armed_ && where_ == where) throw nl::Error(code_, object_for(code_), message_for(code_));
  }
  std::atomic<bool> armed_{false};
  ErrorCode code_ = ErrorCode::Internal;
  Where where_ = Where::Start;
};

TEST(EngineErrors, ObjectStoreErrorsKeepCodeAndObject) {
  nl::Session s{nl::SessionOptions{}};
  auto store = std::make_shared<FailingStore>();
  s.add_store("memory://failing", store);
  s.execute("COPY (SELECT range AS n FROM range(100000)) TO 'memory://failing/t.parquet' (FORMAT parquet)");
  s.execute("COPY (SELECT range AS n FROM range(1000)) TO 'memory://failing/t.csv' (FORMAT csv)");
  ASSERT_EQ(*s.sql("SELECT count(*) AS c FROM read_parquet('memory://failing/t.parquet')").column("c").at<int64_t>(0),
            100000);
  for (auto code : kAllCodes) {
    for (Where where : {Where::Start, Where::Next}) {
      SCOPED_TRACE(std::string(nl::to_string(code)) + (where == Where::Start ? " on open" : " on read"));
      store->arm(code, where);
      expect_same(caught([&] { s.sql("SELECT sum(n) FROM read_parquet('memory://failing/t.parquet')"); }), code);
      expect_same(caught([&] { s.sql("SELECT sum(n) FROM read_csv('memory://failing/t.csv')"); }), code);
      store->disarm();
    }
  }
  // Nothing sticks: the same reads work once the store does.
  EXPECT_EQ(*s.sql("SELECT sum(n)::BIGINT AS s FROM read_csv('memory://failing/t.csv')").column("s").at<int64_t>(0),
            499500);
}

// ---- DuckDB's own errors.

class DuckDbErrors : public ::testing::Test {
 protected:
  DuckDbErrors()
      : catalog_({{"f", nl::Database({nl::FunctionTable("nums", kSchema, [](const nl::ScanRequest&) {
                     return nl::make_batch_reader(
                         nl::DataFrame::from_columns({nl::Series("n", std::vector<int64_t>{1, 2, 3})}));
                   })})}},
                 nl::SessionOptions{}) {}
  nl::Session& session() { return catalog_.session(); }
  nl::Catalog catalog_;
};

TEST_F(DuckDbErrors, UnknownColumnIsNotFoundNamingTheColumn) {
  auto e = caught([&] { session().sql("SELECT no_such_column FROM f.nums"); });
  EXPECT_EQ(e.code(), ErrorCode::NotFound) << e.what();
  EXPECT_EQ(e.object(), "no_such_column");
  // In a filter, and through a lazy frame's SQL.
  e = caught([&] { session().sql("SELECT n FROM f.nums WHERE other_column > 1"); });
  EXPECT_EQ(e.code(), ErrorCode::NotFound) << e.what();
  EXPECT_EQ(e.object(), "other_column");
  // A qualified column: DuckDB gives no subtype, its message names the column.
  EXPECT_NL_ERROR(session().sql("SELECT nums.qualified_missing FROM f.nums"), NotFound, "qualified_missing");
}

TEST_F(DuckDbErrors, UnknownTableIsNotFoundNamingTheTable) {
  auto e = caught([&] { session().sql("SELECT * FROM f.no_such_table"); });
  EXPECT_EQ(e.code(), ErrorCode::NotFound) << e.what();
  EXPECT_EQ(e.object(), "no_such_table");
  e = caught([&] { session().sql("SELECT * FROM no_such_db.nums"); });
  EXPECT_EQ(e.code(), ErrorCode::NotFound) << e.what();
  EXPECT_NE(std::string(e.what()).find("nums"), std::string::npos) << e.what();
}

TEST_F(DuckDbErrors, UnknownFunctionIsNotFoundWrongArgumentsInvalid) {
  auto e = caught([&] { session().sql("SELECT no_such_function(n) FROM f.nums"); });
  EXPECT_EQ(e.code(), ErrorCode::NotFound) << e.what();
  EXPECT_EQ(e.object(), "no_such_function");
  e = caught([&] { session().sql("SELECT abs('x', 2)"); });
  EXPECT_EQ(e.code(), ErrorCode::InvalidArgument) << e.what();
  EXPECT_EQ(e.object(), "abs");
}

TEST_F(DuckDbErrors, ExistingEntryIsAlreadyExists) {
  session().execute("CREATE TABLE made_twice (a INTEGER)");
  auto e = caught([&] { session().execute("CREATE TABLE made_twice (a INTEGER)"); });
  EXPECT_EQ(e.code(), ErrorCode::AlreadyExists) << e.what();
  EXPECT_EQ(e.object(), "made_twice");
  // A schema missing from DDL: DuckDB gives only its text.
  EXPECT_NL_ERROR(session().execute("CREATE TABLE no_such_schema.t (a INTEGER)"), NotFound, "no_such_schema");
}

TEST_F(DuckDbErrors, MissingFileIsNotFoundNamingThePath) {
  nl::testing::TempDir dir;
  const std::string local = dir.str() + "/absent.parquet";
  EXPECT_NL_ERROR(session().sql("SELECT * FROM read_parquet('" + local + "')"), NotFound, local);
  EXPECT_NL_ERROR(session().sql("SELECT * FROM read_parquet('file://" + local + "')"), NotFound, local);
  EXPECT_NL_ERROR(session().sql("SELECT * FROM read_csv('" + dir.str() + "/absent/*.csv')"), NotFound,
                  "absent/*.csv");
}

TEST_F(DuckDbErrors, BadDataAndBadSqlAreInvalidArgument) {
  // Conversion.
  EXPECT_NL_ERROR(session().sql("SELECT CAST('abc' AS INTEGER) AS x"), InvalidArgument, "'abc'");
  EXPECT_NL_ERROR(session().sql("SELECT n::DATE FROM (SELECT 'not a date' AS n)"), InvalidArgument, "not a date");
  // Out of range.
  EXPECT_NL_ERROR(session().sql("SELECT 2147483647::INTEGER + 1 AS x"), InvalidArgument, "Overflow");
  // Syntax.
  EXPECT_NL_ERROR(session().sql("SELEC 1"), InvalidArgument, "SELEC");
  // An error of DuckDB's own that is none of the above still names the query.
  EXPECT_NL_ERROR(session().sql("SELECT error('custom failure') AS x"), InvalidArgument, "custom failure");
}

TEST_F(DuckDbErrors, DescribeMapsTheSameWay) {
  auto e = caught([&] { session().describe("SELECT missing_in_describe FROM f.nums"); });
  EXPECT_EQ(e.code(), ErrorCode::NotFound) << e.what();
  EXPECT_EQ(e.object(), "missing_in_describe");
  e = caught([&] { session().describe("SELECT * FROM f.not_there"); });
  EXPECT_EQ(e.code(), ErrorCode::NotFound) << e.what();
  EXPECT_EQ(e.object(), "not_there");
}

}  // namespace
