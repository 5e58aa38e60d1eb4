// The HTTP Accept header (RFC 9110 §12.5.1) and the choice of the encoding
// an answer is sent in.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/encoding.h"

namespace neuralake::server {

// One media range of an Accept header, e.g. "text/*;q=0.5".
struct MediaRange {
  std::string type;     // lowercase; "*" for any
  std::string subtype;  // lowercase; "*" for any
  // Parameters other than q (and the extensions after it), names lowercase,
  // values as sent (a quoted string unquoted).
  std::vector<std::pair<std::string, std::string>> parameters;
  int q = 1000;  // the weight in thousandths: 1000 is q=1, 0 means "not acceptable"
};

// The media ranges of an Accept header value, in header order. Never throws:
// as servers do, a malformed range (no '/', "*/json", a q that is not a
// number in [0, 1]) is skipped and the rest still count. A bare "*", as
// old Java clients send, is read as "*/*"; "q=.2" as 0.2.
std::vector<MediaRange> parse_accept(std::string_view header);

// The encoding to answer in and its Content-Type.
struct Negotiation {
  Encoding encoding = Encoding::Json;
  std::string content_type;
  // False when the header asked for nothing we have (or for nothing at all):
  // then `encoding` is the fallback, never a 406.
  bool matched = false;
};

// Chooses among all_encodings(): each one's weight is the q of the most
// specific range matching one of its media types (exact type > "type/*" >
// "*/*"; the first such range in the header). The highest weight above 0
// wins; ties go to the more specific range, then to the range earlier in the
// header, then to `fallback`, then to the order of all_encodings(). An empty
// header, or one where nothing we have is acceptable (a browser's
// "text/html,application/xhtml+xml,application/xml;q=0.9", "image/png",
// "application/json;q=0"), gets `fallback`, as ROAPI answers JSON then.
// The Content-Type is the media type the client named when it named one of
// ours exactly (so "application/csv" is answered as such), else the
// encoding's canonical one. A `format` given (?format=) overrides the header.
Negotiation negotiate(std::string_view accept_header, std::optional<Encoding> format = std::nullopt,
                      Encoding fallback = Encoding::Json);

}  // namespace neuralake::server
