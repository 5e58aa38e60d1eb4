// Fuzzes the HTTP Accept header: the input is the header's value, parsed into
// media ranges and negotiated against the server's encodings, and read as a
// ?format= name. Parsing and negotiation never throw; the answer is always
// one of our encodings with one of its own media types; a format name is
// either known or refused with an ApiError.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_util.h"
#include "server/accept_header.h"
#include "server/api_error.h"
#include "server/encoding.h"

using namespace neuralake;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view header = fuzz::as_text(data, size);
  for (const server::MediaRange& r : server::parse_accept(header)) {
    if (r.q < 0 || r.q > 1000) fuzz::property_failed("q out of range: " + std::to_string(r.q));
    if (r.type.empty() || r.subtype.empty()) fuzz::property_failed("empty type or subtype");
    for (const std::string* s : {&r.type, &r.subtype}) {
      if (std::any_of(s->begin(), s->end(), [](char c) { return c >= 'A' && c <= 'Z'; })) {
        fuzz::property_failed("type not lowercase: " + *s);
      }
    }
  }
  for (server::Encoding fallback : server::all_encodings()) {
    const server::Negotiation n = server::negotiate(header, std::nullopt, fallback);
    const auto& types = server::media_types(n.encoding);
    if (std::find(types.begin(), types.end(), n.content_type) == types.end()) {
      fuzz::property_failed("content type " + n.content_type + " is not one of " + server::to_string(n.encoding));
    }
    if (!n.matched && n.encoding != fallback) fuzz::property_failed("nothing matched, yet not the fallback");
  }
  try {
    (void)server::encoding_from_format_name(header);
  } catch (const server::ApiError&) {
  }
  return 0;
}
