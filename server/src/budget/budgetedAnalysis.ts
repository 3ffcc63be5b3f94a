// The analysis under a budget it cannot exceed. TypeScript's parser backtracks exponentially on
// some text (nested `async (`) and its checker explodes on type-level programming (a 300-byte
// file of nested conditional types runs for minutes and dies at 4 GB), and neither can be
// interrupted from inside. So every call that runs TypeScript on user text (parse, check,
// extraction, classification, language-service queries) runs in a worker thread with a heap
// cap, and the caller waits for it synchronously with a deadline (Atomics.wait on a shared
// flag, the answer read with receiveMessageOnPort), so callers keep the analysis's synchronous
// API. On overrun the worker is terminated and a fresh one started; the file gets one located
// SM151 error (overBudget.ts) and no mods, so nothing downstream generates code for it, and
// its text is remembered: asking again answers at once, and language-service queries on it are
// refused until the text changes. A file the worker ran out of heap on is reported when the
// deadline passes (a dead worker cannot be observed from a blocked thread).
//
// Used by the CLI (analyzeInBudget) and the language server (lsp/analysisBackend.ts), whose
// bundles double as the worker script (entry.ts). With no worker script (tests and tools running
// the TypeScript sources) it runs in the caller's thread, without a budget.
import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import type { ts } from "ts-morph";
import { AnalysisHost, type AnalyzeOptions } from "../analysis/index";
import type { FileAnalysis } from "../analysis/facts";
import { SM } from "../analysis/codes";
import { overBudgetAnalysis, type Budget } from "../analysis/overBudget";
import { DEFAULT_TARGET, isTargetId } from "../analysis/targets";
import { FAILED, READY, REPLIES, STATE, STARTING, WORKER_TAG, type Reply, type Request, type WorkerData } from "./protocol";
import { defaultWorkerEntry } from "./workerScript";

export const DEFAULT_BUDGET: Budget = { timeoutMs: 10_000, memoryMb: 1024 };

export interface BudgetOptions extends Partial<Budget> {
  /** The worker script (a bundle whose entry serves entry.ts's worker). null: run in this thread, with no budget. */
  workerEntry: string | null;
  /** How long a fresh worker may take to load and warm up (not counted in any call's budget). */
  startupTimeoutMs?: number;
  /** Heap in use (MB) after a call above which the worker is replaced before the next one (default: half the memory budget). */
  recycleHeapMb?: number;
}

/** The budget from $SCOREMOD_ANALYSIS_TIMEOUT_MS and $SCOREMOD_ANALYSIS_MEMORY_MB, else the defaults. */
export function budgetFromEnv(): Budget {
  const num = (v: string | undefined, d: number) => {
    const n = Number(v);
    return v !== undefined && v !== "" && Number.isFinite(n) && n > 0 ? n : d;
  };
  return {
    timeoutMs: num(process.env.SCOREMOD_ANALYSIS_TIMEOUT_MS, DEFAULT_BUDGET.timeoutMs),
    memoryMb: num(process.env.SCOREMOD_ANALYSIS_MEMORY_MB, DEFAULT_BUDGET.memoryMb),
  };
}

interface Live { worker: Worker; port: MessagePort; flag: Int32Array; ready: boolean; sent: Map<string, string> }

/** What happened to the last call (for tests and benchmarks). */
export interface CallStats { ms: number; overrun: boolean; restarts: number }

function internalError(fileName: string, opts: AnalyzeOptions, msg: string): FileAnalysis {
  return {
    fileName, target: opts.target && isTargetId(opts.target) ? opts.target : DEFAULT_TARGET,
    diagnostics: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: "error", code: SM.internal, message: `internal analysis error (worker): ${msg}. Please report this file.` }],
    tensors: [], scalars: [], mods: [], divisible: {},
  };
}

class Overrun extends Error {}

