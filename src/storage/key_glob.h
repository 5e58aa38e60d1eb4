// Glob patterns over object keys ('*', '?', '[...]' within one path segment,
// '**' for any number of segments), so any ObjectStore can serve a glob via list().
#pragma once

#include <string>
#include <string_view>

namespace neuralake::storage {

// True if `pattern` has a glob character ('*', '?' or '[').
bool has_glob(std::string_view pattern);

// The part of `pattern` before its first glob character: every matching key
// starts with it, so it is the prefix to list.
std::string_view glob_literal_prefix(std::string_view pattern);

// True if `key` matches `pattern`. Segments are separated by '/'. Within a
// segment, '*' matches any run of characters, '?' one character, and
// '[abc]', '[a-z]', '[!a-z]' / '[^a-z]' one character of (not of) a set.
// A segment that is exactly "**" matches zero or more whole segments.
bool glob_match(std::string_view pattern, std::string_view key);

}  // namespace neuralake::storage
