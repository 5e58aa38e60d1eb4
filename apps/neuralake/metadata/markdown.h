// Markdown (GitHub's dialect) to HTML that is safe to insert into a page:
// raw HTML in the text is escaped, never passed through; a link or image
// whose URL is not http(s), mailto, relative or a fragment keeps its text but
// loses its URL; images are shown as links (a static site loads nothing).
#pragma once

#include <string>
#include <string_view>

namespace neuralake::cli {

std::string markdown_to_safe_html(std::string_view markdown);

// True for URLs a page may link to: http:, https:, mailto:, relative paths
// and fragments. Control characters and blanks inside a scheme (which
// browsers ignore: "java\tscript:") do not hide it.
bool is_safe_url(std::string_view url);

// Escapes &, <, >, " and ' for HTML text and attribute values.
void append_html_escaped(std::string& out, std::string_view text);

}  // namespace neuralake::cli