export class BudgetedAnalysis {
  readonly budget: Budget;
  private readonly entry: string | null;
  private readonly startupTimeoutMs: number;
  private readonly recycleHeapMb: number;
  private readonly local: AnalysisHost | null;
  private live: Live | null = null;
  private nextId = 1;
  /** The last text given for each file. */
  private readonly texts = new Map<string, string>();
  /** Files whose current text ran over the budget. */
  private readonly over = new Map<string, string>();
  readonly stats: CallStats = { ms: 0, overrun: false, restarts: 0 };

  constructor(opts: BudgetOptions) {
    this.budget = { timeoutMs: opts.timeoutMs ?? DEFAULT_BUDGET.timeoutMs, memoryMb: opts.memoryMb ?? DEFAULT_BUDGET.memoryMb };
    this.entry = opts.workerEntry;
    this.startupTimeoutMs = opts.startupTimeoutMs ?? 60_000;
    this.recycleHeapMb = opts.recycleHeapMb ?? this.budget.memoryMb / 2;
    this.local = this.entry ? null : new AnalysisHost();
    if (this.entry) this.live = this.spawn(); // starts loading now; the first call waits for it
  }

  /** Whether calls run in a worker under the budget (false: in this thread, unbounded). */
  get isolated(): boolean { return this.local === null; }

  /** Whether the file's current text ran over the budget. */
  isOverBudget(fileName: string): boolean {
    const t = this.over.get(fileName);
    return t !== undefined && t === this.texts.get(fileName);
  }

  hasFile(fileName: string): boolean { return this.texts.has(fileName); }

