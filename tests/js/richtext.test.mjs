// Rich chat text, the pure part (node --test, no DOM): marked under our configuration, the same
// marked the browser loads (frontend/node_modules, copied to web/static/vendor by `make vendor`),
// and the link rule. DOMPurify runs in the browser only: tests/e2e/test_rich_text.py covers it.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Marked } from "../../frontend/node_modules/marked/lib/marked.esm.js";
import { SANITIZE, allowedHref, markdownRenderer } from "../../web/static/richtext_rules.js";

const toHtml = markdownRenderer(Marked);
const tagsIn = (html) => [...html.matchAll(/<([a-z][a-z0-9]*)\b/gi)].map((m) => m[1].toLowerCase());

test("bold, italic, strikethrough and inline code", () => {
  assert.equal(toHtml("**bold**, *italic*, ~~gone~~ and `x < y`"),
    "<p><strong>bold</strong>, <em>italic</em>, <del>gone</del> and <code>x &lt; y</code></p>\n");
});

test("a fenced code block keeps its lines and escapes what is in it", () => {
  const html = toHtml("see:\n```js\nif (a < b) {\n  go(\"<b>\");\n}\n```");
  assert.match(html, /<pre><code[^>]*>if \(a &lt; b\) \{\n {2}go\(&quot;&lt;b&gt;&quot;\);\n\}\n<\/code><\/pre>/);
});

test("a newline inside a message stays a line break; a blank line starts a paragraph", () => {
  assert.equal(toHtml("first line\nsecond line\n\nnext"), "<p>first line<br>second line</p>\n<p>next</p>\n");
});

test("links and bare URLs become links, mailto included", () => {
  assert.match(toHtml("[the docs](https://example.com/docs)"), /<a href="https:\/\/example\.com\/docs">the docs<\/a>/);
  assert.match(toHtml("see https://example.com/a?b=1 now"), /<a href="https:\/\/example\.com\/a\?b=1">https:\/\/example\.com\/a\?b=1<\/a> now/);
  assert.match(toHtml("or www.example.com"), /<a href="http:\/\/www\.example\.com">www\.example\.com<\/a>/);
  assert.match(toHtml("mail help@example.com"), /<a href="mailto:help@example\.com">help@example\.com<\/a>/);
});

test.describe("raw HTML is shown as the characters typed, never parsed", () => {
  for (const typed of ["<b>x</b>", "<img src=x onerror=alert(1)>", "<script>alert(1)</script>",
    "<div>\nblock\n</div>", "<a href=\"https://evil.example\">x</a>", "<!-- hidden -->", "<svg onload=alert(1)>"]) {
    test(typed, () => {
      const html = toHtml(typed);
      assert.deepEqual(tagsIn(html).filter((tag) => !["p", "br"].includes(tag)), [], html);
      assert.match(html, /&lt;/);
    });
  }
});

test("an image never becomes an <img> (nothing loads by itself): a link to it instead", () => {
  const html = toHtml("look ![pixel](https://tracker.example/p.gif)");
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /<a href="https:\/\/tracker\.example\/p\.gif">pixel<\/a>/);
  assert.doesNotMatch(toHtml("![x](javascript:alert(1))"), /<img|<a/);
});

test.describe("a link anywhere but http(s) or mailto stays text", () => {
  for (const typed of ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](java\tscript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)", "[x](vbscript:msgbox)", "[x](/relative/path)",
    "[x](file:///etc/passwd)", "<javascript:alert(1)>", "[x]( javascript:alert(1))"]) {
    test(JSON.stringify(typed), () => {
      const html = toHtml(typed);
      assert.doesNotMatch(html, /<a\b/, html);
      assert.doesNotMatch(html, /href/, html);
    });
  }
});

test("headings, tables, rules and link definitions stay the text that was typed", () => {
  assert.equal(toHtml("# not a heading"), "<p># not a heading</p>\n");
  assert.equal(toHtml("total\n---"), "<p>total<br>---</p>\n");
  assert.equal(toHtml("|a|b|\n|-|-|\n|1|2|"), "<p>|a|b|<br>|-|-|<br>|1|2|</p>\n");
  assert.equal(toHtml("***"), "<p>***</p>\n");
  assert.match(toHtml("[a]: https://example.com"), /^<p>\[a\]: /);
});

test("everything marked makes of ordinary chat is in the sanitizer's allowlist", () => {
  const html = toHtml("Hi *there*,\n\n> you said\n\n1. **one**\n2. `two`\n\n- a\n- ~~b~~\n\n```\ncode\n```\n"
    + "[docs](https://example.com) and https://example.org, help@example.com");
  const allowed = new Set(SANITIZE.ALLOWED_TAGS);
  assert.deepEqual(tagsIn(html).filter((tag) => !allowed.has(tag)), []);
  assert.deepEqual(new Set(tagsIn(html)), new Set(["p", "em", "blockquote", "ol", "li", "strong", "code", "ul", "del", "pre", "a"]));
});

test("right-to-left text passes through unchanged", () => {
  assert.equal(toHtml("مرحبا، **شكرا** لك"), "<p>مرحبا، <strong>شكرا</strong> لك</p>\n");
});

test("a message at the length limit renders fast, however it is built", () => {
  const max = 4000; // policy.max_message_chars
  for (const piece of ["*", "_", "[", "](", "`", "<", "> ", "**a", "[a](", "~", "![", "\\", "- ", "  - ", "1. ", "http://a."]) {
    const started = performance.now();
    const html = toHtml(piece.repeat(Math.ceil(max / piece.length)).slice(0, max));
    assert.ok(performance.now() - started < 1000, `${JSON.stringify(piece)} took too long`);
    assert.ok(html.startsWith("<"), html.slice(0, 80));
  }
});

test("what marked cannot parse (quotes nested past the stack) shows as typed, escaped", () => {
  const typed = "> ".repeat(2000) + "<b>deep</b>\nend";
  assert.equal(toHtml(typed), `<p>${"&gt; ".repeat(2000)}&lt;b&gt;deep&lt;/b&gt;<br>end</p>\n`);
});

test.describe("allowedHref", () => {
  const cases = [
    ["https://example.com/x", true], ["http://example.com", true], ["HTTPS://EXAMPLE.COM", true],
    ["mailto:help@example.com", true], ["javascript:alert(1)", false], [" javascript:alert(1)", false],
    ["java\nscript:alert(1)", false], ["data:text/html,hi", false], ["vbscript:x", false],
    ["//example.com", false], ["/path", false], ["", false], [null, false], ["ftp://example.com", false],
  ];
  for (const [url, expected] of cases) {
    test(`${JSON.stringify(url)} -> ${expected}`, () => assert.equal(allowedHref(url), expected));
  }
});
