// What a user does in the VS Code workbench, expressed against its DOM: run a command from the
// palette, open a file by name, hover a piece of source text, read status bar items and
// webview frames. Every wait polls the page state; none sleeps for a fixed time.
import type { Frame, Page } from "playwright-core";
import type { DomElement, DomGlobals } from "./dom";
import { poll } from "./poll";

export const STEP_MS = Number(process.env.E2E_STEP_TIMEOUT_MS || 60_000);

/**
 * Runs a command through the palette (F1), choosing the row whose label matches `title`, and waits
 * for the palette to close; `opensInput`: the command opens a quick input of its own at once (a
 * file dialog, a pick), so the widget may never close in between: no wait.
 */
export async function runCommand(page: Page, title: string | RegExp, opts: { opensInput?: boolean } = {}): Promise<string> {
  await page.keyboard.press("Escape");
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ state: "visible", timeout: STEP_MS });
  const typed = typeof title === "string" ? title : title.source.replace(/[\\^$.*+?()[\]{}|]/g, " ").replace(/\s+/g, " ").trim();
  await input.fill(">" + typed);
  const row = page.locator(".quick-input-list .monaco-list-row").filter({ hasText: title }).first();
  await row.waitFor({ state: "visible", timeout: STEP_MS });
  const label = ((await row.getAttribute("aria-label")) ?? (await row.textContent()) ?? "").trim();
  await row.click();
  if (!opts.opensInput) await page.locator(".quick-input-widget").waitFor({ state: "hidden", timeout: STEP_MS });
  return label;
}

/** Quick Open (Ctrl+P) a workspace file and wait for its tab and its text. */
export async function openFile(page: Page, name: string, expectText: string): Promise<void> {
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input.input");
  await input.waitFor({ state: "visible", timeout: STEP_MS });
  await input.fill(name);
  // The focused row, not any row: a file opened before is listed among the recent ones until the
  // filter applies, and Enter then opens whichever recent file is on top.
  await page.locator(".quick-input-list .monaco-list-row.focused", { hasText: name }).first().waitFor({ state: "visible", timeout: STEP_MS });
  await page.keyboard.press("Enter");
  await page.locator(".tabs-container .tab.active", { hasText: name }).first().waitFor({ state: "visible", timeout: STEP_MS });
  await activeEditor(page).locator(".view-lines", { hasText: expectText }).first().waitFor({ timeout: STEP_MS });
}

/** The editor of the active editor group. */
export function activeEditor(page: Page) {
  return page.locator(".editor-group-container.active .monaco-editor").first();
}

/** The editor of the group whose active tab is labelled `tab` (e.g. a preview opened beside). */
export function editorWithTab(page: Page, tab: string | RegExp) {
  return page.locator(".editor-group-container")
    .filter({ has: page.locator(".tab.active", { hasText: tab }) })
    .locator(".monaco-editor").first();
}

/** Text of the lines an editor has rendered (monaco renders spaces as U+00A0); default: the active one. */
export async function visibleEditorText(page: Page, editor = activeEditor(page)): Promise<string> {
  const lines = await editor.locator(".view-lines .view-line").allTextContents();
  return lines.map((l) => l.replace(/\u00a0/g, " ")).join("\n");
}

/**
 * Screen position of the first rendered occurrence of `text` in the active editor, optionally
 * offset by `offset` characters into the match (to land on a token inside it).
 */
export async function textPosition(page: Page, text: string, offset = 0): Promise<{ x: number; y: number } | null> {
  const editor = await activeEditor(page).elementHandle();
  if (!editor) return null;
  return editor.evaluate((el, arg: { text: string; offset: number }) => {
    const { document } = globalThis as unknown as DomGlobals;
    const root = el as unknown as DomElement;
    for (const line of Array.from(root.querySelectorAll(".view-lines .view-line"))) {
      const full = (line.textContent ?? "").replace(/\u00a0/g, " ");
      const at = full.indexOf(arg.text);
      if (at < 0) continue;
      // walk the line's text nodes to the character we want
      const target = at + arg.offset;
      const walker = document.createTreeWalker(line, 4 /* NodeFilter.SHOW_TEXT */);
      let seen = 0;
      for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const len = (n.textContent ?? "").length;
        if (target < seen + len) {
          const r = document.createRange();
          r.setStart(n, target - seen);
          r.setEnd(n, target - seen + 1);
          const b = r.getBoundingClientRect();
          return { x: b.left + b.width / 2, y: b.top + b.height / 2 };
        }
        seen += len;
      }
    }
    return null;
  }, { text, offset });
}

/** Texts of all status bar items. */
export async function statusBarTexts(page: Page): Promise<string[]> {
  const items = page.locator(".statusbar .statusbar-item");
  const n = await items.count();
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const item = items.nth(i);
    const text = ((await item.textContent()) ?? "").replace(/\s+/g, " ").trim();
    const label = (await item.getAttribute("aria-label")) ?? "";
    if (text || label) out.push(text && label && !label.includes(text) ? `${text} [${label}]` : text || label);
  }
  return out;
}

/**
 * Evaluates `probe` in every frame (webviews live in nested iframes) until one returns a
 * non-null value; returns that value and its frame.
 */
export async function findInFrames<T>(page: Page, what: string, probe: () => T | null, timeoutMs = STEP_MS): Promise<{ value: T; frame: Frame }> {
  return poll(what, async () => {
    for (const frame of page.frames()) {
      const value = await frame.evaluate(probe).catch(() => null);
      if (value !== null && value !== undefined) return { value: value as T, frame };
    }
    return undefined;
  }, { timeoutMs, intervalMs: 250 });
}
