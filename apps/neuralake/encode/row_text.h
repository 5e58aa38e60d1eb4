// Query results as text, a batch at a time: CSV (RFC 4180) and JSON values,
// appended to a string so that a file, a terminal or an HTTP response can
// take them in pieces. One rendering of every column type for all of them.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "neuralake/data_frame.h"

namespace neuralake::cli {

// The column names as a CSV header line ("\n"-terminated).
void append_csv_header(std::string& out, const std::vector<std::string>& names);

// One line per row. Fields holding a comma, a double quote, CR or LF are
// quoted with doubled quotes; a null is an empty field and an empty string
// is "". Dates and timestamps are ISO 8601 ("2024-01-02", "2024-01-02
// 03:04:05", six fraction digits when not whole seconds, "+00:00" after a
// time-zone-aware one); floats keep a decimal point ("10.0").
void append_csv_rows(std::string& out, const DataFrame& df);

// append_csv_rows over `df` in slices of 4,096 rows, each slice's text handed
// to `piece` (then discarded): a batch of wide rows is never one large string.
void for_each_csv_piece(const DataFrame& df, const std::function<void(std::string_view)>& piece);

// The column names as JSON strings, quotes included, for append_json_object().
std::vector<std::string> json_keys(const std::vector<std::string>& names);

// Row `row` as one JSON object, keys in column order. Integers, floats and
// decimals are numbers (decimals exact; NaN and infinities become null),
// booleans are booleans, lists arrays, structs objects, and everything else
// (dates, times, timestamps, intervals, binary) a string.
void append_json_object(std::string& out, const DataFrame& df, size_t row, const std::vector<std::string>& keys);

// `s` as a JSON string literal; invalid UTF-8 is replaced, never fatal.
void append_json_string(std::string& out, std::string_view s);

}  // namespace neuralake::cli
