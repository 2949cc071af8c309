// Settings handling, free of the `vscode` API so it can be unit tested.
//
// package.json's `contributes.configuration` declares the defaults (the same
// as the server's own, which tests/server/test_settings_defaults.py checks):
// VS Code fills them in, and this module only picks the server's
// settings out of the resolved `archrules` section, dropping the VS Code-only
// ones (`path`, `interpreter`, `trace`) and values of the wrong type (which VS
// Code lets through from hand-edited settings.json files).

export const SEVERITIES = ["error", "warning", "info", "hint", "off"] as const;
export type Severity = (typeof SEVERITIES)[number];

export interface ServerSettings {
  enable: boolean;
  rules: string[];
  include: string[];
  exclude: string[];
  diagnosticMode: "openFilesOnly" | "workspace";
  select: string[];
  ignore: string[];
  severityOverrides: Record<string, Severity>;
  debounceMs: number;
  logLevel: "error" | "warning" | "info" | "debug";
  maxFileSize: number;
  baseline: "hint" | "hide" | "show";
  maxDiagnosticsPerFile: number;
}

/** The server's settings, in the order package.json lists them. */
export const SERVER_SETTING_KEYS: readonly (keyof ServerSettings)[] = [
  "enable",
  "rules",
  "include",
  "exclude",
  "diagnosticMode",
  "select",
  "ignore",
  "severityOverrides",
  "debounceMs",
  "logLevel",
  "maxFileSize",
  "baseline",
  "maxDiagnosticsPerFile",
];

/** Settings only the extension reads (never sent to the server). */
export const CLIENT_SETTING_KEYS = ["path", "interpreter", "trace"] as const;

/** What `WorkspaceConfiguration` offers (and a plain object in tests). */
export interface SettingsSource {
  get<T>(key: string): T | undefined;
}

export function fromObject(obj: Record<string, unknown>): SettingsSource {
  return {
    get<T>(key: string): T | undefined {
      let cur: unknown = obj;
      for (const part of key.split(".")) {
        if (cur === null || typeof cur !== "object") return undefined;
        cur = (cur as Record<string, unknown>)[part];
      }
      return cur as T | undefined;
    },
  };
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * The server settings from a resolved `archrules` configuration section.
 * Keys that are unset or of the wrong type are left out (the server then uses
 * its own default, which equals package.json's), so the result is always
 * safe to send.
 */
export function serverSettings(source: SettingsSource): Partial<ServerSettings> {
  const out: Partial<ServerSettings> & Record<string, unknown> = {};
  const enable = source.get<unknown>("enable");
  if (typeof enable === "boolean") out.enable = enable;
  for (const key of ["rules", "include", "exclude", "select", "ignore"] as const) {
    const v = source.get<unknown>(key);
    if (isStringArray(v)) out[key] = [...v];
  }
  const mode = source.get<unknown>("diagnosticMode");
  if (mode === "openFilesOnly" || mode === "workspace") out.diagnosticMode = mode;
  const overrides = source.get<unknown>("severityOverrides");
  if (isPlainObject(overrides)) {
    const clean: Record<string, Severity> = {};
    for (const [rule, sev] of Object.entries(overrides)) {
      if (typeof sev === "string" && (SEVERITIES as readonly string[]).includes(sev)) {
        clean[rule] = sev as Severity;
      }
    }
    out.severityOverrides = clean;
  }
  for (const key of ["debounceMs", "maxFileSize", "maxDiagnosticsPerFile"] as const) {
    const v = source.get<unknown>(key);
    if (typeof v === "number" && Number.isInteger(v) && v >= 0) out[key] = v;
  }
  const level = source.get<unknown>("logLevel");
  if (level === "error" || level === "warning" || level === "info" || level === "debug") out.logLevel = level;
  const baseline = source.get<unknown>("baseline");
  if (baseline === "hint" || baseline === "hide" || baseline === "show") out.baseline = baseline;
  return out;
}

/** The server executable settings, normalised: arrays of non-empty strings. */
export interface LaunchSettings {
  path: string[];
  interpreter: string[];
}

export function launchSettings(source: SettingsSource): LaunchSettings {
  const norm = (v: unknown): string[] => {
    // a plain string is accepted too (a common hand-edited mistake)
    if (typeof v === "string") return v.trim() ? [v.trim()] : [];
    return isStringArray(v) ? v.filter((s) => s.trim() !== "") : [];
  };
  return { path: norm(source.get<unknown>("path")), interpreter: norm(source.get<unknown>("interpreter")) };
}

/** Did a configuration change touch something that needs a server restart? */
export function needsRestart(affects: (section: string) => boolean): boolean {
  return affects("archrules.path") || affects("archrules.interpreter");
}
