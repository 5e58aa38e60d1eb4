// Fuzzes the catalog site's Markdown renderer (apps/neuralake/metadata/
// markdown.cpp) on descriptions as a catalog author may write them: any
// bytes. Besides not crashing, the output must be safe to insert into a page:
// no tag other than the renderer's own, no attribute but href/title/class/
// rel/target/start/type/checked/disabled, and no href with a scheme other
// than http, https or mailto.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>

#include "metadata/markdown.h"

namespace {

[[noreturn]] void unsafe(const std::string& why, const std::string& html) {
  std::fprintf(stderr, "unsafe output: %s\n%s\n", why.c_str(), html.c_str());
  std::abort();
}

void check_safe(const std::string& html) {
  static const std::set<std::string> tags = {
      "p",  "em", "strong", "code", "del", "u",     "a",     "span",  "blockquote", "ul", "ol", "li", "hr", "h1",
      "h2", "h3", "h4",     "h5",   "h6",  "pre",   "table", "thead", "tbody",      "tr", "th", "td", "br", "input"};
  static const std::set<std::string> attributes = {"href", "title", "class", "rel", "target", "start", "type",
                                                    "checked", "disabled"};
  for (size_t i = 0; i < html.size(); ++i) {
    if (html[i] != '<') continue;
    size_t j = i + 1;
    if (j < html.size() && html[j] == '/') ++j;
    size_t name_start = j;
    while (j < html.size() && std::isalnum(static_cast<unsigned char>(html[j]))) ++j;
    std::string name = html.substr(name_start, j - name_start);
    if (!tags.count(name)) unsafe("tag <" + name + ">", html);
    size_t end = html.find('>', j);
    if (end == std::string::npos) unsafe("unterminated tag", html);
    // Attributes: name="value" pairs; values never hold a raw quote (escaped).
    std::string_view rest(html.data() + j, end - j);
    size_t k = 0;
    while (k < rest.size()) {
      while (k < rest.size() && rest[k] == ' ') ++k;
      size_t a = k;
      while (k < rest.size() && rest[k] != '=' && rest[k] != ' ') ++k;
      std::string attr(rest.substr(a, k - a));
      if (attr.empty()) break;
      if (!attributes.count(attr)) unsafe("attribute " + attr, html);
      if (k < rest.size() && rest[k] == '=') {
        if (k + 1 >= rest.size() || rest[k + 1] != '"') unsafe("unquoted attribute", html);
        size_t close = rest.find('"', k + 2);
        if (close == std::string_view::npos) unsafe("unterminated attribute", html);
        std::string value(rest.substr(k + 2, close - k - 2));
        if (attr == "href" && !neuralake::cli::is_safe_url(value)) unsafe("href " + value, html);
        k = close + 1;
      }
    }
    i = end;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  check_safe(neuralake::cli::markdown_to_safe_html(text));
  return 0;
}
