// The attachment helpers the widget and console share: sizes as people read them, and what is
// refused before a file is sent (node --test; no DOM).
import assert from "node:assert/strict";
import { test } from "node:test";

import { MAX_BYTES, formatSize, precheck } from "../../web/static/attachments.js";
import { CATALOGS, LANGUAGES } from "../../web/static/texts.js";

test("sizes are written in bytes, kB or MB", () => {
  assert.equal(formatSize(812), "812 B");
  assert.equal(formatSize(14 * 1024), "14 kB");
  assert.equal(formatSize(2.4 * 1024 * 1024), "2.4 MB");
  assert.equal(formatSize(2.4 * 1024 * 1024, "nl"), "2,4 MB");
});

test("an empty or too large file is refused before it is sent", () => {
  assert.equal(precheck({ size: 0 }), "attachment_empty");
  assert.equal(precheck({ size: MAX_BYTES + 1 }), "attachment_too_large");
  assert.equal(precheck({ size: MAX_BYTES }), null);
});

test("every refusal has its own sentence in every widget language", () => {
  const codes = ["attachment_type", "attachment_too_large", "attachment_unreadable",
    "attachment_too_many_pixels", "attachment_empty", "attachment_missing", "attachment_failed",
    "attachment_link_expired"];
  for (const language of LANGUAGES) {
    for (const key of ["attach", "attaching", "download", ...codes.map((c) => `error_${c}`)]) {
      assert.equal(typeof CATALOGS[language][key], "string", `${language}: ${key}`);
      if (language !== "en") assert.notEqual(CATALOGS[language][key], CATALOGS.en[key], `${language}: ${key}`);
    }
  }
});
