// The query parameters of ROAPI's REST interface, GET /api/tables/{table}?...,
// read into a structured query: filters, then the projection, then the sort,
// then limit and offset. rest_query_sql.h turns one into SQL.
//
//   columns=a,b                 the projection, in this order
//   filter[col]OP=VALUE         OP: eq (or none), lt, lte|lteq, gt, gte|gteq,
//                               and beyond ROAPI: ne, in, like, isnull
//   sort=-price,id              '-' descending; none, '+' (%2B) or ' ' (a raw '+') ascending
//   limit=100&page=2            page counts from 1: offset (page-1)*limit; without limit, ignored
//   offset=200, version=3, as_of=2024-01-02T00:00:00Z, format=csv   (beyond ROAPI)
//
// A VALUE is a single-quoted string ('it''s': a doubled quote is one quote),
// a number (read as Int64 if it is one, else Float64; a leading '-' is
// allowed), or, beyond ROAPI, true or false. `in` takes a comma-separated
// list of values; `like` a quoted pattern; `isnull` true or false.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "neuralake/value.h"
#include "server/encoding.h"

namespace neuralake::server {

enum class FilterOp { Eq, Ne, Lt, Lte, Gt, Gte, In, Like, IsNull };

// The SQL operator of a comparison ("=", "<>", "<", ...); "IN", "LIKE", "IS NULL" for the others.
const char* to_sql(FilterOp op);

struct RestFilter {
  std::string parameter;  // the key as decoded, e.g. "filter[price]gte", for messages
  std::string column;
  FilterOp op = FilterOp::Eq;
  // One value; a list for In; for IsNull one bool (true: IS NULL, false: IS NOT NULL).
  // Each holds std::string, int64_t, double or bool.
  std::vector<Value> values;
};

struct SortKey {
  std::string column;
  bool descending = false;
};

struct RestQuery {
  std::vector<RestFilter> filters;                  // AND-ed, in query order, repeats kept
  std::optional<std::vector<std::string>> columns;  // absent: every column
  std::vector<SortKey> sort;
  std::optional<uint64_t> limit;
  std::optional<uint64_t> page;  // as given; already folded into offset when limit is set
  uint64_t offset = 0;           // rows skipped: offset=, or (page-1)*limit
  std::optional<int64_t> version;  // Delta time travel: read this table version
  std::optional<std::string> as_of;  // or the version current at this ISO-8601 time, as given
  std::optional<Encoding> format;    // ?format=, which overrides the Accept header
  // Parameters this interface does not know, in query order: ignored, as ROAPI does.
  std::vector<std::string> ignored;
};

// Reads a raw (still percent-encoded) query string; see query_string.h for
// the decoding. Throws ApiError naming the parameter:
//   rest_query             malformed escapes, "filter[" without a column and
//                          ']', an unknown filter operator, a parameter given
//                          twice, page together with offset
//   rest_query_value       a filter value that is not a value (above), an
//                          empty one, a number out of range, a `like` that is
//                          not a string, an `isnull` that is not true/false
//   invalid_projection     an empty or repeated name in columns=
//   invalid_sort           an empty name in sort=
//   invalid_numeric_param  limit, page (from 1) or offset not an integer in [0, 2^63-1]
//   invalid_limit          (page-1)*limit past 2^63-1
//   invalid_time_travel    version not an integer >= 0, as_of not a timestamp, both given
//   invalid_format         an unknown format= name
// All are ErrorCode::InvalidArgument.
RestQuery parse_rest_query(std::string_view raw_query);

// One filter value as the parameter `parameter` gives it (decoded text). Throws
// ApiError (rest_query_value) naming the parameter. Exposed for the tests.
Value parse_rest_value(std::string_view text, std::string_view parameter);

}  // namespace neuralake::server
