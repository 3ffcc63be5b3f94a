// Bundled alone to dist/lib/prestart.js, which the CLI's loader (scripts/build.mjs) requires for
// `scoremod bench` before it loads the CLI: the runner process starts then, in parallel with the
// CLI's own start (about 0.3 s), and the bench's supervisor adopts it (spawnWorker.ts).
import { existsSync } from "node:fs";
import { BENCH_WORKER_ENV, prestartWorker } from "./spawnWorker";

export function prestart(workerPath: string): void {
  if (existsSync(workerPath)) prestartWorker(workerPath, BENCH_WORKER_ENV);
}
