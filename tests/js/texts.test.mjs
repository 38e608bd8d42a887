// The widget's wording and counters, tested once (node --test): pure functions, no DOM.
import assert from "node:assert/strict";
import { test } from "node:test";

import { counterState, emailNoted, offlineText, reasonText, t, unreadCount } from "../../web/static/texts.js";

const dana = { name: "Dana Dev", title: "Backend developer" };

test("nobody fitting is never called nobody free", () => {
  const { headline } = offlineText({ why: "nobody_fits", best: null, mail: true });
  assert.match(headline, /knows this topic well enough/);
  assert.doesNotMatch(headline, /not available/);
});

test("nobody free names who knows it best", () => {
  const { headline, promise } = offlineText({ why: "nobody_free", best: dana, mail: true });
  assert.equal(headline, "Dana Dev (Backend developer), who knows this best, is not available right now.");
  assert.match(promise, /Dana will answer you by e-mail/);
});

test("without mail the widget promises no e-mail", () => {
  for (const why of ["nobody_fits", "nobody_free", "employee_left"]) {
    const { promise } = offlineText({ why, best: why === "nobody_fits" ? null : dana, mail: false });
    assert.doesNotMatch(promise, /by e-mail/);
    assert.match(promise, /come back to this page/);
  }
  assert.doesNotMatch(emailNoted("pat@example.org", false), /e-mail you/);
  assert.match(emailNoted("pat@example.org", true), /we will e-mail you at pat@example.org/);
});

test("an employee who left is said so", () => {
  assert.match(offlineText({ why: "employee_left", best: dana, mail: true }).headline, /Dana Dev had to leave/);
});

test("the counter says the limit before sending and how much is too much", () => {
  assert.deepEqual(counterState(10, 4000), { text: "10 / 4,000", over: false, near: false });
  assert.equal(counterState(3700, 4000).near, true);
  assert.deepEqual(counterState(10000, 4000), {
    text: "6,000 characters too many (the limit is 4,000)", over: true, near: false });
});

test("the reason joins curated words and the generic history note", () => {
  assert.equal(reasonText("webhook signing", false), "webhook signing");
  assert.equal(reasonText("webhook signing", true), "webhook signing · has answered similar questions");
  assert.equal(reasonText("", true), "has answered similar questions");
});

test("unread counts only the employee's messages after the read mark", () => {
  const messages = [{ author: "customer", seq: 1 }, { author: "employee", seq: 2 }, { author: "employee", seq: 3 }];
  assert.equal(unreadCount(messages, 2), 1);
  assert.equal(unreadCount(messages, 0), 2);
});

test("placeholders are filled and unknown ones kept", () => {
  assert.equal(t("joined", { name: "Dana" }), "Dana joined the chat");
  assert.equal(t("asking", {}), "Asking {name}");
});
