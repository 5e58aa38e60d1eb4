// JSON string literals, as every part that writes JSON text needs them.
#pragma once

#include <string>
#include <string_view>

namespace neuralake {

// Appends `s` to `out` as a JSON string literal, quotes included: '"' and '\'
// escaped, control characters as \u00XX, other bytes (UTF-8) as they are.
void append_json_string(std::string& out, std::string_view s);

}  // namespace neuralake
