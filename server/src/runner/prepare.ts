// The host side of a runner job, computed once per job: which kernel, each mod analysed and
// generated (an align override travels in the analysis options; the user's text is never
// rewritten), the translation units to compile, and the user's module evaluated in Node. A sweep
// prepares every cell once, compiles, then runs the same preparations.
import type { LoadedScoreModule } from "scoremod/load";
import { analyze } from "../analysis/index";
import type { FileAnalysis } from "../analysis/facts";
import { blockedMessage } from "../analysis/generatable";
import { generateCuda } from "../codegen/cuda";
import { kernelsIncludeDir } from "../toolchain/nvcc";
import { loadUserModule } from "../view/loadModule";
import { missingDims, missingDimsMessage } from "./ownDims";
import { planKernel, type KernelDevice, type KernelPlan } from "./kernelChoice";
import { WG, buildProgram, floatPositionsFor, readGeometry, wgBlockN, type PreparedMod, type Program } from "./source";
import { RunnerError, type BenchJob, type RunnerTargetId } from "./types";

interface AnalysisKey { target: RunnerTargetId; vecSize?: number; align?: number | "elem"; tileN?: number }

/**
 * A job's file: its analyses by (target, V, align) and its module, each computed at most once.
 * A sweep's cells share one, so cells with the same V or align share analyses.
 */
export class JobFile {
  private readonly analyses = new Map<string, FileAnalysis>();
  private loaded: LoadedScoreModule | undefined;
  constructor(readonly fileName: string, readonly text: string) {}

  analysis(key: AnalysisKey): FileAnalysis {
    const k = `${key.target} ${key.vecSize ?? "declared"} ${key.align ?? "declared"} ${key.tileN ?? "default"}`;
    let fa = this.analyses.get(k);
    if (!fa) {
      fa = analyze(this.fileName, this.text, { target: key.target, vecSize: key.vecSize, align: key.align, tileN: key.tileN });
      this.analyses.set(k, fa);
    }
    return fa;
  }

  /** The user's module, evaluated with the runtime DSL (float64 reference, sample data). */
  module(): LoadedScoreModule {
    return (this.loaded ??= loadUserModule(this.fileName, this.text));
  }
}

const recentFiles = new Map<string, JobFile>();

/**
 * The JobFile of this text, shared by the jobs of one worker process: the mods of a file benched
 * one after another (the CLI's default) or the editor's repeated runs analyse and load it once.
 */
export function jobFile(fileName: string, text: string): JobFile {
  const key = `${fileName}\0${text}`;
  let f = recentFiles.get(key);
  if (f) {
    recentFiles.delete(key);
  } else {
    f = new JobFile(fileName, text);
    if (recentFiles.size >= 4) recentFiles.delete(recentFiles.keys().next().value!);
  }
  recentFiles.set(key, f);
  return f;
}

/** Analyse and generate one mod at V (default: its declared vecSize) and at V = 1. */
export function prepareMod(fileName: string, text: string, modName: string, opts: { vec?: number; align?: number | "elem"; target: RunnerTargetId; varlen?: boolean; tileN?: number }, file = new JobFile(fileName, text)): PreparedMod {
  const fa = file.analysis({ target: opts.target, vecSize: opts.vec, align: opts.align, tileN: opts.tileN });
  const mod = fa.mods.find((m) => m.name === modName);
  if (!mod) {
    throw new RunnerError({ kind: "analysis", mod: modName, message: `no mod named '${modName}' in ${fileName} (mods: ${fa.mods.map((m) => m.name).join(", ") || "none"})` });
  }
  // The analysis's one decision (ModFact.blocking), as the editor's CodeLens and the CLI read it.
  const blocked = blockedMessage(mod, fileName);
  if (blocked) throw new RunnerError({ kind: "analysis", mod: modName, message: blocked });
  const fa1 = file.analysis({ target: opts.target, vecSize: 1, align: opts.align, tileN: opts.tileN });
  try {
    const gen = { varlen: opts.varlen === true };
    return { fa, mod, vec: generateCuda(fa, modName, gen), scalar: generateCuda(fa1, modName, gen), text };
  } catch (e) {
    throw new RunnerError({ kind: "analysis", mod: modName, message: `code generation for '${modName}' failed: ${(e as Error).message}` });
  }
}