  /** Sets the file's text and analyses it. Never throws; never takes much longer than the budget. */
  analyze(fileName: string, text: string, opts: AnalyzeOptions = {}): FileAnalysis {
    this.texts.set(fileName, text);
    if (this.local) {
      this.local.setFile(fileName, text);
      return this.local.analyze(fileName, opts);
    }
    if (this.over.get(fileName) === text) return overBudgetAnalysis(fileName, text, opts.target, this.budget);
    this.over.delete(fileName);
    try {
      return this.call({ id: 0, op: "analyze", file: fileName, opts }) as FileAnalysis;
    } catch (err) {
      if (err instanceof Overrun) return overBudgetAnalysis(fileName, text, opts.target, this.budget);
      return internalError(fileName, opts, err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * TypeScript's language service for a file given to `analyze` (its name there is `fileName`):
   * each method call runs in the worker under the budget. undefined from a call that ran over
   * (the file is then over budget); null for a file over budget or never analysed.
   */
  languageService(fileName: string): ts.LanguageService | null {
    if (!this.texts.has(fileName) || this.isOverBudget(fileName)) return null;
    if (this.local) return this.local.languageService;
    return new Proxy({}, {
      get: (_t, method) => typeof method !== "string" ? undefined : (...args: unknown[]) => {
        if (this.isOverBudget(fileName)) return undefined;
        try {
          return this.call({ id: 0, op: "ls", file: fileName, method, args });
        } catch {
          return undefined;
        }
      },
    }) as ts.LanguageService;
  }

  /** The name `languageService(fileName)` knows the file by (the in-memory path when in-thread). */
  serviceName(fileName: string): string { return this.local ? this.local.pathOf(fileName) : fileName; }

  removeFile(fileName: string): void {
    this.texts.delete(fileName);
    this.over.delete(fileName);
    if (this.local) { this.local.removeFile(fileName); return; }
    const live = this.live;
    if (!live?.sent.has(fileName)) return;
    live.sent.delete(fileName);
    // Fire and forget: the worker handles requests in order; the reply is dropped as stale.
    live.port.postMessage({ id: this.nextId++, op: "remove", file: fileName } satisfies Request);
  }

  /** Stops the worker (the CLI exits without it; tests clean up). */
  dispose(): void {
    if (this.live) void this.live.worker.terminate();
    this.live = null;
  }

  private spawn(): Live {
    const flag = new Int32Array(new SharedArrayBuffer(8));
    const { port1, port2 } = new MessageChannel();
    const data: WorkerData = { tag: WORKER_TAG, flag, port: port2 };
    const worker = new Worker(this.entry as string, {
      workerData: data, transferList: [port2],
      // The worker's output must never reach the caller's stdout (the CLI's --json): it is piped
      // here and dropped (not read, so the pipes hold no reference that keeps the process alive).
      stdout: true, stderr: true,
      resourceLimits: { maxOldGenerationSizeMb: this.budget.memoryMb },
    });
    // Out of memory or terminated: seen (if ever) only when this thread is idle again.
    worker.on("error", () => undefined);
    worker.unref();
    port1.unref();
    return { worker, port: port1, flag, ready: false, sent: new Map() };
  }

  private kill(): void {
    if (this.live) void this.live.worker.terminate();
    this.live = null;
    this.stats.restarts++;
  }

  /** A ready worker: waits (outside any call's budget) for a fresh one to load and warm up. */
  private ready(): Live {
    this.live ??= this.spawn();
    const live = this.live;
    if (live.ready) return live;
    Atomics.wait(live.flag, STATE, STARTING, this.startupTimeoutMs);
    const state = Atomics.load(live.flag, STATE);
    if (state === READY) { live.ready = true; return live; }
    const why = state === FAILED ? (receiveMessageOnPort(live.port)?.message as Reply | undefined) : undefined;
    this.kill();
    throw new Error(why && !why.ok ? `the analysis worker failed to start: ${why.error}` : `the analysis worker did not start within ${this.startupTimeoutMs} ms`);
  }

  /** Runs one request in the worker, sending the file's text first if the worker lacks it. */
  private call(req: Request): unknown {
    const live = this.ready();
    const text = this.texts.get(req.file) ?? "";
    const msg: Request = { ...req, id: this.nextId++, ...(live.sent.get(req.file) !== text ? { text } : {}) };
    const t0 = performance.now();
    const deadline = t0 + this.budget.timeoutMs;
    let seen = Atomics.load(live.flag, REPLIES);
    live.port.postMessage(msg);
    for (;;) {
      const r = receiveMessageOnPort(live.port)?.message as Reply | undefined;
      if (r) {
        if (r.id !== msg.id) continue; // a reply to a fire-and-forget request
        this.stats.ms = performance.now() - t0;
        this.stats.overrun = false;
        live.sent.set(req.file, text);
        // A request that came close to the budget (a type-level bomb that finished in time) leaves
        // the worker's heap full of checker garbage, and the next file, however small, would pay
        // for it inside its own budget (the fuzzer measured 1.5-2 s for a 1 KB mod after one).
        // Replace such a worker now: the fresh one loads before the next call's budget starts.
        if (this.stats.ms > this.budget.timeoutMs / 2 || (r.heapMb ?? 0) > this.recycleHeapMb) {
          this.kill();
          this.live = this.spawn();
        }
        if (!r.ok) throw new Error(r.error);
        return r.value;
      }
      const left = deadline - performance.now();
      if (left <= 0) break;
      Atomics.wait(live.flag, REPLIES, seen, Math.min(left, 250));
      seen = Atomics.load(live.flag, REPLIES);
    }
    // Over budget: stop the worker (TerminateExecution interrupts even a tight loop) and start a
    // fresh one now, so it loads while the caller reports the overrun.
    this.stats.ms = performance.now() - t0;
    this.stats.overrun = true;
    this.over.set(req.file, text);
    this.kill();
    this.live = this.spawn();
    throw new Overrun();
  }
}

let shared: BudgetedAnalysis | null = null;

/**
 * The process's one budgeted analysis for one-shot callers (the CLI): the worker script the entry
 * point named (workerScript.ts useWorkerScript), the budget from the environment (budgetFromEnv).
 */
export function sharedAnalysis(): BudgetedAnalysis {
  shared ??= new BudgetedAnalysis({ workerEntry: defaultWorkerEntry(), ...budgetFromEnv() });
  return shared;
}

/** analyze() of the analysis package, under the budget when a worker script is available. Never throws. */
export function analyzeInBudget(fileName: string, text: string, opts: AnalyzeOptions = {}): FileAnalysis {
  return sharedAnalysis().analyze(fileName, text, opts);
}
