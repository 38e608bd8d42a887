// Where a message goes in the widget's transcript (node --test): by seq among messages, below
// the lines about the chat shown before it arrived, above messages still being sent.
import assert from "node:assert/strict";
import { test } from "node:test";

import { insertionIndex } from "../../web/static/message_order.js";

const msg = (seq) => ({ seq, pending: false });
const line = () => ({ seq: null, pending: false }); // "had to leave", "ended", a failed message
const sending = () => ({ seq: null, pending: true });

test("a message sent after a line about the chat goes below it", () => {
  // Jonas replied (2), had to leave; the customer's "are you still there?" is 3.
  assert.equal(insertionIndex([msg(1), msg(2), line()], 3), 3);
  assert.equal(insertionIndex([line(), msg(1), line(), line()], 2), 4);
});

test("a late message goes before the later ones, and below the lines shown before them", () => {
  assert.equal(insertionIndex([msg(1), msg(3)], 2), 1);
  assert.equal(insertionIndex([msg(1), line(), msg(3)], 2), 2);
  assert.equal(insertionIndex([msg(2), msg(3), line()], 1), 0);
});

test("messages still being sent stay last", () => {
  assert.equal(insertionIndex([msg(1), line(), sending(), sending()], 2), 2);
  assert.equal(insertionIndex([sending()], 1), 0);
});

test("an empty transcript, and the new-messages marker between seqs", () => {
  assert.equal(insertionIndex([], 1), 0);
  assert.equal(insertionIndex([msg(1), msg(2)], 1.5), 1); // "New" goes before 2
  assert.equal(insertionIndex([msg(1), msg(1.5)], 2), 2); // and 2 after its marker
});
