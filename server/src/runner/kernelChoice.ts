// Which attention kernel runs a job, and with which analysis target and V. On sm_90 the Hopper
// kernel (attention_wgmma.cuh) runs mods on wgmma accumulator pairs, so it takes V <= 2: an
// omitted V is capped at 2 there, and an explicit V > 2 runs on the portable kernel, which
// stages the S tile so a thread sees V consecutive kv. The result says which, and why.
import { analyze } from "../analysis/index";
import { RunnerError, type BenchJob, type RunnerKernel, type RunnerTargetId } from "./types";

export interface KernelDevice { sm: number; name: string }
export interface KernelPlan {
  kernel: RunnerKernel;
  /** The analysis target that describes the kernel (loads, widths, obligations). */
  target: RunnerTargetId;
  /** V of the job's mod and of its pair (undefined: the declared vecSize). */
  vec?: number;
  pairVec?: number;
  note?: string;
}

/** The pair path of the Hopper kernel (sm_mods::score_pair) takes V = 1 or 2. */
export const HOPPER_VEC_CAP = 2;

function portableTarget(dev: KernelDevice): RunnerTargetId {
  return dev.sm >= 90 ? "runner-sm90" : "runner-sm80";
}

function requested(job: Pick<BenchJob, "kernel">, env: NodeJS.ProcessEnv): "auto" | RunnerKernel {
  const k = job.kernel ?? env.SCOREMOD_KERNEL ?? "auto";
  if (k !== "auto" && k !== "wgmma" && k !== "mma") throw new RunnerError({ kind: "internal", message: `kernel '${k}': expected auto, wgmma or mma` });
  return k;
}

// Each mod's declared vecSize. A sweep plans every cell of one file: analyse it once.
let lastDeclared: { key: string; vecs: Map<string, number> } | null = null;
function declaredVecSizes(fileName: string, text: string): Map<string, number> {
  const key = `${fileName}\n${text}`;
  if (lastDeclared?.key !== key) {
    const fa = analyze(fileName, text, { target: "runner-hopper" });
    lastDeclared = { key, vecs: new Map(fa.mods.map((m) => [m.name, m.vecSize])) };
  }
  return lastDeclared.vecs;
}

/** The file's first mod (the one a CLI bench of every mod runs first), from the same cached analysis. */
export function firstModName(fileName: string, text: string): string | undefined {
  return declaredVecSizes(fileName, text).keys().next().value;
}

export function planKernel(dev: KernelDevice, job: Pick<BenchJob, "fileName" | "text" | "mod" | "pair" | "vec" | "kernel" | "seqlens">, env: NodeJS.ProcessEnv = process.env): KernelPlan {
  const want = requested(job, env);
  const portable: KernelPlan = { kernel: "mma", target: portableTarget(dev), vec: job.vec };
  if (want === "mma") return portable;
  if (job.seqlens) {
    // The Hopper kernel's producer warps stage aux rows by the packed position, which a varlen
    // mod does not index by (it sees positions inside its sequence): the portable kernel runs it.
    const why = "a varlen batch runs on the portable kernel (the Hopper kernel stages aux rows by packed position)";
    if (want === "wgmma") throw new RunnerError({ kind: "refused", mod: job.mod, message: `mod '${job.mod}': ${why}` });
    return { ...portable, note: why };
  }
  if (dev.sm !== 90) {
    if (want === "wgmma") throw new RunnerError({ kind: "refused", mod: job.mod, message: `the Hopper kernel (wgmma) needs an sm_90 GPU; ${dev.name} is sm_${dev.sm}` });
    return portable;
  }
  const vecs = declaredVecSizes(job.fileName, job.text);
  const declared = (name?: string) => (name === undefined ? undefined : vecs.get(name));
  const v = job.vec ?? Math.min(declared(job.mod) ?? 1, HOPPER_VEC_CAP);
  if (v > HOPPER_VEC_CAP) {
    const why = `V = ${v}: the Hopper kernel's wgmma accumulator gives a thread kv pairs (V <= ${HOPPER_VEC_CAP})`;
    if (want === "wgmma") throw new RunnerError({ kind: "refused", mod: job.mod, message: `mod '${job.mod}': ${why}` });
    return { ...portable, note: `${why}; ran on the portable kernel, which stages the S tile` };
  }
  const pairDeclared = job.pair ? declared(job.pair) : undefined;
  const pairVec = pairDeclared === undefined ? undefined : Math.min(pairDeclared, HOPPER_VEC_CAP);
  const capped = [job.vec === undefined && (declared(job.mod) ?? 1) > v ? `${job.mod} declares V = ${declared(job.mod)}` : "",
    pairDeclared !== undefined && pairDeclared > HOPPER_VEC_CAP ? `${job.pair} declares V = ${pairDeclared}` : ""].filter(Boolean);
  return {
    kernel: "wgmma", target: "runner-hopper", vec: v, pairVec,
    note: capped.length ? `V capped at ${HOPPER_VEC_CAP} (${capped.join(", ")}): the Hopper kernel's wgmma accumulator gives a thread kv pairs` : undefined,
  };
}
