// The VS Code glue: everything that touches the `vscode` API is here and kept
// thin; the decisions live in settings.ts, resolve.ts and status.ts.

import { execFile } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import { access } from "node:fs/promises";

import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  State,
  TransportKind,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";

import { NOT_FOUND_MESSAGE, describe, resolveServer, whichIn, type ServerCommand } from "./resolve";
import { DOCUMENT_SELECTOR } from "./selector";
import { fromObject, launchSettings, needsRestart, serverSettings } from "./settings";
import { statusView, type ClientState, type ServerStatus } from "./status";

const SECTION = "archrules";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let statusItem: vscode.StatusBarItem;
let clientState: ClientState = "starting";
let serverStatus: ServerStatus | undefined;
let starting: Promise<void> | undefined;

function workspaceFolder(): vscode.WorkspaceFolder | undefined {
  const active = vscode.window.activeTextEditor?.document.uri;
  return (active && vscode.workspace.getWorkspaceFolder(active)) ?? vscode.workspace.workspaceFolders?.[0];
}

function renderStatus(): void {
  const view = statusView(clientState, serverStatus);
  statusItem.text = view.text;
  statusItem.tooltip = view.tooltip;
  statusItem.backgroundColor =
    view.level === "error"
      ? new vscode.ThemeColor("statusBarItem.errorBackground")
      : view.level === "warning"
        ? new vscode.ThemeColor("statusBarItem.warningBackground")
        : undefined;
  statusItem.show();
}

function setState(state: ClientState): void {
  clientState = state;
  if (state !== "running") serverStatus = undefined;
  renderStatus();
}

async function pythonExtensionInterpreter(resource?: vscode.Uri): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (!ext) return undefined;
  if (!ext.isActive) await ext.activate();
  // https://github.com/microsoft/vscode-python/wiki/Python-Environment-APIs
  const api = ext.exports as
    | {
        environments?: {
          getActiveEnvironmentPath(resource?: vscode.Uri): { path: string };
          resolveEnvironment(env: { path: string }): Promise<{ executable: { uri?: vscode.Uri } } | undefined>;
        };
      }
    | undefined;
  const envs = api?.environments;
  if (!envs) return undefined;
  const active = envs.getActiveEnvironmentPath(resource);
  const resolved = await envs.resolveEnvironment(active);
  return resolved?.executable.uri?.fsPath ?? active.path;
}

function hasServerModule(python: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(
      python,
      ["-c", "import importlib.util, sys; sys.exit(0 if importlib.util.find_spec('archrules_lsp') else 1)"],
      { timeout: 15000 },
      (err) => resolve(!err),
    );
  });
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, process.platform === "win32" ? fsConstants.F_OK : fsConstants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findServer(folder?: vscode.WorkspaceFolder): Promise<ServerCommand | undefined> {
  const config = vscode.workspace.getConfiguration(SECTION, folder?.uri);
  return resolveServer(launchSettings(config), {
    workspaceFolder: folder?.uri.fsPath,
    pythonExtensionInterpreter: () => pythonExtensionInterpreter(folder?.uri),
    hasServerModule,
    which: (name) => whichIn(name, process.env.PATH, isExecutable),
  });
}

async function notFound(message: string): Promise<void> {
  output.error(message);
  const choice = await vscode.window.showErrorMessage(message, "Open Settings", "Show Output");
  if (choice === "Open Settings") {
    await vscode.commands.executeCommand("workbench.action.openSettings", "archrules.path");
  } else if (choice === "Show Output") {
    output.show();
  }
}

