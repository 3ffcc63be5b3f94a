// Starts and stops code-server (VS Code's server + web workbench) for one test run.
// Every run gets fresh user-data, extensions and XDG dirs, binds to a free loopback port, has no
// auth, and is told not to reach out (no gallery, telemetry, update checks). The server runs in
// its own process group so that stop() ends exactly what we started, extension host included.
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { poll } from "./poll";

export interface RunDirs {
  userData: string;
  extensions: string;
  xdg: string;
}

export function makeRunDirs(runDir: string, settings: Record<string, unknown> = {}): RunDirs {
  const dirs = { userData: path.join(runDir, "user-data"), extensions: path.join(runDir, "extensions"), xdg: path.join(runDir, "xdg") };
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(path.join(dirs.userData, "User"), { recursive: true });
  writeFileSync(path.join(dirs.userData, "User", "settings.json"), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  return dirs;
}

/** Settings that keep a test workbench quiet and offline. */
export const QUIET_SETTINGS: Record<string, unknown> = {
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "workbench.enableExperiments": false,
  "workbench.tips.enabled": false,
  "chat.disableAIFeatures": true,
  "git.enabled": false,
  "editor.hover.delay": 150,
  "window.restoreWindows": "none",
};

/** The environment code-server and everything it starts run with. */
export function serverEnv(dirs: RunDirs, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.PORT; // code-server would prefer $PORT over --bind-addr
  return {
    ...env,
    EXTENSIONS_GALLERY: "{}",
    XDG_CONFIG_HOME: path.join(dirs.xdg, "config"),
    XDG_DATA_HOME: path.join(dirs.xdg, "data"),
    XDG_CACHE_HOME: path.join(dirs.xdg, "cache"),
    ...extra,
  };
}

const COMMON_FLAGS = ["--disable-telemetry", "--disable-update-check", "--disable-workspace-trust", "--disable-getting-started-override"];

/** `code-server --install-extension X.vsix` into the run's extensions dir (offline). */
export async function installVsix(bin: string, dirs: RunDirs, vsix: string, logFile: string): Promise<void> {
  const args = [...COMMON_FLAGS, "--user-data-dir", dirs.userData, "--extensions-dir", dirs.extensions, "--install-extension", vsix];
  const code = await runToEnd(bin, args, serverEnv(dirs), logFile);
  if (code !== 0) throw new Error(`code-server --install-extension ${vsix} exited ${code} (log: ${logFile})`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().once("error", reject).listen(0, "127.0.0.1", () => {
      const addr = s.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

export interface CodeServer {
  url: string;
  port: number;
  logFile: string;
  stop(): Promise<void>;
}

export async function startCodeServer(opts: {
  bin: string; dirs: RunDirs; folder: string; logFile: string; env?: Record<string, string>; timeoutMs?: number;
}): Promise<CodeServer> {
  const port = await freePort();
  const args = ["--bind-addr", `127.0.0.1:${port}`, "--auth", "none", ...COMMON_FLAGS,
    "--user-data-dir", opts.dirs.userData, "--extensions-dir", opts.dirs.extensions, opts.folder];
  const log = createWriteStream(opts.logFile);
  const child = spawn(opts.bin, args, { detached: true, stdio: ["ignore", "pipe", "pipe"], env: serverEnv(opts.dirs, opts.env) });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited: number | null | undefined;
  child.once("exit", (c) => { exited = c; });
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopGroup(child);
  try {
    await poll(`code-server /healthz on ${url}`, async () => {
      if (exited !== undefined) throw new Error(`code-server exited (${exited}) before it was ready; log: ${opts.logFile}`);
      return (await httpOk(`${url}/healthz`)) || undefined;
    }, { timeoutMs: opts.timeoutMs ?? 60_000, intervalMs: 200 });
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, port, logFile: opts.logFile, stop };
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    http.get(url, (res) => { res.resume(); resolve(res.statusCode === 200); }).on("error", () => resolve(false));
  });
}

/** SIGTERM to the child's process group; SIGKILL if it is still there after 5 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const gone = new Promise<void>((r) => child.once("exit", () => r()));
  const pid = child.pid;
  try { process.kill(-pid, "SIGTERM"); } catch { return; }
  const timer = setTimeout(() => { try { process.kill(-pid, "SIGKILL"); } catch { /* already gone */ } }, 5000);
  await gone;
  clearTimeout(timer);
}

function runToEnd(bin: string, args: string[], env: NodeJS.ProcessEnv, logFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const log = createWriteStream(logFile);
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"], env });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.once("error", reject);
    child.once("exit", (c) => resolve(c ?? 1));
  });
}
