#include "metadata/markdown.h"

#include <md4c.h>

#include <cctype>
#include <string>
#include <vector>

namespace neuralake::cli {

void append_html_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      case '\0': out += "\xEF\xBF\xBD"; break;  // U+FFFD, as CommonMark asks
      default: out += c;
    }
  }
}

bool is_safe_url(std::string_view url) {
  // What a browser would see: leading blanks and every control character or
  // blank inside the scheme are dropped before it decides on the scheme.
  std::string scheme;
  for (char c : url) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20) continue;
    if (c == ':') {
      for (auto& ch : scheme) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      return scheme == "http" || scheme == "https" || scheme == "mailto";
    }
    if (c == '/' || c == '?' || c == '#') return true;  // relative, or a fragment
    scheme += c;
  }
  return true;  // no scheme at all: a relative path
}

namespace {

bool is_entity(std::string_view s) {
  // "&name;", "&#123;" or "&#x1F;": passed through for the browser to decode.
  if (s.size() < 3 || s.front() != '&' || s.back() != ';') return false;
  std::string_view body = s.substr(1, s.size() - 2);
  if (body.empty()) return false;
  size_t i = 0;
  if (body[0] == '#') {
    i = 1;
    if (i < body.size() && (body[i] == 'x' || body[i] == 'X')) ++i;
    if (i == body.size()) return false;
  }
  for (; i < body.size(); ++i)
    if (!std::isalnum(static_cast<unsigned char>(body[i]))) return false;
  return true;
}

std::string attribute_text(const MD_ATTRIBUTE& a) {
  // Entities in a URL or title are kept literally; escaping happens on output.
  return std::string(a.text, a.size);
}

struct Renderer {
  std::string out;
  // For each open link or image span: the closing text to write on leave.
  std::vector<std::string> closers;
  int image_depth = 0;  // text inside an image is its alt text

  void open_link(const std::string& href_in, const std::string& title, const char* css_class) {
    std::string href = href_in;
    bool no_scheme = href.find(':') == std::string::npos;
    if (no_scheme && href.rfind("www.", 0) == 0) href = "http://" + href;  // a www. autolink
    else if (no_scheme && href.find('@') != std::string::npos && href.find('/') == std::string::npos)
      href = "mailto:" + href;  // an e-mail autolink
    if (!is_safe_url(href)) {
      out += "<span class=\"unsafe-link\">";
      closers.push_back("</span>");
      return;
    }
    out += "<a href=\"";
    append_html_escaped(out, href);
    out += "\"";
    if (!title.empty()) {
      out += " title=\"";
      append_html_escaped(out, title);
      out += "\"";
    }
    out += " class=\"";
    out += css_class;
    out += "\" rel=\"noopener noreferrer\" target=\"_blank\">";
    closers.push_back("</a>");
  }

  static int enter_block(MD_BLOCKTYPE type, void* detail, void* self_ptr) {
    auto& r = *static_cast<Renderer*>(self_ptr);
    std::string& o = r.out;
    switch (type) {
      case MD_BLOCK_DOC: break;
      case MD_BLOCK_QUOTE: o += "<blockquote>"; break;
      case MD_BLOCK_UL: o += "<ul>"; break;
      case MD_BLOCK_OL: {
        auto* d = static_cast<MD_BLOCK_OL_DETAIL*>(detail);
        if (d->start == 1) o += "<ol>";
        else o += "<ol start=\"" + std::to_string(d->start) + "\">";
        break;
      }
      case MD_BLOCK_LI: {
        auto* d = static_cast<MD_BLOCK_LI_DETAIL*>(detail);
        o += "<li>";
        if (d->is_task)
          o += d->task_mark == ' ' ? "<input type=\"checkbox\" disabled> " : "<input type=\"checkbox\" checked disabled> ";
        break;
      }
      case MD_BLOCK_HR: o += "<hr>"; break;
      case MD_BLOCK_H: o += "<h" + std::to_string(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level) + ">"; break;
      case MD_BLOCK_CODE: o += "<pre><code>"; break;
      case MD_BLOCK_HTML: o += "<p>"; break;  // only without MD_FLAG_NOHTML; shown as text anyway
      case MD_BLOCK_P: o += "<p>"; break;
      case MD_BLOCK_TABLE: o += "<table>"; break;
      case MD_BLOCK_THEAD: o += "<thead>"; break;
      case MD_BLOCK_TBODY: o += "<tbody>"; break;
      case MD_BLOCK_TR: o += "<tr>"; break;
      case MD_BLOCK_TH: o += "<th>"; break;
      case MD_BLOCK_TD: o += "<td>"; break;
    }
    return 0;
  }

