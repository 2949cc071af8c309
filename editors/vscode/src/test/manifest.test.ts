import * as assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";

const root = path.join(__dirname, "..", "..");
const pkg = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8")) as {
  main: string;
  engines: Record<string, string>;
  activationEvents: string[];
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  contributes: {
    commands: { command: string; title: string }[];
    yamlValidation: { fileMatch: string[]; url: string }[];
  };
};

describe("package.json manifest", () => {
  it("contributes the seven commands", () => {
    assert.deepEqual(
      pkg.contributes.commands.map((c) => c.command).sort(),
      ["archrules.checkWorkspace", "archrules.fixAll", "archrules.reloadRules", "archrules.restart", "archrules.showOutput",
        "archrules.updateBaseline", "archrules.writeBaseline"],
    );
  });
  it("validates the rule files with the bundled schema", () => {
    assert.deepEqual(pkg.contributes.yamlValidation, [
      {
        fileMatch: [".architecture-rules/*.yaml", ".architecture-rules/*.yml", ".architecture-rules.yaml", ".architecture-rules.yml"],
        url: "./schemas/rules.schema.json",
      },
    ]);
    // the build copies it from the Python package
    assert.ok(existsSync(path.join(root, "..", "..", "archrules_lsp", "data", "rules.schema.json")));
  });
  it("activates in a workspace with rule files (at any depth) or a pyproject.toml, for any language", () => {
    assert.deepEqual(pkg.activationEvents, [
      "workspaceContains:**/.architecture-rules/*.yaml",
      "workspaceContains:**/.architecture-rules/*.yml",
      "workspaceContains:**/.architecture-rules.yaml",
      "workspaceContains:**/.architecture-rules.yml",
      "workspaceContains:pyproject.toml",
    ]);
  });
  it("needs Node 20 to build, and VS Code 1.91", () => {
    assert.deepEqual(pkg.engines, { vscode: "^1.91.0", node: ">=20" });
  });
  it("pins exact dependency versions", () => {
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      assert.match(version, /^\d+\.\d+\.\d+$/, `${name}@${version}`);
    }
  });
  it("bundles to out/extension.js", () => {
    assert.equal(pkg.main, "./out/extension.js");
  });
});
