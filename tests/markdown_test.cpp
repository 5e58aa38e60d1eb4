// The catalog site's Markdown renderer: GitHub Markdown in, HTML that is safe
// to insert into a page out.
#include <gtest/gtest.h>

#include <string>

#include "metadata/markdown.h"

using neuralake::cli::is_safe_url;
using neuralake::cli::markdown_to_safe_html;

namespace {

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(Markdown, RendersCommonMarkup) {
  EXPECT_EQ(markdown_to_safe_html("Parts *from* **TPC-H**"), "<p>Parts <em>from</em> <strong>TPC-H</strong></p>");
  std::string html = markdown_to_safe_html("# Title\n\n- one\n- `two`\n\n```\ncode <here>\n```\n");
  EXPECT_TRUE(contains(html, "<h1>Title</h1>")) << html;
  EXPECT_TRUE(contains(html, "<ul><li>one</li><li><code>two</code></li></ul>")) << html;
  EXPECT_TRUE(contains(html, "<pre><code>code &lt;here&gt;\n</code></pre>")) << html;
}

TEST(Markdown, RendersTablesAndTaskLists) {
  std::string html = markdown_to_safe_html("| a | b |\n|---|---|\n| 1 | 2 |\n\n- [x] done\n- [ ] todo\n");
  EXPECT_TRUE(contains(html, "<table><thead><tr><th>a</th><th>b</th></tr></thead>")) << html;
  EXPECT_TRUE(contains(html, "<td>1</td><td>2</td>")) << html;
  EXPECT_TRUE(contains(html, "<input type=\"checkbox\" checked disabled> done")) << html;
}

TEST(Markdown, SafeLinksKeepTheirUrl) {
  std::string html = markdown_to_safe_html("[docs](https://example.com/a?b=1&c=2 \"The docs\")");
  EXPECT_TRUE(contains(html, "href=\"https://example.com/a?b=1&amp;c=2\"")) << html;
  EXPECT_TRUE(contains(html, "title=\"The docs\"")) << html;
  EXPECT_TRUE(contains(html, "rel=\"noopener noreferrer\"")) << html;
  EXPECT_TRUE(contains(markdown_to_safe_html("[r](#/tpch/part)"), "href=\"#/tpch/part\""));
  EXPECT_TRUE(contains(markdown_to_safe_html("[m](mailto:team@example.com)"), "href=\"mailto:team@example.com\""));
  EXPECT_TRUE(contains(markdown_to_safe_html("see www.example.com"), "href=\"http://www.example.com\""));
}

TEST(Markdown, RawHtmlIsShownAsText) {
  std::string html = markdown_to_safe_html("<script>alert(1)</script>");
  EXPECT_FALSE(contains(html, "<script")) << html;
  EXPECT_TRUE(contains(html, "&lt;script&gt;alert(1)&lt;/script&gt;")) << html;

  html = markdown_to_safe_html("an <img src=x onerror=alert(1)> inline");
  EXPECT_FALSE(contains(html, "<img")) << html;
  EXPECT_TRUE(contains(html, "&lt;img src=x onerror=alert(1)&gt;")) << html;

  html = markdown_to_safe_html("<div onclick=\"x\">\nblock\n</div>");
  EXPECT_FALSE(contains(html, "<div")) << html;
}

TEST(Markdown, UnsafeLinksLoseTheirUrlButKeepTheirText) {
  for (const char* md : {"[x](javascript:alert(1))", "[x](JavaScript:alert(1))", "[x](java\tscript:alert(1))",
                         "[x](data:text/html,<script>alert(1)</script>)", "[x](vbscript:msgbox)",
                         "<javascript:alert(1)>", "[x][r]\n\n[r]: javascript:alert(1)"}) {
    std::string html = markdown_to_safe_html(md);
    EXPECT_FALSE(contains(html, "href")) << md << " -> " << html;
    EXPECT_FALSE(contains(html, "<script")) << md << " -> " << html;
  }
  std::string html = markdown_to_safe_html("[click me](javascript:alert(1))");
  EXPECT_TRUE(contains(html, "<span class=\"unsafe-link\">click me</span>")) << html;
}

TEST(Markdown, ImagesBecomeLinksAndLoadNothing) {
  std::string html = markdown_to_safe_html("![a *chart*](https://example.com/c.png)");
  EXPECT_FALSE(contains(html, "<img")) << html;
  EXPECT_TRUE(contains(html, "href=\"https://example.com/c.png\"")) << html;
  EXPECT_TRUE(contains(html, ">a chart</a>")) << html;
  EXPECT_FALSE(contains(markdown_to_safe_html("![x](javascript:alert(1))"), "href"));
}

TEST(Markdown, AttributeValuesCannotBreakOut) {
  std::string html = markdown_to_safe_html("[x](https://e.com/\"onmouseover=\"alert(1) \"t\\\"itle\")");
  // Whatever md4c makes of it, no quote reaches an attribute unescaped.
  size_t tag = html.find("<a ");
  if (tag != std::string::npos) {
    std::string open = html.substr(tag, html.find('>', tag) - tag);
    EXPECT_FALSE(contains(open, "onmouseover=\"")) << html;
  }
}

TEST(Markdown, EntitiesPassAndBadBytesAreHarmless) {
  EXPECT_EQ(markdown_to_safe_html("a &amp; b &copy; &#169; &#xA9;"), "<p>a &amp; b &copy; &#169; &#xA9;</p>");
  std::string nul("a\0b", 3);
  EXPECT_TRUE(contains(markdown_to_safe_html(nul), "\xEF\xBF\xBD"));
  EXPECT_EQ(markdown_to_safe_html(""), "");
  std::string invalid_utf8 = "\xff\xfe <b>";
  EXPECT_FALSE(contains(markdown_to_safe_html(invalid_utf8), "<b>"));
}

TEST(SafeUrl, Schemes) {
  EXPECT_TRUE(is_safe_url("https://example.com"));
  EXPECT_TRUE(is_safe_url("HTTP://example.com"));
  EXPECT_TRUE(is_safe_url("mailto:a@b.c"));
  EXPECT_TRUE(is_safe_url("/path/x:y"));
  EXPECT_TRUE(is_safe_url("relative/page.html"));
  EXPECT_TRUE(is_safe_url("#/db/table"));
  EXPECT_TRUE(is_safe_url("?q=a:b"));
  EXPECT_FALSE(is_safe_url("javascript:alert(1)"));
  EXPECT_FALSE(is_safe_url(" javascript:alert(1)"));
  EXPECT_FALSE(is_safe_url("java\nscript:alert(1)"));
  EXPECT_FALSE(is_safe_url("data:text/html;base64,PHNjcmlwdD4="));
  EXPECT_FALSE(is_safe_url("file:///etc/passwd"));
}

}  // namespace
