// Handing a chat over: the console's pure pieces and the widget's line (node --test).
import assert from "node:assert/strict";
import { test } from "node:test";

import { canChooseMore, deadlineOf, summarizeAnswers } from "../../web/static/handover.js";
import { setLanguage, tookOverText } from "../../web/static/texts.js";

const person = (name) => ({ name, title: null, team: null });

test("the requester hears who declined and who did not answer", () => {
  const answers = [
    { employee_id: 1, employee: person("Dana Dev"), outcome: "declined" },
    { employee_id: 2, employee: person("Sue Support"), outcome: "expired" },
    { employee_id: 3, employee: person("Milo Mobile"), outcome: null },
  ];
  assert.deepEqual(summarizeAnswers(answers), { declined: ["Dana Dev"], unanswered: ["Sue Support", "Milo Mobile"] });
});

test("at most three colleagues are asked at once", () => {
  assert.equal(canChooseMore(new Set([1, 2])), true);
  assert.equal(canChooseMore(new Set([1, 2, 3])), false);
});

test("a fresh request counts down its whole time; one loaded later keeps the server's deadline", () => {
  const item = { requested_at: "2026-11-28T10:00:00.123456+00:00", expires_at: "2026-11-28T10:00:30.123456+00:00" };
  const now = Date.parse("2026-11-28T10:00:20Z");
  assert.deepEqual(deadlineOf(item, true, now), { deadline: now + 30000, total: 30000 });
  assert.equal(deadlineOf(item, false, now).deadline, Date.parse("2026-11-28T10:00:30.123Z"));
});

test("the customer reads who took over and why, in their language", () => {
  const jonas = { name: "Jonas Vermeulen", title: "Senior backend developer" };
  setLanguage("en");
  assert.equal(tookOverText(jonas, "webhook delivery and signature verification"),
    "Jonas Vermeulen (Senior backend developer) joined the conversation: webhook delivery and signature verification");
  assert.equal(tookOverText({ name: "Jonas", title: null }, ""), "Jonas joined the conversation.");
  setLanguage("nl");
  assert.match(tookOverText(jonas, "webhooks"), /^Jonas Vermeulen \(Senior backend developer\) neemt het gesprek over: webhooks$/);
  setLanguage("en");
});
