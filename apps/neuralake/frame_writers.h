// Machine-readable renderings of a query result for `neuralake sql --format`:
// CSV (RFC 4180, with a header) and JSON Lines (one object per row).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "neuralake/data_frame.h"

namespace neuralake::cli {

// A header row of column names, then one line per row. Fields holding a
// comma, a double quote, CR or LF are quoted with doubled quotes; a null is
// an empty field and an empty string is "". Dates and timestamps are ISO 8601
// ("2024-01-02", "2024-01-02 03:04:05", six fraction digits when not whole
// seconds, "+00:00" after a time-zone-aware one); floats keep a decimal point
// ("10.0").
void write_csv(std::ostream& out, const DataFrame& df);
// write_csv in parts, for a result read batch by batch: the header once,
// then each batch's rows.
void write_csv_header(std::ostream& out, const std::vector<std::string>& names);
void write_csv_rows(std::ostream& out, const DataFrame& batch);

// One JSON object per row, keys in column order, each followed by "\n"
// (JSON Lines): easy to stream and to feed to jq. Integers, floats and
// decimals are numbers (decimals exact; NaN and infinities become null),
// booleans are booleans, lists arrays, structs objects, and everything else
// (dates, times, timestamps, intervals, binary) a string.
void write_json_lines(std::ostream& out, const DataFrame& df);

}  // namespace neuralake::cli