  static int leave_block(MD_BLOCKTYPE type, void* detail, void* self_ptr) {
    auto& r = *static_cast<Renderer*>(self_ptr);
    std::string& o = r.out;
    switch (type) {
      case MD_BLOCK_DOC: break;
      case MD_BLOCK_QUOTE: o += "</blockquote>"; break;
      case MD_BLOCK_UL: o += "</ul>"; break;
      case MD_BLOCK_OL: o += "</ol>"; break;
      case MD_BLOCK_LI: o += "</li>"; break;
      case MD_BLOCK_HR: break;
      case MD_BLOCK_H: o += "</h" + std::to_string(static_cast<MD_BLOCK_H_DETAIL*>(detail)->level) + ">"; break;
      case MD_BLOCK_CODE: o += "</code></pre>"; break;
      case MD_BLOCK_HTML: o += "</p>"; break;
      case MD_BLOCK_P: o += "</p>"; break;
      case MD_BLOCK_TABLE: o += "</table>"; break;
      case MD_BLOCK_THEAD: o += "</thead>"; break;
      case MD_BLOCK_TBODY: o += "</tbody>"; break;
      case MD_BLOCK_TR: o += "</tr>"; break;
      case MD_BLOCK_TH: o += "</th>"; break;
      case MD_BLOCK_TD: o += "</td>"; break;
    }
    return 0;
  }

  static int enter_span(MD_SPANTYPE type, void* detail, void* self_ptr) {
    auto& r = *static_cast<Renderer*>(self_ptr);
    if (r.image_depth > 0) {  // spans inside an image's alt text are plain text
      if (type == MD_SPAN_IMG) ++r.image_depth;
      return 0;
    }
    switch (type) {
      case MD_SPAN_EM: r.out += "<em>"; break;
      case MD_SPAN_STRONG: r.out += "<strong>"; break;
      case MD_SPAN_CODE: r.out += "<code>"; break;
      case MD_SPAN_DEL: r.out += "<del>"; break;
      case MD_SPAN_U: r.out += "<u>"; break;
      case MD_SPAN_A: {
        auto* d = static_cast<MD_SPAN_A_DETAIL*>(detail);
        r.open_link(attribute_text(d->href), attribute_text(d->title), "md-link");
        break;
      }
      case MD_SPAN_IMG: {
        auto* d = static_cast<MD_SPAN_IMG_DETAIL*>(detail);
        r.open_link(attribute_text(d->src), attribute_text(d->title), "md-image");
        ++r.image_depth;
        break;
      }
      case MD_SPAN_LATEXMATH:
      case MD_SPAN_LATEXMATH_DISPLAY: r.out += "<code>"; break;
      case MD_SPAN_WIKILINK: break;
    }
    return 0;
  }

  static int leave_span(MD_SPANTYPE type, void*, void* self_ptr) {
    auto& r = *static_cast<Renderer*>(self_ptr);
    if (r.image_depth > 0) {
      if (type != MD_SPAN_IMG) return 0;
      if (--r.image_depth > 0) return 0;
    }
    switch (type) {
      case MD_SPAN_EM: r.out += "</em>"; break;
      case MD_SPAN_STRONG: r.out += "</strong>"; break;
      case MD_SPAN_CODE: r.out += "</code>"; break;
      case MD_SPAN_DEL: r.out += "</del>"; break;
      case MD_SPAN_U: r.out += "</u>"; break;
      case MD_SPAN_A:
      case MD_SPAN_IMG:
        r.out += r.closers.back();
        r.closers.pop_back();
        break;
      case MD_SPAN_LATEXMATH:
      case MD_SPAN_LATEXMATH_DISPLAY: r.out += "</code>"; break;
      case MD_SPAN_WIKILINK: break;
    }
    return 0;
  }

  static int text(MD_TEXTTYPE type, const MD_CHAR* text, MD_SIZE size, void* self_ptr) {
    auto& r = *static_cast<Renderer*>(self_ptr);
    std::string_view t(text, size);
    switch (type) {
      case MD_TEXT_NULLCHAR: r.out += "\xEF\xBF\xBD"; break;
      case MD_TEXT_BR: r.out += r.image_depth ? " " : "<br>"; break;
      case MD_TEXT_SOFTBR: r.out += r.image_depth ? " " : "\n"; break;
      case MD_TEXT_ENTITY:
        if (is_entity(t)) r.out.append(t);
        else append_html_escaped(r.out, t);
        break;
      default: append_html_escaped(r.out, t);  // normal text, code, and raw HTML shown as text
    }
    return 0;
  }
};

}  // namespace

std::string markdown_to_safe_html(std::string_view markdown) {
  Renderer r;
  MD_PARSER parser{};
  parser.abi_version = 0;
  parser.flags = MD_DIALECT_GITHUB | MD_FLAG_NOHTML;
  parser.enter_block = &Renderer::enter_block;
  parser.leave_block = &Renderer::leave_block;
  parser.enter_span = &Renderer::enter_span;
  parser.leave_span = &Renderer::leave_span;
  parser.text = &Renderer::text;
  if (md_parse(markdown.data(), static_cast<MD_SIZE>(markdown.size()), &parser, &r) != 0) {
    // md4c fails only when out of memory: fall back to the escaped text.
    std::string fallback = "<p>";
    append_html_escaped(fallback, markdown);
    return fallback + "</p>";
  }
  while (!r.closers.empty()) {  // unbalanced spans cannot happen, but never leave a tag open
    r.out += r.closers.back();
    r.closers.pop_back();
  }
  return r.out;
}

}  // namespace neuralake::cli
