import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import { NOT_FOUND_MESSAGE, expandVariables, resolveServer, whichIn, type ResolveDeps } from "../resolve";

function deps(over: Partial<ResolveDeps> = {}): ResolveDeps & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    workspaceFolder: "/ws",
    homedir: "/home/me",
    env: { VENV: "/venvs/a" },
    pythonExtensionInterpreter: () => {
      calls.push("python-extension");
      return Promise.resolve(undefined);
    },
    hasServerModule: (python) => {
      calls.push(`has:${python}`);
      return Promise.resolve(false);
    },
    which: (name) => {
      calls.push(`which:${name}`);
      return Promise.resolve(undefined);
    },
    ...over,
  };
}

describe("resolveServer", () => {
  it("archrules.path wins over everything", async () => {
    const d = deps();
    const cmd = await resolveServer({ path: ["${workspaceFolder}/.venv/bin/archrules-lsp", "--log-level", "debug"], interpreter: ["/usr/bin/python3"] }, d);
    assert.deepEqual(cmd, { command: "/ws/.venv/bin/archrules-lsp", args: ["--log-level", "debug"], source: "path" });
    assert.deepEqual(d.calls, []);
  });
  it("a relative path is taken from the workspace folder, a bare name from PATH", async () => {
    assert.equal((await resolveServer({ path: ["./bin/srv"], interpreter: [] }, deps()))?.command, "/ws/bin/srv");
    assert.equal((await resolveServer({ path: ["archrules-lsp"], interpreter: [] }, deps()))?.command, "archrules-lsp");
    assert.equal((await resolveServer({ path: ["~/bin/srv"], interpreter: [] }, deps()))?.command, "/home/me/bin/srv");
  });
  it("archrules.interpreter runs the module", async () => {
    const cmd = await resolveServer({ path: [], interpreter: ["${env:VENV}/bin/python", "-X", "utf8"] }, deps());
    assert.deepEqual(cmd, { command: "/venvs/a/bin/python", args: ["-X", "utf8", "-m", "archrules_lsp"], source: "interpreter" });
  });
  it("the Python extension's interpreter when it has the server", async () => {
    const d = deps({
      pythonExtensionInterpreter: () => Promise.resolve("/proj/.venv/bin/python"),
      hasServerModule: (p) => Promise.resolve(p === "/proj/.venv/bin/python"),
    });
    assert.deepEqual(await resolveServer({ path: [], interpreter: [] }, d), {
      command: "/proj/.venv/bin/python",
      args: ["-m", "archrules_lsp"],
      source: "python-extension",
    });
  });
  it("falls back to PATH when the Python extension's interpreter lacks the server", async () => {
    const d = deps({
      pythonExtensionInterpreter: () => Promise.resolve("/usr/bin/python3"),
      which: (n) => Promise.resolve(n === "archrules-lsp" ? "/usr/local/bin/archrules-lsp" : undefined),
    });
    assert.deepEqual(await resolveServer({ path: [], interpreter: [] }, d), {
      command: "/usr/local/bin/archrules-lsp",
      args: [],
      source: "PATH",
    });
  });
  it("survives a failing Python extension API", async () => {
    const d = deps({
      pythonExtensionInterpreter: () => Promise.reject(new Error("boom")),
      which: () => Promise.resolve("/bin/archrules-lsp"),
    });
    assert.equal((await resolveServer({ path: [], interpreter: [] }, d))?.source, "PATH");
  });
  it("nothing found: undefined, and the message the user sees", async () => {
    const d = deps();
    assert.equal(await resolveServer({ path: [], interpreter: [] }, d), undefined);
    assert.deepEqual(d.calls, ["python-extension", "which:archrules-lsp"]);
    assert.match(NOT_FOUND_MESSAGE, /pip install archrules-lsp/);
    assert.match(NOT_FOUND_MESSAGE, /archrules\.path/);
  });
});

describe("helpers", () => {
  it("expandVariables", () => {
    const d = { workspaceFolder: "/ws", homedir: "/h", env: { A: "x" } };
    assert.equal(expandVariables("${workspaceFolder}/a:${userHome}:${env:A}:${env:NOPE}", d), "/ws/a:/h:x:");
    assert.equal(expandVariables("~", d), "/h");
    assert.equal(expandVariables("a~b", d), "a~b");
    assert.equal(expandVariables("${workspaceFolder}", { homedir: "/h", env: {} }), "${workspaceFolder}");
  });
  it("whichIn walks PATH in order", async () => {
    const seen: string[] = [];
    const found = await whichIn("srv", "/a::/b:/c", (f) => {
      seen.push(f);
      return Promise.resolve(f === "/b/srv" || f === "/c/srv");
    });
    assert.equal(found, "/b/srv");
    assert.deepEqual(seen, ["/a/srv", "/b/srv"]);
    assert.equal(await whichIn("srv", undefined, () => Promise.resolve(true)), undefined);
  });
});
