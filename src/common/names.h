// Name suggestions for "did you mean ...?" errors.
#pragma once

#include <string>
#include <vector>

namespace neuralake::detail {

// Levenshtein distance between two strings (bytes).
size_t edit_distance(const std::string& a, const std::string& b);
// The candidate closest to `name`, or "" if none is close enough to suggest.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);
// "; did you mean 'x'?" or "" — ready to append to an error message.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace neuralake::detail
