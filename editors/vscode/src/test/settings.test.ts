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

const VSCODE_ONLY = ["interpreter", "path", "trace.server"];

/** The server's settings with package.json's defaults. That these equal the
 * server's own defaults is checked against the server's code, in
 * tests/server/test_settings_defaults.py. */
const SERVER_DEFAULTS: Record<string, unknown> = Object.fromEntries(
  Object.entries(props)
    .map(([key, p]) => [key.replace(/^archrules\./, ""), p.default] as const)
    .filter(([key]) => !VSCODE_ONLY.includes(key)),
);

describe("package.json configuration", () => {
  it("declares exactly the server's settings and the VS Code-only ones", () => {
    assert.deepEqual(Object.keys(SERVER_DEFAULTS).sort(), [...SERVER_SETTING_KEYS].sort());
    for (const key of VSCODE_ONLY) assert.ok(props[`archrules.${key}`], `archrules.${key} missing`);
  });
  it("gives every setting a scope and a description", () => {
    for (const [key, p] of Object.entries(props)) {
      assert.ok(p.scope, `${key} has no scope`);
      const q = p as { description?: string; markdownDescription?: string };
      assert.ok(q.description ?? q.markdownDescription, `${key} has no description`);
    }
  });
});

describe("serverSettings", () => {
  it("passes package.json's defaults through unchanged", () => {
    const defaults: Record<string, unknown> = {};
    for (const [key, p] of Object.entries(props)) defaults[key.replace(/^archrules\./, "")] = p.default;
    // VS Code hands `trace.server` over as a nested object
    defaults.trace = { server: "off" };
    assert.deepEqual(serverSettings(fromObject(defaults)), SERVER_DEFAULTS);
  });
  it("drops the VS Code-only settings", () => {
    const s = serverSettings(fromObject({ ...SERVER_DEFAULTS, path: ["x"], interpreter: ["y"], trace: { server: "verbose" } }));
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
