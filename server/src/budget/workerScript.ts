// Which script the analysis worker thread starts from. Kept apart from budgetedAnalysis.ts (which
// loads TypeScript) so an entry point can name it before anything heavy is initialised.
let workerScript: string | null = null;

/**
 * The script `sharedAnalysis()` starts its worker from: the entry point calls this with its own
 * bundle (which then serves as the worker, entry.ts). $SCOREMOD_ANALYSIS_WORKER overrides it.
 */
export function useWorkerScript(path: string | null): void { workerScript = path; }

export function defaultWorkerEntry(): string | null {
  return process.env.SCOREMOD_ANALYSIS_WORKER || workerScript;
}