async function startClient(): Promise<void> {
  const folder = workspaceFolder();
  setState("starting");
  const server = await findServer(folder);
  if (!server) {
    setState("not-found");
    void notFound(NOT_FOUND_MESSAGE);
    return;
  }
  output.info(`starting ${describe(server)}`);

  const serverOptions: ServerOptions = {
    command: server.command,
    args: server.args,
    transport: TransportKind.stdio,
    options: { cwd: folder?.uri.fsPath, env: process.env },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: serverSettings(vscode.workspace.getConfiguration(SECTION, folder?.uri)),
    middleware: {
      workspace: {
        // Answer workspace/configuration for `archrules` with the server's
        // settings only (no path/interpreter/trace, no values of a wrong type).
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) return result;
          return result.map((value: unknown, i: number) =>
            params.items[i]?.section === SECTION && value && typeof value === "object"
              ? serverSettings(fromObject(value as Record<string, unknown>))
              : value,
          );
        },
      },
      // `archrules.fixAll` from the command palette: the current document.
      executeCommand: (command, args, next): unknown => {
        if (command === "archrules.fixAll" && args.length === 0) {
          const doc = vscode.window.activeTextEditor?.document;
          if (!doc) {
            void vscode.window.showInformationMessage("archrules: open a file to fix");
            return undefined;
          }
          args = [doc.uri.toString()];
        }
        return next(command, args) as unknown;
      },
    },
  };

  const lc = new LanguageClient(SECTION, "archrules", serverOptions, clientOptions);
  client = lc;
  lc.onDidChangeState((e) => {
    if (e.newState === State.Running) setState("running");
    else if (e.newState === State.Stopped) setState("stopped");
    else setState("starting");
  });
  lc.onNotification("archrules/status", (params: ServerStatus) => {
    serverStatus = params;
    renderStatus();
    output.info(`status: ${JSON.stringify(params)}`);
  });
  try {
    await lc.start();
  } catch (err) {
    setState("stopped");
    void notFound(`archrules-lsp failed to start (${describe(server)}): ${String(err)}`);
  }
}

async function stopClient(): Promise<void> {
  const lc = client;
  client = undefined;
  if (!lc) return;
  try {
    if (lc.isRunning()) await lc.stop();
  } catch (err) {
    output.warn(`stopping the server: ${String(err)}`);
  }
  await lc.dispose();
}

async function restart(): Promise<void> {
  if (starting) await starting;
  starting = (async () => {
    await stopClient();
    await startClient();
  })();
  try {
    await starting;
  } finally {
    starting = undefined;
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("archrules", { log: true });
  statusItem = vscode.window.createStatusBarItem("archrules.status", vscode.StatusBarAlignment.Right, 100);
  statusItem.name = "archrules";
  statusItem.command = "archrules.showOutput";
  context.subscriptions.push(
    output,
    statusItem,
    vscode.commands.registerCommand("archrules.restart", restart),
    vscode.commands.registerCommand("archrules.showOutput", () => output.show()),
    // archrules.reloadRules / checkWorkspace / fixAll / showRule / writeBaseline / updateBaseline are the
    // server's commands: the language client registers them from the server's
    // executeCommandProvider (and the middleware above fills in fixAll's URI).
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      if (needsRestart((s) => e.affectsConfiguration(s))) {
        output.info("server executable settings changed: restarting");
        void restart();
      } else if (client?.isRunning()) {
        const settings = serverSettings(vscode.workspace.getConfiguration(SECTION, workspaceFolder()?.uri));
        void client.sendNotification(DidChangeConfigurationNotification.type, { settings: { [SECTION]: settings } });
      }
    }),
  );
  await watchPythonInterpreter(context);
  starting = startClient();
  await starting;
  starting = undefined;
}

/** Restart when the Python extension's interpreter changes and it is the one in use. */
async function watchPythonInterpreter(context: vscode.ExtensionContext): Promise<void> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (!ext) return;
  try {
    if (!ext.isActive) await ext.activate();
    const onChange = (
      ext.exports as { environments?: { onDidChangeActiveEnvironmentPath?: vscode.Event<unknown> } } | undefined
    )?.environments?.onDidChangeActiveEnvironmentPath;
    if (!onChange) return;
    context.subscriptions.push(
      onChange(() => {
        const launch = launchSettings(vscode.workspace.getConfiguration(SECTION, workspaceFolder()?.uri));
        if (launch.path.length === 0 && launch.interpreter.length === 0) {
          output.info("the Python interpreter changed: restarting");
          void restart();
        }
      }),
    );
  } catch (err) {
    output.warn(`the Python extension's API: ${String(err)}`);
  }
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
