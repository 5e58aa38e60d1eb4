// Renders DataFrames the way Polars prints them (its fmt.rs laid out by the
// comfy-table crate): same cell texts, column widths, wrapping and borders.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "neuralake/data_frame.h"

namespace neuralake::detail {

// The whole table with its "shape: (r, c)" line and no trailing newline.
// With `total_rows`, `df` holds only the rows a result of that many rows
// shows (its first ceil(max_rows/2) and last floor(max_rows/2), or all of
// them when there are no more than max_rows), and the shape says total_rows.
std::string format_frame(const DataFrame& df, const FormatOptions& options,
                         std::optional<size_t> total_rows = std::nullopt);

// One cell as Polars shows it before truncation: strings bare, "null" for
// null, lists as [1, 2, … 5] with quoted strings. Throws InvalidArgument if
// `row` is out of range.
std::string format_cell(const Series& s, size_t row, const FormatOptions& options);

// Polars' default ("mixed") float format: 10.0, 0.1, 1.2346e-7, 1e6, NaN, inf.
std::string format_float(double v);

// Terminal columns `text` (UTF-8) occupies: East Asian wide and fullwidth
// characters count 2, combining marks 0, everything else 1.
size_t display_width(std::string_view text);

}  // namespace neuralake::detail
