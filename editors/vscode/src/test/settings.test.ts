import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

import { SERVER_SETTING_KEYS, fromObject, launchSettings, needsRestart, serverSettings } from "../settings";

// The bundled test runs from out/test/, so the package root is two levels up.
const pkg = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
  contributes: { configuration: { properties: Record<string, { default: unknown; scope?: string; type: string }> } };
};
const props = pkg.contributes.configuration.properties;

/** The server contract's defaults (docs: settings section `archrules`). */
const CONTRACT_DEFAULTS = {
  enable: true,
  rules: [],
  include: [],
  exclude: [],
  diagnosticMode: "openFilesOnly",
  select: [],
  ignore: [],
  severityOverrides: {},
  debounceMs: 150,
  logLevel: "info",
  maxFileSize: 1000000,
};

describe("package.json configuration", () => {
  it("declares every server setting with the contract's default", () => {
    for (const [key, value] of Object.entries(CONTRACT_DEFAULTS)) {
      assert.ok(props[`archrules.${key}`], `archrules.${key} missing`);
      assert.deepEqual(props[`archrules.${key}`].default, value, `archrules.${key}`);
    }
  });
  it("declares nothing else but the VS Code-only settings", () => {
    const extra = Object.keys(props)
      .map((k) => k.replace(/^archrules\./, ""))
      .filter((k) => !(k in CONTRACT_DEFAULTS));
    assert.deepEqual(extra.sort(), ["interpreter", "path", "trace.server"]);
  });
  it("gives every setting a scope and a description", () => {
    for (const [key, p] of Object.entries(props)) {
      assert.ok(p.scope, `${key} has no scope`);
      const q = p as { description?: string; markdownDescription?: string };
      assert.ok(q.description ?? q.markdownDescription, `${key} has no description`);
    }
  });
  it("SERVER_SETTING_KEYS matches the contract", () => {
    assert.deepEqual([...SERVER_SETTING_KEYS].sort(), Object.keys(CONTRACT_DEFAULTS).sort());
  });
});

describe("serverSettings", () => {
  it("passes package.json's defaults through unchanged", () => {
    const defaults: Record<string, unknown> = {};
    for (const [key, p] of Object.entries(props)) defaults[key.replace(/^archrules\./, "")] = p.default;
    // VS Code hands `trace.server` over as a nested object
    defaults.trace = { server: "off" };
    assert.deepEqual(serverSettings(fromObject(defaults)), CONTRACT_DEFAULTS);
  });
  it("drops the VS Code-only settings", () => {
    const s = serverSettings(fromObject({ ...CONTRACT_DEFAULTS, path: ["x"], interpreter: ["y"], trace: { server: "verbose" } }));
    assert.ok(!("path" in s) && !("interpreter" in s) && !("trace" in s));
  });
  it("drops values of the wrong type and bad severities", () => {
    const s = serverSettings(
      fromObject({
        enable: "yes",
        rules: ["a.yaml", 3],
        include: "src/**",
        diagnosticMode: "everything",
        debounceMs: -5,
        maxFileSize: 1.5,
        logLevel: "trace",
        severityOverrides: { "BG-001": "off", "BG-002": "fatal", "BG-003": 2 },
      }),
    );
    assert.deepEqual(s, { severityOverrides: { "BG-001": "off" } });
  });
  it("keeps user values", () => {
    const s = serverSettings(
      fromObject({ select: ["BG-001"], diagnosticMode: "workspace", debounceMs: 0, severityOverrides: { "BG-041": "hint" } }),
    );
    assert.deepEqual(s, { select: ["BG-001"], diagnosticMode: "workspace", debounceMs: 0, severityOverrides: { "BG-041": "hint" } });
  });
});

describe("launchSettings", () => {
  it("normalises strings and empty entries", () => {
    assert.deepEqual(launchSettings(fromObject({ path: "/x/archrules-lsp", interpreter: ["", "  "] })), {
      path: ["/x/archrules-lsp"],
      interpreter: [],
    });
    assert.deepEqual(launchSettings(fromObject({})), { path: [], interpreter: [] });
  });
  it("restarts only for the executable settings", () => {
    assert.equal(needsRestart((s) => s === "archrules.path"), true);
    assert.equal(needsRestart((s) => s === "archrules.interpreter"), true);
    assert.equal(needsRestart((s) => s === "archrules.select"), false);
  });
});
