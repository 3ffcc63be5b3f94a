// Debian's Chromium, headless, driven by playwright-core. Only loopback traffic is allowed:
// every request to another host is aborted and recorded, so a test can prove the workbench and
// the extension stayed offline.
import path from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** URLs of aborted non-loopback requests. */
  blocked: string[];
  /** Browser console and page errors, for the artifacts. */
  console: string[];
  close(): Promise<void>;
}

export const CHROMIUM = process.env.E2E_CHROMIUM || "/usr/bin/chromium";

export async function launchBrowser(profileDir: string, viewport = { width: 1440, height: 900 }): Promise<Browser> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    // Chromium writes its crash and dconf state under XDG dirs: keep them in the run folder.
    env: { ...process.env, XDG_CONFIG_HOME: path.join(profileDir, "xdg-config"), XDG_CACHE_HOME: path.join(profileDir, "xdg-cache") } as Record<string, string>,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-default-apps"],
  });
  const blocked: string[] = [];
  const consoleLines: string[] = [];
  await context.route("**/*", (route) => {
    const u = new URL(route.request().url());
    const local = u.protocol === "data:" || u.protocol === "blob:" || u.hostname === "127.0.0.1" || u.hostname === "localhost";
    if (local) return route.continue();
    blocked.push(u.href);
    return route.abort();
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (m) => consoleLines.push(`[${m.type()}] ${m.text()}`));
  page.on("pageerror", (e) => consoleLines.push(`[pageerror] ${e.message}`));
  return { context, page, blocked, console: consoleLines, close: () => context.close().catch(() => undefined) };
}

/** The vscode-remote:// URI code-server's workbench uses for a path on the server. */
export function remoteUri(serverUrl: string, fsPath: string): string {
  return `vscode-remote://${new URL(serverUrl).host}${fsPath}`;
}
