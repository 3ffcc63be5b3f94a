// Starting the runner process: the one spawn configuration, used by the supervisor and by the
// CLI's loader, which starts the runner for `scoremod bench` before the CLI's own code has loaded
// (prestart.ts) and leaves it for the supervisor to adopt.
import { spawn, type ChildProcess } from "node:child_process";
import { WARM_ENV, WORKER_CHANNEL_ENV, WORKER_CHANNEL_FD } from "./protocol";

/** The environment `scoremod bench` starts its runner with (it makes its CUDA context while it loads). */
export const BENCH_WORKER_ENV: NodeJS.ProcessEnv = { [WARM_ENV]: "1" };

export function spawnWorker(path: string, env: NodeJS.ProcessEnv | undefined, execArgv: string[] = []): ChildProcess {
  // Not fork: Node's IPC channel parses the child's bytes itself and throws uncaught in this
  // process on garbage. The worker runs as plain Node (also under Electron, the extension host).
  return spawn(process.execPath, [...execArgv, path], {
    // Compiles run on libuv's pool; a sweep compiles many programs at once.
    env: { UV_THREADPOOL_SIZE: "8", ...process.env, ...env, ELECTRON_RUN_AS_NODE: "1", [WORKER_CHANNEL_ENV]: String(WORKER_CHANNEL_FD) },
    // stdin: requests. fd 3: replies. The worker's stdout is piped too, never inherited:
    // whatever it prints (a driver or compiler message) must not reach the parent's stdout,
    // where it would corrupt `scoremod bench --json`. Both streams feed the crash report.
    stdio: ["pipe", "pipe", "pipe", "pipe"],
    windowsHide: true,
  });
}

const PRESTARTED = Symbol.for("scoremod.prestartedRunner");
interface Prestarted { child: ChildProcess; key: string }
const keyOf = (path: string, env: NodeJS.ProcessEnv | undefined, execArgv: string[]) => JSON.stringify([path, env ?? {}, execArgv]);

/** Starts a runner process now, for the first supervisor of this process that asks for the same one. */
export function prestartWorker(path: string, env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawnWorker(path, env);
  (globalThis as Record<symbol, unknown>)[PRESTARTED] = { child, key: keyOf(path, env, []) } satisfies Prestarted;
  return child;
}

/**
 * The prestarted process, if it was started as this one would be; taken once. Its pipes buffer
 * what it wrote meanwhile. One started otherwise is stopped (its stdin closes: it exits).
 */
export function takePrestarted(path: string, env: NodeJS.ProcessEnv | undefined, execArgv: string[]): ChildProcess | undefined {
  const g = globalThis as Record<symbol, unknown>;
  const p = g[PRESTARTED] as Prestarted | undefined;
  if (!p) return undefined;
  delete g[PRESTARTED];
  if (p.key === keyOf(path, env, execArgv) && p.child.exitCode === null && p.child.signalCode === null) return p.child;
  p.child.stdin?.end();
  p.child.kill();
  return undefined;
}
