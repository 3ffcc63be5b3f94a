// The UI end-to-end suite: the packaged .vsix installed into a fresh code-server, a workspace
// holding the examples, and headless Chromium doing what a user does. It checks that the
// extension activates on a .scoremod.ts file, the language server analyses it (diagnostics
// follow edits), a hover on an `.at()` load explains its lane class and width, Show CUDA opens
// generated CUDA, the mask and score view shows proven tile classes and hover values that match
// the float64 runtime (and zooms on a click), the sweep webview charts recorded sweep data, the
// status bar says plainly that no GPU runner is available, Benchmark and Sweep are off without
// one (a lens says why and how to run elsewhere), Show SASS gives registers and spills with SASS
// or the reason there is none, the Outline lists the mod, Export to Flex writes a file beside the
// mod, and New Score Mod File, from the palette and from the walkthrough's button, creates a file
// in the workspace. Screenshots go to $E2E_ARTIFACTS.
//
// env (set by scripts/e2e.sh): E2E_CODE_SERVER, E2E_VSIX, E2E_EXTENSION_ID, E2E_RUN_DIR,
// E2E_ARTIFACTS, E2E_WORKSPACE_SRC, E2E_SWEEP_FIXTURE.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Page } from "playwright-core";
import type { DomGlobals } from "../lib/dom";
import { launchBrowser, type Browser } from "../lib/browser";
import { installVsix, makeRunDirs, startCodeServer, type CodeServer } from "../lib/codeServer";
import { poll } from "../lib/poll";
import { Steps } from "../lib/steps";
import { activeEditor, editorWithTab, findInFrames, openFile, runCommand, STEP_MS, statusBarTexts, textPosition, visibleEditorText } from "../lib/workbench";
import { EXPECT } from "./expect";
import ts from "typescript";
import { withBindings } from "../../../runtime/src/dsl";
import { loadScoreModule } from "../../../runtime/src/load";
import { rawScore } from "../../../runtime/src/maskView";

/** What the sweep view must show for a recorded runner SweepResult: a table row per V, the best cell. */
function expectedSweep(file: string): { rows: number; best: string } {
  interface Cell { vec: number; result?: { timing: { tflops: number } | null } }
  const r = JSON.parse(readFileSync(file, "utf8")) as { cells: Cell[] };
  let best: Cell | undefined;
  for (const c of r.cells) if (c.result?.timing && (!best || c.result.timing.tflops > best.result!.timing!.tflops)) best = c;
  if (!best) throw new Error(`${file} has no timed cell`);
  return { rows: new Set(r.cells.map((c) => c.vec)).size, best: `Best: ${best.result!.timing!.tflops.toFixed(0)} TFLOPS at V=${best.vec},` };
}

/** The hover text the view must show at (q, kv) of softcap + causal, computed with the runtime in float64. */
function expectedViewCells(file: string, at: [number, number][]): string[] {
  const js = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2020 } }).outputText;
  const m = loadScoreModule(js, file);
  const score = (m.exports.softcap as { fn: (s: number, b: number, h: number, q: number, kv: number) => number }).fn;
  const mask = (m.exports.causal as { fn: (b: number, h: number, q: number, kv: number) => boolean }).fn;
  const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toPrecision(6));
  return withBindings({ dims: {}, scalars: { softcap: 30 } }, () => at.map(([q, kv]) => {
    const raw = rawScore(q, kv);
    return `(b=0, h=0, q=${q}, kv=${kv}) · raw score ${fmt(raw)} · score_mod ${fmt(score(raw, 0, 0, q, kv))} · mask ${mask(0, 0, q, kv) ? "keep" : "drop"}`;
  }));
}

