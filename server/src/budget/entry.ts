// The analysis worker shares its process's bundle (dist/cli.js, dist/server.js), as heat maps do:
// each entry point asks `isAnalysisWorker()` first and, in the worker, serves instead of starting.
import { isMainThread, workerData } from "node:worker_threads";
import { WORKER_TAG, type WorkerData } from "./protocol";

export function isAnalysisWorker(): boolean {
  return !isMainThread && (workerData as WorkerData | undefined)?.tag === WORKER_TAG;
}

/** Serves in this worker thread. The analysis (and TypeScript) loads only here, not in every entry point that asks. */
export function serveAnalysis(): void {
  void import("./worker").then((w) => w.serveAnalysisWorker(workerData as WorkerData));
}
