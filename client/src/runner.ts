// The client's side of GPU work: one supervised runner process (server/src/runner), probed once
// at start-up for the status bar. Nothing here can crash the extension host: every failure
// becomes a RunnerErrorInfo the UI shows (no GPU, fault, hang, compile error, ...).
import * as vscode from "vscode";
import { formatStep, formatVsNone, formatVsNoneShort, KERNEL_LABELS } from "scoremod-server/runner/format";
import { RunnerSupervisor } from "scoremod-server/runner/supervisor";
import {
  RunnerError, type BenchJob, type BenchResult, type HeatMapJob, type ProbeResult, type RunnerErrorInfo, type SweepJob, type SweepResult,
} from "scoremod-server/runner/types";
import type { HeatMapResult } from "scoremod-server/protocol";
import { describeUserAux } from "./auxFiles";
import type { ClientSettings } from "./config";
import type { BenchSummary } from "./results";

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: RunnerErrorInfo };

export function toErrorInfo(e: unknown): RunnerErrorInfo {
  if (e instanceof RunnerError) return e.info;
  return { kind: "internal", message: e instanceof Error ? e.message : String(e) };
}

export function describeError(e: RunnerErrorInfo): string {
  const where = e.mod ? ` [${e.mod}${e.load ? ` · ${e.load}` : ""}${e.line ? ` · line ${e.line}` : ""}]` : "";
  return `${e.kind}: ${e.message}${where}`;
}

/** `asked`: the job's auxFiles, named when the result does not report its aux sources. */
export function benchSummary(r: BenchResult, asked: Record<string, string> = {}): BenchSummary {
  const userAux = describeUserAux(r.auxSources, asked);
  const ref = r.checks.find((c) => c.name === "reference-kernel");
  const vec = r.checks.find((c) => c.name === "vec-vs-scalar");
  return {
    target: KERNEL_LABELS[r.kernel]?.short ?? r.kernel, vecSize: r.vec, note: r.kernelNote,
    timeMs: r.timing?.ms ?? NaN, tflops: r.timing?.tflops ?? NaN,
    vecEqualsScalar: !!vec && vec.ok && !vec.skipped,
    maxError: ref?.maxAbsErr ?? NaN,
    registers: r.compile.registers, spills: r.compile.spillStores + r.compile.spillLoads,
    ...(r.blockSparsity ? { skipped: r.blockSparsity.sparsity } : {}),
    ...(userAux ? { userAux } : {}),
    ...(r.timing?.step ? { unsteady: formatStep(r.timing.step, r.timing.reps) } : {}),
    ...(r.timing?.vsNone ? { vsNone: { cost: formatVsNoneShort(r), detail: formatVsNone(r) } } : {}),
  };
}

export class Runner implements vscode.Disposable {
  private sup: RunnerSupervisor | null = null;
  private probed: Promise<Outcome<ProbeResult>> | null = null;
  /** Where progress of the run in flight goes (the notification's message). */
  private reporter: ((message: string) => void) | null = null;

  constructor(private readonly settings: () => ClientSettings, private readonly log: (line: string) => void) {}

  private supervisor(): RunnerSupervisor {
    if (!this.sup) {
      const s = this.settings();
      this.sup = new RunnerSupervisor({
        idleLimitMs: s.runnerTimeoutMs,
        env: s.cudaHome ? { CUDA_HOME: s.cudaHome } : undefined,
        onProgress: (stage, detail) => {
          const line = `${stage}${detail ? `: ${detail}` : ""}`;
          this.log(`[runner] ${line}`);
          this.reporter?.(line);
        },
      });
    }
    return this.sup;
  }

  probe(force = false): Promise<Outcome<ProbeResult>> {
    if (!this.probed || force) this.probed = this.guard(() => this.supervisor().probe());
    return this.probed;
  }

  bench(job: BenchJob, token: vscode.CancellationToken, report?: (m: string) => void): Promise<Outcome<BenchResult>> {
    return this.guard(() => this.supervisor().bench(job), token, report);
  }

  sweep(job: SweepJob, token: vscode.CancellationToken, report?: (m: string) => void): Promise<Outcome<SweepResult>> {
    return this.guard(() => this.supervisor().sweep(job), token, report);
  }

  /** The heat map, computed in the runner's worker process (it executes the file). */
  heatMap(job: HeatMapJob): Promise<Outcome<HeatMapResult>> {
    return this.guard(() => this.supervisor().heatMap(job));
  }

  /** Runs `fn`; cancelling kills the worker process (the next request starts a fresh one). */
  private async guard<T>(fn: () => Promise<T>, token?: vscode.CancellationToken, report?: (m: string) => void): Promise<Outcome<T>> {
    this.reporter = report ?? null;
    const sub = token?.onCancellationRequested(() => { this.sup?.dispose(); this.log("[runner] cancelled: worker stopped"); });
    try {
      return { ok: true, value: await fn() };
    } catch (e) {
      const error = token?.isCancellationRequested ? { kind: "internal" as const, message: "cancelled" } : toErrorInfo(e);
      this.log(`[runner] ${describeError(error)}${error.log ? `\n${error.log}` : ""}`);
      return { ok: false, error };
    } finally {
      sub?.dispose();
      this.reporter = null;
    }
  }

  dispose(): void { this.sup?.dispose(); this.sup = null; }
}
