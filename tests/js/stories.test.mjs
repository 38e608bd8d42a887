// "My stories" (node --test): the answer a colleague sends about a story goes to its own
// endpoint as JSON, with the page's CSRF token and, for a decline, the reason.
import assert from "node:assert/strict";
import { test } from "node:test";

import { answer } from "../../web/static/stories.js";

function recording(reply) {
  const calls = [];
  globalThis.document = { querySelector: () => ({ content: "token-1" }) };
  globalThis.fetch = async (url, options) => {
    calls.push({ url, ...options, body: JSON.parse(options.body) });
    return { json: async () => reply };
  };
  return calls;
}

test("an approval posts an empty JSON body with the CSRF header", async () => {
  const calls = recording({ ok: true, story: { id: 7, state: "approved" } });
  const result = await answer(7, "approve", "ignored");
  assert.equal(result.ok, true);
  assert.equal(calls[0].url, "/console/stories/7/approve");
  assert.equal(calls[0].method, "POST");
  assert.equal(calls[0].headers["X-CSRFToken"], "token-1");
  assert.deepEqual(calls[0].body, {});
});

test("a decline carries the reason for marketing, and a refusal comes back as is", async () => {
  const calls = recording({ error: "not_awaiting" });
  const result = await answer(9, "decline", "Not my words");
  assert.deepEqual(result, { error: "not_awaiting" });
  assert.equal(calls[0].url, "/console/stories/9/decline");
  assert.deepEqual(calls[0].body, { reason: "Not my words" });
});
