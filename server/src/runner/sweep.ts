// The V x align sweep (as in FA4's vectorization PR): every cell prepared once (analysed with its
// V and align, generated; cells share analyses of equal V or align), compiled (all cells' programs
// concurrently first), then run one by one with the usual checks. A cell that cannot be built
// records why; a fault ends the sweep.
// Each cell runs on the kernel planKernel picks for its V (on Hopper: V <= 2 on the wgmma
// kernel, wider V on the portable kernel) and its result says which.
import { jobFile, prepareJob, type PreparedJob } from "./prepare";
import { compileProgram, openDevice, runBench, type RunHooks } from "./run";
import { RunnerError, type Shape, type SweepCell, type SweepJob, type SweepResult } from "./types";

export const SWEEP_VECS = [1, 2, 4, 8, 16, 32, 64, 128];
export const SWEEP_ALIGNS: (number | "elem")[] = ["elem", 4, 8, 16];

export async function runSweep(job: SweepJob, hooks: RunHooks): Promise<SweepResult> {
  const dev = openDevice();
  const vecs = job.vecs ?? SWEEP_VECS, aligns = job.aligns ?? SWEEP_ALIGNS;
  const cells: SweepCell[] = [];
  for (const align of aligns) for (const vec of vecs) cells.push({ vec, align });

  hooks.progress("compile", `${cells.length} cells`);
  const pending: Promise<unknown>[] = [];
  const file = jobFile(job.fileName, job.text);
  const prepared = new Map<SweepCell, PreparedJob>();
  for (const c of cells) {
    try {
      const p = prepareJob(dev, { ...job, vec: c.vec, align: c.align }, file);
      prepared.set(c, p);
      for (const prog of [p.programs.vec, p.programs.scalar]) pending.push(compileProgram(prog, dev.arch, p.dir, job.mod).catch(() => undefined));
    } catch (e) {
      // An unset dim is the job's, not a cell's: the sweep refuses as a whole, before any compile.
      if (e instanceof RunnerError && e.info.missingDims) throw e;
      c.error = e instanceof RunnerError ? e.info : { kind: "internal", message: String(e) };
    }
  }
  await Promise.all(pending);

  for (const c of cells) {
    if (c.error) continue;
    hooks.progress("cell", `V=${c.vec} align=${c.align}`);
    try {
      c.result = await runBench({ ...job, vec: c.vec, align: c.align }, hooks, prepared.get(c));
    } catch (e) {
      if (!(e instanceof RunnerError)) throw e;
      if (e.info.kind === "fault") throw e;
      c.error = e.info;
    }
  }
  const shape: Required<Shape> = { Hkv: job.shape.H, ...job.shape };
  return { mod: job.mod, shape, device: dev.name, cells };
}
