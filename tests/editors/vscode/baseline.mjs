// The baseline in real VS Code (SCENARIO=baseline of drive.mjs, with a file open whose
// findings are all in the project's baseline): the frozen finding is a hint squiggle and
// no error one; NEW_VIOLATION typed on a new line after line INSERT_AFTER (1-based) is an
// error squiggle; Ctrl+. on it and "Add ... to the baseline" writes BASELINE_FILE and
// the error squiggle goes, with no further edit.
import { readFileSync } from "node:fs";

const editor = ".editor-instance .monaco-editor";
const errors = `${editor} .squiggly-error`;
const hints = `${editor} .squiggly-hint`;

export async function baseline({ page, step, env }) {
  const file = env("BASELINE_FILE");
  const frozen = readFileSync(file, "utf8");

  await step("frozen", async () => {
    await page.waitForSelector(hints, { state: "attached", timeout: 90000 });
    return { hints: await page.locator(hints).count(), errors: await page.locator(errors).count() };
  });

  await step("new-violation", async () => {
    await page.locator(`${editor} .view-lines`).first().click();
    await page.keyboard.press("Control+G");
    await page.waitForSelector(".quick-input-widget input", { state: "visible" });
    await page.keyboard.type(env("INSERT_AFTER"));
    await page.keyboard.press("Enter");
    await page.keyboard.press("End");
    await page.keyboard.press("Enter"); // keeps the line's indentation
    await page.keyboard.type(env("NEW_VIOLATION"));
    await page.waitForSelector(errors, { timeout: 30000 });
    return { errors: await page.locator(errors).count() };
  });

  await step("add-to-baseline", async () => {
    await page.keyboard.press("Home"); // the first non-blank: inside the finding's range
    await page.keyboard.press("Control+.");
    await page.waitForSelector(".action-widget .monaco-list-row.action", { timeout: 30000 });
    const titles = (await page.locator(".action-widget .monaco-list-row.action").allInnerTexts()).map((t) => t.trim());
    const index = titles.findIndex((t) => /^Add .* to the baseline$/.test(t));
    if (index < 0) throw new Error(`no "Add ... to the baseline" among ${JSON.stringify(titles)}`);
    // the menu opens with the first action focused; an overlay swallows mouse clicks on it
    for (let i = 0; i < index; i += 1) await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter");
    const deadline = Date.now() + 30000;
    while (readFileSync(file, "utf8") === frozen) {
      if (Date.now() > deadline) throw new Error(`${file} did not change within 30 s`);
      await page.waitForTimeout(100);
    }
    return { titles, chosen: titles[index] };
  });

  await step("error-gone", async () => {
    await page.waitForFunction((sel) => document.querySelectorAll(sel).length === 0, errors, { timeout: 30000 });
    return { errors: 0, hints: await page.locator(hints).count() };
  });
}
