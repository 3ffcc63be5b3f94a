// Index safety before launch: the analysis's bounds verdicts at the run's real sizes
// (server/src/analysis/bounds.ts). A violated index refuses the run, naming load, index and a
// witness; an unproven one makes the run use the bounds-checked build first, on the real tensors,
// so no benchmark is ever timed on a kernel that read outside a tensor.
import { describeBounds, loadBounds, type BoundsShape, type LoadBounds } from "../analysis/bounds";
import type { FileAnalysis, ModFact } from "../analysis/facts";
import { RunnerError } from "./types";

export interface BoundsReport {
  loads: LoadBounds[];
  /** Some index is neither proven nor violated: the bounds-checked build must run. */
  unproven: boolean;
}

/** Verdicts for every load of the mods; throws RunnerError "bounds" on a violated index (unless `enforce` is false: fault-injection tests). */
export function boundsGate(mods: { fa: FileAnalysis; mod: ModFact }[], shape: BoundsShape, dims: Record<string, number>, scalars: Record<string, number>, enforce = true): BoundsReport {
  const loads = mods.flatMap((m) => loadBounds(m.fa, m.mod, shape, dims, scalars));
  const bad = loads.find((l) => l.verdict === "violated");
  if (bad && enforce) {
    const i = bad.indices.find((x) => x.verdict === "violated")!;
    const w = i.witness!;
    throw new RunnerError({
      kind: "bounds", mod: bad.mod, load: bad.text, line: bad.line, tensor: bad.tensor,
      message: `mod '${bad.mod}': refused before launch: ${bad.tensor} in ${bad.text} at line ${bad.line}, dim ${i.dim}: index ${w.index} not in [0, ${i.extent}) at b=${w.b}, h=${w.h}, q=${w.q}, kv=${w.kv} (B=${shape.B} H=${shape.H} Q=${shape.Q} KV=${shape.KV}; proven by the analysis${bad.assumes.length ? `, given the declared values of ${bad.assumes.join(", ")}` : ""})`,
    });
  }
  return { loads, unproven: loads.some((l) => l.verdict === "obligation") };
}

export { describeBounds };
