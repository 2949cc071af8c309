import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import { statusView } from "../status";

describe("statusView", () => {
  it("ready with rules", () => {
    const v = statusView("running", { state: "ready", ruleCount: 13, ruleErrors: 0, ruleFiles: [".architecture-rules/background-tasks.yaml"] });
    assert.equal(v.text, "$(check) archrules: 13 rules");
    assert.equal(v.level, undefined);
    assert.match(v.tooltip, /background-tasks\.yaml/);
  });
  it("one rule", () => {
    assert.equal(statusView("running", { state: "ready", ruleCount: 1 }).text, "$(check) archrules: 1 rule");
  });
  it("rule file errors", () => {
    const v = statusView("running", { state: "ready", ruleCount: 12, ruleErrors: 1 });
    assert.equal(v.text, "$(warning) archrules: 12 rules, 1 error");
    assert.equal(v.level, "warning");
    assert.equal(statusView("running", { state: "error", ruleCount: 0, ruleErrors: 2 }).level, "error");
  });
  it("client states", () => {
    assert.match(statusView("starting").text, /sync~spin/);
    assert.match(statusView("running").text, /sync~spin/); // no status yet
    assert.equal(statusView("not-found").level, "error");
    assert.equal(statusView("stopped").level, "warning");
  });
});
