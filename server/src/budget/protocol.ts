// Messages between the budgeted analysis (budgetedAnalysis.ts, the caller's thread) and the
// analysis worker (worker.ts). One request at a time; the caller blocks on `flag` until the
// worker answers or the budget runs out.
import type { AnalyzeOptions } from "../analysis/index";

/** Int32 slots of the shared flag array. */
export const STATE = 0;
export const REPLIES = 1;
/** Values of flag[STATE]. */
export const STARTING = 0, READY = 1, FAILED = 2;

export interface WorkerData {
  tag: typeof WORKER_TAG;
  /** [STATE, REPLIES] in a SharedArrayBuffer. */
  flag: Int32Array;
  port: import("node:worker_threads").MessagePort;
}
export const WORKER_TAG = "scoremod-analysis";

interface Base {
  id: number;
  /** The caller's name of the file. */
  file: string;
  /** The file's text, when the worker may not hold this exact text yet. */
  text?: string;
}
export type Request =
  | (Base & { op: "analyze"; opts: AnalyzeOptions })
  | (Base & { op: "ls"; method: string; args: unknown[] })
  | (Base & { op: "remove" });

/** heapMb: the worker's used heap after the request (the caller recycles a bloated worker). */
export type Reply = ({ id: number; ok: true; value: unknown } | { id: number; ok: false; error: string }) & { heapMb?: number };

/** Posted instead of READY when the worker could not start. */
export interface StartFailure { id: -1; ok: false; error: string }
