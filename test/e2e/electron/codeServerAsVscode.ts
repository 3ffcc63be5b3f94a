// A stand-in for the VS Code executable that @vscode/test-electron's runTests() starts (pass
// it as vscodeExecutablePath). It reads the arguments runTests() passes (--extensionDevelopmentPath=,
// --extensionTestsPath=, --user-data-dir=, --extensions-dir=, a folder), starts code-server on a
// free loopback port, opens the workbench in headless Chromium with those paths as the web
// workbench's `payload`, prints the extension host's console (the mocha report) and exits with
// the code the workbench reports through window.codeAutomationExit. It is not Electron: the
// extension host is code-server's Node process.
//
// env: E2E_CODE_SERVER (code-server binary), E2E_SHIM_TIMEOUT_MS (default 300000),
//      E2E_SHIM_DIR (where to keep logs and state; default a fresh folder under the OS temp dir)
import { mkdirSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import util from "node:util";
import { launchBrowser, remoteUri, type Browser } from "../lib/browser";
import { makeRunDirs, startCodeServer, type CodeServer } from "../lib/codeServer";

const bin = process.env.E2E_CODE_SERVER;
if (!bin) { console.error("shim: E2E_CODE_SERVER is not set"); process.exit(2); }
const timeoutMs = Number(process.env.E2E_SHIM_TIMEOUT_MS || 300_000);

const devPaths: string[] = [];
let testsPath: string | undefined;
let folder: string | undefined;
for (const a of process.argv.slice(2)) {
  const m = /^--([^=]+)=(.*)$/.exec(a);
  if (m?.[1] === "extensionDevelopmentPath") devPaths.push(path.resolve(m[2]));
  else if (m?.[1] === "extensionTestsPath") testsPath = path.resolve(m[2]);
  else if (a === "--version") { console.log("code-server-as-vscode (stand-in)"); process.exit(0); }
  else if (!a.startsWith("-")) folder ??= path.resolve(a);
  // other flags (--disable-extensions, --no-sandbox, its own --user-data-dir, ...) do not apply:
  // every run gets fresh dirs and only the extension under development.
}
if (!testsPath) { console.error("shim: --extensionTestsPath=... is required"); process.exit(2); }

const base = process.env.E2E_SHIM_DIR ? path.resolve(process.env.E2E_SHIM_DIR) : mkdtempSync(path.join(os.tmpdir(), "scoremod-shim-"));
mkdirSync(base, { recursive: true });
const dirs = makeRunDirs(base);
folder ??= mkdtempSync(path.join(base, "ws-"));

// workbench console lines that are not the extension host's output
const NOISE = /^(\[Service Worker\]|Ignoring fetching additional builtin|Updating additional builtin|ChatSessionStore:|Creating a socket|Resolved connection token|The web worker extension host)/;

let server: CodeServer | undefined;
let browser: Browser | undefined;
async function finish(code: number): Promise<never> {
  await browser?.close();
  await server?.stop();
  if (code !== 0) console.error(`shim: logs in ${base}`);
  process.exit(code);
}
process.on("SIGINT", () => void finish(130));
process.on("SIGTERM", () => void finish(143));

try {
  server = await startCodeServer({ bin, dirs, folder, logFile: path.join(base, "code-server.log") });
  browser = await launchBrowser(path.join(base, "chromium"));
  const page = browser.page;
  page.on("console", async (m) => {
    let vals: unknown[];
    try { vals = await Promise.all(m.args().map((a) => a.jsonValue())); } catch { vals = [m.text()]; }
    // forwarded extension-host lines look like ['%c INFO', 'color: ...', fmt, ...args]
    const head = vals[0];
    if (typeof head !== "string" || !/^(%c)?\s*(INFO|LOG|WARN|ERROR)\s*$/.test(head)) return;
    const line = util.format(...vals.slice(1 + (head.match(/%c/g) ?? []).length));
    if (!NOISE.test(line)) process.stdout.write(line + "\n");
  });
  const exit = new Promise<number>((resolve) => { void page.exposeFunction("codeAutomationExit", (code: number) => resolve(code)); });
  const payload = [...devPaths.map((p) => ["extensionDevelopmentPath", remoteUri(server!.url, p)]), ["extensionTestsPath", remoteUri(server.url, testsPath)]];
  await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exit, new Promise<"timeout">((r) => { timer = setTimeout(() => r("timeout"), timeoutMs); })]);
  clearTimeout(timer);
  if (code === "timeout") console.error(`shim: no test result after ${timeoutMs} ms`);
  await finish(typeof code === "number" ? code : 1);
} catch (e) {
  console.error(`shim: ${e instanceof Error ? e.message : String(e)}`);
  await finish(1);
}
