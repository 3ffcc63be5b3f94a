// A varlen job on the runner's kernels (docs/varlen.md), pure: the packed problem the kernel runs
// (B = 1 of TOTAL_Q queries and TOTAL_KV keys), the dims the mods see (B sequences, the longest
// Q and KV, the totals), the internal aux arrays the generated wrapper reads (codegen/cuda.ts
// VARLEN_AUX: cu_seqlens and each packed position's sequence), and the run's own obligation.
import { seqlensOf, varlenDims, type Seqlens } from "scoremod/varlen";
import type { ObligationCheck } from "./obligations";
import type { BenchJob } from "./types";

/** Lengths per sequence (queries, keys), as a job carries them. */
export type JobSeqlens = NonNullable<BenchJob["seqlens"]>;

export interface VarlenPlan {
  seqlens: Seqlens;
  /** What the mods see: dims B, Q, KV (the longest), TOTAL_Q, TOTAL_KV. */
  modDims: { B: number; Q: number; KV: number; TOTAL_Q: number; TOTAL_KV: number };
  /** What the kernel runs: the packed batch. */
  kernel: { B: 1; Q: number; KV: number };
  /** The internal arrays, by VARLEN_AUX name. */
  arrays: Record<"cu_seqlens_q" | "cu_seqlens_k" | "seq_of_q" | "seq_of_k", Int32Array>;
}

export function varlenPlan(job: JobSeqlens): VarlenPlan {
  const seqlens = seqlensOf(job.q, job.kv);
  const modDims = varlenDims(seqlens);
  const seqOf = (cu: readonly number[]): Int32Array => {
    const out = new Int32Array(cu[cu.length - 1]!);
    for (let b = 0; b + 1 < cu.length; b++) out.fill(b, cu[b]!, cu[b + 1]!);
    return out;
  };
  return {
    seqlens, modDims,
    kernel: { B: 1, Q: modDims.TOTAL_Q, KV: modDims.TOTAL_KV },
    arrays: {
      cu_seqlens_q: Int32Array.from(seqlens.cuQ), cu_seqlens_k: Int32Array.from(seqlens.cuKv),
      seq_of_q: seqOf(seqlens.cuQ), seq_of_k: seqOf(seqlens.cuKv),
    },
  };
}

/**
 * A V-lane chunk of the packed kv axis (kv0 % V == 0) lies in one sequence, at a local kv0 that is
 * a multiple of V (the tile contract the analysis proved widths under), exactly when every
 * sequence's key count is a multiple of V. V = 1 needs nothing.
 */
export function varlenObligation(plan: VarlenPlan, V: number): ObligationCheck | null {
  if (V <= 1) return null;
  const cu = plan.seqlens.cuKv;
  const bad = cu.slice(1).map((x, i) => [i, x - cu[i]!] as const).filter(([, n]) => n % V !== 0);
  const text = `every sequence's key count % ${V} == 0 (varlen, V = ${V})`;
  return bad.length === 0
    ? { text, ok: true, detail: `${cu.length - 1} sequences` }
    : { text, ok: false, detail: `sequence ${bad[0]![0]} has ${bad[0]![1]} keys${bad.length > 1 ? ` (and ${bad.length - 1} more)` : ""}: use lengths that are multiples of ${V}, or V = 1` };
}
