// What the widget sends from a closed chat's rating and consent form (node --test): the consent
// answer counts on its own, whether or not the customer rates.
import assert from "node:assert/strict";
import { test } from "node:test";

import { feedbackSteps } from "../../web/static/feedback_steps.js";

const offered = { scope: "quote_anonymised" };
const choice = (fields) => ({ stars: 0, comment: "", consent: null, ...fields });
const events = ({ steps }) => steps.map(([event]) => event);

test("a no, thanks sent without stars is recorded and the rating skipped", () => {
  const plan = feedbackSteps("send", choice({ consent: false }), offered);
  assert.deepEqual(plan.steps, [["consent", { granted: false, scope: "quote_anonymised" }], ["skip_rating", {}]]);
  assert.equal(plan.then, "thanks");
});

test("skip sends a consent answer already chosen", () => {
  const plan = feedbackSteps("skip", choice({ consent: true }), offered);
  assert.deepEqual(events(plan), ["consent", "skip_rating"]);
  assert.equal(plan.steps[0][1].granted, true);
  assert.equal(plan.then, "ended");
  assert.deepEqual(events(feedbackSteps("skip", choice({}), offered)), ["skip_rating"]);
});

test("a rating goes after the consent answer, with its comment", () => {
  const plan = feedbackSteps("send", choice({ stars: 4, comment: "Quick", consent: true }), offered);
  assert.deepEqual(plan.steps, [["consent", { granted: true, scope: "quote_anonymised" }],
    ["rate", { stars: 4, comment: "Quick" }]]);
  assert.equal(plan.then, "thanks");
  assert.deepEqual(events(feedbackSteps("send", choice({ stars: 5 }), offered)), ["rate"]);
});

test("a comment without stars keeps the form open, the consent answer recorded", () => {
  const plan = feedbackSteps("send", choice({ comment: "Very kind", consent: false }), offered);
  assert.deepEqual(events(plan), ["consent"]);
  assert.equal(plan.then, "chooseStars");
});

test("nothing chosen asks for stars and sends nothing", () => {
  assert.deepEqual(feedbackSteps("send", choice({}), offered), { steps: [], then: "chooseStars" });
});

test("an answer the server already took is not sent again; a changed one is", () => {
  const again = feedbackSteps("send", choice({ stars: 3, consent: false }), { ...offered, consentSent: false });
  assert.deepEqual(events(again), ["rate"]);
  const changed = feedbackSteps("send", choice({ stars: 3, consent: true }), { ...offered, consentSent: false });
  assert.deepEqual(events(changed), ["consent", "rate"]);
});

test("without an offered question no consent is sent", () => {
  assert.deepEqual(events(feedbackSteps("skip", choice({ consent: true }), {})), ["skip_rating"]);
});