/** The kernel headers: the job's, else where the toolchain finds them (toolchain/nvcc.ts). */
export function kernelDir(job: Pick<BenchJob, "kernelDir">): string {
  try {
    return kernelsIncludeDir(job.kernelDir);
  } catch (e) {
    throw new RunnerError({ kind: "internal", message: (e as Error).message });
  }
}

export interface PreparedJob {
  plan: KernelPlan;
  primary: PreparedMod;
  other?: PreparedMod;
  score?: PreparedMod;
  mask?: PreparedMod;
  mods: PreparedMod[];
  /** The kernel headers' directory (include path of every compile). */
  dir: string;
  /** The V-lane build, the V = 1 build (bitwise check) and, on demand, the bounds-checked build. */
  programs: { vec: Program; scalar: Program; bounds(): Program };
  file: JobFile;
}

export function prepareJob(dev: KernelDevice, job: BenchJob, file = jobFile(job.fileName, job.text)): PreparedJob {
  const plan = planKernel(dev, job);
  const varlen = job.seqlens !== undefined;
  let primary = prepareMod(job.fileName, job.text, job.mod, { vec: plan.vec, align: job.align, target: plan.target, varlen }, file);
  // Before anything is compiled or allocated: every tensor of the file is placed, so every own dim
  // it uses needs a size.
  const missing = missingDims(primary.fa, job.dims);
  if (missing.length) {
    throw new RunnerError({
      kind: "analysis", mod: job.mod, missingDims: missing.map((u) => u.name),
      message: missingDimsMessage(job.fileName, missing, (names) => `set ${names.map((n) => `${n}=N`).join(", ")} (scoremod bench: ${names.map((n) => `--dim ${n}=N`).join(" ")}; the editor: "Score Mod: Set Run Sizes for This File…")`),
    });
  }
  const other = job.pair ? prepareMod(job.fileName, job.text, job.pair, { vec: plan.pairVec, align: job.align, target: plan.target, varlen }, file) : undefined;
  if (other && other.mod.kind === primary.mod.kind) {
    throw new RunnerError({ kind: "analysis", mod: job.mod, message: `cannot pair '${job.mod}' with '${job.pair}': both are ${primary.mod.kind} mods` });
  }
  let blockN = wgBlockN({ kernel: plan.kernel, D: job.shape.D, score: primary.mod.kind === "score" ? primary : other, mask: primary.mod.kind === "mask" ? primary : other });
  if (blockN !== WG.blockN) {
    // A wider tile (a lone score mod: wgBlockN) stages its rows that wide: the mod analysed and
    // generated again at that width; should a row no longer fit the stage, the job keeps 128.
    const wide = prepareMod(job.fileName, job.text, job.mod, { vec: plan.vec, align: job.align, target: plan.target, varlen, tileN: blockN }, file);
    if (wgBlockN({ kernel: plan.kernel, D: job.shape.D, score: wide }) === blockN) primary = wide;
    else blockN = WG.blockN;
  }
  const score = primary.mod.kind === "score" ? primary : other;
  const mask = primary.mod.kind === "mask" ? primary : other;
  const dir = kernelDir(job);
  const floatPositions = plan.kernel === "wgmma" && floatPositionsFor(score, job.shape.Q, job.shape.KV);
  const base = { score, mask, dtype: job.dtype ?? "bf16", D: job.shape.D, geometry: readGeometry(dir), kernel: plan.kernel, blockN, floatPositions } as const;
  return {
    plan, primary, other, score, mask, mods: other ? [primary, other] : [primary], dir, file,
    programs: {
      vec: buildProgram({ ...base, build: "vec", bounds: false }),
      scalar: buildProgram({ ...base, build: "scalar", bounds: false }),
      bounds: () => buildProgram({ ...base, build: "vec", bounds: true }),
    },
  };
}
