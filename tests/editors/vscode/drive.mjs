// Drives real VS Code (code-server in Debian's Chromium, via playwright-core)
// through the archrules scenario: open the example file from the explorer,
// squiggle, Problems entry, hover, Ctrl+. quick fix + Enter, squiggle gone,
// Ctrl+S (SCENARIO=diagnostic: stop after the Problems entry; SCENARIO=authoring
// or baseline: vscode/authoring.mjs or vscode/baseline.mjs instead). Each step is a
// JSON line in $RESULTS; screenshots go to $ARTIFACTS.
// Run by tests/editors/test_vscode.py.
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(new URL("../tools/package.json", import.meta.url));
const { chromium } = require("playwright-core");

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} not set`);
  return v;
};
const URL_ = env("CODE_SERVER_URL");
const FOLDER = env("PROJECT");
const FILE = env("FILE"); // "models/database/architecture_scan.py"
const RESULTS = env("RESULTS");
const ARTIFACTS = env("ARTIFACTS");
const CODE = process.env.EXPECT_CODE ?? "BG-001";
const LINE = env("EXPECT_LINE");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
mkdirSync(ARTIFACTS, { recursive: true });

const t0 = Date.now();
function emit(step, ok, data = {}) {
  appendFileSync(RESULTS, JSON.stringify({ step, ok, ms: Date.now() - t0, ...data }) + "\n");
  console.log(`[drive ${((Date.now() - t0) / 1000).toFixed(1)}s] ${step} ${ok ? "ok" : "FAILED"} ${JSON.stringify(data).slice(0, 300)}`);
}
let shot = 0;
async function screenshot(page, name) {
  shot += 1;
  const file = join(ARTIFACTS, `${String(shot).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file }).catch(() => {});
  return file;
}

const browser = await chromium.launch({
  executablePath: CHROMIUM,
  headless: true,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
  ],
});
const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
page.setDefaultTimeout(30000);
const consoleLines = [];
page.on("console", (m) => consoleLines.push(`${m.type()}: ${m.text()}`));

let failed = false;
async function step(name, fn) {
  if (failed) return;
  try {
    const data = (await fn()) ?? {};
    emit(name, true, { ...data, screenshot: await screenshot(page, name) });
  } catch (err) {
    failed = true;
    emit(name, false, { error: String(err?.stack ?? err).slice(0, 2000), screenshot: await screenshot(page, `${name}-failed`) });
  }
}

const editor = ".editor-instance .monaco-editor";
const squiggle = `${editor} .squiggly-error`;

await step("workbench", async () => {
  await page.goto(`${URL_}/?folder=${encodeURIComponent(FOLDER)}`);
  await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
  await page.waitForSelector(".explorer-folders-view .monaco-list-row", { timeout: 60000 });
  return { title: await page.title() };
});

if (process.env.EXPECT_NOT_FOUND === "1") {
  // No server anywhere: the extension says so, with its two buttons.
  await step("not-found-notification", async () => {
    const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "archrules-lsp not found" });
    await toast.first().waitFor({ timeout: 60000 });
    const buttons = await toast.first().locator(".monaco-button").allInnerTexts();
    await page.waitForTimeout(800); // let the toast finish sliding in (screenshot)
    const status = await page.locator(".statusbar-item", { hasText: "archrules" }).first().innerText().catch(() => "");
    return { text: (await toast.first().innerText()).trim(), buttons: buttons.map((b) => b.trim()), status: status.trim() };
  });
  await browser.close();
  process.exit(failed ? 1 : 0);
}

