// The console's snippet picker: the "/query" trigger, keyboard moves and when a sent message
// counts as a use of the snippet inserted (node --test; pure functions, no DOM).
import assert from "node:assert/strict";
import { test } from "node:test";

import { SNIPPET_TEXTS, cameFromSnippet, moveActive, searchUrl, snippetQuery } from "../../web/static/snippets.js";

test("a slash at the very start, then words, is a snippet search", () => {
  assert.equal(snippetQuery("/refund"), "refund");
  assert.equal(snippetQuery("/refund   policy "), "refund policy");
  assert.equal(snippetQuery("/"), ""); // a bare slash lists the most used ones
  assert.equal(snippetQuery("/Terugbetaling"), "Terugbetaling");
});

test("anything else is a message, not a search", () => {
  for (const text of ["refund", " /refund", "see /refund", "//refund", "/ refund", "/refund\nthanks", "", null, undefined, 42]) {
    assert.equal(snippetQuery(text), null, JSON.stringify(text));
  }
  assert.equal(snippetQuery(`/${"x".repeat(201)}`), null); // longer than a search takes
  assert.equal(snippetQuery(`/${"x".repeat(200)}`), "x".repeat(200));
});

test("up and down wrap around the options, home and end jump", () => {
  assert.equal(moveActive(-1, 3, "ArrowDown"), 0);
  assert.equal(moveActive(0, 3, "ArrowDown"), 1);
  assert.equal(moveActive(2, 3, "ArrowDown"), 0);
  assert.equal(moveActive(0, 3, "ArrowUp"), 2);
  assert.equal(moveActive(-1, 3, "ArrowUp"), 2);
  assert.equal(moveActive(1, 3, "Home"), 0);
  assert.equal(moveActive(0, 3, "End"), 2);
  assert.equal(moveActive(5, 3, "x"), 2); // the list got shorter
  assert.equal(moveActive(0, 0, "ArrowDown"), -1);
});

test("a message edited a little still came from the snippet, one rewritten did not", () => {
  const snippet = "We refund payments within 30 days to the card they came from.";
  assert.equal(cameFromSnippet(snippet, snippet), true);
  assert.equal(cameFromSnippet(`Hi Pat! ${snippet.replace("30", "thirty")} Anything else?`, snippet), true);
  assert.equal(cameFromSnippet("Let me check with billing and come back to you.", snippet), false);
  assert.equal(cameFromSnippet("anything", ""), false);
});

test("the search URL carries the query and the conversation, encoded", () => {
  assert.equal(searchUrl("refund & return", 12), "/console/snippets?q=refund+%26+return&conversation=12");
  assert.equal(searchUrl("", null), "/console/snippets?q=");
});

test("the picker says everything in every language that it says in English", () => {
  assert.deepEqual(Object.keys(SNIPPET_TEXTS).sort(), ["de", "en", "fr", "nl"]);
  for (const [language, catalog] of Object.entries(SNIPPET_TEXTS)) {
    assert.deepEqual(Object.keys(catalog), Object.keys(SNIPPET_TEXTS.en), language);
    for (const [key, text] of Object.entries(catalog)) {
      assert.deepEqual(text.match(/\{\w+\}/g) || [], SNIPPET_TEXTS.en[key].match(/\{\w+\}/g) || [], `${language}.${key}`);
    }
  }
});
