// The V x align sweep (as in FA4's vectorization PR): every cell re-analysed with its V and
// align, regenerated, compiled (all cells' programs compile concurrently first), then run one by
// one with the usual checks. A cell that cannot be built records why; a fault ends the sweep.
// Each cell runs on the kernel planKernel picks for its V (on Hopper: V <= 2 on the wgmma
// kernel, wider V on the portable kernel) and its result says which.
import { planKernel } from "./kernelChoice";
import { buildProgram, prepareMod, readGeometry } from "./source";
import { compileProgram, kernelDir, openDevice, runBench, type RunHooks } from "./run";
import { RunnerError, type Shape, type SweepCell, type SweepJob, type SweepResult } from "./types";

export const SWEEP_VECS = [1, 2, 4, 8, 16, 32, 64, 128];
export const SWEEP_ALIGNS: (number | "elem")[] = ["elem", 4, 8, 16];

export async function runSweep(job: SweepJob, hooks: RunHooks): Promise<SweepResult> {
  const dev = openDevice();
  const dir = kernelDir(job);
  const geometry = readGeometry(dir);
  const vecs = job.vecs ?? SWEEP_VECS, aligns = job.aligns ?? SWEEP_ALIGNS;
  const cells: SweepCell[] = [];
  for (const align of aligns) for (const vec of vecs) cells.push({ vec, align });

  hooks.progress("compile", `${cells.length} cells`);
  const pending: Promise<unknown>[] = [];
  for (const c of cells) {
    try {
      const plan = planKernel(dev, { ...job, vec: c.vec });
      const p = prepareMod(job.fileName, job.text, job.mod, { vec: plan.vec, align: c.align, target: plan.target });
      for (const build of ["vec", "scalar"] as const) {
        const prog = buildProgram({ score: p.mod.kind === "score" ? p : undefined, mask: p.mod.kind === "mask" ? p : undefined, build, dtype: job.dtype ?? "bf16", D: job.shape.D, bounds: false, geometry, kernel: plan.kernel });
        pending.push(compileProgram(prog, dev.arch, dir, job.mod).catch(() => undefined));
      }
    } catch (e) {
      c.error = e instanceof RunnerError ? e.info : { kind: "internal", message: String(e) };
    }
  }
  await Promise.all(pending);

  for (const c of cells) {
    if (c.error) continue;
    hooks.progress("cell", `V=${c.vec} align=${c.align}`);
    try {
      c.result = await runBench({ ...job, vec: c.vec, align: c.align }, hooks);
    } catch (e) {
      if (!(e instanceof RunnerError)) throw e;
      if (e.info.kind === "fault") throw e;
      c.error = e.info;
    }
  }
  const shape: Required<Shape> = { Hkv: job.shape.H, ...job.shape };
  return { mod: job.mod, shape, device: dev.name, cells };
}
