// Rule authoring in real VS Code (SCENARIO=authoring of drive.mjs, with the rule file
// open): Ctrl+Space on a new key line of a rule lists keys in the suggest widget;
// Ctrl+K Ctrl+I on a key shows its documentation in the hover; with
// EXPECT_LENSES (a JSON list of texts), the code lens text rendered above the rules.
// Positions come from the test: NEW_KEY_AFTER (1-based line after which a key line
// goes), HOVER_AT ("line:column" of a key).

const editor = ".editor-instance .monaco-editor";

async function goTo(page, position) {
  await page.keyboard.press("Control+G");
  await page.waitForSelector(".quick-input-widget input", { state: "visible" });
  await page.keyboard.type(position);
  await page.keyboard.press("Enter");
  await page.waitForSelector(".quick-input-widget", { state: "hidden" });
}

async function visibleTexts(page, selector) {
  return (await page.locator(selector).allInnerTexts()).map((t) => t.replace(/\s+/g, " ").trim());
}

export async function authoring({ page, step, env }) {
  await step("server-ready", async () => {
    // the rule count of the server's archrules/status: the extension is active, the rules loaded
    await page.waitForFunction(
      () => [...document.querySelectorAll(".statusbar-item")].some((e) => /archrules: \d+ rule/.test(e.textContent ?? "")),
      undefined,
      { timeout: 90000 },
    );
    await page.locator(`${editor} .view-lines`).first().click();
    return {};
  });

  await step("completion", async () => {
    // the line after NEW_KEY_AFTER keeps its indentation: Enter at its end starts a key line there
    await goTo(page, env("NEW_KEY_AFTER"));
    await page.keyboard.press("End");
    await page.keyboard.press("Enter");
    await page.keyboard.press("Control+Space");
    const rows = ".suggest-widget.visible .monaco-list-row";
    // until the server's items are in (word-based ones could come first)
    await page.locator(`${rows} .label-name`, { hasText: /^severity$/ }).first().waitFor({ timeout: 30000 });
    // the widget shows the rows that fit; their labels are the items' labels
    const labels = await visibleTexts(page, `${rows} .label-name`);
    const focused = await page.locator(`${rows}.focused .label-name`).first().innerText().catch(() => "");
    return { labels, focused: focused.trim() };
  });

  await step("completion-closed", async () => {
    await page.keyboard.press("Escape");
    await page.keyboard.press("Control+Z"); // the new line goes again
    await page.waitForFunction(() => document.querySelectorAll(".tabs-container .tab.dirty").length === 0,
      undefined, { timeout: 30000 });
    return {};
  });

  await step("hover", async () => {
    await goTo(page, env("HOVER_AT"));
    await page.keyboard.press("Control+K");
    await page.keyboard.press("Control+I");
    const hover = page.locator(".monaco-hover:not(.hidden) .hover-contents");
    await hover.first().waitFor({ timeout: 30000 });
    return { text: (await hover.first().innerText()).slice(0, 2000) };
  });

  if (process.env.EXPECT_LENSES) {
    // the lens texts VS Code renders above the rules in view, once they are all expected ones
    const expected = JSON.parse(process.env.EXPECT_LENSES);
    await step("code-lens", async () => {
      await page.keyboard.press("Escape");
      await page.keyboard.press("Control+Home");
      const lenses = `${editor} .codelens-decoration`;
      await page.waitForFunction(
        ({ sel, want }) => {
          const texts = [...document.querySelectorAll(sel)].map((e) => (e.textContent ?? "").replace(/\s+/g, " ").trim());
          return texts.length > 0 && texts.every((t) => want.includes(t));
        },
        { sel: lenses, want: expected },
        { timeout: 90000 },
      );
      const texts = await page.locator(lenses).evaluateAll((els) => els.map((e) => (e.textContent ?? "").replace(/\s+/g, " ").trim()));
      return { lenses: texts };
    });
  }
}
