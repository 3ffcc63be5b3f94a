// Messages between the supervisor (host) and the runner worker process (child_process.fork,
// JSON over the IPC channel). Every message the host receives is validated by parseWorkerMessage:
// anything else is a protocol error and the worker is replaced.
import type { BenchJob, BenchResult, ProbeResult, RunnerErrorInfo, SweepJob, SweepResult } from "./types";

export const PROTOCOL_VERSION = 1;

export type HostRequest =
  | { type: "probe"; id: number }
  | { type: "bench"; id: number; job: BenchJob }
  | { type: "sweep"; id: number; job: SweepJob };

export type ResultOf<R extends HostRequest> = R extends { type: "probe" } ? ProbeResult : R extends { type: "bench" } ? BenchResult : SweepResult;

export type WorkerMessage =
  | { type: "ready"; version: number; pid: number }
  /** Progress also feeds the watchdog: the limit runs from the last message. */
  | { type: "progress"; id: number; stage: string; detail?: string }
  /** What the worker is about to launch, so a crash or hang can name the mod and load. */
  | { type: "context"; id: number; mod: string; load?: string; line?: number }
  | { type: "result"; id: number; result: ProbeResult | BenchResult | SweepResult }
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
