import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import { DOCUMENT_SELECTOR } from "../selector";

describe("DOCUMENT_SELECTOR", () => {
  it("selects every file on disk, whatever its language", () => {
    assert.deepEqual(DOCUMENT_SELECTOR, [{ scheme: "file" }]);
    for (const filter of DOCUMENT_SELECTOR) {
      assert.equal(filter.language, undefined, "a language would leave out files a rule can name");
      assert.equal(filter.pattern, undefined, "a pattern would leave out files a rule can name");
    }
  });
});
