// The status bar text for the server's state, free of the `vscode` API.

/** The `archrules/status` notification's parameters. */
export interface ServerStatus {
  /** "ready" | "error" (anything else is treated as "ready"). */
  state: string;
  ruleCount?: number;
  ruleErrors?: number;
  ruleFiles?: string[];
}

export type ClientState = "starting" | "running" | "stopped" | "not-found";

export interface StatusView {
  text: string;
  tooltip: string;
  /** "error" | "warning" | undefined: which status bar background to use. */
  level?: "error" | "warning";
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function statusView(client: ClientState, status?: ServerStatus): StatusView {
  if (client === "not-found") {
    return { text: "$(error) archrules", tooltip: "archrules-lsp not found: click to show the output", level: "error" };
  }
  if (client === "stopped") {
    return { text: "$(circle-slash) archrules", tooltip: "archrules-lsp is not running: click to show the output", level: "warning" };
  }
  if (client === "starting" || !status) {
    return { text: "$(sync~spin) archrules", tooltip: "archrules-lsp is starting" };
  }
  const rules = status.ruleCount ?? 0;
  const errors = status.ruleErrors ?? 0;
  const files = status.ruleFiles ?? [];
  const fileList = files.length ? `\n\nRule files:\n${files.map((f) => `- ${f}`).join("\n")}` : "\n\nNo rule files found.";
  if (status.state === "error" || errors > 0) {
    return {
      text: `$(warning) archrules: ${plural(rules, "rule")}, ${plural(errors, "error")}`,
      tooltip: `${plural(errors, "error")} in the rule files (see the Problems panel)${fileList}`,
      level: status.state === "error" ? "error" : "warning",
    };
  }
  return {
    text: `$(check) archrules: ${plural(rules, "rule")}`,
    tooltip: `archrules-lsp is ready with ${plural(rules, "rule")}${fileList}`,
  };
}
