// The query string of a request URL, split into its parameters and decoded
// the way HTML forms encode them (application/x-www-form-urlencoded).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace neuralake::server {

struct QueryParameter {
  std::string key;    // decoded
  std::string value;  // decoded; "" for a key without '='
};

// Splits `raw` (the part of the URL after '?', still percent-encoded; one
// leading '?' is skipped) on '&' and then at the first '=' of each piece,
// and only then decodes each side: "%XX" is a byte and '+' a space, so an
// encoded '&' or '=' stays inside its key or value. Empty pieces are skipped.
// Parameters come back in query order, repeats included.
// Throws ApiError (rest_query, InvalidArgument) naming the parameter for a
// malformed escape ('%' not followed by two hex digits), a decoded text that
// is not UTF-8, or a NUL byte.
std::vector<QueryParameter> parse_query_string(std::string_view raw);

// `text` with "%XX" escapes and '+' decoded; the same errors, naming `what`.
std::string decode_form_component(std::string_view text, std::string_view what);

}  // namespace neuralake::server
