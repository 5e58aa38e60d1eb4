// Name suggestions for "did you mean ...?" errors, for the library's own
// messages and for tools built on it (the CLI suggests commands this way).
#pragma once

#include <string>
#include <vector>

#pragma GCC visibility push(default)  // exported from libneuralake.so
namespace neuralake {

// Levenshtein distance between two strings (bytes).
size_t edit_distance(const std::string& a, const std::string& b);
// The candidate closest to `name`, or "" if none is close enough to suggest.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);
// "; did you mean 'x'?" or "" — ready to append to an error message.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace neuralake
#pragma GCC visibility pop
