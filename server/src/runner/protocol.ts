// Messages between the supervisor (host) and the runner worker process: one JSON object per
// line. Requests go to the worker's stdin; replies come back on a pipe of their own (fd
// WORKER_CHANNEL_FD), not on Node's IPC channel, whose parser throws uncaught in the parent on a
// line that is not JSON and buffers a line without a newline until the string overflows. The
// host frames replies itself (LineFramer, with a size cap) and validates each with
// parseWorkerMessage: anything else is a protocol error and the worker is replaced. The worker's
// stdout and stderr are separate pipes that only feed the crash report.
import type { HeatMapResult } from "../protocol";
import type { AheadJob, BenchJob, BenchResult, HeatMapJob, ProbeResult, RunnerErrorInfo, SweepJob, SweepResult } from "./types";

export const PROTOCOL_VERSION = 1;

/** The worker's reply channel: a pipe at this file descriptor (named in the worker's environment). */
export const WORKER_CHANNEL_FD = 3;
export const WORKER_CHANNEL_ENV = "SCOREMOD_RUNNER_FD";
/** "1": the host starts the worker to run on the GPU; it makes its CUDA context while it loads (warmStart.ts). */
export const WARM_ENV = "SCOREMOD_RUNNER_WARM";
/** Default cap on one message (a result is a few KB; a sweep's, tens of KB). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

/**
 * Splits a byte stream into lines without ever holding more than `maxBytes` of one line:
 * `push` returns the complete lines of a chunk, or throws MessageTooLarge as soon as the
 * line in progress passes the cap (newline or not).
 */
export class LineFramer {
  private parts: Buffer[] = [];
  private size = 0;
  constructor(readonly maxBytes: number) {}

  push(chunk: Buffer): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = chunk.indexOf(10, start); nl >= 0; nl = chunk.indexOf(10, start)) {
      this.take(chunk.subarray(start, nl));
      lines.push(Buffer.concat(this.parts, this.size).toString("utf8"));
      this.parts = [];
      this.size = 0;
      start = nl + 1;
    }
    if (start < chunk.length) this.take(chunk.subarray(start));
    return lines;
  }

  /** Bytes of the line in progress (a message cut off by the worker's exit). */
  get pending(): number { return this.size; }

  private take(b: Buffer): void {
    if (this.size + b.length > this.maxBytes) throw new MessageTooLarge(this.maxBytes);
    if (b.length) { this.parts.push(b); this.size += b.length; }
  }
}

export class MessageTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`message over ${formatBytes(maxBytes)}`);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)} MiB`;
  if (n >= 1 << 10 && n % (1 << 10) === 0) return `${n / (1 << 10)} KiB`;
  return `${n} bytes`;
}

/** One line from the worker: the message, or a string that says what is wrong with it. */
export function parseWorkerLine(line: string): WorkerMessage | string {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return `not JSON: ${JSON.stringify(line.length > 80 ? line.slice(0, 80) + "..." : line)}`;
  }
  return parseWorkerMessage(raw);
}

export type HostRequest =
  /**
   * warm: also make the CUDA context now (a bench follows; the editor's probe does not hold a
   * context); ahead: that bench, so its analyses and compiles start before it arrives.
   */
  | { type: "probe"; id: number; warm?: boolean; ahead?: AheadJob }
  | { type: "bench"; id: number; job: BenchJob }
  | { type: "sweep"; id: number; job: SweepJob }
  | { type: "heatMap"; id: number; job: HeatMapJob };

export type ResultOf<R extends HostRequest> = R extends { type: "probe" } ? ProbeResult : R extends { type: "bench" } ? BenchResult
  : R extends { type: "heatMap" } ? HeatMapResult : SweepResult;

export type WorkerMessage =
  | { type: "ready"; version: number; pid: number }
  /** Progress also feeds the watchdog: the limit runs from the last message. */
  | { type: "progress"; id: number; stage: string; detail?: string }
  /** What the worker is about to launch, so a crash or hang can name the mod and load. */
  | { type: "context"; id: number; mod: string; load?: string; line?: number }
  | { type: "result"; id: number; result: ProbeResult | BenchResult | SweepResult | HeatMapResult }
  | { type: "error"; id: number; error: RunnerErrorInfo };

const ERROR_KINDS = new Set(["fault", "hang", "crash", "protocol", "refused", "bounds", "compile", "analysis", "no-gpu", "internal"]);

function isObj(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The message, or a string that says what is wrong with it. */
export function parseWorkerMessage(raw: unknown): WorkerMessage | string {
  if (!isObj(raw)) return `expected an object, got ${raw === null ? "null" : typeof raw}`;
  const t = raw.type;
  const idOk = typeof raw.id === "number" && Number.isInteger(raw.id);
  switch (t) {
    case "ready":
      if (raw.version !== PROTOCOL_VERSION) return `worker speaks protocol ${String(raw.version)}, host ${PROTOCOL_VERSION}`;
      return typeof raw.pid === "number" ? (raw as WorkerMessage) : "ready without pid";
    case "progress":
      return idOk && typeof raw.stage === "string" ? (raw as WorkerMessage) : "progress needs id and stage";
    case "context":
      return idOk && typeof raw.mod === "string" ? (raw as WorkerMessage) : "context needs id and mod";
    case "result":
      return idOk && isObj(raw.result) ? (raw as WorkerMessage) : "result needs id and an object result";
    case "error": {
      if (!idOk || !isObj(raw.error)) return "error needs id and an error object";
      const e = raw.error;
      if (typeof e.kind !== "string" || !ERROR_KINDS.has(e.kind) || typeof e.message !== "string")
        return "error object needs a known kind and a message";
      return raw as WorkerMessage;
    }
    default:
      return `unknown message type ${JSON.stringify(t)}`;
  }
}
