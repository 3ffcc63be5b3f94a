// A file's own dims (any dim name other than the problem's B, H, Q, KV and the packed totals) and
// the ones a run leaves unset. A run never picks a size for them: a size the user did not choose
// makes a tensor of the wrong extent, and an index into it reads out of bounds or a different
// table than the user meant. The CLI (runInputs.ts), the runner's job preparation (prepare.ts)
// and the extension (its Run Sizes command) all ask this module.
import type { FileAnalysis } from "../analysis/facts";

/** The dims the problem's shape sets (--shape in the CLI, the shape setting in the editor). */
export const SHAPE_DIMS: ReadonlySet<string> = new Set(["B", "H", "Q", "KV"]);
/** The packed totals (runtime/index.d.ts SeqInfo): B * Q for a shape, the lengths' sum for a varlen batch. */
export const TOTAL_DIMS: ReadonlySet<string> = new Set(["TOTAL_Q", "TOTAL_KV"]);

/** Where a dim is used: the tensors whose shape or strides name it, the mods that read it with dim("..."). */
export interface DimUse { name: string; tensors: string[]; mods: string[] }

/** Every dim name the file uses, in first-use order, with where it is used. */
export function fileDimUses(fa: FileAnalysis): DimUse[] {
  const uses = new Map<string, DimUse>();
  const use = (name: string) => {
    let u = uses.get(name);
    if (!u) uses.set(name, (u = { name, tensors: [], mods: [] }));
    return u;
  };
  const add = (list: string[], who: string) => { if (!list.includes(who)) list.push(who); };
  for (const t of fa.tensors) {
    for (const d of t.shape) if (typeof d === "string") add(use(d).tensors, t.name);
    for (const p of t.strides) for (const term of p) for (const v of term.vars) add(use(v).tensors, t.name);
  }
  for (const m of fa.mods) {
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) { x.forEach(walk); return; }
      if (!x || typeof x !== "object") return;
      const node = x as { k?: unknown; name?: unknown };
      if (node.k === "dim" && typeof node.name === "string") add(use(node.name).mods, m.name);
      for (const v of Object.values(x)) walk(v);
    };
    walk(m.body);
  }
  return [...uses.values()];
}

/** The file's own dims (the ones a run must be told), with where each is used. */
export function ownDimUses(fa: FileAnalysis): DimUse[] {
  return fileDimUses(fa).filter((u) => !SHAPE_DIMS.has(u.name) && !TOTAL_DIMS.has(u.name));
}

/** The own dims of `fa` that `given` does not set. */
export function missingDims(fa: FileAnalysis, given: Readonly<Record<string, number>> | undefined): DimUse[] {
  return ownDimUses(fa).filter((u) => given?.[u.name] === undefined);
}

/** "KVW (tensor packed)", "STEP (mod m)": where each missing dim is used. */
function describeUse(u: DimUse): string {
  const where = [
    ...(u.tensors.length ? [`${u.tensors.length > 1 ? "tensors" : "tensor"} ${u.tensors.join(", ")}`] : []),
    ...(u.mods.length ? [`dim("${u.name}") in ${u.mods.join(", ")}`] : []),
  ];
  return `${u.name} (${where.join("; ")})`;
}

/**
 * The one message for unset dims: each dim, where it is used, and `how` the caller's user sets
 * it (e.g. `--dim KVW=N`, given the dims' names).
 */
export function missingDimsMessage(file: string, missing: readonly DimUse[], how: (names: string[]) => string): string {
  const names = missing.map((u) => u.name);
  return `${file} uses ${missing.length > 1 ? "dims" : "dim"} ${missing.map(describeUse).join(", ")} that this run does not set, and a run never guesses a size: ${how(names)}`;
}