function env(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run the suite through scripts/e2e.sh)`);
  return v;
}

const bin = env("E2E_CODE_SERVER");
const vsix = env("E2E_VSIX");
const extensionId = env("E2E_EXTENSION_ID");
const runDir = env("E2E_RUN_DIR");
const artifacts = env("E2E_ARTIFACTS");
const wsSrc = env("E2E_WORKSPACE_SRC");
const sweepFixture = env("E2E_SWEEP_FIXTURE");
mkdirSync(artifacts, { recursive: true });

const ws = path.join(runDir, "workspace");
let server: CodeServer | undefined;
let browser: Browser | undefined;
let page: Page | undefined;
const steps = new Steps(artifacts, () => page);
const shot = async (name: string) => {
  const p = path.join(artifacts, name);
  await page!.screenshot({ path: p, animations: "disabled" }); // fade-ins finished
  return p;
};

try {
  await steps.run("install-vsix", async () => {
    const dirs = makeRunDirs(runDir, { "scoremod.inlayHints.enabled": true });
    await installVsix(bin, dirs, vsix, path.join(artifacts, "install-extension.log"));
    const installed = readdirSync(dirs.extensions).filter((d) => d.toLowerCase().startsWith(extensionId.toLowerCase() + "-"));
    if (installed.length !== 1) throw new Error(`expected one ${extensionId}-<version> folder in the extensions dir, found: ${readdirSync(dirs.extensions).join(", ") || "nothing"}`);
    // the workspace: the examples plus the recorded sweep, as a user would have them
    mkdirSync(ws, { recursive: true });
    cpSync(wsSrc, ws, { recursive: true });
    cpSync(sweepFixture, path.join(ws, path.basename(sweepFixture)));
    writeFileSync(path.join(runDir, "workspace-path.txt"), ws + "\n");
    server = await startCodeServer({ bin, dirs, folder: ws, logFile: path.join(artifacts, "code-server.log") });
    return `${installed[0]}; code-server on ${server.url}`;
  }, { critical: true });

  await steps.run("load-workbench", async () => {
    browser = await launchBrowser(path.join(runDir, "chromium"));
    page = browser.page;
    await page.goto(`${server!.url}/?folder=${encodeURIComponent(ws)}`, { timeout: STEP_MS });
    await page.locator(".monaco-workbench").waitFor({ state: "visible", timeout: STEP_MS });
    // the explorer lists the workspace once the remote (extension host) connection is up
    await page.locator(".explorer-folders-view .monaco-list-row", { hasText: EXPECT.exampleFile }).first()
      .waitFor({ state: "visible", timeout: STEP_MS });
  }, { critical: true });

  await steps.run("open-example", async () => {
    await openFile(page!, EXPECT.exampleFile, EXPECT.exampleText);
    const mode = page!.locator(".statusbar-item#status\\.editor\\.mode");
    const text = await poll("the scoremod language mode", async () => {
      const t = ((await mode.textContent()) ?? "").trim();
      return EXPECT.languageName.test(t) ? t : undefined;
    }, { timeoutMs: STEP_MS, describe: async () => (await mode.textContent()) ?? "" });
    return `language mode: ${text}`;
  }, { critical: true });

  await steps.run("language-server-analysis", async () => {
    // CodeLens comes from the server's analysis of the file: its presence means the client
    // started, the server answered, and the mods were found.
    const lens = activeEditor(page!).locator(".codelens-decoration a", { hasText: EXPECT.showCudaLens });
    await lens.first().waitFor({ state: "visible", timeout: STEP_MS });
    const all = await activeEditor(page!).locator(".codelens-decoration").allTextContents();
    return `${all.length} CodeLens lines: ${all[0]?.replace(/\s+/g, " ").trim()}`;
  });

  await steps.run("inlay-hint", async () => {
    // the hint after the load renders as injected text in the editor line
    const line = await poll(`the ${EXPECT.inlayHint} inlay hint after the load`, async () =>
      (await visibleEditorText(page!)).split("\n").find((l) => l.includes(EXPECT.inlayHint)),
    { timeoutMs: STEP_MS, describe: async () => (await visibleEditorText(page!)).split("\n").filter((l) => l.includes(".at(")).join(" | ") });
    return line.trim().slice(-60);
  });

  await steps.run("diagnostics-follow-edits", async () => {
    // Break a load (a float index), wait for the error squiggle and its Problems row, revert, wait for it to go.
    const editor = activeEditor(page!);
    const before = await editor.locator(".squiggly-error").count();
    const at = await textPosition(page!, EXPECT.breakableText, EXPECT.breakableText.length);
    if (!at) throw new Error(`"${EXPECT.breakableText}" not visible in the editor`);
    await page!.mouse.click(at.x, at.y);
    await page!.keyboard.insertText(EXPECT.breakingEdit); // one edit, as a paste would be
    await poll("an error squiggle after the edit", async () => (await editor.locator(".squiggly-error").count()) > before, { timeoutMs: STEP_MS });
    await page!.keyboard.press("Escape"); // close any suggest widget the typing opened
    await page!.keyboard.press("Control+Shift+M"); // Problems view
    const row = page!.locator(".markers-panel .monaco-list-row", { hasText: EXPECT.problemText }).first();
    await row.waitFor({ state: "visible", timeout: STEP_MS });
    const problem = ((await row.textContent()) ?? "").replace(/\s+/g, " ").trim();
    await shot("diagnostics.png");
    // Back to the editor (its cursor still after the typed text) and delete exactly what was typed.
    await page!.keyboard.press("Control+1");
    for (let i = 0; i < EXPECT.breakingEdit.length; i++) await page!.keyboard.press("Backspace");
    await poll("the source line restored", async () => (await visibleEditorText(page!)).includes(EXPECT.restoredText), { timeoutMs: STEP_MS });
    await poll("the squiggle to clear after the revert", async () => (await editor.locator(".squiggly-error").count()) === before, { timeoutMs: STEP_MS });
    await page!.keyboard.press("Control+J"); // hide the panel again
    return problem.slice(0, 160);
  });

  await steps.run("hover-load", async () => {
    const editor = activeEditor(page!);
    const at = await textPosition(page!, EXPECT.hoverText, EXPECT.hoverOffset);
    if (!at) throw new Error(`"${EXPECT.hoverText}" not visible in the editor`);
    const hover = page!.locator(".monaco-hover:visible").filter({ hasText: EXPECT.hoverLaneClass }).first();
    // Move in from elsewhere so the editor sees a fresh mouse-over; retry while the server warms up.
    const text = await poll("a load hover naming the lane class", async () => {
      await page!.mouse.move(at.x - 40, at.y + 60);
      await page!.mouse.move(at.x, at.y, { steps: 4 });
      try {
        await hover.waitFor({ state: "visible", timeout: 3000 });
        return ((await hover.textContent()) ?? "").replace(/\s+/g, " ").trim();
      } catch { return undefined; }
    }, { timeoutMs: STEP_MS, intervalMs: 200 });
    for (const re of [EXPECT.hoverLaneClass, EXPECT.hoverWidth]) {
      if (!re.test(text)) throw new Error(`hover lacks ${re}: ${text}`);
    }
    await shot("hover.png");
    await page!.keyboard.press("Escape");
    void editor;
    return text.slice(0, 200);
  });

  await steps.run("auto-import-completion", async () => {
    // `idi` + Ctrl+Space on a new last line: idiv, which kv_bias does not import, is offered from "scoremod".
    await page!.keyboard.press("Control+1");
    await page!.keyboard.press("Control+End");
    await page!.keyboard.press("Enter");
    await page!.keyboard.insertText(EXPECT.completionPrefix);
    await page!.keyboard.press("Control+Space");
    const row = page!.locator(".suggest-widget .monaco-list-row", { hasText: EXPECT.completionItem }).first();
    await row.waitFor({ state: "visible", timeout: STEP_MS });
    const text = ((await row.textContent()) ?? "").replace(/\s+/g, " ").trim();
    if (!EXPECT.completionSource.test(text)) throw new Error(`the ${EXPECT.completionItem} item does not say where it is imported from: ${text}`);
    await shot("completion.png");
    await page!.keyboard.press("Escape");
    for (let i = 0; i < EXPECT.completionPrefix.length + 1; i++) await page!.keyboard.press("Backspace");
    await poll("the typed line removed", async () => !(await visibleEditorText(page!)).includes(EXPECT.completionPrefix), { timeoutMs: STEP_MS });
    // Back on the mod's line: Show CUDA follows the cursor.
    const at = await textPosition(page!, EXPECT.breakableText, EXPECT.breakableText.length);
    if (at) await page!.mouse.click(at.x, at.y);
    return text.slice(0, 120);
  });

  await steps.run("show-cuda", async () => {
    // Prefer the CodeLens (what a user clicks); the palette command is the fallback path.
    const lens = activeEditor(page!).locator(".codelens-decoration a", { hasText: EXPECT.showCudaLens }).first();
    let via = "CodeLens";
    if (await lens.isVisible()) await lens.click();
    else { via = "palette"; await runCommand(page!, EXPECT.showCudaCommand); }
    // The preview opens beside the source without taking focus, scrolled to the code generated
    // from the line under the cursor.
    const preview = editorWithTab(page!, EXPECT.cudaTab);
    const text = await poll(`generated CUDA in the ${EXPECT.cudaTab} preview`, async () => {
      if (!(await preview.isVisible().catch(() => false))) return undefined;
      const t = await visibleEditorText(page!, preview);
      return EXPECT.cudaText.every((re) => re.test(t)) ? t : undefined;
    }, { timeoutMs: STEP_MS, describe: async () => (await visibleEditorText(page!, preview).catch(() => "(no preview)")).slice(0, 300) });
    const tab = ((await page!.locator(".tab.active", { hasText: EXPECT.cudaTab }).first().textContent()) ?? "").trim();
    // The preview is the user's function: no #line directives (the in-host suite checks the whole text).
    const directives = text.split("\n").filter((l) => /^\s*#line\b/.test(l));
    if (directives.length) throw new Error(`the CUDA preview shows #line directives: ${directives.slice(0, 3).join(" | ")}`);
    await shot("cuda-preview.png");
    return `via ${via}; tab "${tab}"; ${text.split("\n").length} lines visible, no #line`;
  });

  await steps.run("show-sass", async () => {
    // From the palette, with kv_bias the active editor (the preview beside it keeps no focus).
    await page!.keyboard.press("Control+1");
    await runCommand(page!, EXPECT.showSassCommand);
    const preview = editorWithTab(page!, EXPECT.sassTab);
    const toast = page!.locator(".notifications-toasts .notification-toast", { hasText: EXPECT.sassNoNvcc }).first();
    const got = await poll(`the ${EXPECT.sassTab} preview (or the no-nvcc error)`, async () => {
      if (await toast.isVisible().catch(() => false)) return { kind: "no nvcc", text: ((await toast.textContent()) ?? "").trim() };
      if (!(await preview.isVisible().catch(() => false))) return undefined;
      const t = await visibleEditorText(page!, preview);
      return EXPECT.sassHeader.test(t) && EXPECT.sassResources.test(t) && EXPECT.sassOrReason.test(t) ? { kind: "preview", text: t } : undefined;
    }, { timeoutMs: 3 * STEP_MS, describe: async () => (await visibleEditorText(page!, preview).catch(() => "(no preview)")).slice(0, 300) });
    await shot("sass-preview.png");
    if (got.kind === "no nvcc") return `no nvcc here: ${got.text.slice(0, 160)}`;
    const lines = got.text.split("\n");
    return `${lines.find((l) => EXPECT.sassResources.test(l))?.trim()}; ${lines.find((l) => EXPECT.sassOrReason.test(l))?.trim().slice(0, 120)}`;
  });

  await steps.run("sweep-chart", async () => {
    const fixtureInWs = path.join(ws, path.basename(sweepFixture));
    await runCommand(page!, EXPECT.openSweepCommand, { opensInput: true });
    // The command may ask for the file: code-server's simple file dialog is a quick input.
    const input = page!.locator(".quick-input-widget input.input");
    const probe = () => {
      const { document } = globalThis as unknown as DomGlobals;
      const rows = document.querySelectorAll("#table tbody tr").length;
      const chart = document.querySelector("#chart canvas");
      const status = document.querySelector("#status")?.textContent ?? "";
      return rows > 0 && chart && status.startsWith("Best") ? { rows, status, title: document.querySelector("#title")?.textContent ?? "" } : null;
    };
    const first = await poll("the file dialog or the sweep webview", async () =>
      (await input.isVisible().catch(() => false)) ? "dialog" as const : (await findInFrames(page!, "", probe, 0).catch(() => undefined)) ? "webview" as const : undefined,
    { timeoutMs: STEP_MS, intervalMs: 250 });
    if (first === "dialog") {
      // code-server's simple file dialog fills in its default folder asynchronously and can
      // overwrite a path typed before that (seen in CI: the dialog stayed open on the folder).
      // Wait for its default, type, and press Enter only once the input holds our path; if the
      // dialog is still open afterwards, type again.
      await poll("the file dialog's default path", async () => ((await input.inputValue().catch(() => "")) || undefined), { timeoutMs: STEP_MS });
      await poll("the file dialog to accept the fixture's path", async () => {
        if (!(await input.isVisible().catch(() => false))) return true;
        await input.fill(fixtureInWs);
        if ((await input.inputValue().catch(() => "")) !== fixtureInWs) return undefined;
        await page!.keyboard.press("Enter");
        await input.waitFor({ state: "hidden", timeout: 5_000 }).catch(() => undefined);
        return (await input.isVisible().catch(() => false)) ? undefined : true;
      }, { timeoutMs: STEP_MS, intervalMs: 500, describe: async () => `input holds "${await input.inputValue().catch(() => "?")}"` });
    }
    const found = await findInFrames(page!, "the sweep chart and table in a webview", probe);
    await shot("sweep-chart.png");
    const want = expectedSweep(sweepFixture);
    if (found.value.rows !== want.rows) throw new Error(`table has ${found.value.rows} rows, the recording has ${want.rows} values of V`);
    if (!found.value.status.includes(want.best)) throw new Error(`status "${found.value.status}" does not name the recording's best (${want.best})`);
    return `${found.value.title}: ${found.value.rows} rows; ${found.value.status}${first === "dialog" ? " (file picked in the dialog)" : ""}`;
  });

  await steps.run("mask-view", async () => {
    await openFile(page!, EXPECT.viewFile, EXPECT.viewText);
    const lens = activeEditor(page!).locator(".codelens-decoration a", { hasText: EXPECT.viewLens }).first();
    await lens.waitFor({ state: "visible", timeout: STEP_MS });
    await lens.click();
    const probe = () => {
      const { document } = globalThis as unknown as DomGlobals;
      const tiles = document.querySelector("#tiles"), cells = document.querySelector("#cells");
      const status = document.querySelector("#status")?.textContent ?? "";
      return tiles && cells && status.includes("tiles empty") ? { status, title: document.querySelector("#title")?.textContent ?? "" } : null;
    };
    const found = await findInFrames(page!, "the mask and score view in a webview", probe);
    if (!EXPECT.viewSummary.test(found.value.status)) throw new Error(`tile summary "${found.value.status}" is not ${EXPECT.viewSummary}`);
    // Hover two cells (one kept, one masked) and check what the page says against the float64
    // runtime evaluating the same file.
    const hoverAt = (q: number, kv: number) => found.frame.evaluate(([q, kv]) => {
      const g = globalThis as unknown as { document: { querySelector(s: string): { width: number; getBoundingClientRect(): { left: number; top: number }; dispatchEvent(e: unknown): void; textContent: string | null } | null }; MouseEvent: new (t: string, o: object) => unknown };
      const c = g.document.querySelector("#cells")!;
      const px = c.width / 64, r = c.getBoundingClientRect();
      c.dispatchEvent(new g.MouseEvent("mousemove", { clientX: r.left + 1 + (kv + 0.5) * px, clientY: r.top + 1 + (q + 0.5) * px, bubbles: true }));
      return g.document.querySelector("#hover")?.textContent ?? "";
    }, [q, kv] as const);
    const shown = [await hoverAt(5, 3), await hoverAt(2, 7)];
    await shot("mask-view.png");
    // Click tile (q 3, kv 2): the extension recomputes the window there.
    await found.frame.evaluate(() => {
      const g = globalThis as unknown as { document: { querySelector(s: string): { width: number; getBoundingClientRect(): { left: number; top: number }; dispatchEvent(e: unknown): void } | null }; MouseEvent: new (t: string, o: object) => unknown };
      const c = g.document.querySelector("#tiles")!;
      const px = c.width / 64, r = c.getBoundingClientRect();
      c.dispatchEvent(new g.MouseEvent("click", { clientX: r.left + 1 + 2.5 * px, clientY: r.top + 1 + 3.5 * px, bubbles: true }));
    });
    const zoomed = await findInFrames(page!, "the element window moved to the clicked tile", () => {
      const { document } = globalThis as unknown as DomGlobals;
      const cap = [...Array.from(document.querySelectorAll("figcaption"))].map((x) => x.textContent ?? "").find((x) => x.startsWith("q 384..447 × kv 256..319"));
      return cap ?? null;
    });
    const want = expectedViewCells(path.join(wsSrc, EXPECT.viewFile), [[5, 3], [2, 7]]);
    shown.forEach((t, i) => { if (t !== want[i]) throw new Error(`hover shows "${t}", the float64 reference says "${want[i]}"`); });
    return `${found.value.title}; ${found.value.status.slice(0, 90)}; ${shown.join(" | ")}; after a click on tile (3, 2): ${zoomed.value.slice(0, 60)}`;
  });

  await steps.run("status-no-gpu", async () => {
    const texts = await poll("a status bar item that reports the missing GPU runner", async () => {
      const all = await statusBarTexts(page!);
      return all.some((t) => EXPECT.noGpuStatus.test(t)) ? all : undefined;
    }, { timeoutMs: STEP_MS, describe: async () => (await statusBarTexts(page!)).join(" | ") });
    await shot("workbench.png");
    await page!.locator(".statusbar").screenshot({ path: path.join(artifacts, "status-bar.png"), animations: "disabled" });
    const item = texts.filter((t) => EXPECT.noGpuStatus.test(t)).join(" | ");
    // The reason must be the machine's (no driver/device), not a broken package.
    if (EXPECT.addonMissing.test(item)) throw new Error(`the packaged runner addon did not load: ${item}`);
    return item;
  });

  await steps.run("no-gpu-commands", async () => {
    // After the probe (status-no-gpu): the lens in place of Benchmark and Sweep, and what it says.
    await openFile(page!, EXPECT.exampleFile, EXPECT.exampleText);
    const lenses = activeEditor(page!).locator(".codelens-decoration");
    const lens = lenses.locator("a", { hasText: EXPECT.noGpuLens }).first();
    await lens.waitFor({ state: "visible", timeout: STEP_MS });
    const row = ((await lenses.first().textContent()) ?? "").replace(/\s+/g, " ").trim();
    if (/Benchmark|Sweep/.test(row)) throw new Error(`the lens row still offers a GPU run: ${row}`);
    await lens.click();
    const toast = page!.locator(".notifications-toasts .notification-toast", { hasText: EXPECT.noGpuHow }).first();
    await toast.waitFor({ state: "visible", timeout: STEP_MS });
    const how = ((await toast.textContent()) ?? "").replace(/\s+/g, " ").trim();
    await shot("no-gpu-lens.png");
    await page!.keyboard.press("Escape");
    // The palette: the why command is there, Benchmark and Sweep are not.
    await page!.keyboard.press("F1");
    const input = page!.locator(".quick-input-widget input.input");
    await input.waitFor({ state: "visible", timeout: STEP_MS });
    const rows = page!.locator(".quick-input-list .monaco-list-row");
    await input.fill(">" + EXPECT.whyNoGpuCommand);
    await rows.filter({ hasText: EXPECT.whyNoGpuCommand }).first().waitFor({ state: "visible", timeout: STEP_MS });
    for (const title of EXPECT.gpuCommands) {
      await input.fill(">" + title);
      // The list has followed the new text once the why row is gone.
      await poll(`the palette filtered for "${title}"`, async () => (await rows.filter({ hasText: EXPECT.whyNoGpuCommand }).count()) === 0 || undefined, { timeoutMs: STEP_MS });
      const offered = (await rows.allTextContents()).filter((t) => t.includes(title));
      if (offered.length) throw new Error(`the palette offers "${title}" without a GPU: ${offered.join(" | ")}`);
    }
    await page!.keyboard.press("Escape");
    return `${row.slice(0, 90)}; clicked: ${how.slice(0, 160)}`;
  });

  await steps.run("new-file", async () => {
    // Palette → input box (the name) → the file beside the active one, opened and analysed.
    await page!.keyboard.press("Escape");
    await page!.keyboard.press("F1");
    const input = page!.locator(".quick-input-widget input.input");
    await input.waitFor({ state: "visible", timeout: STEP_MS });
    await input.fill(">" + EXPECT.newFileCommand);
    await page!.locator(".quick-input-list .monaco-list-row").filter({ hasText: EXPECT.newFileCommand }).first().click();
    await poll("the name box with its default", async () => ((await input.inputValue().catch(() => "")) === "my_mod") || undefined, { timeoutMs: STEP_MS });
    await input.fill(EXPECT.newFileName);
    await page!.keyboard.press("Enter");
    await page!.locator(".tabs-container .tab.active", { hasText: EXPECT.newFile }).first().waitFor({ state: "visible", timeout: STEP_MS });
    await activeEditor(page!).locator(".view-lines", { hasText: EXPECT.newFileText }).first().waitFor({ timeout: STEP_MS });
    const file = path.join(ws, EXPECT.newFile);
    if (!existsSync(file)) throw new Error(`${file} was not created in the workspace`);
    // The analysis is clean: the mods get their lenses.
    await activeEditor(page!).locator(".codelens-decoration a", { hasText: EXPECT.showCudaLens }).first().waitFor({ state: "visible", timeout: STEP_MS });
    await shot("new-file.png");
    return `${path.relative(ws, file)}: ${readFileSync(file, "utf8").split("\n").length} lines`;
  });

  await steps.run("walkthrough-new-file", async () => {
    // Welcome: Open Walkthrough… → ours → its first step's button → the name box → a file in the workspace.
    await runCommand(page!, EXPECT.openWalkthroughCommand, { opensInput: true });
    const input = page!.locator(".quick-input-widget input.input");
    await page!.locator(".quick-input-list .monaco-list-row").filter({ hasText: EXPECT.walkthroughTitle }).first().click();
    const step = page!.locator(".getting-started-step", { hasText: EXPECT.walkthroughStep }).first();
    await step.waitFor({ state: "visible", timeout: STEP_MS });
    const button = step.getByText(EXPECT.walkthroughButton, { exact: true }).first();
    // The first step opens expanded; otherwise a click on it expands it.
    if (!(await button.isVisible().catch(() => false))) await step.click();
    await button.waitFor({ state: "visible", timeout: STEP_MS });
    await shot("walkthrough.png");
    await button.click();
    await poll("the name box", async () => (await input.isVisible().catch(() => false)) || undefined, { timeoutMs: STEP_MS });
    await input.fill(EXPECT.walkthroughFileName);
    await page!.keyboard.press("Enter");
    await page!.locator(".tabs-container .tab.active", { hasText: EXPECT.walkthroughFile }).first().waitFor({ state: "visible", timeout: STEP_MS });
    const file = path.join(ws, EXPECT.walkthroughFile);
    if (!existsSync(file)) throw new Error(`${file} was not created in the workspace`);
    await activeEditor(page!).locator(".codelens-decoration a", { hasText: EXPECT.showCudaLens }).first().waitFor({ state: "visible", timeout: STEP_MS });
    await shot("walkthrough-new-file.png");
    return `${path.relative(ws, file)} from the walkthrough's button`;
  });
  await steps.run("outline", async () => {
    await openFile(page!, EXPECT.exampleFile, EXPECT.exampleText);
    await runCommand(page!, EXPECT.outlineCommand);
    // Each row's name element alone (its text runs into the detail: "kvBiasModscore mod · vecSize 8").
    const names = page!.locator(".outline-pane .monaco-list-row .label-name");
    const all = await poll(`the Outline listing ${EXPECT.outlineItems.join(" and ")}`, async () => {
      const got = (await names.allTextContents()).map((t) => t.trim());
      return EXPECT.outlineItems.every((n) => got.includes(n)) ? got : undefined;
    }, { timeoutMs: STEP_MS, describe: async () => (await page!.locator(".outline-pane .monaco-list-row").allTextContents()).join(" | ") });
    await shot("outline.png");
    await page!.keyboard.press("Control+1");
    return all.join(" | ").slice(0, 160);
  });

  await steps.run("export-file", async () => {
    await openFile(page!, EXPECT.exampleFile, EXPECT.exampleText);
    const file = path.join(ws, EXPECT.exportFile);
    if (existsSync(file)) throw new Error(`${file} exists before the export`);
    await activeEditor(page!).locator(".codelens-decoration a", { hasText: EXPECT.exportFlexLens }).first().click();
    await page!.locator(".tab.active", { hasText: EXPECT.exportFile }).first().waitFor({ state: "visible", timeout: STEP_MS });
    await poll(`${EXPECT.exportFile} and ${EXPECT.exportHelper} in the workspace`, async () => existsSync(file) && existsSync(path.join(ws, EXPECT.exportHelper)) || undefined, { timeoutMs: STEP_MS });
    // A file, not an Untitled buffer: its tab is not dirty.
    const dirty = await page!.locator(".tab.active.dirty", { hasText: EXPECT.exportFile }).count();
    if (dirty) throw new Error(`the ${EXPECT.exportFile} tab is dirty (an unsaved buffer)`);
    await shot("export-file.png");
    return `${EXPECT.exportFile}: ${readFileSync(file, "utf8").split("\n").length} lines, with ${EXPECT.exportHelper}`;
  });

} finally {
  await browser?.close();
  await server?.stop();
  if (browser) writeFileSync(path.join(artifacts, "browser-console.log"), browser.console.join("\n") + "\n");
  const code = steps.finish({ blockedRequests: browser?.blocked ?? [], workspace: ws, vsix, existing: existsSync(vsix) });
  process.exitCode = code;
}
