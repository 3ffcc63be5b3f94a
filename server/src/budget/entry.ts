// The analysis worker shares its process's bundle (dist/cli.js, dist/server.js), as heat maps do:
// each entry point asks `isAnalysisWorker()` first and, in the worker, serves instead of starting.
import { isMainThread, workerData } from "node:worker_threads";
import { WORKER_TAG, type WorkerData } from "./protocol";
import { serveAnalysisWorker } from "./worker";

export function isAnalysisWorker(): boolean {
  return !isMainThread && (workerData as WorkerData | undefined)?.tag === WORKER_TAG;
}

export function serveAnalysis(): void { serveAnalysisWorker(workerData as WorkerData); }
