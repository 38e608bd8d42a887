// The widget's unsent words, kept per conversation in this tab (node --test).
import assert from "node:assert/strict";
import { test } from "node:test";

import { draftKeeper } from "../../web/static/drafts.js";

function fakeStorage() {
  const items = new Map();
  return {
    items,
    getItem: (key) => (items.has(key) ? items.get(key) : null),
    setItem: (key, value) => items.set(key, String(value)),
    removeItem: (key) => items.delete(key),
  };
}

test("a draft comes back for its own conversation only", () => {
  const storage = fakeStorage();
  const drafts = draftKeeper(() => storage);
  drafts.keep(7, "Half a thought");
  assert.equal(draftKeeper(() => storage).restore(7), "Half a thought"); // after a reload
  assert.equal(drafts.restore(8), "");
  assert.equal(storage.items.size, 0); // another conversation's draft is not kept around
});

test("a blank draft, a sent one and a forgotten one are not kept", () => {
  const storage = fakeStorage();
  const drafts = draftKeeper(() => storage);
  drafts.keep(7, "typed");
  drafts.keep(7, "  \n");
  assert.equal(storage.items.size, 0);
  drafts.keep(7, "typed");
  drafts.forget();
  assert.equal(drafts.restore(7), "");
  drafts.keep(null, "no conversation");
  assert.equal(storage.items.size, 0);
});

test("text is kept as typed and an unreadable entry is dropped", () => {
  const storage = fakeStorage();
  const drafts = draftKeeper(() => storage);
  drafts.keep(3, "  line one\nline two ");
  assert.equal(drafts.restore(3), "  line one\nline two ");
  storage.setItem("matchmaker.draft", "{not json");
  assert.equal(drafts.restore(3), "");
  assert.equal(storage.items.size, 0);
});

test("where storage is refused the draft lives in memory", () => {
  const drafts = draftKeeper(() => { throw new Error("SecurityError"); });
  drafts.keep(5, "still here");
  assert.equal(drafts.restore(5), "still here");
  drafts.forget();
  assert.equal(drafts.restore(5), "");
});
