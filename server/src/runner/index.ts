// The runner's public API for hosts (CLI, language server, extension): a supervised runner
// process, its request/response types, text formatting, and fault diagnosis.
import * as native from "scoremod-native";
import type { ProbeResult } from "scoremod-native";
import { nvccOrEmpty } from "../toolchain/nvcc";
import { RunnerSupervisor } from "./supervisor";
import { RunnerError, type BenchJob, type BenchResult } from "./types";

export { RunnerSupervisor, defaultWorkerPath, type SupervisorOptions } from "./supervisor";
export { formatBench, formatSweep } from "./format";
/** The addon's probe, in this process (loading it never throws), with the nvcc the runner would use: is there a GPU to run on, and if not, why. */
export function probeNative(): ProbeResult {
  return native.probe(nvccOrEmpty());
}
export * from "./types";

/**
 * bench(), and when the kernel faults, one more run of the same job in a fresh process with the
 * bounds-checked build and no timing, so the error can name the tensor, load, line and index
 * (a plain fault only knows the CUDA error). The original fault is kept when the rerun finds
 * nothing (the fault was not an aux index).
 */
export async function benchDiagnosed(sup: RunnerSupervisor, job: BenchJob): Promise<BenchResult> {
  try {
    return await sup.bench(job);
  } catch (e) {
    if (!(e instanceof RunnerError) || e.info.kind !== "fault" || job.checks?.bounds) throw e;
    let found: RunnerError | null = null;
    try {
      await sup.bench({ ...job, timing: null, checks: { ...job.checks, bounds: true, referenceKernel: false, jsReference: false, vecVsScalar: false } });
    } catch (again) {
      if (again instanceof RunnerError && again.info.kind === "bounds") found = again;
    }
    if (!found) throw e;
    throw new RunnerError({ ...found.info, kind: "fault", message: `${e.message}\n  cause (bounds-checked rerun): ${found.message}` });
  }
}
