// Runs all GPU work in a child process (the runner worker) so that a faulting kernel, a hang
// or a crash can never take down the host (extension host, language server or CLI). One request
// at a time; after any fault, hang, crash or malformed message the worker is killed and the next
// request starts a fresh process (a CUDA context that faulted is unusable anyway).
// The worker is trusted with nothing: its replies arrive on a pipe the supervisor frames itself
// (protocol.ts), so a line that is not JSON, a message over the size cap or a stream without a
// newline is a protocol error naming the mod, never an exception in this process.
import type { ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { Readable, Writable } from "node:stream";
import {
  LineFramer, MAX_MESSAGE_BYTES, MessageTooLarge, WORKER_CHANNEL_FD, formatBytes, parseWorkerLine,
  type HostRequest, type ResultOf, type WorkerMessage,
} from "./protocol";
import type { HeatMapResult } from "../protocol";
import { spawnWorker, takePrestarted } from "./spawnWorker";
import { HEAT_MAP_IDLE_MS, RunnerError, type AheadJob, type BenchJob, type BenchResult, type HeatMapJob, type ProbeResult, type RunnerErrorInfo, type SweepJob, type SweepResult } from "./types";

export interface SupervisorOptions {
  /** The worker script: dist/runner-worker.js by default. */
  workerPath?: string;
  /** Watchdog: kill the worker when it sends nothing for this long (ms). Default 120 s. */
  idleLimitMs?: number;
  /** Watchdog for a fresh worker: the time it may take to say ready (ms), if more than idleLimitMs. Default 30 s. */
  startLimitMs?: number;
  /** Extra environment for the worker. */
  env?: NodeJS.ProcessEnv;
  execArgv?: string[];
  /** Called for every progress message. */
  onProgress?: (stage: string, detail?: string) => void;
  /** Cap on one message from the worker, in bytes (default 16 MiB): past it the worker is stopped. */
  maxMessageBytes?: number;
}

/** Kinds after which the worker process is not reused. */
const FATAL = new Set(["fault", "hang", "crash", "protocol", "bounds"]);

export function defaultWorkerPath(): string {
  // Bundled: this code is inside dist/*.js, beside runner-worker.js. Source: repo/dist.
  const beside = join(__dirname, "runner-worker.js");
  return existsSync(beside) ? beside : join(__dirname, "..", "..", "..", "dist", "runner-worker.js");
}

interface Pending {
  id: number;
  mod?: string;
  load?: string;
  line?: number;
  /** The watchdog's limit for this request. */
  idleLimitMs: number;
  resolve: (v: unknown) => void;
  reject: (e: RunnerError) => void;
  timer?: NodeJS.Timeout;
}

export class RunnerSupervisor {
  private child: ChildProcess | null = null;
  /** The current process has said "ready": until then the watchdog allows for its start. */
  private childReady = false;
  private pending: Pending | null = null;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly opts: Required<Pick<SupervisorOptions, "idleLimitMs" | "startLimitMs" | "maxMessageBytes">> & SupervisorOptions;
  /** Requests sent or queued and not yet settled. */
  private inFlight = 0;
  /** Processes started so far (tests check that a fault leads to a fresh one). */
  started = 0;

  constructor(opts: SupervisorOptions = {}) {
    this.opts = { idleLimitMs: 120_000, startLimitMs: 30_000, maxMessageBytes: MAX_MESSAGE_BYTES, ...opts };
  }

  /** `warm`: the worker also makes its CUDA context, for a bench about to follow. */
  probe(warm = false, ahead?: AheadJob): Promise<ProbeResult> { return this.request({ type: "probe", id: 0, warm, ahead }); }
  bench(job: BenchJob): Promise<BenchResult> { return this.request({ type: "bench", id: 0, job }, job.mod); }
  sweep(job: SweepJob): Promise<SweepResult> { return this.request({ type: "sweep", id: 0, job }, job.mod); }
  /** The mask and score view: it executes the file, so here, never in the language server; stopped after `idleLimitMs` without an answer. */
  heatMap(job: HeatMapJob, idleLimitMs = HEAT_MAP_IDLE_MS): Promise<HeatMapResult> { return this.request({ type: "heatMap", id: 0, job }, job.params.mod, idleLimitMs); }

  /** Stops the worker (if any). Pending work fails as a crash. */
  dispose(): void { this.kill(); }

  get pid(): number | undefined { return this.child?.pid; }

  private request<R extends HostRequest>(req: R, mod?: string, idleLimitMs = this.opts.idleLimitMs): Promise<ResultOf<R>> {
    // Serialize: the worker handles one request at a time. An idle supervisor sends at once, so
    // the worker starts (and works) while the caller goes on with synchronous work of its own.
    const run = () => this.send(req, mod, idleLimitMs) as Promise<ResultOf<R>>;
    const p = this.inFlight === 0 ? run() : this.queue.then(run, run);
    this.inFlight++;
    const settled = () => { this.inFlight--; };
    p.then(settled, settled);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private spawn(): ChildProcess {
    const path = this.opts.workerPath ?? defaultWorkerPath();
    if (!existsSync(path)) {
      throw new RunnerError({ kind: "internal", message: `runner worker not found at ${path} (run \`npm run build\`)` });
    }
    // A process the CLI's loader started for this (prestart.ts), else a new one.
    const execArgv = this.opts.execArgv ?? [];
    const child = takePrestarted(path, this.opts.env, execArgv) ?? spawnWorker(path, this.opts.env, execArgv);
    this.started++;
    let stderr = "";
    const keep = (d: Buffer) => { stderr = (stderr + d.toString()).slice(-4000); };
    child.stdout?.on("data", keep);
    child.stderr?.on("data", keep);
    // A write to a worker that died fails with EPIPE: the exit handler reports it.
    child.stdin?.on("error", () => undefined);
    const channel = child.stdio[WORKER_CHANNEL_FD] as Readable;
    const framer = new LineFramer(this.opts.maxMessageBytes);
    channel.on("data", (chunk: Buffer) => {
      if (this.child !== child) return;
      let lines: string[];
      try {
        lines = framer.push(chunk);
      } catch (e) {
        if (!(e instanceof MessageTooLarge)) throw e;
        const p = this.pending;
        if (p) this.fail(p, { kind: "protocol", message: `${this.who(p)}: the runner process sent a message over ${formatBytes(e.maxBytes)} (the cap); it was stopped` });
        this.kill();
        return;
      }
      for (const line of lines) {
        if (this.child !== child) return;
        this.onMessage(child, line);
      }
    });
    channel.on("error", () => undefined);
    // The exit is reported once the reply channel is drained (a reply sent just before exiting
    // still counts), or shortly after the exit if something else holds the pipe open.
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let reported = false;
    const report = () => {
      if (reported || !exited) return;
      reported = true;
      if (this.child !== child) return;
      this.child = null;
      const p = this.pending;
      if (!p) return;
      const { code, signal } = exited;
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      const cut = framer.pending ? ` in the middle of a message (${framer.pending} bytes)` : "";
      this.fail(p, {
        kind: "crash",
        message: `${this.who(p)}: the runner process ${how}${cut}${stderr.trim() ? `: ${lastLines(stderr)}` : ""}`,
      });
    };
    child.on("exit", (code, signal) => {
      exited = { code, signal };
      if (channel.readableEnded || channel.destroyed) report();
      else setTimeout(report, 500).unref();
    });
    channel.on("close", report);
    child.on("error", (err) => {
      if (this.child !== child || !this.pending) return;
      this.fail(this.pending, { kind: "crash", message: `${this.who(this.pending)}: runner process error: ${err.message}` });
      this.kill();
    });
    return child;
  }

  private send(req: HostRequest, mod: string | undefined, idleLimitMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let child: ChildProcess;
      try {
        if (!this.child) {
          this.child = this.spawn();
          this.childReady = false;
        }
        child = this.child;
      } catch (e) {
        reject(e instanceof RunnerError ? e : new RunnerError({ kind: "internal", message: String(e), mod }));
        return;
      }
      const id = this.nextId++;
      const p: Pending = { id, mod, idleLimitMs, resolve, reject };
      this.pending = p;
      this.arm(p);
      (child.stdin as Writable).write(JSON.stringify({ ...req, id }) + "\n", (err) => {
        if (err && this.pending === p) {
          this.fail(p, { kind: "crash", message: `${this.who(p)}: could not reach the runner process: ${err.message}` });
          this.kill();
        }
      });
    });
  }

  private arm(p: Pending): void {
    if (p.timer) clearTimeout(p.timer);
    // A process's start is not the job's silence: a fresh one gets startLimitMs to say ready
    // (a loaded machine or an extension host can take seconds), then the job's idle limit.
    const starting = !this.childReady;
    const ms = starting ? Math.max(p.idleLimitMs, this.opts.startLimitMs) : p.idleLimitMs;
    p.timer = setTimeout(() => {
      if (this.pending !== p) return;
      this.fail(p, {
        kind: "hang",
        message: starting
          ? `${this.who(p)}: the runner process did not start within ${ms} ms; it was killed (watchdog)`
          : `${this.who(p)}: no progress for ${ms} ms; the runner process was killed (watchdog)`,
      });
      this.kill();
    }, ms);
  }

  private onMessage(child: ChildProcess, line: string): void {
    if (child !== this.child) return;
    const msg = parseWorkerLine(line);
    const p = this.pending;
    if (typeof msg === "string") {
      if (p) this.fail(p, { kind: "protocol", message: `${this.who(p)}: malformed message from the runner process (${msg}); it was restarted` });
      this.kill();
      return;
    }
    if (msg.type === "ready") {
      this.childReady = true;
      if (p) this.arm(p);
      return;
    }
    if (!p || msg.id !== p.id) {
      // A reply to nothing we asked: the worker and host disagree; start over.
      if (p) this.fail(p, { kind: "protocol", message: `${this.who(p)}: reply for request ${msg.id}, expected ${p.id}` });
      this.kill();
      return;
    }
    this.arm(p);
    switch (msg.type) {
      case "progress":
        this.opts.onProgress?.(msg.stage, msg.detail);
        return;
      case "context":
        p.mod = msg.mod;
        p.load = msg.load;
        p.line = msg.line;
        return;
      case "result":
        this.settle(p);
        p.resolve(msg.result);
        return;
      case "error":
        this.fail(p, { ...msg.error, mod: msg.error.mod ?? p.mod, load: msg.error.load ?? p.load, line: msg.error.line ?? p.line });
        if (FATAL.has(msg.error.kind)) this.kill();
        return;
    }
  }

  private who(p: Pending): string {
    if (!p.mod) return "runner";
    return `mod '${p.mod}'${p.load ? ` (load ${p.load}${p.line ? ` at line ${p.line}` : ""})` : ""}`;
  }

  private settle(p: Pending): void {
    if (p.timer) clearTimeout(p.timer);
    if (this.pending === p) this.pending = null;
  }

  private fail(p: Pending, info: RunnerErrorInfo): void {
    this.settle(p);
    p.reject(new RunnerError({ ...info, mod: info.mod ?? p.mod, load: info.load ?? p.load, line: info.line ?? p.line }));
  }

  private kill(): void {
    const c = this.child;
    this.child = null;
    if (c && c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
    const p = this.pending;
    if (p) this.fail(p, { kind: "crash", message: `${this.who(p)}: the runner process was stopped` });
  }
}

function lastLines(s: string): string {
  return s.trim().split("\n").slice(-3).join(" | ");
}

export type { WorkerMessage };