await step("open-from-explorer", async () => {
  const parts = FILE.split("/");
  for (const [i, name] of parts.entries()) {
    const row = page.locator(".explorer-folders-view .monaco-list-row", {
      has: page.locator(".label-name", { hasText: new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`) }),
    });
    await row.first().waitFor({ timeout: 30000 });
    const last = i === parts.length - 1;
    if (!last && (await row.first().getAttribute("aria-expanded")) === "true") continue;
    await row.first().click();
  }
  const tab = page.locator(".tabs-container .tab", { hasText: parts[parts.length - 1] });
  await tab.first().waitFor({ timeout: 30000 });
  await page.waitForSelector(`${editor} .view-lines`, { timeout: 30000 });
  return { tab: (await tab.first().getAttribute("aria-label")) ?? "" };
});

// scenarios of their own once the file is open: rule authoring in a rule file
// (vscode/authoring.mjs), the baseline (vscode/baseline.mjs)
if (["authoring", "baseline"].includes(process.env.SCENARIO)) {
  const scenario = await import(`./${process.env.SCENARIO}.mjs`);
  await scenario[process.env.SCENARIO]({ page, step, env });
  if (failed) appendFileSync(join(ARTIFACTS, "browser-console.log"), consoleLines.join("\n") + "\n");
  await browser.close();
  process.exit(failed ? 1 : 0);
}

await step("squiggle", async () => {
  await page.waitForSelector(squiggle, { timeout: 90000 });
  return { count: await page.locator(squiggle).count() };
});

await step("status-bar", async () => {
  const item = page.locator(".statusbar-item", { hasText: "archrules" });
  await item.first().waitFor({ timeout: 30000 });
  // wait for the server's archrules/status (rule count) to reach the item
  await page.waitForFunction(
    () => [...document.querySelectorAll(".statusbar-item")].some((e) => /archrules: \d+ rule/.test(e.textContent ?? "")),
    undefined,
    { timeout: 30000 },
  ).catch(() => {});
  return { text: (await item.first().innerText()).trim() };
});

await step("problems", async () => {
  await page.keyboard.press("Escape");
  await page.locator(editor).first().click({ position: { x: 400, y: 5 } }).catch(() => {});
  await page.keyboard.press("Control+Shift+M");
  const panel = page.locator(".markers-panel");
  await panel.waitFor({ timeout: 30000 });
  // The row shows "archrules(BG-001)"; the parentheses are CSS pseudo-content,
  // so the DOM text is "archrulesBG-001".
  await page.waitForFunction(
    (code) => [...document.querySelectorAll(".markers-panel .monaco-list-row")].some((r) => (r.textContent ?? "").includes(`archrules${code}`)),
    CODE,
    { timeout: 30000 },
  );
  const rows = await page.locator(".markers-panel .monaco-list-row").evaluateAll((els) =>
    els.map((r) => {
      const code = r.querySelector(".marker-code")?.textContent ?? "";
      const source = r.querySelector(".marker-source")?.textContent ?? "";
      const message = r.querySelector(".marker-message-details, .marker-message")?.textContent ?? r.textContent ?? "";
      return { text: (r.textContent ?? "").replace(/\s+/g, " ").trim(), source, code, message };
    }),
  );
  return { rows };
});

if (process.env.SCENARIO === "diagnostic") {
  // only: the file opens, and the server's diagnostic shows (any language)
  await browser.close();
  process.exit(failed ? 1 : 0);
}

await step("hover", async () => {
  const box = await page.locator(squiggle).first().boundingBox();
  if (!box) throw new Error("squiggle has no box");
  await page.mouse.move(box.x + Math.min(box.width / 2, 20), box.y + box.height / 2 - 4);
  await page.mouse.move(box.x + Math.min(box.width / 2, 20) + 2, box.y + box.height / 2 - 4);
  const hover = page.locator(".monaco-hover:not(.hidden)", { hasText: LINE });
  await hover.first().waitFor({ timeout: 30000 });
  return { text: (await hover.first().innerText()).slice(0, 2000) };
});

const viaPalette = process.env.FIX_VIA === "palette";

async function runFromPalette(title) {
  await page.keyboard.press("F1");
  await page.waitForSelector(".quick-input-widget input", { state: "visible" });
  await page.keyboard.type(title);
  const item = page.locator(".quick-input-list .monaco-list-row", { hasText: title.replace(/^archrules: /, "") });
  await item.first().waitFor({ timeout: 10000 });
  await page.keyboard.press("Enter");
}

async function waitForLine() {
  await page.waitForFunction(
    (line) => (document.querySelector(".editor-instance .monaco-editor .view-lines")?.textContent ?? "").replace(/\u00a0/g, " ").includes(line),
    LINE,
    { timeout: 30000 },
  );
}

if (viaPalette) {
  // The "Show rule" quick fix runs the server's archrules.showRule, which opens
  // the rule file at the rule (window/showDocument).
  await step("show-rule", async () => {
    await page.mouse.move(5, 880);
    await page.keyboard.press("Escape");
    const box = await page.locator(squiggle).first().boundingBox();
    await page.mouse.click(box.x + Math.min(box.width / 2, 20), box.y + box.height / 2 - 4);
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+.");
    await page.waitForSelector(".action-widget .monaco-list-row.action", { timeout: 30000 });
    const titles = (await page.locator(".action-widget .monaco-list-row.action").allInnerTexts()).map((t) => t.trim());
    const index = titles.findIndex((t) => /^show rule/i.test(t));
    if (index < 0) throw new Error(`no Show rule action among ${JSON.stringify(titles)}`);
    for (let i = 0; i < index; i += 1) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    const tab = page.locator(".tabs-container .tab.active", { hasText: "background-tasks.yaml" });
    await tab.first().waitFor({ timeout: 30000 });
    await page.waitForFunction(
      (code) => [...document.querySelectorAll(".editor-instance .monaco-editor .view-lines .view-line")].some((l) => (l.textContent ?? "").includes(code)),
      CODE,
      { timeout: 30000 },
    );
    const cursor = await page.locator(".statusbar-item", { hasText: /Ln \d+, Col \d+/ }).first().innerText().catch(() => "");
    await screenshot(page, "show-rule-yaml");
    // back to the Python file (its preview tab was replaced): from the explorer again
    const name = FILE.split("/").pop();
    await page.locator(".explorer-folders-view .monaco-list-row", {
      has: page.locator(".label-name", { hasText: name }),
    }).first().click();
    await page.locator(".tabs-container .tab.active", { hasText: name }).first().waitFor({ timeout: 30000 });
    await page.waitForSelector(squiggle, { timeout: 30000 });
    return { titles, cursor: cursor.trim() };
  });

  // A settings change reaches the server: BG-001 as a warning.
  await step("settings-change", async () => {
    await page.mouse.move(5, 880);
    await page.keyboard.press("Escape");
    const file = join(FOLDER, ".vscode", "settings.json");
    const settings = JSON.parse(readFileSync(file, "utf8"));
    settings["archrules.severityOverrides"] = { [CODE]: "warning" };
    writeFileSync(file, JSON.stringify(settings, null, 2));
    await page.waitForSelector(`${editor} .squiggly-warning`, { timeout: 30000 });
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 0, squiggle, { timeout: 30000 });
    return { warnings: await page.locator(`${editor} .squiggly-warning`).count() };
  });

  // "archrules: Fix All in Current File": the extension adds the document URI
  // to the server's archrules.fixAll command.
  await step("fix-all-command", async () => {
    await page.mouse.move(5, 880);
    await page.keyboard.press("Escape");
    await page.locator(`${editor} .view-lines`).first().click();
    await runFromPalette("archrules: Fix All in Current File");
    await waitForLine();
    return {};
  });
}

if (!viaPalette) await step("quickfix-menu", async () => {
  await page.mouse.move(5, 880);
  await page.keyboard.press("Escape");
  // put the cursor on the squiggle, then Ctrl+.
  const box = await page.locator(squiggle).first().boundingBox();
  await page.mouse.click(box.x + Math.min(box.width / 2, 20), box.y + box.height / 2 - 4);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+.");
  const menu = page.locator(".action-widget");
  await menu.first().waitFor({ state: "visible", timeout: 30000 });
  await page.waitForSelector(".action-widget .monaco-list-row.action", { timeout: 30000 });
  const titles = (await page.locator(".action-widget .monaco-list-row.action").allInnerTexts()).map((t) => t.trim());
  return { titles };
});

if (!viaPalette) await step("apply-quickfix", async () => {
  const titles = (await page.locator(".action-widget .monaco-list-row.action").allInnerTexts()).map((t) => t.trim());
  // the rule fix: the first action that is neither an "Ignore ..." nor "Show rule" one
  const index = titles.findIndex((t) => !/^(ignore|show rule|fix all)/i.test(t));
  if (index < 0) throw new Error(`no rule fix among ${JSON.stringify(titles)}`);
  // the menu opens with the first action focused; an overlay swallows mouse clicks on it
  for (let i = 0; i < index; i += 1) await page.keyboard.press("ArrowDown");
  const focused = await page.locator(".action-widget .monaco-list-row.action.focused").first().innerText().catch(() => "");
  await page.keyboard.press("Enter");
  await waitForLine();
  return { chosen: titles[index], focused: focused.trim() };
});

await step("squiggle-gone", async () => {
  await page.waitForFunction(
    ({ sel, code }) =>
      document.querySelectorAll(sel).length === 0 &&
      ![...document.querySelectorAll(".markers-panel .monaco-list-row")].some((r) => (r.textContent ?? "").includes(`archrules${code}`)),
    { sel: `${squiggle}, ${editor} .squiggly-warning`, code: CODE },
    { timeout: 30000 },
  );
  return { squiggles: await page.locator(`${squiggle}, ${editor} .squiggly-warning`).count() };
});

await step("save", async () => {
  await page.locator(`${editor} .view-lines`).first().click();
  await page.keyboard.press("Control+S");
  await page.waitForFunction(() => document.querySelectorAll(".tabs-container .tab.dirty").length === 0, undefined, {
    timeout: 30000,
  });
  return {};
});

await step("command-reload-rules", async () => {
  // A server command from the palette: the language client registers the
  // server's executeCommandProvider commands under the ids package.json contributes.
  await runFromPalette("archrules: Reload Rules");
  await page.waitForTimeout(1500);
  const toasts = await page.locator(".notifications-toasts .notification-toast").allInnerTexts();
  const bad = toasts.filter((t) => /not found|failed|error/i.test(t));
  if (bad.length) throw new Error(`notification after Reload Rules: ${JSON.stringify(bad)}`);
  const status = await page.locator(".statusbar-item", { hasText: "archrules" }).first().innerText();
  return { toasts, status: status.trim() };
});

if (failed) {
  appendFileSync(join(ARTIFACTS, "browser-console.log"), consoleLines.join("\n") + "\n");
}
await browser.close();
process.exit(failed ? 1 : 0);
