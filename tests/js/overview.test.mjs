// The overview's chart configurations from the server's figures (web/static/overview_data.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import { stories, weekly } from "../../web/static/overview_data.js";

const words = { conversations: "Conversations", answered: "Answered live", stars: "Mean stars",
  rated: "Rated", granted: "Consent granted", refused: "Consent refused", not_asked: "Not asked" };
const data = {
  words,
  weeks: [
    { start: "2026-11-16", conversations: 4, answered: 3, rated: 2, stars: 4.5, granted: 1, refused: 1, not_asked: 2 },
    { start: "2026-11-23", conversations: 0, answered: 0, rated: 0, stars: null, granted: 0, refused: 0, not_asked: 0 },
  ],
};
const states = [{ key: "draft", label: "draft" }, { key: "published", label: "published" }];

test("weekly charts carry one point per week, in the server's words", () => {
  const charts = weekly(data);
  assert.deepEqual(charts.conversations.data.labels, ["2026-11-16", "2026-11-23"]);
  assert.deepEqual(charts.conversations.data.datasets.map((d) => d.data), [[4, 0], [3, 0]]);
  assert.deepEqual(charts.conversations.data.datasets.map((d) => d.label), ["Conversations", "Answered live"]);
  assert.deepEqual(charts.ratings.data.datasets[0].data, [4.5, null]);
  assert.equal(charts.ratings.options.scales.stars.max, 5);
});

test("consent per week is stacked: granted, refused, not asked", () => {
  const consent = weekly(data).consent;
  assert.deepEqual(consent.data.datasets.map((d) => d.data), [[1, 0], [1, 0], [2, 0]]);
  assert.equal(consent.options.scales.x.stacked, true);
});

test("stories are stacked by state per row, a missing state counting 0", () => {
  const rows = [{ label: "Sophie", stories: { published: 2 } }, { label: "Jonas", stories: { draft: 1 } }];
  const chart = stories(rows, states);
  assert.deepEqual(chart.data.labels, ["Sophie", "Jonas"]);
  assert.deepEqual(chart.data.datasets.map((d) => d.data), [[0, 1], [2, 0]]);
  assert.equal(chart.options.indexAxis, "y");
});

test("at most 15 rows are drawn", () => {
  const rows = Array.from({ length: 20 }, (_, i) => ({ label: `p${i}`, stories: {} }));
  assert.equal(stories(rows, states).data.labels.length, 15);
});
