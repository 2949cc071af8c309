// Which server to start, free of the `vscode` API so it can be unit tested.
//
// The order follows Microsoft's Python tool extensions (ruff, black, ...):
//   1. `archrules.path`: the server executable and its arguments;
//   2. `archrules.interpreter`: `<python> -m archrules_lsp`;
//   3. the Python extension's active interpreter, when it has archrules_lsp;
//   4. `archrules-lsp` on PATH.

import * as os from "node:os";
import * as path from "node:path";

import type { LaunchSettings } from "./settings";

export type ServerSource = "path" | "interpreter" | "python-extension" | "PATH";

export interface ServerCommand {
  command: string;
  args: string[];
  source: ServerSource;
}

export interface ResolveDeps {
  /** The workspace folder's file system path, for `${workspaceFolder}` and relative paths. */
  workspaceFolder?: string;
  /** The Python extension's active interpreter, when it is installed and has one. */
  pythonExtensionInterpreter: () => Promise<string | undefined>;
  /** Can this interpreter import archrules_lsp? */
  hasServerModule: (python: string) => Promise<boolean>;
  /** An executable's full path when it is on PATH. */
  which: (name: string) => Promise<string | undefined>;
  homedir?: string;
  env?: NodeJS.ProcessEnv;
}

export const SERVER_MODULE = "archrules_lsp";
export const SERVER_SCRIPT = process.platform === "win32" ? "archrules-lsp.exe" : "archrules-lsp";
export const NOT_FOUND_MESSAGE =
  "archrules-lsp not found: install it with `pip install archrules-lsp` " +
  "(before it is on PyPI: `pip install /path/to/archrules-lsp-checkout`) or set archrules.path";

/** Expands `${workspaceFolder}`, `${userHome}`, `${env:NAME}` and a leading `~`. */
export function expandVariables(value: string, deps: Pick<ResolveDeps, "workspaceFolder" | "homedir" | "env">): string {
  const home = deps.homedir ?? os.homedir();
  const env = deps.env ?? process.env;
  let out = value.replace(/\$\{(workspaceFolder|userHome|env:([^}]+))\}/g, (whole, name: string, envName?: string) => {
    if (name === "workspaceFolder") return deps.workspaceFolder ?? whole;
    if (name === "userHome") return home;
    return env[envName ?? ""] ?? "";
  });
  if (out === "~" || out.startsWith("~/") || out.startsWith("~\\")) out = home + out.slice(1);
  return out;
}

/** An executable given in a setting: variables expanded; a relative path with a
 * separator is taken relative to the workspace folder; a bare name is kept (PATH). */
export function executablePath(value: string, deps: Pick<ResolveDeps, "workspaceFolder" | "homedir" | "env">): string {
  const expanded = expandVariables(value, deps);
  const hasSep = expanded.includes("/") || expanded.includes("\\");
  if (hasSep && !path.isAbsolute(expanded) && deps.workspaceFolder) {
    return path.join(deps.workspaceFolder, expanded);
  }
  return expanded;
}

export async function resolveServer(settings: LaunchSettings, deps: ResolveDeps): Promise<ServerCommand | undefined> {
  if (settings.path.length > 0) {
    const [exe, ...args] = settings.path;
    return {
      command: executablePath(exe, deps),
      args: args.map((a) => expandVariables(a, deps)),
      source: "path",
    };
  }
  if (settings.interpreter.length > 0) {
    const [python, ...args] = settings.interpreter;
    return {
      command: executablePath(python, deps),
      args: [...args.map((a) => expandVariables(a, deps)), "-m", SERVER_MODULE],
      source: "interpreter",
    };
  }
  let fromExtension: string | undefined;
  try {
    fromExtension = await deps.pythonExtensionInterpreter();
  } catch {
    fromExtension = undefined;
  }
  if (fromExtension && (await deps.hasServerModule(fromExtension))) {
    return { command: fromExtension, args: ["-m", SERVER_MODULE], source: "python-extension" };
  }
  const onPath = await deps.which(SERVER_SCRIPT);
  if (onPath) {
    return { command: onPath, args: [], source: "PATH" };
  }
  return undefined;
}

/** `which` over a PATH string, with the file check injected. */
export async function whichIn(
  name: string,
  pathEnv: string | undefined,
  isExecutable: (file: string) => Promise<boolean>,
): Promise<string | undefined> {
  for (const dir of (pathEnv ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

export function describe(cmd: ServerCommand): string {
  const how: Record<ServerSource, string> = {
    path: "archrules.path",
    interpreter: "archrules.interpreter",
    "python-extension": "the Python extension's interpreter",
    PATH: "PATH",
  };
  return `${[cmd.command, ...cmd.args].join(" ")} (from ${how[cmd.source]})`;
}
