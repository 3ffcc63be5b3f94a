// Heat maps execute the user's module (top-level code and the mod itself). A file that loops
// forever must not hang the language server, so the evaluation runs in a worker thread that is
// terminated after a time limit. The worker is this same bundle, started with WORKER_TAG.
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { maskView as heatMap, type ViewParams } from "../view/maskView";
import type { HeatMapResult } from "../protocol";
import { JobQueue } from "./jobQueue";
import type { FileAnalysis } from "../analysis/facts";

const WORKER_TAG = "scoremod-heatmap";
interface HeatMapJob { tag: typeof WORKER_TAG; fileName: string; text: string; params: ViewParams; fa: FileAnalysis }

/** True in a heat-map worker thread: the entry point must then serve the job and not start a server. */
export function isHeatMapWorker(): boolean {
  return !isMainThread && (workerData as HeatMapJob | undefined)?.tag === WORKER_TAG;
}

export function serveHeatMapJob(): void {
  const job = workerData as HeatMapJob;
  parentPort?.postMessage(heatMap(job.fileName, job.text, job.params, job.fa));
}

/**
 * Runs heatMap() in a worker thread started from `entry`; gives up after `timeoutMs` of its own
 * run (time spent queued does not count). At most 2 run at once and 6 wait; more are answered
 * "busy". Each worker's heap is capped at `memoryMb`.
 */
export function heatMapIsolated(entry: string, timeoutMs: number, limits: { running: number; queued: number; memoryMb: number } = { running: 2, queued: 6, memoryMb: 1024 }) {
  const queue = new JobQueue(limits.running, limits.queued);
  // The analysis comes from the caller (a warm host): a fresh TypeScript program per worker would
  // cost seconds.
  return (fileName: string, text: string, params: ViewParams, fa: FileAnalysis): Promise<HeatMapResult> => queue.run(
    () => runIsolated(entry, timeoutMs, limits.memoryMb, fileName, text, params, fa),
    () => ({ ok: false, error: `${params.mod}: busy: ${limits.running} heat maps are being computed and ${limits.queued} wait; try again when they finish` }),
  );
}

function runIsolated(entry: string, timeoutMs: number, memoryMb: number, fileName: string, text: string, params: ViewParams, fa: FileAnalysis): Promise<HeatMapResult> {
  return new Promise((resolve) => {
    const mod = params.mod;
    const job: HeatMapJob = { tag: WORKER_TAG, fileName, text, params, fa };
    const worker = new Worker(entry, { workerData: job, stdout: true, stderr: true, resourceLimits: { maxOldGenerationSizeMb: memoryMb } });
    let done = false;
    const finish = (r: HeatMapResult): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(r);
    };
    const timer = setTimeout(() => finish({
      ok: false,
      error: `${mod}: evaluating the file did not finish within ${timeoutMs} ms (does its top-level code or the mod loop forever?); stopped it`,
    }), timeoutMs);
    worker.once("message", (r: HeatMapResult) => finish(r));
    worker.once("error", (e) => finish({ ok: false, error: `${mod}: the evaluation failed: ${e.message}` }));
    worker.once("exit", (code) => finish({ ok: false, error: `${mod}: the evaluation stopped (exit code ${code}) before producing a heat map` }));
  });
}
