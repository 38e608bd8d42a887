// The gap-free sequence logic shared by the widget and the console (node --test).
import assert from "node:assert/strict";
import { test } from "node:test";

import { behind, contiguousSeq, hasGap, healer } from "../../web/static/seqs.js";

test("a client resumes from the highest contiguous seq, not the highest seen", () => {
  assert.equal(contiguousSeq(new Set()), 0);
  assert.equal(contiguousSeq(new Set([1, 2, 3])), 3);
  assert.equal(contiguousSeq(new Set([1, 2, 4, 5])), 2); // 3 arrived late, or never
  assert.equal(contiguousSeq(new Set([2, 3])), 0);
});

test("a hole is seen only when something above it arrived", () => {
  assert.equal(hasGap(new Set([1, 2, 3])), false);
  assert.equal(hasGap(new Set([1, 3])), true);
  assert.equal(hasGap(new Set()), false);
});

test("the server's last seq tells a client it missed the newest messages", () => {
  assert.equal(behind(new Set([1, 2]), 2), false);
  assert.equal(behind(new Set([1, 2]), 3), true); // the event for 3 never came
  assert.equal(behind(new Set([1, 3]), 3), true); // 2 is missing
  assert.equal(behind(new Set([1, 2]), undefined), false);
});

test("the healer waits, folds repeated calls and skips a hole filled meanwhile", async () => {
  const seen = new Set([1, 3]);
  let heals = 0;
  const heal = healer(() => hasGap(seen), () => { heals += 1; }, 20);
  heal(); heal(); heal();
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(heals, 1);
  heal();
  seen.add(2); // the late event arrived
  await new Promise((resolve) => setTimeout(resolve, 40));
  assert.equal(heals, 1);
});
